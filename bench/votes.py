"""How fast Lightbulb takes a burst of votes, against bare Bolt apps measured in the same run.

Starts the fake Slack server, the real bot (`serve --mode http`) and two bare Bolt apps that
only ack, each in its own process: one served by an aiohttp app of our own through Bolt's
aiohttp adapter, one by Bolt's own server (`AsyncApp.start()`). Fires N signed
`reaction_added` events from N distinct people at one idea, C at a time, at each; R rounds,
each starting with the next server in turn, each with new people. Prints events/s (median of
the rounds) and ack p50/p99 for all three, and the ratio to the faster bare app (the one with
the higher median): the median of each round's ratio, as the runs of a round are seconds apart,
so a machine that slows down or speeds up moves them all. Then whether exactly N x R votes were
recorded.

    .venv/bin/python bench/votes.py                      # SQLite, N=2000, C=50
    .venv/bin/python bench/votes.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from sqlalchemy.engine import make_url

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

from storage import migrate  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.votes import vote_count  # noqa: E402

TARGET_RATIO = 0.7

BARE_BOLT = """
import sys
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

app = AsyncApp(client=AsyncWebClient(token=sys.argv[2], base_url=sys.argv[3]),
               signing_secret=sys.argv[4])

@app.event("reaction_added")
async def acked_only():
    pass
"""

OWN_ADAPTER = (
    BARE_BOLT
    + """
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

async def events(request):
    return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

web_app = web.Application()
web_app.router.add_post("/slack/events", events)
web.run_app(web_app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""
)

BOLT_SERVER = (
    BARE_BOLT
    + """
app.start(port=int(sys.argv[1]), path="/slack/events", host="127.0.0.1")
"""
)

BASELINES = {"bare Bolt, own adapter": OWN_ADAPTER, "bare Bolt, app.start()": BOLT_SERVER}
LIGHTBULB = "Lightbulb"


async def fire(url: str, bodies: list[str], concurrency: int) -> tuple[float, list[float]]:
    """Send every body once, `concurrency` at a time; returns (seconds, ack latencies)."""
    prepared = [signed(body) for body in bodies]
    latencies: list[float] = []
    queue = iter(prepared)
    failures: list[int] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            for data, headers in queue:
                started = time.perf_counter()
                async with http.post(url, data=data, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        failures.append(response.status)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} events were not acked with 200: {set(failures)}")
    return elapsed, latencies


def describe(name: str, count: int, runs: list[tuple[float, list[float]]]) -> float:
    """Print the median rate of the runs and the ack latencies of all of them together;
    returns the rate."""
    rate = statistics.median(count / elapsed for elapsed, _ in runs)
    latencies = [latency for _, run in runs for latency in run]
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<22} {rate:6.0f} events/s   ack p50 {cuts[49] * 1000:6.1f} ms   "
        f"p99 {cuts[98] * 1000:6.1f} ms   max {max(latencies) * 1000:6.1f} ms"
    )
    return rate


async def post_idea(bot_url: str, db: Database, fake_url: str) -> str:
    body = urlencode(
        {
            "command": "/idea",
            "text": "Benchmark idea: votes, votes, votes",
            "user_id": "U0AUTHOR1",
            "team_id": "T0001",
            "channel_id": CHANNEL,
            "response_url": f"{fake_url}/response/bench",
            "trigger_id": f"bench-{time.time_ns()}",  # one per invocation, as Slack makes them
        }
    )
    data, headers = signed(body)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    async with aiohttp.ClientSession() as http, http.post(bot_url, data=data, headers=headers):
        pass
    from sqlmodel import select

    from storage.models import Idea

    for _ in range(300):
        async with db.session() as session:
            idea = (await session.execute(select(Idea))).scalars().first()
        if idea is not None and idea.message_ts:
            return idea.message_ts
        await asyncio.sleep(0.05)
    raise SystemExit("the bot never posted the benchmark idea")


