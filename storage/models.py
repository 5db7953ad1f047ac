"""Every table Lightbulb stores, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.vocabulary import ChallengeStatus, ExperimentStatus, IdeaStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class Idea(SQLModel, table=True):
    """An idea as captured. `channel_id`/`message_ts` are set once its post is in Slack;
    `post_claimed_at` marks a post in progress so that two workers never post it twice."""

    __tablename__ = "ideas"
    __table_args__ = (sa.UniqueConstraint("channel_id", "message_ts", name="uq_ideas_post"),)

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_type=sa.Text)
    problem: str | None = Field(default=None, sa_type=sa.Text)
    details: str | None = Field(default=None, sa_type=sa.Text)
    author_id: str = Field(max_length=32, index=True)
    status: str = Field(default=IdeaStatus.NEW, max_length=32, index=True)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    post_claimed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    post_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    posted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    owner_id: str | None = Field(default=None, max_length=32)
    theme_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("themes.id", name="fk_ideas_theme", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )
    challenge_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("challenges.id", name="fk_ideas_challenge", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )
    # Where the idea is listed in its challenge card's thread, once it is.
    challenge_entry_ts: str | None = Field(default=None, max_length=32)
    # When the challenge's sponsor (or the people, by their votes) chose it as a winner.
    challenge_won_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    author_department: str | None = Field(default=None, max_length=80)  # when it was posted


class VoteReaction(SQLModel, table=True):
    """One vote emoji from one person on one idea. A person's vote exists while at least one
    of their rows for the idea is active, so two vote emojis still make one vote.

    `event_ts` is Slack's timestamp of the latest event applied to the row: an older event
    (a late retry) never overwrites a newer one, and a redelivered one changes nothing.
    """

    __tablename__ = "vote_reactions"
    __table_args__ = (
        sa.UniqueConstraint("idea_id", "voter_id", "emoji", name="uq_vote_reactions"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            # The unique index (idea_id, voter_id, emoji) already serves look-ups by idea.
            sa.Integer,
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    voter_id: str = Field(max_length=32)
    emoji: str = Field(max_length=100)
    active: bool = Field(default=True)
    event_ts: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    voter_department: str | None = Field(default=None, max_length=80)  # when they voted


class Experiment(SQLModel, table=True):
    """A hypothesis put to the test, shared with the whole company."""

    __tablename__ = "experiments"

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    hypothesis: str = Field(sa_type=sa.Text)
    metric: str = Field(sa_type=sa.Text)
    owner_id: str = Field(max_length=32, index=True)
    started_by: str = Field(max_length=32)
    ends_on: date = Field(sa_type=sa.Date)
    status: str = Field(default=ExperimentStatus.RUNNING, max_length=32, index=True)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    concluded_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    snoozed_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class ExperimentUpdate(SQLModel, table=True):
    """Progress posted by the owner, threaded under the experiment card."""

    __tablename__ = "experiment_updates"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("experiments.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    author_id: str = Field(max_length=32)
    text: str = Field(sa_type=sa.Text)
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Learning(SQLModel, table=True):
    """What a concluded experiment taught us, whatever its outcome. One per experiment."""

    __tablename__ = "learnings"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("experiments.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    outcome: str = Field(max_length=32)
    learned: str = Field(sa_type=sa.Text)
    next_step: str = Field(sa_type=sa.Text)
    author_id: str = Field(max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Award(SQLModel, table=True):
    """A monthly award as announced: the winner (rank 1) and runner-ups, with the counts
    that decided them, kept so that later votes never rewrite history."""

    __tablename__ = "awards"
    __table_args__ = (sa.UniqueConstraint("period", "category", "rank", name="uq_awards_rank"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=16, index=True)
    category: str = Field(max_length=40)
    rank: int
    idea_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="SET NULL"), nullable=True
        ),
    )
    learning_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("learnings.id", ondelete="SET NULL"), nullable=True
        ),
    )
    winner_id: str = Field(max_length=32)
    title: str = Field(sa_type=sa.Text)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    votes: int = Field(default=0)
    departments: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    congratulated_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class StatusChange(SQLModel, table=True):
    """One change of an idea's status: who, when, from, to, and why. `notified_at` is the
    claim on telling the author and voters, so that they are told once."""

    __tablename__ = "idea_status_changes"

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    changed_by: str = Field(max_length=32)
    from_status: str = Field(max_length=32)
    to_status: str = Field(max_length=32)
    reason: str = Field(default="", sa_type=sa.Text)
    owner_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    notified_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Set when starting or cancelling an experiment made the change.
    experiment_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey(
                "experiments.id", name="fk_idea_status_changes_experiment", ondelete="SET NULL"
            ),
            nullable=True,
        ),
    )


class IdeaMute(SQLModel, table=True):
    """Someone who asked not to hear about an idea's status changes."""

    __tablename__ = "idea_mutes"
    __table_args__ = (sa.UniqueConstraint("idea_id", "user_id", name="uq_idea_mutes"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Theme(SQLModel, table=True):
    """Where the company is going, in a few words: ideas point at a theme, and its owner makes
    the first decision on each new one. An archived theme stays on the ideas that have it."""

    __tablename__ = "themes"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    vision: str = Field(sa_type=sa.Text)
    owner_id: str = Field(max_length=32, index=True)
    emoji: str = Field(default="dart", max_length=100)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    archived_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Challenge(SQLModel, table=True):
    """A "How might we …?" question put to everyone between two dates.

    `status` moves scheduled → open → closed → decided; `channel_id`/`message_ts` are the card's
    post once it is in Slack. Every post about it is claimed per (job, challenge, step) in
    `job_runs`, so each is made once.
    """

    __tablename__ = "challenges"

    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(sa_type=sa.Text)
    why: str = Field(sa_type=sa.Text)
    judged_by: str = Field(sa_type=sa.Text)
    theme_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("themes.id", name="fk_challenges_theme", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    sponsor_id: str = Field(max_length=32)
    opens_on: date = Field(sa_type=sa.Date)
    closes_on: date = Field(sa_type=sa.Date)
    # Where the card goes (the ideas channel unless the form picked another).
    target_channel: str = Field(max_length=32)
    status: str = Field(default=ChallengeStatus.SCHEDULED, max_length=16, index=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    # Set once, when a challenge with no ideas at its close was given one more week.
    extended: bool = Field(default=False)
    closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Who picked the winners; empty when nobody did and the people's choice was announced.
    decided_by: str | None = Field(default=None, max_length=32)
