"""Who shared an anonymous idea, kept apart from the idea itself."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class AnonymousAuthor(SQLModel, table=True):
    """The real author of an idea shared anonymously. The idea's own `author_id` holds
    `storage.vocabulary.ANONYMOUS_AUTHOR`, so no query that lists ideas can name them; only
    code that must reach the author privately (`storage.anonymous`) and the database operator
    read this table."""

    __tablename__ = "anonymous_authors"

    idea_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
        )
    )
    author_id: str = Field(max_length=32, index=True)