async def wait_for_votes(db: Database, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        async with db.session() as session:
            count = await vote_count(session=session, idea_id=1)
        if count >= expected:
            await asyncio.sleep(1)  # anything extra would show up now
            async with db.session() as session:
                return await vote_count(session=session, idea_id=1)
        await asyncio.sleep(0.1)
    return count


async def main(options: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="lightbulb-bench-"))
    voters = options.events * options.rounds
    database_url, drop = prepare_database(options.database, workdir)
    await migrate.upgrade(database_url)
    db = Database(database_url)
    fake_port, bot_port = free_port(), free_port()
    fake = await spawn(
        sys.executable, "tests/fake_slack.py", "--port", str(fake_port),
        "--token", TOKEN, "--people", str(voters + options.warmup), "--quiet",
    )  # fmt: skip
    await wait_for_port(fake_port, fake)
    fake_url = f"http://127.0.0.1:{fake_port}"
    bot = await spawn(
        sys.executable, "-m", "bot", "serve", "--mode", "http", "--host", "127.0.0.1",
        "--port", str(bot_port), "--no-scheduler",
        env={
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_APP_TOKEN": "",
            "SLACK_API_URL": f"{fake_url}/api/", "IDEAS_CHANNEL": CHANNEL,
            "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
        },
    )  # fmt: skip
    servers = {LIGHTBULB: (bot, bot_port)}
    for name, script in BASELINES.items():
        port = free_port()
        bare = await spawn(
            sys.executable, "-c", script, str(port), TOKEN, f"{fake_url}/api/", SECRET
        )
        servers[name] = (bare, port)
    try:
        for process, port in servers.values():
            await wait_for_port(port, process)
        urls = {
            name: f"http://127.0.0.1:{port}/slack/events" for name, (_, port) in servers.items()
        }
        message_ts = await post_idea(urls[LIGHTBULB], db, fake_url)

        # Warm-up: ignored reactions, so every server has its caches and pools ready.
        warm = [reaction_event(voters + n, message_ts, "eyes") for n in range(options.warmup)]
        for url in urls.values():
            await fire(url, warm, options.concurrency)

        rounds: list[dict[str, tuple[float, list[float]]]] = []
        names = [*BASELINES, LIGHTBULB]
        for number in range(options.rounds):
            first = number * options.events
            bodies = [reaction_event(first + n, message_ts) for n in range(options.events)]
            turn = number % len(names)
            measured = {}
            for name in names[turn:] + names[:turn]:
                measured[name] = await fire(urls[name], bodies, options.concurrency)
            rounds.append(measured)
        recorded = await wait_for_votes(db, voters)
    finally:
        for process, _ in servers.values():
            await stop(process)
        await stop(fake)
        await db.dispose()
        drop()

    backend = make_url(database_url).get_backend_name()
    print(
        f"{options.events} reaction_added events, {options.concurrency} at a time, "
        f"{options.rounds} rounds, {backend}"
    )
    rates = {name: describe(name, options.events, [r[name] for r in rounds]) for name in names}
    ratios = {name: [r[name][0] / r[LIGHTBULB][0] for r in rounds] for name in BASELINES}
    for name, each in ratios.items():
        shown = ", ".join(f"{r:.2f}" for r in each)
        print(f"ratio      {statistics.median(each):.2f} of {name} (rounds {shown})")
    faster = max(BASELINES, key=rates.__getitem__)
    ratio = statistics.median(ratios[faster])
    print(f"ratio      {ratio:.2f} of the faster, {faster} (target {TARGET_RATIO})")
    exact = recorded == voters
    verdict = "exact" if exact else "WRONG"
    print(f"votes      {recorded} recorded for {voters} voters: {verdict}")
    passed = exact and ratio >= TARGET_RATIO
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="N: distinct voters")
    parser.add_argument("--concurrency", type=int, default=50, help="C: events in flight")
    parser.add_argument("--rounds", type=int, default=5, help="R: rounds of N events each")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--database", help="a PostgreSQL server URL (default: a SQLite file)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
