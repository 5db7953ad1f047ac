"""**Duplicate of #N**: an admin closes an idea as a duplicate of another, its voters may
move their votes there, and the admin may undo it within a week.

The mark points at the end of the chain (marking #3 a duplicate of #2, itself a duplicate of
#1, points #3 at #1). The idea's status changes like any status change (recorded in its
history), but its people hear of it from here, once each: a voter's DM carries the button that
moves their vote, and a vote moves only with that click. Moved votes are rows of their own,
counted by `storage.votes` beside the reactions; undoing the mark takes them back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.core import typed
from bot.core.typed import parse_id
from bot.duplicates import blocks, rules
from bot.foundation import retried_posts
from bot.foundation.context import Context
from bot.ideas.answer_blocks import private_note
from bot.slack.text import escape
from bot.statuses.commands import is_admin
from storage import duplicates, ideas, statuses, votes
from storage.models import Idea
from storage.vocabulary import ANONYMOUS_AUTHOR, DUPLICATE

log = logging.getLogger(__name__)


async def command(ctx: Context, *, user_id: str, text: str) -> dict:
    """`/idea duplicate 3 of 1` and `/idea duplicate undo 3`: the private answer."""
    if not is_admin(ctx, user_id):
        return private_note(rules.NOT_AN_ADMIN)
    parsed = rules.parse(text)
    if isinstance(parsed, str):
        return private_note(f"{escape(parsed)}\nYou typed: `/idea duplicate {escape(text)}`")
    if isinstance(parsed, rules.UndoCommand):
        return private_note(await undo(ctx, user_id=user_id, idea_id=parsed.idea_id))
    return await mark(
        ctx, user_id=user_id, idea_id=parsed.idea_id, duplicate_of=parsed.duplicate_of
    )


async def mark(ctx: Context, *, user_id: str, idea_id: int, duplicate_of: int) -> dict:
    """Close `idea_id` as a duplicate of `duplicate_of` (or of the end of its chain) and tell
    its author and voters; the admin's answer, with Undo."""
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=idea_id)
        target = await ideas.get_idea(session=session, idea_id=duplicate_of)
        if idea is None or target is None:
            missing = idea_id if idea is None else duplicate_of
            return private_note(f"There is no idea #{missing}. `/idea top all` lists them.")
        chain = await duplicates.chain(session=session, idea_id=duplicate_of)
        problem = rules.mark_problem(
            idea_id=idea_id, duplicate_of=duplicate_of, status=idea.status, target_chain=chain
        )
        if problem is not None:
            return private_note(escape(problem))
        original = await ideas.get_idea(session=session, idea_id=chain[-1])
        assert original is not None  # the chain holds stored ideas only
        row = await duplicates.mark(
            session=session,
            idea_id=idea_id,
            expected_status=idea.status,
            duplicate_of=chain[-1],
            marked_by=user_id,
            reason=f"Duplicate of #{chain[-1]}",
        )
        if row is None:
            return private_note("Someone changed this idea just now. Please try again.")
        voters = await votes.voters(session=session, idea_id=idea_id)
        voters -= await duplicates.muted(session=session, idea_id=idea_id)
        others = await statuses.audience(session=session, idea_id=idea_id) - voters
    idea.status = DUPLICATE
    ctx.signals.idea_changed(idea)
    if idea.channel_id and idea.message_ts:
        await retried_posts.post_once(
            ctx,
            job=retried_posts.DUPLICATE_REPLY,
            key=f"{row.id}:marked",
            channel=idea.channel_id,
            thread_ts=idea.message_ts,
            message=blocks.marked_reply(original=original, marked_by=user_id),
        )
    mark_id = row.id or 0
    told = 0
    for person in sorted(voters | others):
        if person == ANONYMOUS_AUTHOR or not await ctx.users.reachable(person):
            continue
        message = (
            blocks.voter_dm(idea=idea, original=original, mark_id=mark_id)
            if person in voters
            else blocks.author_dm(idea=idea, original=original)
        )
        told += await retried_posts.post_once(
            ctx,
            job=retried_posts.DUPLICATE_DM,
            key=f"{mark_id}:{person}",
            channel=person,
            message=message,
        )
    return blocks.marked_answer(idea=idea, original=original, mark_id=mark_id, told=told)


