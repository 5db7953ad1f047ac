"""Indexes for the programme's numbers: a month's distinct voters per department read from one
index in its order (no sort of a million votes), a month's ideas and authors per department
from another, and "has this department been heard from lately" answered by a look-up per
department in each.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_vote_reactions_department_voter",
        "vote_reactions",
        ["voter_department", "voter_id", "created_at"],
    )
    op.create_index(
        "ix_ideas_department_created", "ideas", ["author_department", "created_at", "author_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_ideas_department_created", table_name="ideas")
    op.drop_index("ix_vote_reactions_department_voter", table_name="vote_reactions")
