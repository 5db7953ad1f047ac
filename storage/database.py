"""The async engine and sessions, built from `DATABASE_URL` as users write it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUrlError(ValueError):
    """`DATABASE_URL` is not a form Lightbulb understands."""


def async_database_url(url: str) -> str:
    """Map the URL a user writes to one with an async driver.

    `sqlite:///file.db` → aiosqlite, `postgresql://` / `postgres://` → psycopg 3.
    URLs that already name an async driver are kept as they are.
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseUrlError(
            f"DATABASE_URL {url!r} is not a database URL: use sqlite:///path/to/lightbulb.db "
            "or postgresql://user:password@host:5432/dbname."
        ) from None
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
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable DATABASE_URL>"


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
    engine = create_async_engine(async_url, **options)
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
