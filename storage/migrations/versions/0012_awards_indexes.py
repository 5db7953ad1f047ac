"""Indexes for the monthly awards: an idea's standing votes, each voter's first reaction and
its department read from one index alone (no table row per vote), and the month's distinct
voters found by a skip over voters rather than a distinct over the month's votes; the
month's posted ideas listed and counted from an index, not their rows (text and all).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_vote_reactions_standing",
        "vote_reactions",
        ["idea_id", "active", "voter_id", "updated_at", "voter_department"],
    )
    op.create_index(
        "ix_vote_reactions_voter_standing", "vote_reactions", ["voter_id", "active", "updated_at"]
    )
    op.create_index("ix_ideas_posted", "ideas", ["created_at", "message_ts", "id"])


def downgrade() -> None:
    op.drop_index("ix_ideas_posted", table_name="ideas")
    op.drop_index("ix_vote_reactions_voter_standing", table_name="vote_reactions")
    op.drop_index("ix_vote_reactions_standing", table_name="vote_reactions")
