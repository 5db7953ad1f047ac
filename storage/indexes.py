"""Indexes beyond the models' own, for the programme's numbers (migration 0011) and the monthly
awards (migration 0012), declared on the models' tables so the migrated schema and the models
agree.

For the awards: an idea's standing votes, each voter's first reaction and its department come
from one index alone, with no table row read per vote; the month's distinct voters come from a
skip over voters instead of a distinct over the month's million votes; the month's posted
ideas are listed and counted from an index rather than their rows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from storage.models import Idea, VoteReaction

sa.Index(
    "ix_vote_reactions_standing",
    col(VoteReaction.idea_id),
    col(VoteReaction.active),
    col(VoteReaction.voter_id),
    col(VoteReaction.updated_at),
    col(VoteReaction.voter_department),
)
sa.Index(
    "ix_vote_reactions_voter_standing",
    col(VoteReaction.voter_id),
    col(VoteReaction.active),
    col(VoteReaction.updated_at),
)
sa.Index("ix_ideas_posted", col(Idea.created_at), col(Idea.message_ts), col(Idea.id))


# The programme's numbers read ideas and votes by the department recorded on them: a month's
# distinct voters per department in index order, with no sort of a million votes; a month's
# ideas and authors per department; whether a department was heard lately.
sa.Index(
    "ix_ideas_department_created",
    col(Idea.author_department),
    col(Idea.created_at),
    col(Idea.author_id),
)
sa.Index(
    "ix_vote_reactions_department_voter",
    col(VoteReaction.voter_department),
    col(VoteReaction.voter_id),
    col(VoteReaction.created_at),
)
