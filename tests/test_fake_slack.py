"""The fake Slack server answers the real client the way Slack does; if it did not, every
end-to-end test would prove less than it claims."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import build_web_client
from bot.slack.users import UserDirectory
from tests.fake_slack import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return build_web_client(token=fake.bot_token, api_url=fake.api_url)


async def test_post_then_permalink_then_update(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="hi", blocks=[])
    link = await client.chat_getPermalink(channel="C1", message_ts=posted["ts"])
    await client.chat_update(channel="C1", ts=posted["ts"], text="edited")

    assert link["permalink"].endswith(posted["ts"].replace(".", ""))
    assert fake.message("C1", posted["ts"])["text"] == "edited"


async def test_a_wrong_token_is_invalid_auth(fake: FakeSlack) -> None:
    stranger = AsyncWebClient(token="xoxb-wrong", base_url=fake.api_url)

    with pytest.raises(SlackApiError) as raised:
        await stranger.auth_test()

    assert raised.value.response["error"] == "invalid_auth"


async def test_429_is_retried_after_retry_after(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()

    await client.chat_postMessage(channel="C1", text="after the wait")

    assert len(fake.calls_to("chat.postMessage")) == 2
    assert time.monotonic() - started >= 1
    assert len(fake.messages("C1")) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_an_outage_fails_after_the_retries(
    fake: FakeSlack, client: AsyncWebClient, status: int
) -> None:
    fake.outage("chat.update", status=status)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts="1.2", text="x")

    assert raised.value.response.status_code == status
    assert len(fake.calls_to("chat.update")) == 3


async def test_block_kit_limits_are_enforced(fake: FakeSlack, client: AsyncWebClient) -> None:
    divider = {"type": "divider"}
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}

    for blocks in ([divider] * 51, [too_long]):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="t", blocks=blocks)
        assert raised.value.response["error"] == "invalid_blocks"


async def test_expired_trigger_cannot_open_a_view(fake: FakeSlack, client: AsyncWebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}

    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id="expired", view=view)

    assert raised.value.response["error"] == "expired_trigger_id"
    assert (await client.views_open(trigger_id="fresh", view=view))["view"]["id"]


async def test_users_reactions_and_response_urls(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_user("U1", tz="Europe/Berlin", title="Designer")
    fake.set_reactions("C1", "5.6", [{"name": "+1", "users": ["U1"], "count": 1}])

    user = (await client.users_info(user="U1"))["user"]
    reactions = (await client.reactions_get(channel="C1", timestamp="5.6", full=True))["message"]
    async with aiohttp.ClientSession() as http:
        await http.post(fake.response_url(), json={"text": "done"})

    assert user["tz"] == "Europe/Berlin" and user["tz_offset"] in (3600, 7200)
    assert reactions["reactions"][0]["users"] == ["U1"]
    assert (await fake.wait_for_responses())[0]["text"] == "done"
    with pytest.raises(SlackApiError):
        await client.users_info(user="U404")


async def test_users_list_pages_like_slack(fake: FakeSlack, client: AsyncWebClient) -> None:
    for n in range(5):
        fake.add_user(f"U{n}", is_bot=n == 4)
    directory = UserDirectory(client)

    loaded = await directory.prefetch(page_size=2)

    assert loaded == 5 and len(fake.calls_to("users.list")) == 3
    bot, person = directory.cached("U4"), directory.cached("U0")
    assert bot is not None and bot.is_bot
    assert person is not None and not person.is_bot
