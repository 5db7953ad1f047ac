"""People and their departments, the department recorded on each idea and vote, and the
weekly exploration check-ins.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=32), primary_key=True),
        sa.Column("department", sa.String(length=80), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_people_department", "people", ["department"])
    op.create_table(
        "exploration_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column(
            "experiment_id",
            sa.Integer(),
            sa.ForeignKey("experiments.id", name="fk_exploration_experiment", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("user_id", "week", name="uq_exploration_week"),
    )
    op.create_index("ix_exploration_checkins_week", "exploration_checkins", ["week"])
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(sa.Column("author_department", sa.String(length=80), nullable=True))
    with op.batch_alter_table("vote_reactions") as batch:
        batch.add_column(sa.Column("voter_department", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vote_reactions") as batch:
        batch.drop_column("voter_department")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("author_department")
    op.drop_index("ix_exploration_checkins_week", table_name="exploration_checkins")
    op.drop_table("exploration_checkins")
    op.drop_index("ix_people_department", table_name="people")
    op.drop_table("people")
