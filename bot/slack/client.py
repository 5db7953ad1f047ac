"""The Web API client: pointed at `SLACK_API_URL` when set, with retries Slack expects."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.metrics import Metrics
from bot.slack.access import REVOKED_ERRORS, SlackAccess
from bot.slack.posting import SLACK_FAILURES, error_code

REQUEST_TIMEOUT_SECONDS = 10
CONNECTION_RETRIES = 2
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2


RETRIED_SERVER_STATUSES = frozenset({500, 502, 503, 504})

# A post with message metadata is one its sender can find again in the channel's history, and
# does before posting again (`posting.posts_with_metadata`). Resending it blindly after an
# answer that never came (a 5xx, a dropped connection) could post it twice, so the client
# leaves that to the sender; a 429, or a connection that was never made, is always retried.
_findable_post: ContextVar[bool] = ContextVar("findable_post", default=False)


def _is_findable_post(api_method: str, kwargs: dict[str, Any]) -> bool:
    return api_method == "chat.postMessage" and bool((kwargs.get("json") or {}).get("metadata"))


class ServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk retries only 500 and 503; gateways in front of Slack also answer 502 and 504
    during incidents, and those are just as transient."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code in RETRIED_SERVER_STATUSES
            and not _findable_post.get()
        )


class ConnectionErrorRetryHandler(AsyncConnectionErrorRetryHandler):
    """Retries dropped connections, except where a findable post may have been delivered."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _findable_post.get() and not isinstance(error, aiohttp.ClientConnectorError):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


class CountingWebClient(AsyncWebClient):
    """Counts every Web API call and failure by method for `/metrics`, and notices when Slack
    stops accepting the token (`bot.slack.access`)."""

    def __init__(
        self, *, metrics: Metrics | None = None, access: SlackAccess | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        self._metrics = metrics
        self._access = access

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:
        findable = _findable_post.set(_is_findable_post(api_method, kwargs))
        if self._metrics is not None:
            self._metrics.slack_calls.labels(api_method).inc()
        try:
            return await super().api_call(api_method, **kwargs)
        except SLACK_FAILURES as error:
            code = error_code(error)
            if self._metrics is not None:
                self._metrics.slack_errors.labels(api_method, code).inc()
            # Start-up checks the token with auth.test and says what to do itself.
            if self._access is not None and code in REVOKED_ERRORS and api_method != "auth.test":
                self._access.lose(f"{api_method} answered {code}")
            raise
        finally:
            _findable_post.reset(findable)


def build_web_client(
    *,
    token: str,
    api_url: str = "",
    metrics: Metrics | None = None,
    access: SlackAccess | None = None,
) -> AsyncWebClient:
    """A client that honours `Retry-After` on 429 and retries 5xx and dropped connections.

    slack_sdk retries only connection errors by default; the others are added here.
    """
    options: dict[str, str] = {}
    if api_url:
        options["base_url"] = api_url if api_url.endswith("/") else api_url + "/"
    return CountingWebClient(
        metrics=metrics,
        access=access,
        token=token,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
        **options,
    )
