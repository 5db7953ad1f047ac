"""Run `python -m bot …` as a real process, as an operator would."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.harness import eventually

ROOT = Path(__file__).resolve().parents[1]
# Starting a Python process that imports the whole bot can take long on a loaded machine.
START_PATIENCE = 60.0


def cli_env(**values: str) -> dict[str, str]:
    """A clean environment: nothing leaks in from the developer's own shell or .env."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, "PYTHONPATH": str(ROOT), **values}


async def run_cli(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run one command to completion; returns exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=cli_env(**env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode(), err.decode()


async def start_bot(cwd: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    """A bot process; its metrics listener takes a free port unless `METRICS_PORT` is given,
    so that bots started one after another never clash over the default."""
    env.setdefault("METRICS_PORT", str(free_port()))
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=cli_env(**env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def wait_until_healthy(
    http: aiohttp.ClientSession, base_url: str, process: asyncio.subprocess.Process
) -> None:
    """Wait until the bot at `base_url` answers its health check; fail at once if it exited."""

    async def healthy() -> bool:
        assert process.returncode is None, "the bot exited during start-up"
        try:
            async with http.get(base_url + "/healthz") as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    await eventually(healthy, timeout=START_PATIENCE, failure="the bot never became healthy")


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    """SIGTERM, as a process manager sends it; returns what the bot logged."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return err.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
