"""Pacing our own calls to stay inside Slack's per-method rate limits, instead of
finding them with 429s."""

from __future__ import annotations

import asyncio
import time

# chat.update is Tier 3: about 50 per minute per workspace. Stay a little under.
CHAT_UPDATE_PER_MINUTE = 45


class RateLimiter:
    """A token bucket: `burst` calls at once, then `per_minute` on average."""

    def __init__(self, per_minute: float, *, burst: int = 5) -> None:
        self._interval = 60.0 / per_minute
        self._burst = burst
        self._tokens = float(burst)
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(
                    self._burst, self._tokens + (now - self._updated) / self._interval
                )
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) * self._interval)
