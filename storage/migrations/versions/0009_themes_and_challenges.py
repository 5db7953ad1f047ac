"""Themes and "How might we …?" challenges, and where each idea points.

Also drops `ix_ideas_post`, which repeated the index that `uq_ideas_post` already gives
(the models never declared it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False, unique=True),
        sa.Column("vision", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("emoji", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_themes_owner_id", "themes", ["owner_id"])
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("judged_by", sa.Text(), nullable=False),
        sa.Column(
            "theme_id",
            sa.Integer(),
            sa.ForeignKey("themes.id", name="fk_challenges_theme", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("sponsor_id", sa.String(length=32), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("target_channel", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
    )
    op.create_index("ix_challenges_status", "challenges", ["status"])
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(
            sa.Column(
                "theme_id",
                sa.Integer(),
                sa.ForeignKey("themes.id", name="fk_ideas_theme", ondelete="SET NULL"),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column(
                "challenge_id",
                sa.Integer(),
                sa.ForeignKey("challenges.id", name="fk_ideas_challenge", ondelete="SET NULL"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("challenge_entry_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("challenge_won_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_ideas_theme_id", ["theme_id"])
        batch.create_index("ix_ideas_challenge_id", ["challenge_id"])
    op.drop_index("ix_ideas_post", table_name="ideas")


def downgrade() -> None:
    op.create_index("ix_ideas_post", "ideas", ["channel_id", "message_ts"])
    with op.batch_alter_table("ideas") as batch:
        batch.drop_index("ix_ideas_challenge_id")
        batch.drop_index("ix_ideas_theme_id")
        batch.drop_column("challenge_won_at")
        batch.drop_column("challenge_entry_ts")
        batch.drop_column("challenge_id")
        batch.drop_column("theme_id")
    op.drop_index("ix_challenges_status", table_name="challenges")
    op.drop_table("challenges")
    op.drop_index("ix_themes_owner_id", table_name="themes")
    op.drop_table("themes")
