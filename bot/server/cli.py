"""The command line: `python -m bot …`, also installed as `lightbulb …`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from bot.core import logs
from bot.core.settings import (
    DEFAULT_DATABASE_URL,
    SettingsError,
    load_settings,
    read_environment,
)
from bot.server import cli_data
from storage.database import DatabaseUrlError, passwords_in, redacted, scrub

EXIT_CONFIG = 2
# Never logged, whatever a library prints at DEBUG.
SECRET_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
EXIT_UNAVAILABLE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightbulb", description="Lightbulb: ideas, votes and experiments in Slack."
    )
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="run the bot (the default command)")
    serve.add_argument(
        "--mode",
        choices=("socket", "http"),
        help="Socket Mode (default when SLACK_APP_TOKEN is set) or HTTP mode",
    )
    serve.add_argument("--port", type=int, help="HTTP port (default: PORT, or 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on")
    serve.add_argument(
        "--migrate", action="store_true", help="apply database migrations before starting"
    )
    serve.add_argument(
        "--no-scheduler", action="store_true", help="only answer Slack; run no scheduled jobs"
    )

    commands.add_parser("migrate", help="apply database migrations (safe to repeat)")

    reconcile = commands.add_parser(
        "reconcile", help="repair votes from the reactions on recent idea posts (safe to repeat)"
    )
    reconcile.add_argument(
        "--days", type=int, default=30, help="how far back to look (default: 30)"
    )

    commands.add_parser("jobs", help="list the scheduled jobs, their schedules and next runs")

    job = commands.add_parser("job", help="run one scheduled job now")
    job.add_argument("name", help="the job's name: monthly-awards, experiment-digest, …")
    job.add_argument(
        "--period",
        help="the period to post: YYYY-MM for monthly-awards (default: last month), "
        "YYYY-Www for experiment-digest (default: the latest due week)",
    )

    cli_data.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    env = read_environment()
    # Read once, into `env`: Bolt looks for SLACK_BOT_TOKEN in the environment on its own and
    # warns that it is unused next to the client it is given, and no child process needs them.
    for name in SECRET_SETTINGS:
        os.environ.pop(name, None)
    level = (env.get("LOG_LEVEL") or "INFO").upper()
    fmt = (env.get("LOG_FORMAT") or "text").lower()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR") or fmt not in ("text", "json"):
        print(
            "Settings LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, and LOG_FORMAT text or "
            "json.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    database_url = (env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL
    logs.configure(
        level=level,
        fmt=fmt,
        secrets=[*(env.get(name, "") for name in SECRET_SETTINGS), *passwords_in(database_url)],
    )
    # Alembic and APScheduler narrate every step at INFO; Lightbulb logs what matters itself.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement from its own thread, even at DEBUG too much to read.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    command = args.command or "serve"
    try:
        if command == "migrate":
            return asyncio.run(_migrate(env))
        if command in cli_data.COMMANDS:
            return asyncio.run(cli_data.run(command, env, args))
        if command == "reconcile":
            return asyncio.run(_reconcile(env, args.days))
        if command == "job":
            return asyncio.run(_job(env, args.name, args.period))
        if command == "jobs":
            return asyncio.run(_jobs(env))
        return _serve(env, args)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except DBAPIError as error:
        cause = error.orig or error
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0].rstrip(".")
        print(
            f"Lightbulb can't use its database: {scrub(reason, database_url)}. Check "
            f"DATABASE_URL ({redacted(database_url)}) and that the database server is running.",
            file=sys.stderr,
        )
        return EXIT_UNAVAILABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`export | head`): what it read is all it wanted. Python
        # would complain once more flushing stdout at exit, so stdout goes nowhere from now.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _serve(env: dict[str, str], args: argparse.Namespace) -> int:
    mode = getattr(args, "mode", None) or ("socket" if env.get("SLACK_APP_TOKEN") else "http")
    settings = load_settings(env, require_signing_secret=mode == "http")
    if mode == "socket" and not settings.slack_app_token:
        raise SettingsError(
            "Missing setting SLACK_APP_TOKEN (the xapp-… app-level token) for Socket Mode: "
            "set it in .env, or run with --mode http."
        )
    from bot.server.serve import StartupError, serve

    try:
        asyncio.run(
            serve(
                settings,
                mode=mode,
                host=getattr(args, "host", None) or "0.0.0.0",
                port=getattr(args, "port", None) or settings.port,
                run_migrations=getattr(args, "migrate", False),
                scheduler_enabled=not getattr(args, "no_scheduler", False),
            )
        )
    except (StartupError, DatabaseUrlError) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except OSError as error:
        print(f"Lightbulb could not start: {error}", file=sys.stderr)
        return 1
    return 0


async def _migrate(env: dict[str, str]) -> int:
    from storage import migrate

    settings = load_settings(env, require_slack=False)
    try:
        before, after = await migrate.upgrade(settings.database_url)
    except DatabaseUrlError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    where = redacted(settings.database_url)
    if before == after:
        print(f"{where} is up to date (revision {after}).")
    else:
        print(f"Migrated {where} from {before or 'empty'} to {after}.")
    return 0


async def _reconcile(env: dict[str, str], days: int) -> int:
    from bot.server.runtime import Runtime
    from bot.votes.reconcile import reconcile
    from storage import migrate

    if days < 1:
        raise SettingsError("--days must be 1 or more.")
    settings = load_settings(env)
    try:
        await migrate.ensure_migrated(settings.database_url)
    except (migrate.SchemaNotReady, DatabaseUrlError) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    runtime = Runtime.build(settings)
    try:
        report = await reconcile(runtime, days=days)
    finally:
        await runtime.close()
    print(report.summary(days))
    return 0


async def _job(env: dict[str, str], name: str, period: str | None) -> int:
    from datetime import UTC, datetime

    from bot.core.periods import PeriodError
    from bot.server.runtime import Runtime
    from scheduler.jobs import JOBS, run_job

    if name not in JOBS:
        raise SettingsError(f"There is no job {name!r}; the jobs are: {', '.join(JOBS)}.")
    if period is not None and JOBS[name].period_of is None:
        raise SettingsError(f"Job {name} has no periods; run it without --period.")
    settings = load_settings(env)
    await cli_data.ready(settings)
    runtime = Runtime.build(settings)
    try:
        report = await run_job(name, runtime, now=datetime.now(UTC), period=period)
    except PeriodError as error:
        raise SettingsError(f"--period {error}") from None
    finally:
        await runtime.close()
    print(report.summary())
    return 0


async def _jobs(env: dict[str, str]) -> int:
    from datetime import UTC, datetime

    from bot.server.runtime import Runtime
    from scheduler.timetable import entries
    from storage import job_runs

    settings = load_settings(env)
    await cli_data.ready(settings)
    runtime = Runtime.build(settings)
    now = datetime.now(UTC)
    try:
        rows = entries(runtime, now=now)
        async with runtime.db.session() as session:
            last = {row.name: await job_runs.latest(session=session, job=row.name) for row in rows}
    finally:
        await runtime.close()
    for row in rows:
        when = (
            f"{row.next_run.astimezone(settings.tz):%a %Y-%m-%d %H:%M %Z}"
            if row.next_run
            else "never"
        )
        print(f"{row.name}\n  schedule: {row.schedule}\n  next run: {when}")
        run = last.get(row.name)
        if run is not None:
            print(
                f"  latest:   {run.period} {run.status}" + (f" ({run.error})" if run.error else "")
            )
    return 0
