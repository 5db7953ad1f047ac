"""`export`: every idea as CSV or JSON, for spreadsheets and reports."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TextIO

from storage.ideas import IdeaRow

CSV_COLUMNS = (
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
# Spreadsheets run cells starting with these as formulas; idea text must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Sequence[IdeaRow], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = asdict(row)
        record["created_at"] = row.created_at.isoformat()
        writer.writerow(_cell(record[column]) for column in CSV_COLUMNS)


def write_json(rows: Sequence[IdeaRow], out: TextIO) -> None:
    records = [asdict(row) | {"created_at": row.created_at.isoformat()} for row in rows]
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")
