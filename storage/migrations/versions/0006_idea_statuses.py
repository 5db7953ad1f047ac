"""Idea owners, the history of status changes, and muted notifications.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(sa.Column("owner_id", sa.String(length=32), nullable=True))
    op.create_table(
        "idea_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id",
            sa.Integer(),
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_idea_status_changes_idea_id", "idea_status_changes", ["idea_id"])
    op.create_table(
        "idea_mutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id",
            sa.Integer(),
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("idea_id", "user_id", name="uq_idea_mutes"),
    )


def downgrade() -> None:
    op.drop_table("idea_mutes")
    op.drop_index("ix_idea_status_changes_idea_id", table_name="idea_status_changes")
    op.drop_table("idea_status_changes")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("owner_id")
