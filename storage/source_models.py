"""Where an idea saved from a Slack message came from, and messages attached to ideas as
evidence."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class IdeaSource(SQLModel, table=True):
    """The message an idea was saved from (**Save as idea**). `author_id` wrote the message;
    the idea's own author is who saved it. A private conversation's `permalink` is shown to
    the submitter only: `public` says whether anyone may see it."""

    __tablename__ = "idea_sources"
    __table_args__ = (sa.Index("ix_idea_sources_message", "channel_id", "message_ts"),)

    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
        )
    )
    kind: str = Field(max_length=16)  # customer, colleague or own (storage.vocabulary)
    author_id: str | None = Field(default=None, max_length=32)
    channel_id: str = Field(max_length=32)
    channel_name: str | None = Field(default=None, max_length=200)
    message_ts: str = Field(max_length=32)
    # The thread the message is a reply in, if it is one: where the "saved as" reply goes.
    thread_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    public: bool
    # The "💡 saved as idea #N" reply in the message's thread, once it is posted.
    reply_ts: str | None = Field(default=None, max_length=32)


class IdeaEvidence(SQLModel, table=True):
    """A message attached to an idea (**Add to an idea**), quoted in the idea's thread."""

    __tablename__ = "idea_evidence"
    __table_args__ = (
        sa.UniqueConstraint("idea_id", "channel_id", "message_ts", name="uq_idea_evidence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    added_by: str = Field(max_length=32)
    author_id: str | None = Field(default=None, max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    public: bool
    quote: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    # The quote's reply in the idea's thread, once it is posted.
    thread_ts: str | None = Field(default=None, max_length=32)
