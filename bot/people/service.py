"""Reading everyone's department from Slack into `people`: the whole workspace
(`refresh`, daily and `lightbulb people refresh`) or a few people on demand (`look_up`, for
someone who posts or votes before the daily refresh has seen them).

Slack failing part of the way is never a reason to forget what is stored: people read before
the failure are stored, the others keep the department they had, and the report says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.foundation.context import Context
from bot.people import rules
from bot.slack.posting import SLACK_FAILURES, error_code
from bot.slack.usergroups import groups_by_handle
from bot.slack.users import LookupFailed, SlackUser
from storage import people
from storage.people import PersonFacts

log = logging.getLogger(__name__)

JOB = "people-refresh"
PAGE_SIZE = 200
# `users.profile.get` is Tier 4 (about 100 a minute): a few at a time keeps the client's
# rate-limit retries rare without making a refresh of thousands take longer than it must.
PROFILE_LOOKUPS_AT_ONCE = 4
# How many departments the summary names; the rest are counted.
NAMED_IN_SUMMARY = 10


@dataclass
class RefreshReport:
    """What a refresh read and stored."""

    source: str
    departments: Counter[str] = field(default_factory=Counter)
    without: int = 0  # active people with no department
    inactive: int = 0  # bots and deactivated accounts
    kept: int = 0  # people whose department Slack could not give this time: left as stored
    unknown_groups: tuple[str, ...] = ()
    failure: str | None = None

    @property
    def people(self) -> int:
        return sum(self.departments.values()) + self.without

    def summary(self) -> str:
        with_department = sum(self.departments.values())
        named = ", ".join(
            f"{name} {count}" for name, count in self.departments.most_common(NAMED_IN_SUMMARY)
        )
        if len(self.departments) > NAMED_IN_SUMMARY:
            named += f", and {len(self.departments) - NAMED_IN_SUMMARY} more"
        text = f"Refreshed {self.people} people (from {self.source}): {with_department} with a "
        text += f"department ({named}), " if named else "department, "
        text += f"{self.without} without."
        if self.inactive:
            text += f" {self.inactive} bots or deactivated accounts count in no headcount."
        if self.unknown_groups:
            handles = ", ".join(f"@{handle}" for handle in self.unknown_groups)
            text += f" Slack knows no user group {handles}: check DEPARTMENT_GROUPS."
        if self.failure:
            text += (
                f" Slack failed part of the way ({self.failure}): what was read is stored, "
                f"{self.kept} people keep the department stored before; run `lightbulb people "
                "refresh` again later."
            )
        if self.failure and "missing_scope" in self.failure:
            text += (
                " The app lacks a permission it needs: update it from manifest.yml (App "
                "Manifest in the app's settings) and reinstall it."
            )
        return text


async def refresh(ctx: Context, *, now: datetime) -> RefreshReport:
    """Read every member of the workspace and store each one's department."""
    report = RefreshReport(source=ctx.settings.department_source)
    members, report.failure = await _members(ctx)
    humans = [user for user in members if not (user.is_bot or user.deleted)]
    found, unknown_groups, failure = await _departments(ctx, humans)
    report.unknown_groups = unknown_groups
    report.failure = report.failure or failure
    facts = []
    for user in members:
        active = not (user.is_bot or user.deleted)
        known = user.id in found
        facts.append(PersonFacts(user.id, found.get(user.id), active, department_known=known))
        if not active:
            report.inactive += 1
        elif not known:
            report.kept += 1
        elif (department := found[user.id]) is not None:
            report.departments[department] += 1
        else:
            report.without += 1
    async with ctx.db.session() as session:
        added = await people.upsert(session=session, people=facts, now=now)
        filled = await people.backfill(session=session, user_ids=added)
    log.info("%s (%d new, %d ideas and votes filled in)", report.summary(), len(added), filled)
    return report


async def run(ctx: Context, *, now: datetime) -> RefreshReport:
    """The scheduled job."""
    return await refresh(ctx, now=now)


async def refresh_if_empty(ctx: Context, *, now: datetime) -> RefreshReport | None:
    """At start-up: a workspace that has never been read is read now, rather than leave every
    department empty until the first scheduled refresh."""
    async with ctx.db.session() as session:
        if await people.count(session=session):
            return None
    try:
        return await refresh(ctx, now=now)
    except SLACK_FAILURES as error:
        log.warning("could not read the people at start-up: %s", error_code(error))
        return None


