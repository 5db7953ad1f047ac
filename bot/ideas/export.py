"""`export`: every idea, or every award, as CSV or JSON, for spreadsheets and reports."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TextIO

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


def idea_records(rows: Sequence[IdeaRow]) -> list[dict]:
    return [asdict(row) | {"created_at": row.created_at.isoformat()} for row in rows]


def award_records(awards: Sequence[Award]) -> list[dict]:
    return [
        {column: getattr(award, column) for column in AWARD_COLUMNS}
        | {"created_at": award.created_at.isoformat()}
        for award in awards
    ]


def write_csv(records: Sequence[dict], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(_cell(record[column]) for column in columns)


def write_json(records: Sequence[dict], out: TextIO) -> None:
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")
