"""The report's chart: a PNG for any numbers, from none at all to hundreds of departments
with long names, drawn headless."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from matplotlib.image import imread

from bot.numbers import chart
from bot.numbers.facts import Funnel, Period, ProgrammeNumbers, Slice

NOVEMBER = Period(
    "2026-11", "November 2026", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
)


def size_of(png: bytes) -> tuple[int, int]:
    height, width, *_ = imread(io.BytesIO(png), format="png").shape
    return width, height


def test_an_empty_month_draws_no_ideas_yet() -> None:
    png = chart.render(ProgrammeNumbers(NOVEMBER, Slice(None)))

    assert png.startswith(chart.PNG_SIGNATURE)
    assert size_of(png)[0] == 1100


def test_many_departments_with_long_names_are_drawn_as_the_top_and_the_rest() -> None:
    departments = tuple(
        Slice(f"Department {n} of the very long names division", contributors=n, voters=n)
        for n in range(300)
    )
    numbers = ProgrammeNumbers(
        NOVEMBER, Slice(None, ideas=900, voters=500, funnel=Funnel(900, 300, 30, 3)), departments
    )

    png = chart.render(numbers)

    assert png.startswith(chart.PNG_SIGNATURE)
    width, height = size_of(png)
    assert width == 1100 and height < 1000  # eleven bars, not three hundred


def test_the_rest_are_summed_in_one_bar() -> None:
    departments = [Slice(f"D{n}", contributors=1, voters=2) for n in range(12)]

    rows = chart.top_departments(departments, limit=10)

    assert len(rows) == 11 and rows[-1] == ("2 others", 2, 4)


def test_a_long_or_missing_name_fits_one_line() -> None:
    assert chart.short_name("Customer\n  Success   and Operations Excellence") == (
        "Customer Success and Operat…"
    )
    assert chart.short_name(None) == "no department"
    assert len(chart.short_name("x" * 200)) == chart.NAME_LIMIT


def test_departments_without_people_and_a_zero_funnel_do_not_crash() -> None:
    numbers = ProgrammeNumbers(NOVEMBER, Slice(None, voters=3), (Slice("Legal"), Slice(None)))

    assert chart.render(numbers).startswith(chart.PNG_SIGNATURE)
