"""The Report's reference period (AMMR Art. 9(1)) and which months a monthly series covers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migralex.cycle.period import Period, add_months, coverage_window, month_end, reference_period
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput

D = dt.date


def test_report_period_is_july_to_june_before_the_cycle() -> None:
    p = reference_period(Cycle(2025))
    assert (p.start, p.end, p.months, p.label) == (D(2024, 7, 1), D(2025, 6, 30), 12, "2024-07 to 2025-06")
    c = reference_period(Cycle(2025), "calendar")
    assert (c.start, c.end, c.label) == (D(2024, 1, 1), D(2024, 12, 31), "calendar year 2024")
    assert p.previous() == Period(D(2023, 7, 1), D(2024, 6, 30), "report")
    # the other reading of the first cycle (Council Implementing Decision (EU) 2025/2642, recital 3)
    q = reference_period(Cycle(2025), "report_previous")
    assert (q.start, q.end) == (D(2023, 7, 1), D(2024, 6, 30))
    assert coverage_window(q, D(2009, 1, 1), D(2025, 4, 1)).how == "2023-07 to 2024-06 (the Report's period)"
    with pytest.raises(InvalidInput, match="unknown period 'fiscal'"):
        reference_period(Cycle(2025), "fiscal")


def test_covered_period_is_used_as_is() -> None:
    wanted = reference_period(Cycle(2025))
    # the series ends exactly with June 2025: covered
    w = coverage_window(wanted, D(2009, 1, 1), D(2025, 6, 1))
    assert w.exact and w.period == wanted and "the Report's period" in w.how


def test_series_ending_inside_the_period_takes_its_latest_12_months() -> None:
    wanted = reference_period(Cycle(2025))
    # one month short (May 2025): the 12 months June 2024 - May 2025
    w = coverage_window(wanted, D(2009, 1, 1), D(2025, 5, 1))
    assert not w.exact
    assert (w.period.start, w.period.end) == (D(2024, 6, 1), D(2025, 5, 31))
    assert "latest 12 months" in w.how and "2024-07 to 2025-06 not covered" in w.how


def test_series_ending_before_the_period_falls_back_to_a_calendar_year() -> None:
    wanted = reference_period(Cycle(2025))
    # ends in June 2024, before the period starts: the last full calendar year, 2023
    w = coverage_window(wanted, D(2009, 1, 1), D(2024, 6, 1))
    assert (w.period.start, w.period.end, w.period.kind) == (D(2023, 1, 1), D(2023, 12, 31), "calendar")
    # ends in December 2023: 2023 is complete
    assert coverage_window(wanted, D(2009, 1, 1), D(2023, 12, 1)).period.start == D(2023, 1, 1)
    # ends in November 2023: 2022
    assert coverage_window(wanted, D(2009, 1, 1), D(2023, 11, 1)).period.start == D(2022, 1, 1)


def test_series_starting_too_late_is_refused() -> None:
    wanted = reference_period(Cycle(2025))
    # starts in August 2024 and ends in May 2025: neither the period nor 12 months nor a year
    with pytest.raises(InvalidInput, match="does not cover 2024-07 to 2025-06"):
        coverage_window(wanted, D(2024, 8, 1), D(2025, 5, 1))


def test_partial_months_are_not_periods() -> None:
    with pytest.raises(InvalidInput, match="whole months"):
        Period(D(2024, 7, 2), D(2025, 6, 30), "report")
    with pytest.raises(InvalidInput, match="whole months"):
        Period(D(2024, 7, 1), D(2025, 6, 29), "report")


@given(st.integers(1990, 2090), st.integers(1, 12), st.integers(-400, 400))
def test_month_arithmetic(year: int, month: int, shift: int) -> None:
    day = D(year, month, 1)
    moved = add_months(day, shift)
    assert moved.day == 1 and add_months(moved, -shift) == day
    assert (moved.year - year) * 12 + moved.month - month == shift
    assert month_end(day) + dt.timedelta(days=1) == add_months(day, 1)
