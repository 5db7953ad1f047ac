"""Modal submissions."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.challenges import pickers
from bot.conversations import saving
from bot.core.clock import today
from bot.experiments import forms as experiment_forms
from bot.experiments import lab_posts, rules
from bot.experiments import service as experiments
from bot.experiments import team as experiment_team
from bot.foundation import claims
from bot.foundation.context import Context
from bot.ideas import anonymity, replies
from bot.ideas import forms as idea_forms
from bot.ideas import rules as capture
from bot.search import similar
from bot.slack import answers, payload
from storage.models import Experiment

log = logging.getLogger(__name__)


Submission = Callable[..., Awaitable[None]]


def register(app: AsyncApp, ctx: Context) -> None:
    def submitted(handle: Submission) -> Submission:
        async def on_submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
            await handle(ctx, ack=ack, body=body, view=view, client=client)

        return on_submit

    app.view(idea_forms.IDEA_FORM_CALLBACK)(submitted(idea_form_submitted))
    app.view(experiment_forms.EXPERIMENT_FORM)(submitted(experiment_form_submitted))
    app.view(experiment_forms.UPDATE_FORM)(submitted(update_form_submitted))
    app.view(experiment_forms.LEARNING_FORM)(submitted(learning_form_submitted))


async def idea_form_submitted(
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    draft = idea_forms.form_values(view)
    problems = capture.form_problems(draft)
    problems |= anonymity.form_problems(draft, allowed=ctx.settings.anonymous_ideas)
    draft, choice_problems = await pickers.checked_choice(ctx, draft)
    problems |= choice_problems
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    # Similar ideas are shown once, in the same form with everything typed still in it.
    shown = await similar.form_to_show(ctx, draft, author_id=payload.user_id(body))
    if shown is not None:
        form = await pickers.idea_form_for(ctx, draft=shown[0], notice=shown[1])
        await ack(response_action="update", view=form)
        return
    await ack()
    if not await claims.first_delivery(ctx, key=claims.form_key(view)):
        return
    user_id = payload.user_id(body)
    reply = await replies.share(ctx, author_id=user_id, draft=capture.clean(draft))
    await answers.dm(client, user_id, saving.with_source(reply, draft.source))


async def experiment_form_submitted(
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    draft = experiment_forms.experiment_form_values(view)
    problems = rules.experiment_problems(draft, today=today(ctx.settings.tz))
    idea = None
    if not problems:
        idea, problem = await experiments.idea_to_test(ctx, draft.idea_ref)
        if problem:
            problems[rules.Field.IDEA] = problem
    if not problems:
        draft, problems = await experiment_team.checked_draft(ctx, draft)
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    await ack()
    if not await claims.first_delivery(ctx, key=claims.form_key(view)):
        return
    user_id = payload.user_id(body)
    experiment, posted = await experiments.start(ctx, started_by=user_id, draft=draft, idea=idea)
    if posted.ok:
        link = f"<{posted.permalink}|See it>" if posted.permalink else ""
        text = (
            f":test_tube: Experiment #{experiment.id} is shared in "
            f"<#{ctx.settings.experiments_channel}>. {link}"
        )
    else:
        text = (
            f":warning: Experiment #{experiment.id} is saved, but Slack didn't accept its card "
            f"(`{posted.error}`). Check that Lightbulb is in "
            f"<#{ctx.settings.experiments_channel}> (`/invite @Lightbulb`): the card is "
            "posted by itself within a few minutes once Slack takes it."
        )
    await answers.dm(client, user_id, {"text": text})


async def _managed_experiment(
    ctx: Context, ack: AsyncAck, body: dict, view: dict, field: str
) -> Experiment | None:
    """The experiment a form is about, if the person may still manage it; otherwise the form
    shows why, next to `field`."""
    experiment, problem = await experiments.managed_by(
        ctx,
        experiment_id=experiment_forms.form_experiment_id(view),
        user_id=payload.user_id(body),
        running=True,
    )
    if experiment is None:
        await ack(response_action="errors", errors={field: problem or "Please try again."})
    return experiment


async def update_form_submitted(
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    text = payload.text_input(view, rules.Field.UPDATE)
    problem = rules.text_problem(text, limit=rules.UPDATE_LIMIT, what="the update")
    if problem:
        await ack(response_action="errors", errors={rules.Field.UPDATE: problem})
        return
    experiment = await _managed_experiment(ctx, ack, body, view, rules.Field.UPDATE)
    if experiment is None:
        return
    await ack()
    if not await claims.first_delivery(ctx, key=claims.form_key(view)):
        return
    user_id = payload.user_id(body)
    posted = await experiments.post_update(
        ctx, experiment=experiment, author_id=user_id, text=text.strip()
    )
    if not posted.ok:
        # Stored once and delivered later: asking for it again would post it twice.
        waiting_for = (
            "its card is not posted yet"
            if posted.error == lab_posts.CARD_NOT_POSTED
            else f"Slack didn't take it just now (`{posted.error}`)"
        )
        await answers.dm(
            client,
            user_id,
            {
                "text": f":hourglass: Your update on experiment #{experiment.id} is saved, but "
                f"{waiting_for}. It will appear in the card's thread by itself within a few "
                "minutes once Slack takes it: no need to post it again."
            },
        )


async def learning_form_submitted(
    ctx: Context, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    outcome = payload.selected_option(view, rules.Field.OUTCOME)
    learned = payload.text_input(view, rules.Field.LEARNED)
    next_step = payload.text_input(view, rules.Field.NEXT_STEP)
    problems = rules.learning_problems(outcome=outcome, learned=learned, next_step=next_step)
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    experiment = await _managed_experiment(ctx, ack, body, view, rules.Field.LEARNED)
    if experiment is None:
        return
    await ack()
    user_id = payload.user_id(body)
    learning, posted = await experiments.conclude(
        ctx,
        experiment=experiment,
        author_id=user_id,
        outcome=outcome,
        learned=learned,
        next_step=next_step,
    )
    if learning is None:
        text = f"Experiment #{experiment.id} was concluded a moment ago by someone else."
    elif posted.ok:
        link = f" <{posted.permalink}|See it>." if posted.permalink else ""
        text = f":bulb: Thank you: your learning from experiment #{experiment.id} is shared.{link}"
    else:
        text = (
            f":hourglass: Your learning from experiment #{experiment.id} is saved, but Slack "
            f"didn't take its card just now (`{posted.error}`). It will be shared in "
            f"<#{ctx.settings.experiments_channel}> by itself within a few minutes once "
            "Slack does: no need to submit it again."
        )
    await answers.dm(client, user_id, {"text": text})
