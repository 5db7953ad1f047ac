"""Who works where, and the weekly exploration check-ins: the facts the programme's numbers
are computed from."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class Person(SQLModel, table=True):
    """A person's department as last read from Slack (`DEPARTMENT_SOURCE`). Ideas and votes
    copy it when they happen, so a later move never rewrites what was recorded then.
    `active` is false for bots and deactivated accounts, who count in no headcount."""

    __tablename__ = "people"

    user_id: str = Field(primary_key=True, max_length=32)
    department: str | None = Field(default=None, max_length=80, index=True)
    active: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ExplorationCheckin(SQLModel, table=True):
    """One person's answer about their exploration time in one ISO week. The row is the
    claim on asking: inserted before the DM goes, so nobody is asked twice in a week."""

    __tablename__ = "exploration_checkins"
    __table_args__ = (sa.UniqueConstraint("user_id", "week", name="uq_exploration_week"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32)
    week: str = Field(max_length=10, index=True)  # ISO week, e.g. 2026-W49
    department: str | None = Field(default=None, max_length=80)
    asked_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    # none, under_2h, 2_4h or more; empty until they answer.
    answer: str | None = Field(default=None, max_length=16)
    experiment_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("experiments.id", name="fk_exploration_experiment", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    answered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
