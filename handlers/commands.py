"""`/idea` and its subcommands: each subcommand is one small function, found in a table."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.awards import rules as award_rules
from bot.challenges import listing as challenge_listing
from bot.challenges import pickers
from bot.challenges import rules as challenge_rules
from bot.challenges import service as challenges
from bot.core import typed
from bot.core.clock import today
from bot.experiments import team as experiment_team
from bot.foundation import claims
from bot.foundation.context import Context
from bot.ideas import answer_blocks, lists, publishing, replies
from bot.ideas import rules as capture
from bot.numbers import service as numbers
from bot.search import service as search
from bot.search import similar
from bot.slack import payload
from bot.slack.modals import open_modal
from bot.slack.text import escape
from bot.statuses import commands as status_commands
from bot.themes import rules as theme_rules
from bot.themes import service as themes
from handlers.duplicates import command as duplicate_command

log = logging.getLogger(__name__)

COMMAND = "/idea"
Action = capture.Action


def register(app: AsyncApp, ctx: Context) -> None:
    async def on_idea_command(
        ack: AsyncAck, command: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await idea_command(ctx, ack=ack, command=command, client=client, respond=respond)

    app.command(COMMAND)(on_idea_command)


@dataclass(frozen=True)
class Invocation:
    """One `/idea …` as Slack sent it, with what the rules read in it."""

    ctx: Context
    ack: AsyncAck
    command: dict
    client: AsyncWebClient
    respond: AsyncRespond
    parsed: capture.ParsedCommand

    @property
    def user_id(self) -> str:
        return payload.as_text(self.command.get("user_id"))

    @property
    def text(self) -> str:
        return self.parsed.text


async def idea_command(
    ctx: Context,
    *,
    ack: AsyncAck,
    command: dict,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    parsed = capture.parse_command(payload.as_text(command.get("text")))
    await SUBCOMMANDS[parsed.action](Invocation(ctx, ack, command, client, respond, parsed))


async def _help(call: Invocation) -> None:
    if call.text.lower() == "awards":
        await call.ack(**answer_blocks.private_note(award_rules.RULES_TEXT))
        return
    settings = call.ctx.settings
    await call.ack(
        **answer_blocks.help_message(
            ideas_channel=settings.ideas_channel,
            vote_emojis=settings.vote_emojis,
            unknown=call.parsed.unknown,
            anonymous=settings.anonymous_ideas,
        )
    )


async def _form(call: Invocation) -> None:
    await call.ack()
    await _open_form(call)


async def _top(call: Invocation) -> None:
    await call.ack()
    await call.respond(**await lists.top_ideas(call.ctx, text=call.text))


async def _mine(call: Invocation) -> None:
    await call.ack()
    await call.respond(**await lists.my_ideas(call.ctx, author_id=call.user_id))


async def _experiment(call: Invocation) -> None:
    await call.ack()
    idea_id = typed.parse_id(call.text)
    form = await experiment_team.form_for_idea(call.ctx, owner_id=call.user_id, idea_id=idea_id)
    if not await open_modal(call.client, payload.trigger_id(call.command), form):
        await call.respond(
            text=":warning: Slack didn't let me open the experiment form just now. "
            "Please try `/idea experiment` again."
        )


async def _status(call: Invocation) -> None:
    await call.ack()
    reply = await status_commands.status_command(call.ctx, user_id=call.user_id, text=call.text)
    await call.respond(**answer_blocks.private_note(reply))


async def _history(call: Invocation) -> None:
    reply = await status_commands.history_command(call.ctx, text=call.text)
    await call.ack(**answer_blocks.private_note(reply))


async def _mute(call: Invocation) -> None:
    action = call.parsed.action
    idea_id = typed.parse_id(call.text)
    if idea_id is None:
        await call.ack(text=f"Which idea? Use `/idea {action.value} 12`.")
        return
    reply = await status_commands.mute(
        call.ctx, idea_id=idea_id, user_id=call.user_id, muted=action is Action.MUTE
    )
    await call.ack(text=reply)


async def _retry(call: Invocation) -> None:
    await call.ack(text=":hourglass: Posting your saved ideas again…")
    outcomes = await publishing.post_again(call.ctx, author_id=call.user_id)
    await call.respond(text=replies.retry_summary(outcomes))


async def _share(call: Invocation) -> None:
    problem = capture.quick_idea_problem(call.text)
    if problem is not None:
        await _hand_back(call, problem=problem)
        return
    await call.ack()
    ctx = call.ctx
    if not await claims.first_delivery(ctx, key=f"command:{payload.trigger_id(call.command)}"):
        await call.respond(text=claims.ALREADY_HANDLED)
        return
    trigger = payload.trigger_id(call.command)
    offer = await similar.quick_idea_offer(ctx, author_id=call.user_id, text=call.text, key=trigger)
    if offer is not None:
        await call.respond(**offer)  # "Vote for one of these instead, or post yours anyway"
        return
    draft = capture.IdeaDraft(call.text)
    await call.respond(**await replies.share(ctx, author_id=call.user_id, draft=draft))


async def _challenge(call: Invocation) -> None:
    form = await challenges.form_for(
        call.ctx, user_id=call.user_id, today=today(call.ctx.settings.tz)
    )
    if form is None:
        await call.ack(**answer_blocks.private_note(challenge_rules.REFUSAL))
        return
    await call.ack()
    if not await open_modal(call.client, payload.trigger_id(call.command), form):
        await call.respond(
            text=":warning: Slack didn't let me open the challenge form just now. "
            "Please try `/idea challenge` again."
        )


async def _challenges(call: Invocation) -> None:
    await call.ack()
    await call.respond(**await challenge_listing.challenges_command(call.ctx))


async def _theme(call: Invocation) -> None:
    command = theme_rules.parse_theme_command(call.text)
    verb = theme_rules.Verb
    if command.verb is verb.USAGE:
        await call.ack(**answer_blocks.private_note(escape(theme_rules.USAGE)))
        return
    await call.ack()
    if command.verb in (verb.ARCHIVE, verb.UNARCHIVE):
        reply = await themes.set_archived(
            call.ctx,
            user_id=call.user_id,
            name=command.name,
            archived=command.verb is verb.ARCHIVE,
        )
        await call.respond(**answer_blocks.private_note(reply))
        return
    form = await themes.form_for(call.ctx, user_id=call.user_id, command=command)
    if isinstance(form, str):
        await call.respond(**answer_blocks.private_note(form))
    elif not await open_modal(call.client, payload.trigger_id(call.command), form):
        await call.respond(
            text=":warning: Slack didn't let me open the theme form just now. "
            f"Please try `/idea theme {escape(call.text)}` again."
        )


async def _themes(call: Invocation) -> None:
    await call.ack()
    await call.respond(**answer_blocks.private_note(await themes.theme_list(call.ctx)))


async def _search(call: Invocation) -> None:
    await call.ack()
    await call.respond(
        **await search.answer(
            call.ctx,
            words=call.text,
            learnings_only=call.parsed.action is Action.LEARNINGS,
        )
    )


async def _stats(call: Invocation) -> None:
    await call.ack()
    await call.respond(**await numbers.stats_command(call.ctx, text=call.text))


SUBCOMMANDS: dict[Action, Callable[[Invocation], Awaitable[None]]] = {
    Action.IDEA: _share,
    Action.FORM: _form,
    Action.HELP: _help,
    Action.RETRY: _retry,
    Action.TOP: _top,
    Action.MINE: _mine,
    Action.EXPERIMENT: _experiment,
    Action.STATUS: _status,
    Action.HISTORY: _history,
    Action.MUTE: _mute,
    Action.UNMUTE: _mute,
    Action.CHALLENGE: _challenge,
    Action.CHALLENGES: _challenges,
    Action.THEME: _theme,
    Action.THEMES: _themes,
    Action.STATS: _stats,
    Action.SEARCH: _search,
    Action.LEARNINGS: _search,
    Action.DUPLICATE: lambda c: duplicate_command(c.ctx, c.ack, c.respond, c.user_id, c.text),
}


async def _hand_back(call: Invocation, *, problem: str) -> None:
    """Too long for a quick idea: give the text back, and offer the form with it inside."""
    text = call.text
    fits_form = len(text) <= capture.DETAILS_LIMIT
    next_step = (
        "I've opened the form with your text in it: add a one-line summary there."
        if fits_form
        else "Shorten it and send it again, or type `/idea` alone for the form."
    )
    await call.ack(**answer_blocks.handed_back(problem=problem, text=text, next_step=next_step))
    if fits_form:
        form = await pickers.idea_form_for(
            call.ctx,
            draft=capture.IdeaDraft(text="", details=text),
            notice=f":pencil2: {problem} Your text is in the details below: "
            "add a one-line summary and the problem it solves.",
        )
        await _open_form(call, form=form)


async def _open_form(call: Invocation, *, form: View | None = None) -> None:
    trigger = payload.trigger_id(call.command)
    form = form or await pickers.idea_form_for(call.ctx)
    if not await open_modal(call.client, trigger, form):
        await call.respond(
            text=":warning: Slack didn't let me open the idea form just now. Try `/idea` again, "
            "or share your idea in one go with `/idea &lt;your idea&gt;`."
        )
