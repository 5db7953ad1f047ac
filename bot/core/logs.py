"""Logging: plain lines or one JSON object per line (`LOG_FORMAT=json`), each tagged with
the ID of the Slack request it serves, and never a token or the signing secret."""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

# Set per request by the HTTP server; tasks a listener starts inherit it.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_PROCESS_TAG = secrets.token_hex(4)
_SEQUENCE = itertools.count(1)

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"


def next_request_id() -> str:
    """Unique across replicas and restarts (a random tag per process), and cheaper than a
    UUID per request."""
    return f"{_PROCESS_TAG}-{next(_SEQUENCE):x}"


class Redact(logging.Filter):
    """Scrub Slack tokens of any kind and the configured secrets from every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request_id", "")
        if request:
            line["request_id"] = request
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """One line per record, so that nothing logged can pass for a line of its own: newlines
    in a message are written as `\\n`, and a traceback's lines are indented under it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.message = one_line(record.getMessage())
        record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        rid = getattr(record, "request_id", "")
        if rid:
            text = f"{text} [request {one_line(str(rid))}]"
        trace = record.exc_text or (
            self.formatException(record.exc_info) if record.exc_info else ""
        )
        if trace:
            text += "".join(f"\n    {line}" for line in trace.splitlines())
        return text


# Every character `str.splitlines` breaks on, written as an escape.
_LINE_BREAKS = {
    ord(char): escaped
    for char, escaped in {
        "\n": "\\n",
        "\r": "\\r",
        "\x0b": "\\x0b",
        "\x0c": "\\x0c",
        "\x1c": "\\x1c",
        "\x1d": "\\x1d",
        "\x1e": "\\x1e",
        "\x85": "\\x85",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }.items()
}


class Throttle:
    """Lets one report per key through every `every` seconds and counts the ones it held back,
    so that a flood of the same failure is one line a minute, saying how many it stands for."""

    def __init__(self, every: float = 60.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._every = every
        self._clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def allow(self, key: str) -> int | None:
        """None while `key` was reported less than `every` ago; otherwise how many reports
        of it were held back since the last one (and this one goes through)."""
        now = self._clock()
        if now - self._last.get(key, float("-inf")) < self._every:
            self._held[key] = self._held.get(key, 0) + 1
            return None
        self._last[key] = now
        return self._held.pop(key, 0)


def one_line(text: str) -> str:
    return text.translate(_LINE_BREAKS)


def configure(*, level: str, fmt: str, secrets: Iterable[str]) -> None:
    """One handler on stderr for the whole process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Redact(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
