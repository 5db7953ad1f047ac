"""`export --what votes|experiments|learnings|people|stats` as an operator runs it: a real
process against a real database, CSV and JSON (offers and teams: `tests/offers`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from storage.database import Database
from tests.numbers.seed import DES1, ENG1, seed_november
from tests.processes import run_cli


async def export(tmp_path: Path, url: str, *args: str) -> tuple[int, str, str]:
    return await run_cli(tmp_path, "export", *args, DATABASE_URL=url)


async def seeded(url: str) -> None:
    db = Database(url)
    try:
        await seed_november(db)
    finally:
        await db.dispose()


async def test_each_table_exports_with_its_columns(tmp_path: Path, migrated_url: str) -> None:
    await seeded(migrated_url)

    code, out, err = await export(tmp_path, migrated_url, "--what", "votes")
    assert code == 0, err
    votes = list(csv.DictReader(io.StringIO(out)))
    assert len(votes) == 5
    assert {
        (v["voter_id"], v["voter_department"], v["active"]) for v in votes if v["idea_id"] == "2"
    } == {
        ("U0NODEP01", "", "True"),
        (DES1, "Design", "False"),
    }

    code, out, _ = await export(tmp_path, migrated_url, "--what", "experiments", "--format", "json")
    experiments = json.loads(out)
    assert [e["id"] for e in experiments] == [1, 2, 3]
    assert experiments[0]["status"] == "concluded" and experiments[0]["concluded_at"].startswith(
        "2026-11-25T10:00:00"
    )

    code, out, _ = await export(tmp_path, migrated_url, "--what", "learnings")
    learnings = list(csv.DictReader(io.StringIO(out)))
    assert [row["experiment_id"] for row in learnings] == ["1", "3"]

    code, out, _ = await export(tmp_path, migrated_url, "--what", "people", "--format", "json")
    people = {person["user_id"]: person for person in json.loads(out)}
    assert people[ENG1]["department"] == "Engineering" and people["U0GONE001"]["active"] is False


async def test_stats_are_a_row_per_department_for_a_period_or_the_last_twelve_months(
    tmp_path: Path, migrated_url: str
) -> None:
    await seeded(migrated_url)

    code, out, err = await export(
        tmp_path, migrated_url, "--what", "stats", "--period", "2026-11", "--format", "json"
    )
    assert code == 0, err
    rows = json.loads(out)
    programme = rows[0]
    assert programme["period"] == "2026-11" and programme["scope"] == "programme"
    assert (programme["ideas"], programme["contributors"], programme["voters"]) == (4, 4, 3)
    assert programme["funnel_shipped"] == 1 and programme["median_days_to_decision"] == 3.0
    assert programme["contributor_share"] == 0.8 and programme["learning_share"] == 0.5
    legal = next(row for row in rows if row["department"] == "Legal")
    assert legal["quiet"] is True and legal["ideas"] == 0 and legal["headcount"] == 1

    code, out, _ = await export(tmp_path, migrated_url, "--what", "stats")
    months = list(csv.DictReader(io.StringIO(out)))
    periods = sorted({row["period"] for row in months})
    assert len(periods) == 12
    assert sum(row["scope"] == "programme" for row in months) == 12

    code, _, err = await export(tmp_path, migrated_url, "--what", "stats", "--period", "2026-13")
    assert code == 2 and "Traceback" not in err and "2026-Q4" in err
