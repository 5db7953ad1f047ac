"""User groups (`@sales`, `@explorers`) and who is in them, as `usergroups.list` tells
(`usergroups:read`). One call answers for every group, members included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient


@dataclass(frozen=True)
class UserGroup:
    id: str
    handle: str
    name: str
    members: frozenset[str]


async def groups_by_handle(client: AsyncWebClient, handles: Sequence[str]) -> dict[str, UserGroup]:
    """The groups among `handles` that exist, keyed by handle (lower case). A handle Slack does
    not know is left out; the caller says so to whoever configured it. Slack failures raise
    (`SLACK_FAILURES`), for the caller to retry later."""
    wanted = {handle.lower() for handle in handles}
    response = await client.usergroups_list(include_users=True)
    found: dict[str, UserGroup] = {}
    for group in response.get("usergroups") or []:
        handle = str(group.get("handle") or "").lower()
        if handle in wanted:
            found[handle] = UserGroup(
                id=str(group.get("id") or ""),
                handle=handle,
                name=str(group.get("name") or handle),
                members=frozenset(str(user) for user in group.get("users") or []),
            )
    return found
