"""What the benchmarks share: signing requests as Slack does, Slack events, processes,
and a fresh database per run."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CHANNEL = "C0BENCH01"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed(body: str, content_type: str = "application/json") -> tuple[bytes, dict[str, str]]:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only without a timestamp or a body
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    return body.encode(), headers


def reaction_event(n: int, message_ts: str, reaction: str = "+1", channel: str = CHANNEL) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T0001",
            "api_app_id": "A0BENCH01",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12]}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
            "event": {
                "type": "reaction_added",
                "user": f"U{n:08d}",
                "reaction": reaction,
                "item_user": "UBOT0001",
                "item": {"type": "message", "channel": channel, "ts": message_ts},
                "event_ts": f"{time.time():.6f}",
            },
        }
    )


async def wait_for_port(port: int, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise SystemExit(f"a bench process exited early with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit(f"nothing listened on port {port}")


async def spawn(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *args,
        cwd=ROOT,
        # Several bots may run at once: none takes the default metrics port.
        env={**os.environ, "PYTHONPATH": str(ROOT), "METRICS_PORT": "off", **(env or {})},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()


def prepare_database(url: str | None, workdir: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database for this run, and how to remove it."""
    if not url:
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    admin = make_url(url).set(drivername="postgresql")
    name = f"lightbulb_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop


def run_on_both_engines(bench: Callable[[str | None], Awaitable[bool]], description: str) -> None:
    """The command line of a database bench: SQLite always, then PostgreSQL with `--postgres`
    (default `TEST_POSTGRES_URL`); exits 1 when a target was missed on either."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_POSTGRES_URL"),
        help="a PostgreSQL server where the bench may create a database (default: "
        "TEST_POSTGRES_URL); SQLite is always measured",
    )
    args = parser.parse_args()
    met = asyncio.run(_finished(bench(None)))
    if args.postgres:
        met = asyncio.run(_finished(bench(args.postgres))) and met
    raise SystemExit(0 if met else 1)


async def _finished(run: Awaitable[bool]) -> bool:
    return await run
