"""`export --what offers|teams` as an operator runs it: a real process against a real
database; withdrawn offers and removed members are rows too."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from storage.database import Database
from storage.models import Experiment, Idea
from storage.team_models import HelpOffer, TeamChange
from tests.processes import run_cli

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


async def seed(url: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            idea = Idea(text="Customer days", author_id="U0AUTHOR1")
            session.add(idea)
            await session.flush()
            experiment = Experiment(
                idea_id=idea.id,
                hypothesis="We believe",
                metric="NPS",
                owner_id="U0AUTHOR1",
                started_by="U0AUTHOR1",
                ends_on=date(2026, 12, 1),
            )
            session.add(experiment)
            await session.flush()
            session.add_all(
                [
                    HelpOffer(
                        idea_id=idea.id or 0,
                        helper_id="U0SALES01",
                        department="Sales",
                        kinds="customers,time",
                        what="=calls with customers",
                        created_at=NOW,
                        updated_at=NOW,
                    ),
                    HelpOffer(
                        idea_id=idea.id or 0,
                        helper_id="U0SUPPO01",
                        department="Support",
                        created_at=NOW,
                        updated_at=NOW,
                        withdrawn_at=NOW,
                    ),
                    TeamChange(
                        experiment_id=experiment.id or 0,
                        user_id="U0SALES01",
                        department="Sales",
                        changed_by="U0AUTHOR1",
                    ),
                    TeamChange(
                        experiment_id=experiment.id or 0,
                        user_id="U0SALES01",
                        joined=False,
                        department="Sales",
                        changed_by="U0AUTHOR1",
                    ),
                ]
            )
    finally:
        await db.dispose()


async def test_offers_and_team_changes_export_with_their_columns(
    tmp_path: Path, migrated_url: str
) -> None:
    await seed(migrated_url)

    code, out, err = await run_cli(
        tmp_path, "export", "--what", "offers", DATABASE_URL=migrated_url
    )
    assert code == 0, err
    offers = list(csv.DictReader(io.StringIO(out)))
    assert [(o["helper_id"], o["department"], o["kinds"]) for o in offers] == [
        ("U0SALES01", "Sales", "customers,time"),
        ("U0SUPPO01", "Support", ""),
    ]
    assert offers[0]["what"] == "'=calls with customers"  # never run as a formula
    assert offers[0]["withdrawn_at"] == "" and offers[1]["withdrawn_at"].startswith("2026-11-20")

    code, out, err = await run_cli(
        tmp_path, "export", "--what", "teams", "--format", "json", DATABASE_URL=migrated_url
    )
    assert code == 0, err
    changes = json.loads(out)
    assert [(c["user_id"], c["joined"], c["changed_by"]) for c in changes] == [
        ("U0SALES01", True, "U0AUTHOR1"),
        ("U0SALES01", False, "U0AUTHOR1"),
    ]
