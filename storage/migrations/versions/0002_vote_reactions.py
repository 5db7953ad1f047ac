"""Vote reactions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vote_reactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id",
            sa.Integer(),
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("voter_id", sa.String(length=32), nullable=False),
        sa.Column("emoji", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("event_ts", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("idea_id", "voter_id", "emoji", name="uq_vote_reactions"),
    )
    op.create_index("ix_ideas_post", "ideas", ["channel_id", "message_ts"])


def downgrade() -> None:
    op.drop_index("ix_ideas_post", table_name="ideas")
    op.drop_table("vote_reactions")
