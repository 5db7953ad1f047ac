"""The monthly report's picture: participation by department, and the funnel. A PNG, drawn
headless.

Drawn on a bare `Figure` with the Agg canvas, never through pyplot: pyplot keeps every figure
in a global registry until it is closed and may pick a display backend, neither of which a
server wants. A figure drawn here is dropped with its last reference."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.numbers.facts import FUNNEL_STEPS, ProgrammeNumbers, Slice

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TOP_DEPARTMENTS = 10  # the rest are drawn as one bar, "others"
NAME_LIMIT = 28
NO_DEPARTMENT = "no department"
CONTRIBUTORS_COLOUR = "#2E6FD8"
VOTERS_COLOUR = "#F2A33A"
FUNNEL_COLOUR = "#3FA37C"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def short_name(name: str | None, limit: int = NAME_LIMIT) -> str:
    """A department's name as a bar label: one line, at most `limit` characters."""
    flat = " ".join((name or NO_DEPARTMENT).split()) or NO_DEPARTMENT
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def top_departments(
    departments: Sequence[Slice], limit: int = TOP_DEPARTMENTS
) -> list[tuple[str, int, int]]:
    """(label, contributors, voters) for the `limit` busiest departments, most contributors
    first, and the rest summed as "others"."""
    ranked = sorted(
        departments, key=lambda d: (-d.contributors, -d.voters, d.department or "\uffff")
    )
    rows = [(short_name(d.department), d.contributors, d.voters) for d in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        rows.append(
            (
                f"{len(rest)} others",
                sum(d.contributors for d in rest),
                sum(d.voters for d in rest),
            )
        )
    return rows


def render(numbers: ProgrammeNumbers) -> bytes:
    """The chart for `numbers` as PNG bytes; an honest "no ideas yet" picture for an empty
    period."""
    rows = top_departments(numbers.departments)
    # Imported when a chart is drawn: matplotlib takes most of a second to import, which every
    # process (and every command) would pay at start-up otherwise.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, max(4.5, 1.2 + 0.45 * len(rows))), dpi=100)
    FigureCanvasAgg(figure)
    figure.suptitle(f"Lightbulb: {numbers.period.label}", fontsize=15, fontweight="bold")
    programme = numbers.programme
    if not (programme.ideas or programme.voters or any(r[1] or r[2] for r in rows)):
        _nothing_yet(figure, numbers.period.label)
    else:
        people, funnel = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        _participation(people, rows)
        _funnel(funnel, numbers.programme)
        figure.tight_layout(rect=(0, 0, 1, 0.94))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    figure.clear()
    return out.getvalue()


def _nothing_yet(figure: Figure, label: str) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(
        0.5,
        0.55,
        f"No ideas yet in {label}",
        ha="center",
        va="center",
        fontsize=20,
        transform=axes.transAxes,
    )
    axes.text(
        0.5,
        0.4,
        "Nothing to chart: no idea was shared and nobody voted.",
        ha="center",
        va="center",
        fontsize=12,
        color="#555555",
        transform=axes.transAxes,
    )


def _participation(axes: Axes, rows: list[tuple[str, int, int]]) -> None:
    axes.set_title("Participation by department")
    if not rows:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "No departments recorded", ha="center", transform=axes.transAxes)
        return
    positions = range(len(rows))
    height = 0.4
    contributors = axes.barh(
        [p - height / 2 for p in positions],
        [r[1] for r in rows],
        height=height,
        color=CONTRIBUTORS_COLOUR,
        label="contributors",
    )
    voters = axes.barh(
        [p + height / 2 for p in positions],
        [r[2] for r in rows],
        height=height,
        color=VOTERS_COLOUR,
        label="voters",
    )
    axes.bar_label(contributors, padding=2, fontsize=8)
    axes.bar_label(voters, padding=2, fontsize=8)
    axes.set_yticks(list(positions), [r[0] for r in rows], fontsize=9)
    axes.invert_yaxis()  # the busiest department on top
    axes.set_xlabel("people")
    axes.margins(x=0.15)
    axes.legend(loc="best", fontsize=8)


def _funnel(axes: Axes, programme: Slice) -> None:
    counts = programme.funnel.counts()
    conversions = (None, *programme.funnel.conversions())
    axes.set_title("Ideas of the period: how far they got")
    bars = axes.barh(range(len(FUNNEL_STEPS)), counts, color=FUNNEL_COLOUR)
    labels = [
        f"{count:,}" + (f"  ({rate:.0%} of the step before)" if rate is not None else "")
        for count, rate in zip(counts, conversions, strict=True)
    ]
    axes.bar_label(bars, labels=labels, padding=3, fontsize=8)
    axes.set_yticks(range(len(FUNNEL_STEPS)), list(FUNNEL_STEPS))
    axes.invert_yaxis()
    axes.set_xlabel("ideas")
    axes.margins(x=0.6)
