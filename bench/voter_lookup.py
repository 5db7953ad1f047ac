"""How soon a vote is stored when Slack is slow to say who the voter is.

Starts the real bot (`serve --mode http`) as its own process against a fake Slack run in
this process, then fires bursts of N signed `reaction_added` events, all at once, from N
people the bot has never looked up. For each vote it takes the time from the event's ack to
the vote's row (the row's `created_at`, written by the bot). The people join Slack after the
bot has loaded its directory at start-up, so each vote needs a `users.info`. Each round fires
one burst with `users.info` answering at once (the baseline) and one with it answering only
after `--lookup-seconds`; new people every burst. Prints p50/p99/max for both, the ratio of the
p99s, and whether every vote was stored.

The target: at p99, every vote is stored within 2 s of its ack however slow the look-up.

    .venv/bin/python bench/voter_lookup.py                    # N=150, 3 rounds, SQLite
    .venv/bin/python bench/voter_lookup.py --lookup-seconds 10 \
        --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHANNEL,
    SECRET,
    TOKEN,
    free_port,
    prepare_database,
    reaction_event,
    signed,
    spawn,
    stop,
    wait_for_port,
)
from votes import post_idea  # noqa: E402

from storage import migrate  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.ideas import as_utc  # noqa: E402
from storage.models import VoteReaction  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402

TARGET_P99_SECONDS = 2.0


async def burst(url: str, bodies: dict[str, str]) -> dict[str, float]:
    """Send every body at once; voter → wall-clock time its ack came back."""
    acked: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=len(bodies))
    async with aiohttp.ClientSession(connector=connector) as http:

        async def send(voter: str, body: str) -> None:
            data, headers = signed(body)
            async with http.post(url, data=data, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise SystemExit(f"an event was answered {response.status}")
            acked[voter] = time.time()

        await asyncio.gather(*(send(voter, body) for voter, body in bodies.items()))
    return acked


async def stored_at(db: Database, voters: set[str], timeout: float) -> dict[str, float]:
    """Voter → when their vote's row was written, for every voter stored within `timeout`."""
    deadline = time.monotonic() + timeout
    found: dict[str, float] = {}
    while time.monotonic() < deadline:
        async with db.session() as session:
            rows = await session.execute(
                select(VoteReaction.voter_id, VoteReaction.created_at).where(
                    col(VoteReaction.voter_id).in_(voters)
                )
            )
            found = {voter: as_utc(created).timestamp() for voter, created in rows}
        if len(found) == len(voters):
            break
        await asyncio.sleep(0.1)
    return found


def describe(name: str, delays: list[float]) -> float:
    cuts = statistics.quantiles(delays, n=100)
    print(
        f"{name:<22} ack→stored p50 {cuts[49] * 1000:7.1f} ms   p99 {cuts[98] * 1000:7.1f} ms   "
        f"max {max(delays) * 1000:7.1f} ms"
    )
    return cuts[98]


async def main(options: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="lightbulb-bench-"))
    database_url, drop = prepare_database(options.database, workdir)
    await migrate.upgrade(database_url)
    db = Database(database_url)
    fake = FakeSlack(bot_token=TOKEN)
    await fake.start()
    bot_port = free_port()
    bot = await spawn(
        sys.executable, "-m", "bot", "serve", "--mode", "http", "--host", "127.0.0.1",
        "--port", str(bot_port), "--no-scheduler",
        env={
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_APP_TOKEN": "",
            "SLACK_API_URL": fake.api_url, "IDEAS_CHANNEL": CHANNEL,
            "DATABASE_URL": database_url, "LOG_LEVEL": "ERROR",
        },
    )  # fmt: skip
    measured: dict[str, list[float]] = {"baseline": [], "slow": []}
    missing = 0
    try:
        await wait_for_port(bot_port, bot)
        url = f"http://127.0.0.1:{bot_port}/slack/events"
        message_ts = await post_idea(url, db, fake.base_url)
        start = 0
        for number in range(options.rounds):
            order = ["baseline", "slow"] if number % 2 == 0 else ["slow", "baseline"]
            for name in order:
                fake.clear_faults()
                if name == "slow":
                    fake.set_delay("users.info", options.lookup_seconds)
                bodies = {
                    f"U{n:08d}": reaction_event(n, message_ts)
                    for n in range(start, start + options.events)
                }
                # People who joined after the bot loaded the directory at start-up.
                for voter in bodies:
                    fake.add_user(voter)
                start += options.events
                acked = await burst(url, bodies)
                stored = await stored_at(db, set(bodies), timeout=options.lookup_seconds + 30)
                missing += len(bodies) - len(stored)
                measured[name] += [stored[v] - acked[v] for v in stored]
    finally:
        await stop(bot)
        await fake.stop()
        await db.dispose()
        drop()

    backend = make_url(database_url).get_backend_name()
    print(
        f"{options.events} reaction_added events at once, {options.rounds} rounds, {backend}; "
        f"slow users.info answers after {options.lookup_seconds:g} s"
    )
    baseline = describe("users.info at once", measured["baseline"])
    slow = describe("users.info slow", measured["slow"])
    print(f"ratio                  {slow / baseline:.2f} of the baseline's p99")
    total = options.events * options.rounds * 2
    print(f"votes                  {total - missing} of {total} stored")
    passed = missing == 0 and slow <= TARGET_P99_SECONDS
    print(f"target                 p99 within {TARGET_P99_SECONDS:g} s when slow")
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=150, help="N: voters per burst")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lookup-seconds", type=float, default=5.0)
    parser.add_argument("--database", help="a PostgreSQL server URL (default: a SQLite file)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
