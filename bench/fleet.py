"""Lightbulb as a fleet: N HTTP replicas on one PostgreSQL database, under load and faults.

Starts the project's fake Slack (in this process, so that it can be inspected and made to
fail), N real replicas (`serve --mode http`) on a fresh PostgreSQL database, and spreads signed
requests across them round-robin. Like Slack, the generator gives a request 3 seconds and
retries one that was not acknowledged on another replica, up to 3 times. Scenarios, each with
its figures and a PASS/FAIL line:

1. a burst of reactions from thousands of distinct people on a handful of ideas, a tenth of
   them delivered twice to different replicas: exact totals, ack p99, and throughput against
   the same burst sent to one replica;
2. `/idea` from hundreds of people at once: every idea stored and posted exactly once;
3. a replica killed with SIGKILL mid-burst and restarted: no vote lost, none extra (votes it
   acked but never committed are repaired from Slack's reactions when it restarts);
4. Slack answering 429 (Retry-After) and then 503 for a while: every idea posted exactly once
   by itself when Slack recovers (the first replica runs the timetable, whose one-minute retry
   posts them), each author told in a DM, acks unaffected;
5. PostgreSQL stopped and started again: `/healthz` 503 while it is gone, 200 after, and the
   bot stores ideas again without a restart (skipped where `pg_ctlcluster` is not available).

    .venv/bin/python bench/fleet.py --replicas 3
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHANNEL,
    ROOT,
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
from sqlmodel import col, func, select  # noqa: E402

from storage import migrate  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.models import Idea, VoteReaction  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402

ACK_DEADLINE = 3.0
SLACK_RETRIES = 3
# Slack waits about a minute, then five, between retries; shortened here, in the same order.
RETRY_GAPS = (0.5, 1.5, 3.0, 0.0)
FORM = "application/x-www-form-urlencoded"


@dataclass
class Sent:
    latencies: list[float] = field(default_factory=list)
    retried: int = 0
    failed: int = 0

    def p99(self) -> float:
        if len(self.latencies) < 2:
            return max(self.latencies, default=0.0)
        return statistics.quantiles(self.latencies, n=100)[98]


class Fleet:
    """The replicas, and a round-robin spreader that retries as Slack does."""

    def __init__(self, count: int, env: dict[str, str]) -> None:
        self.ports = [free_port() for _ in range(count)]
        self.env = env
        self.processes: list[asyncio.subprocess.Process | None] = [None] * count
        self._next = itertools.count()

    async def start(self, index: int) -> None:
        """The first replica runs the timetable too; the others only answer Slack."""
        only_answer = () if index == 0 else ("--no-scheduler",)
        process = await spawn(
            sys.executable, "-m", "bot", "serve", "--mode", "http", "--host", "127.0.0.1",
            "--port", str(self.ports[index]), *only_answer, env=self.env,
        )  # fmt: skip
        self.processes[index] = process
        await wait_for_port(self.ports[index], process)

    def kill(self, index: int) -> None:
        process = self.processes[index]
        if process is not None and process.returncode is None:
            process.kill()

    async def stop_all(self) -> None:
        for process in self.processes:
            if process is not None:
                await stop(process)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}/slack/events"

    async def send(
        self,
        http: aiohttp.ClientSession,
        body: str,
        sent: Sent,
        *,
        content_type: str = "application/json",
        only: int | None = None,
    ) -> None:
        for attempt in range(SLACK_RETRIES + 1):
            index = only if only is not None else next(self._next) % len(self.ports)
            data, headers = signed(body, content_type)
            if attempt:
                headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "timeout"}
                sent.retried += 1
            started = time.perf_counter()
            try:
                async with asyncio.timeout(ACK_DEADLINE):
                    async with http.post(self.url(index), data=data, headers=headers) as reply:
                        await reply.read()
                        if reply.status == 200:
                            sent.latencies.append(time.perf_counter() - started)
                            return
            except (aiohttp.ClientError, TimeoutError, OSError):
                pass
            await asyncio.sleep(RETRY_GAPS[attempt])
        sent.failed += 1


async def fire(
    fleet: Fleet,
    bodies: Sequence[str],
    concurrency: int,
    *,
    content_type: str = "application/json",
    only: int | None = None,
) -> tuple[Sent, float]:
    sent = Sent()
    queue = iter(bodies)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def worker() -> None:
            for body in queue:
                await fleet.send(http, body, sent, content_type=content_type, only=only)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent, time.perf_counter() - started


class SlackReactions:
    """What Slack itself shows on each message, as the events describe it: the truth that
    `reactions.get` (and so a restarted replica's repair) reads."""

    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self._people: dict[str, set[str]] = {}

    def add(self, bodies: Sequence[str]) -> None:
        changed = set()
        for body in bodies:
            event = json.loads(body)["event"]
            ts = event["item"]["ts"]
            self._people.setdefault(ts, set()).add(event["user"])
            changed.add(ts)
        for ts in changed:
            people = sorted(self._people[ts])
            self._fake.set_reactions(
                CHANNEL, ts, [{"name": "+1", "users": people, "count": len(people)}]
            )


TRIGGERS = itertools.count(1)


def command(user: str, text: str, fake: FakeSlack) -> str:
    return urlencode(
        {
            "command": "/idea",
            "text": text,
            "user_id": user,
            "team_id": "T0001",
            "channel_id": CHANNEL,
            "response_url": fake.response_url("fleet"),
            # One per invocation, as Slack makes them: a repeated one is a replay.
            "trigger_id": f"trigger-{next(TRIGGERS)}",
        }
    )


# The one-minute retry runs within a minute of Slack answering again; give it two.
RETRY_PATIENCE = 120.0


async def ideas_named(db: Database, prefix: str) -> list[Idea]:
    async with db.session() as session:
        result = await session.execute(
            select(Idea).where(col(Idea.text).startswith(prefix)).order_by(col(Idea.id))
        )
        return list(result.scalars())


async def posted_ideas(db: Database, prefix: str, count: int, timeout: float = 60) -> list[Idea]:
    deadline = time.monotonic() + timeout
    found: list[Idea] = []
    while time.monotonic() < deadline:
        found = await ideas_named(db, prefix)
        if len(found) >= count and all(i.message_ts for i in found):
            break
        await asyncio.sleep(0.2)
    return found


async def vote_totals(db: Database, idea_ids: Sequence[int]) -> dict[int, int]:
    async with db.session() as session:
        rows = await session.execute(
            select(VoteReaction.idea_id, func.count(func.distinct(VoteReaction.voter_id)))
            .where(col(VoteReaction.idea_id).in_(list(idea_ids)), col(VoteReaction.active))
            .group_by(col(VoteReaction.idea_id))
        )
        return {idea_id: int(count) for idea_id, count in rows}


async def settled_totals(db: Database, idea_ids: Sequence[int], expected: int) -> dict[int, int]:
    deadline = time.monotonic() + 60
    totals: dict[int, int] = {}
    while time.monotonic() < deadline:
        totals = await vote_totals(db, idea_ids)
        if sum(totals.values()) >= expected:
            await asyncio.sleep(1.0)  # anything extra would show now
            return await vote_totals(db, idea_ids)
        await asyncio.sleep(0.2)
    return totals


def verdict(name: str, passed: bool, figures: str) -> bool:
    print(f"{'PASS' if passed else 'FAIL'}  {name}: {figures}", flush=True)
    return passed


async def share_ideas(
    fleet: Fleet, fake: FakeSlack, db: Database, prefix: str, count: int
) -> list[Idea]:
    bodies = [command(f"U{90000000 + n:08d}", f"{prefix} {n}", fake) for n in range(count)]
    await fire(fleet, bodies, min(count, 50), content_type=FORM)
    return await posted_ideas(db, prefix, count)


async def burst(
    fleet: Fleet,
    fake: FakeSlack,
    slack: SlackReactions,
    db: Database,
    voters: int,
    concurrency: int,
) -> bool:
    ideas = await share_ideas(fleet, fake, db, "Burst idea", 5)
    bodies = [reaction_event(n, ideas[n % len(ideas)].message_ts or "") for n in range(voters)]
    slack.add(bodies)
    # Slack sometimes delivers an event twice; here every tenth, to another replica.
    twice = bodies + bodies[::10]
    sent, elapsed = await fire(fleet, twice, concurrency)
    totals = await settled_totals(db, [i.id or 0 for i in ideas], voters)
    expected = Counter(n % len(ideas) for n in range(voters))
    exact = all(totals.get(idea.id or 0, 0) == expected[k] for k, idea in enumerate(ideas))

    solo_ideas = await share_ideas(fleet, fake, db, "Solo idea", 5)
    solo_bodies = [
        reaction_event(voters + n, solo_ideas[n % 5].message_ts or "") for n in range(voters)
    ]
    slack.add(solo_bodies)
    solo, solo_elapsed = await fire(fleet, solo_bodies, concurrency, only=0)
    rate, solo_rate = len(twice) / elapsed, len(solo_bodies) / solo_elapsed
    return verdict(
        "reaction burst",
        exact and not sent.failed and sent.p99() < ACK_DEADLINE,
        f"{voters} voters + {len(bodies[::10])} duplicates on 5 ideas; totals "
        f"{'exact' if exact else f'WRONG {totals}'}; {rate:.0f} events/s on "
        f"{len(fleet.ports)} replicas vs {solo_rate:.0f} on one (ratio "
        f"{rate / solo_rate:.2f}); ack p99 {sent.p99() * 1000:.0f} ms "
        f"(one replica {solo.p99() * 1000:.0f} ms); unacked {sent.failed}",
    )


def idea_posts(fake: FakeSlack, prefix: str) -> Counter[str]:
    return Counter(
        m["text"].split(": ", 1)[-1]
        for m in fake.messages(CHANNEL)
        if "thread_ts" not in m and prefix in m["text"]
    )


async def ideas_at_once(fleet: Fleet, fake: FakeSlack, db: Database, people: int) -> bool:
    prefix = "Crowd idea"
    bodies = [command(f"U{80000000 + n:08d}", f"{prefix} {n}", fake) for n in range(people)]
    sent, _ = await fire(fleet, bodies, 100, content_type=FORM)
    stored = await posted_ideas(db, prefix, people)
    posts = idea_posts(fake, prefix)
    once = len(posts) == people and set(posts.values()) == {1}
    return verdict(
        "/idea from many at once",
        len(stored) == people and once and not sent.failed,
        f"{people} people; {len(stored)} stored; {len(posts)} posted, "
        f"{sum(c - 1 for c in posts.values())} duplicate posts; ack p99 "
        f"{sent.p99() * 1000:.0f} ms; unacked {sent.failed}",
    )


async def kill_mid_burst(
    fleet: Fleet, fake: FakeSlack, slack: SlackReactions, db: Database, voters: int
) -> bool:
    [idea] = await share_ideas(fleet, fake, db, "Killed idea", 1)
    first = 2 * voters
    bodies = [reaction_event(first + n, idea.message_ts or "") for n in range(voters)]
    slack.add(bodies)
    victim = len(fleet.ports) - 1

    async def kill_then_restart() -> None:
        await asyncio.sleep(0.3)
        fleet.kill(victim)
        await asyncio.sleep(1.0)
        await fleet.start(victim)

    (sent, _), _ = await asyncio.gather(fire(fleet, bodies, 50), kill_then_restart())
    total = (await settled_totals(db, [idea.id or 0], voters)).get(idea.id or 0, 0)
    return verdict(
        "replica killed mid-burst",
        total == voters and not sent.failed,
        f"{voters} voters; {total} votes recorded ({voters - total} lost); "
        f"{sent.retried} redelivered after the kill; unacked {sent.failed}",
    )


async def slack_outage(fleet: Fleet, fake: FakeSlack, db: Database, people: int) -> bool:
    prefix = "Outage idea"
    fake.fail_next("chat.postMessage", status=429, retry_after=1, times=people)
    fake.outage("chat.postMessage", status=503)

    async def recover() -> None:
        await asyncio.sleep(4)
        fake.clear_faults()

    bodies = [command(f"U{70000000 + n:08d}", f"{prefix} {n}", fake) for n in range(people)]
    (sent, _), _ = await asyncio.gather(fire(fleet, bodies, 25, content_type=FORM), recover())
    recovered = time.monotonic()
    waiting = [i for i in await ideas_named(db, prefix) if not i.message_ts]
    # Nobody sends `/idea retry`: the one-minute retry posts them by itself.
    stored = await posted_ideas(db, prefix, people, timeout=RETRY_PATIENCE)
    took = time.monotonic() - recovered
    posts = idea_posts(fake, prefix)
    once = len(posts) == people and set(posts.values()) == {1}
    authors = {i.author_id for i in waiting}

    def told() -> set[str]:
        return {
            str(call.args.get("channel"))
            for call in fake.calls_to("chat.postMessage")
            if call.args.get("channel") in authors and "is posted" in str(call.args.get("text"))
        }

    # The authors hear once their ideas are all posted.
    deadline = time.monotonic() + RETRY_PATIENCE
    while told() != authors and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return verdict(
        "Slack 429 then 503, then back",
        once
        and len(stored) == people
        and all(i.message_ts for i in stored)
        and told() == authors
        and sent.p99() < ACK_DEADLINE
        and not sent.failed,
        f"{people} ideas during the outage; {len(waiting)} waited for Slack and were posted by "
        f"themselves {took:.0f} s after it answered again, their {len(told())} authors told; "
        f"{len(posts)} posted, {sum(c - 1 for c in posts.values())} twice; ack p99 "
        f"{sent.p99() * 1000:.0f} ms",
    )


async def health(http: aiohttp.ClientSession, fleet: Fleet) -> int:
    try:
        async with http.get(fleet.url(0).replace("/slack/events", "/healthz")) as reply:
            return reply.status
    except (aiohttp.ClientError, OSError):
        return 0


async def wait_health(http: aiohttp.ClientSession, fleet: Fleet, status: int) -> bool:
    for _ in range(150):
        if await health(http, fleet) == status:
            return True
        await asyncio.sleep(0.2)
    return False


async def postgres_restart(fleet: Fleet, fake: FakeSlack, db: Database) -> bool:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if not shutil.which("pg_ctlcluster") or not versions:
        print("SKIP  PostgreSQL restart: no pg_ctlcluster on this machine", flush=True)
        return True
    version = versions[-1].name

    def cluster(action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
            check=True,
            capture_output=True,
        )

    async with aiohttp.ClientSession() as http:
        before = await wait_health(http, fleet, 200)
        cluster("stop")
        try:
            gone = await wait_health(http, fleet, 503)
        finally:
            cluster("start")
        back = await wait_health(http, fleet, 200)
    await db.dispose()
    stored = await share_ideas(fleet, fake, db, "After restart idea", 3)
    return verdict(
        "PostgreSQL restarted",
        before and gone and back and len(stored) == 3,
        f"/healthz 200 before: {before}; 503 while down: {gone}; 200 after: {back}; "
        f"ideas stored after it: {len(stored)} of 3",
    )


async def main(options: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="lightbulb-fleet-"))
    database_url, drop = prepare_database(options.database, workdir)
    await migrate.upgrade(database_url)
    db = Database(database_url)
    fake = FakeSlack(bot_token=TOKEN)
    for n in range(3 * options.voters):
        fake.add_user(f"U{n:08d}")
    for base, count in ((70000000, options.people), (80000000, options.people), (90000000, 5)):
        for n in range(count):
            fake.add_user(f"U{base + n:08d}")
    await fake.start()
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake.api_url,
        "IDEAS_CHANNEL": CHANNEL,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    fleet = Fleet(options.replicas, env)
    print(
        f"{options.replicas} replicas on PostgreSQL, the fake Slack in this process",
        flush=True,
    )
    results = []
    try:
        await asyncio.gather(*(fleet.start(i) for i in range(options.replicas)))
        slack = SlackReactions(fake)
        results.append(await burst(fleet, fake, slack, db, options.voters, options.concurrency))
        results.append(await ideas_at_once(fleet, fake, db, options.people))
        results.append(await kill_mid_burst(fleet, fake, slack, db, options.voters))
        results.append(await slack_outage(fleet, fake, db, options.people // 4))
        if options.restart_postgres:
            results.append(await postgres_restart(fleet, fake, db))
    finally:
        await fleet.stop_all()
        await fake.stop()
        await db.dispose()
        drop()
    passed = all(results)
    print(json.dumps({"scenarios": len(results), "passed": sum(results)}))
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--voters", type=int, default=3000, help="distinct voters per burst")
    parser.add_argument("--people", type=int, default=300, help="people sharing ideas at once")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--database",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="the PostgreSQL server to create the run's database on",
    )
    parser.add_argument(
        "--no-restart-postgres",
        dest="restart_postgres",
        action="store_false",
        help="skip scenario 5, which stops and starts this machine's PostgreSQL",
    )
    raise SystemExit(asyncio.run(main(parser.parse_args())))
