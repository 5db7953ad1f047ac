"""The async engine and sessions, built from `DATABASE_URL` as users write it."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, quote_plus, unquote

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
MASK = "***"
# `scheme://user:password@host…` or `user:password@host…`. The password runs to the last
# "@", where the host starts even when the password holds an unescaped "@"; this is all
# that can be masked on a URL too malformed to parse.
_CREDENTIALS = re.compile(r"^(?P<user>(?:[^:/@]*://)?+[^:/@]*:)(?P<password>.*)@", re.DOTALL)


class DatabaseUrlError(ValueError):
    """`DATABASE_URL` is not a form Lightbulb understands, or names a driver not installed."""


def async_database_url(url: str) -> str:
    """Map the URL a user writes to one with an async driver.

    `sqlite:///file.db` → aiosqlite, `postgresql://` / `postgres://` → psycopg 3.
    URLs that already name an async driver are kept as they are.
    """
    parsed = _parsed(url)
    if parsed is None:
        raise DatabaseUrlError(
            f"DATABASE_URL {redacted(url)!r} is not a database URL: use "
            "sqlite:///path/to/lightbulb.db or postgresql://user:password@host:5432/dbname."
        )
    if "@" in (parsed.host or ""):
        raise DatabaseUrlError(
            f"DATABASE_URL {redacted(url)!r} has an @ in its user name or password: "
            "write it there as %40."
        )
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "aiosqlite"):
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg", "psycopg2", "asyncpg"):
        name = "postgresql+asyncpg" if driver == "asyncpg" else "postgresql+psycopg"
        return parsed.set(drivername=name).render_as_string(hide_password=False)
    raise DatabaseUrlError(
        f"DATABASE_URL scheme {parsed.drivername!r} is not supported: use sqlite:///… "
        "or postgresql://…"
    )


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages and logs, however malformed it is."""
    parsed = _parsed(url)
    # SQLAlchemy ends a password at its first "@" and would show the rest as the host.
    if parsed is None or "@" in (parsed.host or ""):
        return _CREDENTIALS.sub(rf"\g<user>{MASK}@", url)
    return scrub(parsed.render_as_string(hide_password=True), url)


def passwords_in(url: str) -> set[str]:
    """Every spelling of the password in `url` that a message might echo.

    That is the password as written, as SQLAlchemy reads it, and as libpq's
    `?password=` takes it, each also percent-decoded and percent-encoded.
    """
    found: set[str] = set()
    written = _CREDENTIALS.match(url)
    if written:
        found.add(written["password"])
    parsed = _parsed(url)
    if parsed is not None:
        found.add(parsed.password or "")
        in_query = parsed.query.get("password", ())
        found.update((in_query,) if isinstance(in_query, str) else in_query)
    found |= {unquote(password) for password in found}
    found |= {quote(password, safe="") for password in found}
    found |= {quote_plus(password) for password in found}
    found.discard("")
    return found


def _parsed(url: str) -> URL | None:
    try:
        return make_url(url)
    except Exception:
        return None


def scrub(text: str, url: str) -> str:
    """`text` with the password of `url` hidden wherever it appears, e.g. in a driver's error.

    Only whole occurrences are masked, so that a short password does not garble the
    message it appears in.
    """
    for password in sorted(passwords_in(url), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(password)}(?!\w)", MASK, text)
    return text


def create_engine(url: str, *, foreign_keys: bool = True) -> AsyncEngine:
    """One engine per process. SQLite gets WAL, a busy timeout and foreign keys.

    Migrations pass `foreign_keys=False`: SQLite's batch migrations recreate tables,
    and with foreign keys on that would cascade-delete child rows.
    """
    async_url = async_database_url(url)
    is_sqlite = async_url.startswith("sqlite")
    options: dict[str, Any] = {}
    if is_sqlite:
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        options.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
    try:
        engine = create_async_engine(async_url, **options)
    except ImportError as error:
        raise DatabaseUrlError(
            f"DATABASE_URL {redacted(url)!r} needs the Python package {error.name or 'driver'}, "
            "which is not installed: install it, or write postgresql://… to use psycopg."
        ) from None
    if is_sqlite:
        _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()


class Database:
    """The engine plus a session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short session for one unit of work; commits on success, rolls back on error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception as error:
            log.warning("database ping failed: %s", error)
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