async def look_up(ctx: Context, user_ids: Sequence[str]) -> list[PersonFacts]:
    """These people's departments, asked of Slack now. People Slack could not say anything
    about are left out (they are asked again next time)."""
    members: list[SlackUser] = []
    for user_id in user_ids:
        try:
            user = await ctx.users.get(user_id)
        except LookupFailed as error:
            log.warning("could not look up %s for their department: %s", user_id, error)
            continue
        if user is not None:
            members.append(user)
    humans = [user for user in members if not (user.is_bot or user.deleted)]
    found, _, failure = await _departments(ctx, humans)
    if failure:
        log.warning("could not read the departments of %d people: %s", len(humans), failure)
    return [
        PersonFacts(user.id, found.get(user.id), not (user.is_bot or user.deleted))
        for user in members
        if user.id in found or user.is_bot or user.deleted
    ]


async def department_of(ctx: Context, user_id: str) -> str | None:
    """One person's department as Slack says now; None when they have none or Slack cannot
    say."""
    facts = await look_up(ctx, [user_id])
    return facts[0].department if facts else None


async def _members(ctx: Context) -> tuple[list[SlackUser], str | None]:
    """Every member `users.list` gives, page by page, and what stopped it early (if
    anything): the pages read before a failure are kept."""
    members: list[SlackUser] = []
    cursor: str | None = None
    while True:
        try:
            response = await ctx.client.users_list(limit=PAGE_SIZE, cursor=cursor)
        except SLACK_FAILURES as error:
            if not members:
                raise
            return members, f"users.list: {error_code(error)}"
        for member in response.get("members") or []:
            members.append(SlackUser.from_api(member))
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members, None


async def _departments(
    ctx: Context, humans: Sequence[SlackUser]
) -> tuple[dict[str, str | None], tuple[str, ...], str | None]:
    """Each person's department by DEPARTMENT_SOURCE (people Slack could not answer for are
    left out), the configured group handles Slack does not know, and what failed."""
    settings = ctx.settings
    if settings.department_source == "usergroups":
        return await _from_groups(ctx, humans)
    if settings.department_source == "field":
        found, failure = await _from_field(ctx, humans)
        return found, (), failure
    patterns = settings.department_titles
    return {u.id: rules.department_from_title(u.title, patterns) for u in humans}, (), None


async def _from_groups(
    ctx: Context, humans: Sequence[SlackUser]
) -> tuple[dict[str, str | None], tuple[str, ...], str | None]:
    handles = ctx.settings.department_groups
    try:
        groups = await groups_by_handle(ctx.client, handles)
    except SLACK_FAILURES as error:
        return {}, (), f"usergroups.list: {error_code(error)}"
    unknown = tuple(handle for handle in handles if handle not in groups)
    if unknown:
        log.warning(
            "DEPARTMENT_GROUPS names user groups Slack does not know: %s",
            ", ".join(f"@{handle}" for handle in unknown),
        )
    in_order = [(groups[h].name, groups[h].members) for h in handles if h in groups]
    found = {u.id: rules.department_from_groups(u.id, in_order) for u in humans}
    return found, unknown, None


async def _from_field(
    ctx: Context, humans: Sequence[SlackUser]
) -> tuple[dict[str, str | None], str | None]:
    """`users.profile.get` for each person, a few at a time; the first failure stops the
    rest (a Slack in trouble is not asked thousands more times)."""
    field_id = ctx.settings.department_field
    found: dict[str, str | None] = {}
    failures: list[str] = []
    waiting = iter(humans)

    async def worker() -> None:
        for user in waiting:
            if failures:
                return
            try:
                response = await ctx.client.users_profile_get(user=user.id)
            except SlackApiError as error:
                if error_code(error) == "user_not_found":
                    found[user.id] = None
                    continue
                failures.append(f"users.profile.get: {error_code(error)}")
                return
            except SLACK_FAILURES as error:
                failures.append(f"users.profile.get: {error_code(error)}")
                return
            found[user.id] = rules.department_from_field(response.get("profile") or {}, field_id)

    await asyncio.gather(*(worker() for _ in range(PROFILE_LOOKUPS_AT_ONCE)))
    return found, failures[0] if failures else None
