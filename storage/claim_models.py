"""Rows that are claims: whoever inserts or takes one acts, and nobody else does. One
scheduled post for a period, one learning prompt, one recent answer to someone."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class LearningPrompt(SQLModel, table=True):
    """One DM asking an owner for their learning. The row is claimed before the DM is sent,
    so two replicas or two runs of the job never send the same prompt twice."""

    __tablename__ = "learning_prompts"
    __table_args__ = (
        sa.UniqueConstraint("experiment_id", "slot", name="uq_learning_prompts_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False
        )
    )
    slot: str = Field(max_length=64)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    message_ts: str | None = Field(default=None, max_length=32)


class JobRun(SQLModel, table=True):
    """One period of a scheduled post, e.g. (`monthly-awards`, `2026-10`).

    The unique (job, period) row is the claim: only the process that inserts it, or that
    takes over a failed or stuck one, posts. `payload` is the message as first composed, so a
    retry posts exactly that, however the data changed since.
    """

    __tablename__ = "job_runs"
    __table_args__ = (
        sa.UniqueConstraint("job", "period", name="uq_job_runs_period"),
        sa.Index("ix_job_runs_job_status", "job", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    period: str = Field(max_length=32)
    status: str = Field(max_length=16)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    claimed_by: str = Field(default="", max_length=128)
    attempts: int = Field(default=1)
    payload: str | None = Field(default=None, sa_type=sa.Text)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    posted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    error: str | None = Field(default=None, max_length=200)
    # Where the post goes (a channel, or a person for a DM) and the thread it replies in.
    target_channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)


class ReplyLimit(SQLModel, table=True):
    """When Lightbulb last answered something, by a key like `dm:U123`: the row is claimed
    before answering, so that several replicas together still answer at most once a while."""

    __tablename__ = "reply_limits"

    key: str = Field(primary_key=True, max_length=128)
    last_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
