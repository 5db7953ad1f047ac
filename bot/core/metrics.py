"""What `GET /metrics` reports, in Prometheus' text format.

Each Runtime has its own registry, so that several apps in one process (as in the tests)
never share or clash over counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

# Slack's deadline is 3 s; the buckets are finest where acks normally land.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)


class _Verdicts(Collector):
    """Reactions judged, by verdict, read from the vote recorder when scraped: counting
    costs the hot path nothing."""

    def __init__(self, verdicts: Mapping[Any, int]) -> None:
        self._verdicts = verdicts

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "lightbulb_reactions_judged",
            "Reaction events judged, by verdict (count = a vote recorded)",
            labels=["verdict"],
        )
        for verdict, count in sorted(self._verdicts.items()):
            family.add_metric([str(verdict)], count)
        yield family


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lightbulb_requests",
            "Requests to /slack/events, by kind and HTTP status",
            ["kind", "status"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "lightbulb_ack_seconds",
            "Time from receiving a Slack request to answering it",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "lightbulb_slack_api_calls",
            "Slack Web API calls, by method (after the client's own retries)",
            ["method"],
            registry=self.registry,
        )
        self.slack_errors = Counter(
            "lightbulb_slack_api_errors",
            "Slack Web API calls that failed, by method and error",
            ["method", "error"],
            registry=self.registry,
        )
        self.app_rate_limited = Counter(
            "lightbulb_app_rate_limited",
            "app_rate_limited notices: minutes in which Slack dropped this app's events",
            registry=self.registry,
        )
        self.connections_closed = Counter(
            "lightbulb_connections_closed",
            "Connections the HTTP server closed unanswered, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.job_runs = Counter(
            "lightbulb_job_runs",
            "Scheduled posts attempted, by job and outcome",
            ["job", "outcome"],
            registry=self.registry,
        )

    def watch_votes(self, verdicts: Mapping[Any, int]) -> None:
        self.registry.register(_Verdicts(verdicts))

    def watch_slack_access(self, lost: Callable[[], bool]) -> None:
        gauge = Gauge(
            "lightbulb_slack_access_lost",
            "1 while Slack refuses the bot token (app uninstalled or token revoked), else 0",
            registry=self.registry,
        )
        gauge.set_function(lambda: float(lost()))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
