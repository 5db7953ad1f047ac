"""Ideas marked as duplicates of others, and the votes their voters agreed to move.

A moved vote is not a reaction: the start-up repair re-reads reactions from Slack and drops
the rows Slack does not show, so a vote moved by consent lives in its own table and is
counted beside the reactions (`storage.votes`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class DuplicateMark(SQLModel, table=True):
    """`idea_id` closed as a duplicate of `duplicate_of` (the end of the chain when it was
    marked). Undone when `undone_at` is set; `previous_status` is what the idea goes back to."""

    __tablename__ = "idea_duplicates"

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    duplicate_of: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    previous_status: str = Field(max_length=32)
    marked_by: str = Field(max_length=32)
    marked_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    undone_by: str | None = Field(default=None, max_length=32)
    undone_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class MovedVote(SQLModel, table=True):
    """One voter's consent to move their vote from a duplicate to the idea it duplicates:
    once per mark and voter. It counts on `to_idea_id` (once, beside any reaction there) and
    no longer on `from_idea_id`, until `undone_at` is set."""

    __tablename__ = "moved_votes"
    __table_args__ = (
        sa.UniqueConstraint("duplicate_id", "voter_id", name="uq_moved_votes"),
        sa.Index("ix_moved_votes_to", "to_idea_id", "voter_id"),
        sa.Index("ix_moved_votes_from", "from_idea_id", "voter_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    duplicate_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("idea_duplicates.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    voter_id: str = Field(max_length=32)
    from_idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    to_idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    moved_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    undone_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