async def undo(
    ctx: Context, *, user_id: str, idea_id: int | None = None, mark_id: int | None = None
) -> str:
    """Reopen the duplicate (named by idea or by mark) with its previous status and take its
    moved votes back; the admin's answer."""
    now = datetime.now(UTC)
    async with ctx.db.session() as session:
        if mark_id is not None:
            row = await duplicates.get_mark(session=session, mark_id=mark_id)
            if row is not None and row.undone_at is not None:
                return f"Idea #{row.idea_id} was reopened already."
        else:
            row = await duplicates.standing_mark(session=session, idea_id=idea_id or 0)
        if row is None:
            if idea_id is None:
                return "That duplicate is no longer on record: there is nothing to undo."
            return f"Idea #{idea_id} is not marked a duplicate: there is nothing to undo."
        problem = rules.undo_problem(
            idea_id=row.idea_id, marked_at=ideas.as_utc(row.marked_at), now=now
        )
        if problem is not None:
            return escape(problem)
        undone = await duplicates.undo(
            session=session,
            mark_id=row.id or 0,
            undone_by=user_id,
            now=now,
            reason=f"Not a duplicate of #{row.duplicate_of} after all",
        )
        if undone is None:
            return f"Idea #{row.idea_id} was reopened already."
        idea = await ideas.get_idea(session=session, idea_id=row.idea_id)
        original = await ideas.get_idea(session=session, idea_id=row.duplicate_of)
    for changed in (idea, original):
        if changed is not None:
            ctx.signals.idea_changed(changed)
    if idea is not None and idea.channel_id and idea.message_ts:
        await retried_posts.post_once(
            ctx,
            job=retried_posts.DUPLICATE_REPLY,
            key=f"{row.id}:reopened",
            channel=idea.channel_id,
            thread_ts=idea.message_ts,
            message=blocks.reopened_reply(original_id=row.duplicate_of, undone_by=user_id),
        )
    return (
        f":leftwards_arrow_with_hook: Idea #{row.idea_id} is open again ({row.previous_status}); "
        f"votes moved to #{row.duplicate_of} are back on it."
    )


async def undo_click(ctx: Context, *, user_id: str, value: str) -> str:
    """**Undo** in the admin's confirmation."""
    if not is_admin(ctx, user_id):
        return rules.NOT_AN_ADMIN
    mark_id = parse_id(value)
    if mark_id is None:
        return "That button no longer works: use `/idea duplicate undo <idea number>`."
    return await undo(ctx, user_id=user_id, mark_id=mark_id)


async def move_vote(ctx: Context, *, user_id: str, value: str) -> str:
    """**Move my vote** in a voter's DM: once per voter and mark, only while the mark stands
    and the voter's vote on the duplicate does. The answer for the voter."""
    mark_id = typed.parse_id(value)
    async with ctx.db.session() as session:
        row = await duplicates.get_mark(session=session, mark_id=mark_id or 0)
        if row is None:
            return "That duplicate is no longer on record: nothing moved."
        if row.undone_at is not None:
            return f"Idea #{row.idea_id} is not a duplicate after all: your vote stays there."
        # The chain may have grown since the DM: the vote lands at its end.
        to_idea = (await duplicates.chain(session=session, idea_id=row.duplicate_of))[-1]
        moved = await duplicates.moved_vote(session=session, mark_id=row.id or 0, voter_id=user_id)
        if moved is not None:
            return f":white_check_mark: Done already: your vote counts for #{moved.to_idea_id}."
        if user_id not in await votes.voters(session=session, idea_id=row.idea_id):
            return f"You no longer vote for #{row.idea_id}, so there is no vote to move."
        already = user_id in await votes.voters(session=session, idea_id=to_idea)
        if not await duplicates.move_vote(
            session=session,
            mark_id=row.id or 0,
            voter_id=user_id,
            from_idea=row.idea_id,
            to_idea=to_idea,
        ):
            return f":white_check_mark: Done already: your vote counts for #{to_idea}."
        changed = [
            await ideas.get_idea(session=session, idea_id=row.idea_id),
            await ideas.get_idea(session=session, idea_id=to_idea),
        ]
    for idea in changed:
        if isinstance(idea, Idea):
            ctx.signals.idea_changed(idea)
    if already:
        return (
            f":white_check_mark: Your vote is on #{to_idea}: you had voted for it already, "
            "so it counts once."
        )
    return f":white_check_mark: Your vote moved from #{row.idea_id} to #{to_idea}."
