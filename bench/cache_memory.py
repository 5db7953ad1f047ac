"""How much memory the bot's user cache keeps after a million voters, against the same people
in a plain dict, as the cache kept them before it had a bound.

Each measurement runs in a fresh interpreter, so memory one of them freed cannot hide
another's growth:

- empty: the same imports and set-up, nobody looked up: the floor;
- bounded: N distinct voters judged as a vote judges them, through the bot's `UserDirectory`
  (`cached`, then `get` on a miss, which loads a `users.info` answer shaped like Slack's);
- unbounded: the same N answers kept in a dict of (expiry, `SlackUser`), the old layout.

Prints the idle RSS (after a garbage collection) and the peak RSS of each, the bytes kept a
person over the floor, the ratios of the bounded cache to the dict, and how many people the
cache still holds (the bound, when N is larger). Linux only: it reads /proc/self/status.

    .venv/bin/python bench/cache_memory.py                   # N = 1,000,000
    .venv/bin/python bench/cache_memory.py --voters 200000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT  # noqa: E402

from bot.slack.users import (  # noqa: E402
    USER_CACHE_ENTRIES,
    USER_TTL_SECONDS,
    SlackUser,
    UserDirectory,
)

MODES = ("empty", "bounded", "unbounded")
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles", "UTC")
TITLES = ("Software Engineer", "Account Executive", "Product Designer", "Support Lead", "")
# Decoded per answer, as the SDK decodes each response body, so no two people share strings.
USERS_INFO = """{
  "ok": true,
  "user": {
    "id": "%(id)s", "team_id": "T0001", "name": "person.%(n)d", "deleted": false,
    "color": "9f69e7", "real_name": "Person %(n)d Example", "tz": "%(tz)s",
    "tz_label": "%(tz)s", "tz_offset": 3600, "is_admin": false, "is_owner": false,
    "is_bot": false, "is_app_user": false, "updated": 1700000000,
    "profile": {
      "title": "%(title)s", "phone": "", "skype": "", "real_name": "Person %(n)d Example",
      "display_name": "person%(n)d", "status_text": "", "status_emoji": "",
      "avatar_hash": "g1a2b3c4d5e6", "email": "person.%(n)d@example.com",
      "image_48": "https://secure.gravatar.com/avatar/%(id)s.jpg?s=48"
    }
  }
}"""


def voter(n: int) -> str:
    return f"U{n:010d}"


class SlackUsers:
    """Answers `users.info` for anyone, without the network."""

    async def users_info(self, *, user: str) -> dict:
        n = int(user[1:])
        fields = {"id": user, "n": n, "tz": ZONES[n % len(ZONES)], "title": TITLES[n % len(TITLES)]}
        return json.loads(USERS_INFO % fields)


def memory_kb() -> tuple[int, int]:
    """(resident, peak resident) of this process, in kB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def fill(mode: str, voters: int) -> tuple[object, int]:
    """Look N voters up the `mode` way; returns what holds them and how many it holds."""
    slack = SlackUsers()
    directory = UserDirectory(cast(AsyncWebClient, slack))
    if mode == "empty":
        return directory, 0
    if mode == "bounded":
        for n in range(voters):
            if directory.cached(voter(n)) is None:
                await directory.get(voter(n))
        return directory, sum(directory.cached(voter(n)) is not None for n in range(voters))
    people: dict[str, tuple[float, SlackUser]] = {}
    for n in range(voters):
        response = await slack.users_info(user=voter(n))
        user = SlackUser.from_api(response["user"])
        people[user.id] = (time.monotonic() + USER_TTL_SECONDS, user)
    return people, len(people)


def measure(mode: str, voters: int) -> None:
    # `holder` keeps the people alive while the process is measured.
    holder, kept = asyncio.run(fill(mode, voters))
    gc.collect()
    rss, peak = memory_kb()
    print(json.dumps({"rss": rss, "peak": peak, "kept": kept, "holder": type(holder).__name__}))


def run(mode: str, voters: int) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--voters", str(voters), "--measure", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise SystemExit(f"measuring {mode} failed:\n{child.stderr}")
    return json.loads(child.stdout)


def main(options: argparse.Namespace) -> int:
    voters = options.voters
    results = {mode: run(mode, voters) for mode in MODES}
    print(
        f"{voters:,} distinct voters through the user cache "
        f"(bound {USER_CACHE_ENTRIES:,} people, TTL {USER_TTL_SECONDS / 3600:g} h)"
    )
    floor = results["empty"]["rss"]
    for mode in MODES:
        result = results[mode]
        kept, grown = result["kept"], (result["rss"] - floor) * 1024
        each = f": +{grown / 2**20:.1f} MB, {grown / kept:.0f} B each" if kept else ""
        print(
            f"{mode:<10} idle RSS {result['rss'] / 1024:6.1f} MB   "
            f"peak {result['peak'] / 1024:6.1f} MB   "
            f"{kept:>9,} people kept ({result['holder']}){each}"
        )
    bounded, unbounded = results["bounded"], results["unbounded"]
    print(
        f"ratio      bounded / unbounded: idle RSS {bounded['rss'] / unbounded['rss']:.2f}, "
        f"growth over empty {(bounded['rss'] - floor) / (unbounded['rss'] - floor):.2f}, "
        f"peak {bounded['peak'] / unbounded['peak']:.2f}"
    )
    expected = min(voters, USER_CACHE_ENTRIES)
    # Under the bound both keep everyone, and the cache's recency order costs a little more.
    smaller = voters <= USER_CACHE_ENTRIES or bounded["rss"] < unbounded["rss"]
    passed = bounded["kept"] == expected and smaller
    print(f"bound      {bounded['kept']:,} people kept, {expected:,} expected")
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1_000_000, help="N: distinct voters")
    parser.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure, options.voters)
        raise SystemExit(0)
    raise SystemExit(main(options))
