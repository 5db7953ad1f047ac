"""Offers of help on ideas, experiment teams (as the history of their changes) and the
introductions between authors and helpers.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id", sa.Integer(), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("helper_id", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=True),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("idea_id", "helper_id", name="uq_help_offers"),
    )
    op.create_index("ix_help_offers_helper_id", "help_offers", ["helper_id"])
    op.create_table(
        "experiment_team_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "experiment_id",
            sa.Integer(),
            sa.ForeignKey("experiments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("joined", sa.Boolean(), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=True),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_experiment_team_changes_experiment_id", "experiment_team_changes", ["experiment_id"]
    )
    op.create_index("ix_experiment_team_changes_user_id", "experiment_team_changes", ["user_id"])
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id", sa.Integer(), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("people", sa.String(length=200), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.UniqueConstraint("idea_id", "people", name="uq_introductions_people"),
    )
    op.create_table(
        "introduction_seats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column(
            "introduction_id",
            sa.Integer(),
            sa.ForeignKey("introductions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("user_id", "week", name="uq_introduction_seats"),
    )
    op.create_index(
        "ix_introduction_seats_introduction_id", "introduction_seats", ["introduction_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_introduction_seats_introduction_id", table_name="introduction_seats")
    op.drop_table("introduction_seats")
    op.drop_table("introductions")
    op.drop_index("ix_experiment_team_changes_user_id", table_name="experiment_team_changes")
    op.drop_index("ix_experiment_team_changes_experiment_id", table_name="experiment_team_changes")
    op.drop_table("experiment_team_changes")
    op.drop_index("ix_help_offers_helper_id", table_name="help_offers")
    op.drop_table("help_offers")
