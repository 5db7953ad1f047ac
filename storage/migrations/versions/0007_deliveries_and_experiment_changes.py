"""Where each claimed post goes (so any replica can post it again), and which experiment a
status change came from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("target_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))
    op.create_index("ix_job_runs_job_status", "job_runs", ["job", "status"])
    with op.batch_alter_table("idea_status_changes") as batch:
        batch.add_column(
            sa.Column(
                "experiment_id",
                sa.Integer(),
                sa.ForeignKey(
                    "experiments.id",
                    name="fk_idea_status_changes_experiment",
                    ondelete="SET NULL",
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("idea_status_changes") as batch:
        batch.drop_column("experiment_id")
    op.drop_index("ix_job_runs_job_status", table_name="job_runs")
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_column("thread_ts")
        batch.drop_column("target_channel")
