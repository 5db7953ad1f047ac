"""Fixtures for the tests of challenges."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.challenges.close_helpers import headquarters
from tests.harness import Harness


@pytest.fixture
async def hq(migrated_url: str) -> AsyncIterator[Harness]:
    """The bot in Paris time with a sponsor, a theme owner, authors and voters."""
    async with headquarters(migrated_url) as harness:
        yield harness
