"""The column-wise Art. 75 calculus gives the same last day as `migralex.law.add_period`."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.cases.codes import MEMBER_STATES
from migralex.law.params import params
from migralex.law.timelimits import Period, add_period
from migralex.rules.periods import dublin3_roll, end_of_period, meets_boundary, roll_of, window_end

periods = st.builds(
    Period,
    st.integers(min_value=0, max_value=40),
    st.sampled_from(("days", "working_days", "weeks", "months", "years")),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dates(dt.date(1996, 1, 1), dt.date(2079, 1, 1)), min_size=1, max_size=30),
    periods,
    st.data(),
)
def test_same_as_add_period(dates: list[dt.date], period: Period, data: st.DataObject) -> None:
    ms = np.array(data.draw(st.lists(st.integers(0, 26), min_size=len(dates), max_size=len(dates))), np.int8)
    start = np.array(dates, dtype="datetime64[D]")
    expected = add_period(start, period, np.array([MEMBER_STATES[i] for i in ms], dtype=object))
    assert (end_of_period(start, period, ms) == expected).all()


def test_calendar_reading_does_not_roll() -> None:
    start = np.array(["2024-12-15"], dtype="datetime64[D]")  # + 20 months = Sat 15 Aug 2026
    it = np.array([MEMBER_STATES.index("IT")], dtype=np.int8)
    assert str(end_of_period(start, Period(20, "months"), it, roll="calendar")[0]) == "2026-08-15"
    assert str(end_of_period(start, Period(20, "months"), it)[0]) == "2026-08-17"  # Ferragosto, Sunday


def test_nat_and_missing_state_give_nat() -> None:
    start = np.array(["NaT", "2026-01-01"], dtype="datetime64[D]")
    out = end_of_period(start, Period(2, "months"), np.array([0, -1], dtype=np.int8))
    assert np.isnat(out).all()


def test_boundaries_on_both_sides() -> None:
    p = params()["ammr.criteria.irregular_entry_cessation"]  # more than 20 months
    start = np.array(["2025-01-15"] * 2, dtype="datetime64[D]")
    de = np.full(2, MEMBER_STATES.index("DE"), dtype=np.int8)
    reg = np.array(["2026-09-15", "2026-09-16"], dtype="datetime64[D]")
    end = window_end(start, p, reg, de)
    assert meets_boundary(reg, p, end).tolist() == [False, True]
    q = params()["ammr.criteria.visa_lapse_window"]  # less than 18 months
    start = np.array(["2025-03-10"] * 2, dtype="datetime64[D]")
    reg = np.array(["2026-09-09", "2026-09-10"], dtype="datetime64[D]")
    assert meets_boundary(reg, q, window_end(start, q, reg, de)).tolist() == [True, False]


def test_overlay_dated_value_is_used_per_case() -> None:
    p = params().overlay(
        {
            "ammr.criteria.irregular_entry_cessation": [
                {"from": "2026-07-01", "value": 20},
                {"from": "2027-01-01", "value": 6},
            ]
        },
        label="scenario",
    )["ammr.criteria.irregular_entry_cessation"]
    start = np.array(["2026-03-02", "2026-09-01"], dtype="datetime64[D]")
    reg = np.array(["2026-09-01", "2027-06-01"], dtype="datetime64[D]")
    end = window_end(start, p, reg, np.zeros(2, dtype=np.int8))
    assert [str(d) for d in end] == ["2027-11-02", "2027-03-01"]


def test_dublin3_periods_take_the_art42_reading() -> None:
    """Dublin III Art. 42(c) has no roll-forward (default `no_roll`); the other reading rolls."""
    shipped = params()
    other = shipped.overlay({"dublin3.reading.last_day_roll": "regulation_1182_71"})
    names = ("dublin3.time_limits.take_charge_request",)
    assert roll_of(shipped, names) == "calendar"
    assert roll_of(other, names) == "art75"
    assert roll_of(shipped, ("ammr.time_limits.take_charge_request",)) == "art75"
    de = MEMBER_STATES.index("DE")
    start = np.array(["2026-03-27", "2026-03-27"], dtype="datetime64[D]")  # + 3 months: a Saturday
    ms = np.array([de, -1])
    three = Period(3, "months")
    literal = end_of_period(start, three, ms, roll_of(shipped, names))
    rolled = end_of_period(start, three, ms, roll_of(other, names))
    assert literal.astype(str).tolist() == ["2026-06-27", "NaT"]
    assert rolled.astype(str).tolist() == ["2026-06-29", "NaT"]


def test_dublin3_criteria_windows_take_the_art42_reading_not_the_ammr_one() -> None:
    """Dublin III Art. 42 ("any period of time prescribed in this Regulation") covers the windows of
    Arts 12(4) and 13(1) too: `dublin3_roll` reads `dublin3.reading.last_day_roll` alone, whatever
    `ammr.reading.criteria_window_end` says (AMMR Art. 75 does not govern Regulation 604/2013)."""
    shipped = params()
    assert dublin3_roll(shipped) == "calendar"
    assert dublin3_roll(shipped.overlay({"ammr.reading.criteria_window_end": "art75"})) == "calendar"
    rolled = shipped.overlay(
        {
            "dublin3.reading.last_day_roll": "regulation_1182_71",
            "ammr.reading.criteria_window_end": "calendar",
        }
    )
    assert dublin3_roll(rolled) == "art75"
