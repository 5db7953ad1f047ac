"""Every job Lightbulb runs on a schedule, by stable name, runnable now with
`python -m bot job NAME`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from bot import experiment_digest, learning_prompts
from bot.runtime import Runtime


class Report(Protocol):
    def summary(self) -> str: ...


Job = Callable[..., Awaitable[Report]]

JOBS: dict[str, Job] = {
    "learning-prompts": learning_prompts.run,
    "experiment-digest": experiment_digest.run,
}


async def run_job(name: str, runtime: Runtime, *, now: datetime) -> Report:
    return await JOBS[name](runtime, now=now)
