"""Ideas marked as duplicates, and votes moved to the idea they duplicate with their
voters' consent.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _idea(name: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "idea_duplicates",
        sa.Column("id", sa.Integer(), primary_key=True),
        _idea("idea_id"),
        _idea("duplicate_of"),
        sa.Column("previous_status", sa.String(length=32), nullable=False),
        sa.Column("marked_by", sa.String(length=32), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_by", sa.String(length=32), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_idea_duplicates_idea_id", "idea_duplicates", ["idea_id"], unique=False)
    op.create_table(
        "moved_votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "duplicate_id",
            sa.Integer(),
            sa.ForeignKey("idea_duplicates.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("voter_id", sa.String(length=32), nullable=False),
        _idea("from_idea_id"),
        _idea("to_idea_id"),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("duplicate_id", "voter_id", name="uq_moved_votes"),
    )
    op.create_index("ix_moved_votes_to", "moved_votes", ["to_idea_id", "voter_id"], unique=False)
    op.create_index(
        "ix_moved_votes_from", "moved_votes", ["from_idea_id", "voter_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_moved_votes_from", table_name="moved_votes")
    op.drop_index("ix_moved_votes_to", table_name="moved_votes")
    op.drop_table("moved_votes")
    op.drop_index("ix_idea_duplicates_idea_id", table_name="idea_duplicates")
    op.drop_table("idea_duplicates")
