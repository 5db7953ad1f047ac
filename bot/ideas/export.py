"""`export`: every idea, award, theme or challenge, as CSV or JSON, for spreadsheets and
reports."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage import awards, challenges, ideas, themes
from storage.ideas import IdeaRow
from storage.models import Award

IDEA_COLUMNS = (
    "id",
    "text",
    "author_id",
    "votes",
    "status",
    "created_at",
    "permalink",
    "problem",
    "details",
    "channel_id",
    "message_ts",
    # Added with themes and challenges: after the others, so that column positions hold.
    "theme_id",
    "theme",
    "challenge_id",
    "challenge_won_at",
)
THEME_COLUMNS = (
    "id",
    "name",
    "vision",
    "owner_id",
    "emoji",
    "created_by",
    "created_at",
    "archived_at",
)
CHALLENGE_COLUMNS = (
    "id",
    "question",
    "why",
    "judged_by",
    "theme_id",
    "sponsor_id",
    "opens_on",
    "closes_on",
    "status",
    "target_channel",
    "channel_id",
    "message_ts",
    "permalink",
    "created_by",
    "created_at",
    "closed_at",
    "decided_at",
    "decided_by",
)
AWARD_COLUMNS = (
    "period",
    "category",
    "rank",
    "winner_id",
    "title",
    "votes",
    "departments",
    "idea_id",
    "learning_id",
    "permalink",
    "created_at",
)
# Spreadsheets run cells starting with these as formulas; user text must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: object) -> object:
    """Dates and times as ISO 8601 text, the same in CSV and JSON."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite hands back naive times; all are UTC
    return value.isoformat() if isinstance(value, date) else value


def idea_records(rows: Sequence[IdeaRow]) -> list[dict]:
    return [{key: _plain(value) for key, value in asdict(row).items()} for row in rows]


def model_records(rows: Sequence[SQLModel], columns: Sequence[str]) -> list[dict]:
    """Themes or challenges, one record each, with `columns` as keys."""
    return [{column: _plain(getattr(row, column)) for column in columns} for row in rows]


def award_records(awards: Sequence[Award]) -> list[dict]:
    return [
        {column: getattr(award, column) for column in AWARD_COLUMNS}
        | {"created_at": award.created_at.isoformat()}
        for award in awards
    ]


async def collect(session: AsyncSession, what: str) -> tuple[list[dict], Sequence[str]]:
    """Every row of `what` (ideas, awards, themes or challenges) and its columns."""
    if what == "awards":
        return award_records(await awards.everything(session=session)), AWARD_COLUMNS
    if what == "themes":
        every = await themes.themes(session=session, archived=True)
        return model_records(every, THEME_COLUMNS), THEME_COLUMNS
    if what == "challenges":
        every_challenge = await challenges.every_challenge(session=session)
        return model_records(every_challenge, CHALLENGE_COLUMNS), CHALLENGE_COLUMNS
    return idea_records(await ideas.export_rows(session=session)), IDEA_COLUMNS


def write_csv(records: Sequence[dict], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(_cell(record[column]) for column in columns)


def write_json(records: Sequence[dict], out: TextIO) -> None:
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")
