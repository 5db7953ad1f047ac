"""Modal submissions."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import capture, experiments, replies
from bot import experiment_rules as rules
from bot.runtime import Runtime
from bot.slack import blocks, experiment_blocks, payload
from bot.time import today
from handlers import answers
from storage import experiments as experiment_store
from storage import ideas
from storage.models import Experiment

log = logging.getLogger(__name__)


Submission = Callable[..., Awaitable[None]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    def submitted(handle: Submission) -> Submission:
        async def on_submit(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient) -> None:
            await handle(runtime, ack=ack, body=body, view=view, client=client)

        return on_submit

    app.view(blocks.IDEA_FORM_CALLBACK)(submitted(idea_form_submitted))
    app.view(experiment_blocks.EXPERIMENT_FORM)(submitted(experiment_form_submitted))
    app.view(experiment_blocks.UPDATE_FORM)(submitted(update_form_submitted))
    app.view(experiment_blocks.LEARNING_FORM)(submitted(learning_form_submitted))


async def idea_form_submitted(
    runtime: Runtime, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    draft = blocks.form_values(view)
    problems = capture.form_problems(draft)
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    await ack()
    user_id = payload.user_id(body)
    reply = await replies.share(runtime, author_id=user_id, draft=capture.clean(draft))
    await answers.dm(client, user_id, reply)


async def experiment_form_submitted(
    runtime: Runtime, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    draft = experiment_blocks.experiment_form_values(view)
    problems = rules.experiment_problems(draft, today=today(runtime.settings.tz))
    idea = None
    idea_id = payload.parse_id(draft.idea_ref)
    if idea_id is not None and not problems:
        async with runtime.db.session() as session:
            idea = await ideas.get_idea(session=session, idea_id=idea_id)
        if idea is None:
            problems[rules.F_IDEA] = f"There is no idea #{idea_id}. Leave it empty, or fix it."
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    await ack()
    user_id = payload.user_id(body)
    experiment, posted = await experiments.start(
        runtime, started_by=user_id, draft=draft, idea=idea
    )
    if posted.ok:
        link = f"<{posted.permalink}|See it>" if posted.permalink else ""
        text = (
            f":test_tube: Experiment #{experiment.id} is shared in "
            f"<#{runtime.settings.experiments_channel}>. {link}"
        )
    else:
        text = (
            f":warning: Experiment #{experiment.id} is saved, but Slack didn't accept its card "
            f"(`{posted.error}`). Check that Lightbulb is in "
            f"<#{runtime.settings.experiments_channel}> (`/invite @Lightbulb`): the card is "
            "posted by itself within a few minutes once Slack takes it."
        )
    await answers.dm(client, user_id, {"text": text})


async def _managed_experiment(
    runtime: Runtime, ack: AsyncAck, body: dict, view: dict, field: str
) -> Experiment | None:
    """The experiment a form is about, if the person may still manage it; otherwise the form
    shows why, next to `field`."""
    experiment, problem = await experiments.managed_by(
        runtime,
        experiment_id=experiment_blocks.form_experiment_id(view),
        user_id=payload.user_id(body),
    )
    if experiment is not None and experiment.status != experiment_store.RUNNING:
        experiment, problem = None, f"Experiment #{experiment.id} is already {experiment.status}."
    if experiment is None:
        await ack(response_action="errors", errors={field: problem})
    return experiment


async def update_form_submitted(
    runtime: Runtime, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    text = payload.text_input(view, rules.F_UPDATE)
    problem = rules.text_problem(text, limit=rules.UPDATE_LIMIT, what="the update")
    if problem:
        await ack(response_action="errors", errors={rules.F_UPDATE: problem})
        return
    experiment = await _managed_experiment(runtime, ack, body, view, rules.F_UPDATE)
    if experiment is None:
        return
    await ack()
    user_id = payload.user_id(body)
    posted = await experiments.post_update(
        runtime, experiment=experiment, author_id=user_id, text=text.strip()
    )
    if not posted.ok:
        await answers.dm(
            client,
            user_id,
            blocks.handed_back(
                problem=f"Slack didn't accept your update (`{posted.error}`); it is saved.",
                text=text,
                next_step="You can post it again from the card's “Add update” button.",
            ),
        )


async def learning_form_submitted(
    runtime: Runtime, *, ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient
) -> None:
    outcome = payload.selected_option(view, rules.F_OUTCOME)
    learned = payload.text_input(view, rules.F_LEARNED)
    next_step = payload.text_input(view, rules.F_NEXT)
    problems = {
        block: problem
        for block, problem in (
            (
                rules.F_OUTCOME,
                None if outcome in rules.OUTCOMES else "Choose how the experiment turned out.",
            ),
            (
                rules.F_LEARNED,
                rules.text_problem(learned, limit=rules.LEARNED_LIMIT, what="what you learned"),
            ),
            (
                rules.F_NEXT,
                rules.text_problem(next_step, limit=rules.NEXT_STEP_LIMIT, what="the next step"),
            ),
        )
        if problem
    }
    if problems:
        await ack(response_action="errors", errors=problems)
        return
    experiment = await _managed_experiment(runtime, ack, body, view, rules.F_LEARNED)
    if experiment is None:
        return
    await ack()
    user_id = payload.user_id(body)
    learning, posted = await experiments.conclude(
        runtime,
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
            f":warning: Your learning is saved, but Slack didn't accept its card "
            f"(`{posted.error}`)."
        )
    await answers.dm(client, user_id, {"text": text})
