"""Full-text search over ideas, experiments and learnings; where an idea saved from a Slack
message came from; messages attached to ideas as evidence.

Search lives in the database so that every replica sees the same index the moment a row is
committed: on SQLite, FTS5 tables kept by triggers; on PostgreSQL, generated `tsvector`
columns with GIN indexes. `storage.search_schema` names these objects, which the models do not
describe.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.search_schema import SEARCHED

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idea_sources",
        sa.Column(
            "idea_id",
            sa.Integer(),
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("channel_name", sa.String(length=200), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
    )
    op.create_index(
        "ix_idea_sources_message", "idea_sources", ["channel_id", "message_ts"], unique=False
    )
    op.create_table(
        "idea_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id", sa.Integer(), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.UniqueConstraint("idea_id", "channel_id", "message_ts", name="uq_idea_evidence"),
    )
    # The real author of an anonymous idea, apart from the idea (storage.anonymous_models).
    op.create_table(
        "anonymous_authors",
        sa.Column(
            "idea_id",
            sa.Integer(),
            sa.ForeignKey("ideas.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("author_id", sa.String(length=32), nullable=False),
    )
    op.create_index(
        "ix_anonymous_authors_author_id", "anonymous_authors", ["author_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_search()
    else:
        _sqlite_search()


def _postgresql_search() -> None:
    for table in SEARCHED:
        # The first column (an idea's summary, an experiment's hypothesis, what was learned)
        # weighs more than the rest.
        first, *rest = table.columns
        rest_text = " || ' ' || ".join(f"coalesce({column}, '')" for column in rest)
        op.execute(
            f"ALTER TABLE {table.name} ADD COLUMN {table.vector} tsvector GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('english', coalesce({first}, '')), 'A') || "
            f"setweight(to_tsvector('english', {rest_text}), 'B')) STORED"
        )
        op.execute(f"CREATE INDEX {table.index} ON {table.name} USING gin ({table.vector})")


def _sqlite_search() -> None:
    for table in SEARCHED:
        columns = ", ".join(table.columns)
        new = ", ".join(f"new.{column}" for column in table.columns)
        old = ", ".join(f"old.{column}" for column in table.columns)
        fts = table.fts
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{table.name}', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table.name} BEGIN "
            f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table.name} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table.name} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS {table.index}")
            op.execute(f"ALTER TABLE {table.name} DROP COLUMN IF EXISTS {table.vector}")
    else:
        for table in SEARCHED:
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table.fts}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table.fts}")
    op.drop_index("ix_anonymous_authors_author_id", table_name="anonymous_authors")
    op.drop_table("anonymous_authors")
    op.drop_table("idea_evidence")
    op.drop_index("ix_idea_sources_message", table_name="idea_sources")
    op.drop_table("idea_sources")
