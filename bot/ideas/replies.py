"""What Lightbulb tells a person privately about their idea."""

from __future__ import annotations

from collections.abc import Sequence

from bot.foundation import claims, retried_posts
from bot.foundation.context import Context
from bot.ideas import anonymity, answer_blocks, publishing
from bot.ideas.publishing import PostOutcome
from bot.ideas.rules import IdeaDraft
from storage import ideas

RETRY_HINT = (
    "Lightbulb tries again by itself every minute, and tells you here once it is posted; "
    "`/idea retry` tries at once."
)
SLACK_IS_BACK_HINT = (
    "It will be posted as soon as Slack answers again, and you'll get a message here when it "
    "is: there is nothing you need to do."
)
REFUSED = (
    "Slack would not take your idea's post (`{code}`), not even in its plainest form, so "
    "Lightbulb will not try it again."
)
SEND_IT_AGAIN = "Please send it again in other words (fewer emoji or a shorter summary help)."

TOO_MANY = (
    f"That's more than {claims.IDEAS_PER_MINUTE} ideas from you in a minute, so this one "
    "is not posted yet: keep the good ones coming, a little slower."
)
NOT_SAVED = "Lightbulb couldn't save your idea just now: its database did not answer."
TRY_AGAIN = "Please send it again in a minute."

_OPERATOR_ERRORS = {
    "not_in_channel": (
        "Lightbulb isn't a member of <#{channel}> yet. Ask someone there to type "
        "`/invite @Lightbulb`, then send `/idea retry`."
    ),
    "channel_not_found": (
        "Lightbulb can't find its ideas channel (<#{channel}>): it may be private or "
        "archived. Ask your Lightbulb admin to check IDEAS_CHANNEL, then send `/idea retry`."
    ),
    "is_archived": (
        "The ideas channel <#{channel}> is archived. Ask your Lightbulb admin to set a new "
        "IDEAS_CHANNEL, then send `/idea retry`."
    ),
}


def outcome_text(outcome: PostOutcome) -> str:
    """The confirmation, or a plain account of what went wrong and how to post again."""
    if outcome.posted:
        where = f"<#{outcome.channel_id}>"
        link = f" <{outcome.permalink}|See it and vote>." if outcome.permalink else ""
        return f":white_check_mark: Your idea #{outcome.idea_id} is posted in {where}.{link}"
    if outcome.in_progress:
        return f":hourglass: Idea #{outcome.idea_id} is being posted right now."
    saved = f"Your idea is saved as #{outcome.idea_id}, so nothing is lost."
    template = _OPERATOR_ERRORS.get(outcome.error or "")
    if template:
        return f":warning: {saved} {template.format(channel=outcome.channel_id)}"
    if outcome.refused:
        return f":warning: {REFUSED.format(code=outcome.error)} {SEND_IT_AGAIN}"
    hint = SLACK_IS_BACK_HINT if outcome.slack_unavailable else RETRY_HINT
    return f":warning: Slack didn't accept the post just now (`{outcome.error}`). {saved} {hint}"


def retry_summary(outcomes: Sequence[PostOutcome]) -> str:
    if not outcomes:
        return ":white_check_mark: All your ideas are already posted: there is nothing to retry."
    return "\n".join(outcome_text(outcome) for outcome in outcomes)


async def share(ctx: Context, *, author_id: str, draft: IdeaDraft) -> dict:
    """Capture the idea and say how it went: the message for its author. When it could not
    even be stored, the message gives back everything they typed."""
    if not await claims.may_share_idea(ctx, author_id=author_id):
        return answer_blocks.handed_back(problem=TOO_MANY, text=typed(draft), next_step=TRY_AGAIN)
    try:
        outcome = await publishing.capture_idea(ctx, author_id=author_id, draft=draft)
    except publishing.NotSaved:
        return answer_blocks.handed_back(problem=NOT_SAVED, text=typed(draft), next_step=TRY_AGAIN)
    if outcome.refused:
        return _refused(outcome, draft)
    return {"text": outcome_text(outcome)}


def typed(draft: IdeaDraft) -> str:
    """Everything the person wrote, to hand back."""
    return "\n\n".join(part for part in (draft.text, draft.problem, draft.details) if part)


async def post_unposted_ideas(ctx: Context) -> list[PostOutcome]:
    """Post every idea Slack did not take, and tell each author, in a DM, how it went: they
    were told it would be posted by itself."""
    outcomes = await publishing.post_again(ctx)
    for outcome in outcomes:
        if outcome.posted or outcome.refused:
            await _tell_author(ctx, outcome)
    return outcomes


async def _tell_author(ctx: Context, outcome: PostOutcome) -> None:
    async with ctx.db.session() as session:
        idea = await ideas.get_idea(session=session, idea_id=outcome.idea_id)
    author = await anonymity.author_to_tell(ctx, idea) if idea is not None else None
    if idea is None or author is None:
        return
    message = (
        {"text": outcome_text(outcome)}
        if outcome.posted
        else _refused(outcome, IdeaDraft(idea.text, idea.problem or "", idea.details or ""))
    )
    await retried_posts.post_once(
        ctx,
        job=retried_posts.IDEA_OUTCOME_DM,
        key=str(outcome.idea_id),
        channel=author,
        message=message,
    )


def _refused(outcome: PostOutcome, draft: IdeaDraft) -> dict:
    problem = REFUSED.format(code=outcome.error)
    return answer_blocks.handed_back(problem=problem, text=typed(draft), next_step=SEND_IT_AGAIN)
