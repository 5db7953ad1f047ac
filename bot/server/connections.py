"""Bounds on the HTTP server's connections: how many may be open, and how long a request may
take to arrive.

aiohttp waits for a request's headers for as long as the client likes, and reads a body only
as fast as it comes. A client that sends half a header, or a body one byte at a time, holds a
connection (and a file descriptor) for ever; a few hundred of them take the endpoint and its
health check down. Each connection here gets `header_seconds` to deliver its request's
headers, the handler bounds the body (`read_body`), and connections beyond `max_open` are
closed as soon as they are accepted, before the process runs out of file descriptors.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.core import logs

log = logging.getLogger(__name__)

HEADER_SECONDS = 10.0
BODY_SECONDS = 10.0
# An idle kept-alive connection is closed after this long; Slack opens a new one as needed.
KEEPALIVE_SECONDS = 15.0
MAX_OPEN = 1000
# File descriptors kept free for the database, Slack's API and log files.
RESERVED_DESCRIPTORS = 64

# asyncio reports a failing accept() (no file descriptors left) on every try, many times a
# second; one line per minute says the same.
ACCEPT_FAILURE = "socket.accept() out of system resource"
ACCEPT_FAILURE_LOG_EVERY = 60.0


def descriptor_bound(wanted: int = MAX_OPEN) -> int:
    """`wanted`, or fewer when the process's file limit would not leave room for the rest."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_DESCRIPTORS))


@dataclass
class ConnectionGuard:
    """Shared by every connection of one listening socket."""

    max_open: int = MAX_OPEN
    header_seconds: float = HEADER_SECONDS
    on_close: Callable[[str], None] = lambda _reason: None
    open: int = 0
    _by_handler: dict[RequestHandler, _GuardedConnection] = field(default_factory=dict)

    def protocol_factory(self, make_handler: Callable[[], RequestHandler]) -> Callable[[], Any]:
        return lambda: _GuardedConnection(make_handler(), self)

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """The headers have arrived: the connection is no longer on the header clock."""
        connection = self._by_handler.get(request.protocol)
        if connection is not None:
            connection.request_started()
        try:
            return await handler(request)
        finally:
            if connection is not None:
                connection.request_finished()


class _GuardedConnection(asyncio.Protocol):
    """aiohttp's own protocol, with the header clock and the open-connection count around it."""

    def __init__(self, inner: RequestHandler, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.Transport | None = None
        self._clock: asyncio.TimerHandle | None = None
        self._busy = False
        self._counted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        guard = self._guard
        if guard.open >= guard.max_open:
            guard.on_close("too_many_connections")
            transport.abort()
            return
        guard.open += 1
        self._counted = True
        guard._by_handler[self._inner] = self
        self._inner.connection_made(transport)
        self._start_clock()

    def data_received(self, data: bytes) -> None:
        if self._clock is None and not self._busy:
            self._start_clock()
        self._inner.data_received(data)

    def eof_received(self) -> None:
        self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        if not self._counted:
            return
        self._counted = False
        self._guard.open -= 1
        self._guard._by_handler.pop(self._inner, None)
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def request_started(self) -> None:
        self._busy = True
        self._stop_clock()

    def request_finished(self) -> None:
        # The next request's clock starts with its first byte; until then aiohttp's
        # keep-alive timeout governs the idle connection.
        self._busy = False

    def _start_clock(self) -> None:
        loop = asyncio.get_running_loop()
        self._clock = loop.call_later(self._guard.header_seconds, self._too_slow)

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None

    def _too_slow(self) -> None:
        self._clock = None
        if self._busy or self._transport is None:
            return
        self._guard.on_close("slow_request")
        self._transport.abort()


async def read_body(request: web.Request, seconds: float = BODY_SECONDS) -> bytes | None:
    """The whole body, or None when it did not arrive within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            return await request.read()
    except TimeoutError:
        return None


class AcceptFailureLog:
    """The event loop's exception handler: lets one accept() failure through per minute,
    saying how many were left out, and hands every other report to asyncio's default."""

    def __init__(self, every: float = ACCEPT_FAILURE_LOG_EVERY) -> None:
        self._throttle = logs.Throttle(every)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != ACCEPT_FAILURE:
            loop.default_exception_handler(context)
            return
        left_out = self._throttle.allow(ACCEPT_FAILURE)
        if left_out is None:
            return
        log.error(
            "cannot accept connections: %r (no file descriptors left?); %d more such failures "
            "since the last report; raise the file limit (ulimit -n) or put a proxy in front",
            context.get("exception"),
            left_out,
        )
