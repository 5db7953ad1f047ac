"""The commands that read or write the programme's data without running the bot: `export`
(everything, as CSV or JSON)."""

from __future__ import annotations

import argparse
import sys

from bot.core.settings import Settings, SettingsError, load_settings
from storage.database import DatabaseUrlError

COMMANDS = ("export",)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export", help="print every idea (or award, theme, challenge) to stdout"
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument(
        "--what",
        choices=("ideas", "themes", "challenges"),
        default="ideas",
        help="what to export (default: ideas, each with its theme and challenge)",
    )
    export.add_argument(
        "--awards", action="store_true", help="the monthly awards as announced, not the ideas"
    )


async def run(command: str, env: dict[str, str], args: argparse.Namespace) -> int:
    """Run one of COMMANDS; its exit status."""
    what = "awards" if args.awards else args.what
    return await _export(env, args.format, what=what)


async def ready(settings: Settings) -> None:
    """Refuse to run against a database that is not migrated."""
    from storage import migrate

    try:
        await migrate.ensure_migrated(settings.database_url)
    except (migrate.SchemaNotReady, DatabaseUrlError) as error:
        raise SettingsError(str(error)) from None


async def _export(env: dict[str, str], fmt: str, *, what: str) -> int:
    from bot.ideas import export
    from storage.database import Database

    settings = load_settings(env, require_slack=False)
    await ready(settings)
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            records, columns = await export.collect(session, what)
    finally:
        await db.dispose()
    if fmt == "json":
        export.write_json(records, sys.stdout)
    else:
        export.write_csv(records, columns, sys.stdout)
    return 0
