"""The commands that read or write the programme's data without running the bot: `export`
(everything, as CSV or JSON)."""

from __future__ import annotations

import argparse
import sys

from bot.core.settings import Settings, SettingsError, load_settings
from storage.database import DatabaseUrlError

COMMANDS = ("export", "people", "report")
# Kept here, not imported: the command line starts without loading the domains.
NUMBERS_WHAT = ("votes", "experiments", "learnings", "people", "offers", "teams", "stats")


def add_parsers(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export", help="print every idea (or award, theme, challenge) to stdout"
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument(
        "--what",
        choices=("ideas", "themes", "challenges", *NUMBERS_WHAT),
        default="ideas",
        help="what to export (default: ideas, each with its theme and challenge); stats: one "
        "row for the programme and one per department for each of the last 12 months",
    )
    export.add_argument(
        "--period",
        help="with --what stats: one period instead, e.g. 2026-11, 2026-Q4 or 2026",
    )
    export.add_argument(
        "--awards", action="store_true", help="the monthly awards as announced, not the ideas"
    )
    report = commands.add_parser(
        "report", help="write a month's report chart to a file and print its text; posts nothing"
    )
    report.add_argument("--period", required=True, help="the month, as YYYY-MM (e.g. 2026-11)")
    report.add_argument("--out", required=True, help="where to write the chart (PNG)")
    people = commands.add_parser("people", help="the people and their departments")
    people_commands = people.add_subparsers(dest="people_command", required=True)
    people_commands.add_parser(
        "refresh", help="read everyone's department from Slack now (DEPARTMENT_SOURCE)"
    )


async def run(command: str, env: dict[str, str], args: argparse.Namespace) -> int:
    """Run one of COMMANDS; its exit status."""
    if command == "people":
        return await _refresh_people(env)
    if command == "report":
        return await _report(env, args.period, args.out)
    what = "awards" if args.awards else args.what
    return await _export(env, args.format, what=what, period=args.period)


async def ready(settings: Settings) -> None:
    """Refuse to run against a database that is not migrated."""
    from storage import migrate

    try:
        await migrate.ensure_migrated(settings.database_url)
    except (migrate.SchemaNotReady, DatabaseUrlError) as error:
        raise SettingsError(str(error)) from None


async def _export(env: dict[str, str], fmt: str, *, what: str, period: str | None) -> int:
    from bot.ideas import export
    from bot.numbers import export as numbers_export
    from bot.numbers.rules import StatsPeriodError
    from storage.database import Database

    settings = load_settings(env, require_slack=False)
    if period and what != "stats":
        raise SettingsError("--period goes with --what stats: drop it, or add --what stats.")
    await ready(settings)
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            if what in NUMBERS_WHAT:
                records, columns = await numbers_export.collect(
                    session, what, tz=settings.tz, period=period
                )
            else:
                records, columns = await export.collect(session, what)
    except StatsPeriodError as error:
        raise SettingsError(
            f"--period {period}: {str(error).split('. ')[0]}. Write a period that has begun, as "
            "2026-11, 2026-Q4 or 2026."
        ) from None
    finally:
        await db.dispose()
    if fmt == "json":
        export.write_json(records, sys.stdout)
    else:
        export.write_csv(records, columns, sys.stdout)
    return 0


async def _refresh_people(env: dict[str, str]) -> int:
    from datetime import UTC, datetime

    from bot.foundation.context import Context
    from bot.people import service
    from bot.slack.client import build_web_client
    from bot.slack.posting import SLACK_FAILURES, error_code
    from storage.database import Database

    settings = load_settings(env)
    await ready(settings)
    ctx = Context(
        settings=settings,
        db=Database(settings.database_url),
        client=build_web_client(token=settings.slack_bot_token, api_url=settings.slack_api_url),
    )
    try:
        report = await service.refresh(ctx, now=datetime.now(UTC))
    except SLACK_FAILURES as error:
        print(
            f"Could not read the people from Slack ({error_code(error)}); nothing was changed. "
            "Try again in a few minutes.",
            file=sys.stderr,
        )
        return 1
    finally:
        await ctx.db.dispose()
    print(report.summary())
    return 0


async def _report(env: dict[str, str], period: str, out: str) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from bot.core.periods import PeriodError
    from bot.numbers import chart, report_blocks, service
    from bot.numbers.report import month_in
    from storage.database import Database

    settings = load_settings(env, require_slack=False)
    now = datetime.now(UTC)
    try:
        span = month_in(period, tz=settings.tz, now=now)
    except PeriodError as error:
        raise SettingsError(f"--period {error}") from None
    await ready(settings)
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            numbers = await service.compute_in(session, span, now=now)
    finally:
        await db.dispose()
    try:
        Path(out).write_bytes(chart.render(numbers))
    except OSError as error:
        raise SettingsError(f"Could not write the chart to {out}: {error.strerror}.") from None
    print(report_blocks.summary(numbers))
    print(f"The chart is in {out}.")
    return 0
