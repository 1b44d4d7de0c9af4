"""AMMR Art. 75 / APR Art. 73 / RBPR Art. 11: month ends, leap years, weekends, holidays, working days."""

from __future__ import annotations

import calendar
import datetime as dt

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.countries import EU27
from migralex.errors import InvalidInput
from migralex.law.params import params
from migralex.law.timelimits import Period, add_period, deadline, holiday_calendar


def oracle(start: dt.date, period: Period, ms: str) -> dt.date:
    """A deliberately naive, one-date-at-a-time reading of Art. 75, to check the vectorised one."""
    hol = holidays.country_holidays(ms, years=range(start.year - 1, start.year + 30))

    def working(d: dt.date) -> bool:
        return d.weekday() < 5 and d not in hol

    if period.unit == "working_days":
        d, left = start, period.amount
        while left:
            d += dt.timedelta(days=1)
            left -= working(d)
        return d
    if period.unit in ("days", "weeks"):
        end = start + dt.timedelta(days=period.amount * (7 if period.unit == "weeks" else 1))
    else:
        months = period.amount * (12 if period.unit == "years" else 1)
        y, m = divmod(start.month - 1 + months, 12)
        y, m = start.year + y, m + 1
        end = dt.date(y, m, min(start.day, calendar.monthrange(y, m)[1]))
    while not working(end):
        end += dt.timedelta(days=1)
    return end


@pytest.mark.parametrize(
    ("start", "period", "ms", "expected"),
    [
        ("2026-08-31", "1 month", "IT", "2026-09-30"),  # 31 Sep does not exist → 30 Sep (Art. 75(c))
        ("2026-01-31", "1 month", "DE", "2026-03-02"),  # → Sat 28 Feb → Mon 2 Mar (Art. 75(d))
        ("2024-01-31", "1 month", "DE", "2024-02-29"),  # leap year
        ("2024-02-29", "1 year", "FR", "2025-02-28"),  # 29 Feb → 28 Feb next year
        ("2028-02-29", "20 months", "IT", "2029-10-29"),
        ("2026-07-15", "1 month", "IT", "2026-08-17"),  # 15 Aug 2026 Sat + Ferragosto → Mon 17
        ("2026-12-24", "2 days", "DE", "2026-12-28"),  # 26 Dec Sat (2nd Christmas day) → Mon 28
        ("2026-04-03", "1 week", "IT", "2026-04-10"),  # same weekday
        ("2026-03-30", "1 week", "IT", "2026-04-07"),  # Mon 6 Apr 2026 is Easter Monday in IT
        ("2026-07-31", "3 working days", "FR", "2026-08-05"),
        ("2026-08-14", "1 working day", "IT", "2026-08-17"),
        ("2026-05-01", "1 working day", "PL", "2026-05-04"),  # event on a holiday, not counted
        ("2026-05-02", "2 working days", "PL", "2026-05-05"),  # 3 May (Sun) is a holiday anyway
        ("2026-12-31", "2 months", "ES", "2027-03-01"),  # 28 Feb 2027 is a Sunday
        ("2026-09-01", "0 days", "IT", "2026-09-01"),
    ],
)
def test_known_deadlines(start, period, ms, expected) -> None:
    assert deadline(start, period, ms).date.isoformat() == expected
    assert add_period(start, period, ms)[0] == np.datetime64(expected)


def test_reason_names_the_article_and_each_step() -> None:
    d = deadline("2026-01-31", "1 month", "DE")
    assert d.reason.startswith("AMMR Art. 75(a): the day of the event, 2026-01-31 (Saturday), is not counted")
    assert "(c): day 31 does not exist in February 2026" in d.reason
    assert "2026-02-28 is a Saturday; 2026-03-01 is a Sunday; the next working day is 2026-03-02" in d.reason
    apr = deadline("2026-01-31", "1 month", "DE", act="APR")
    assert apr.reason.startswith("APR Art. 73(a)") and "(b): day 31 does not exist" in apr.reason
    assert "(c): 2026-02-28 is a Saturday" in apr.reason
    hol = deadline("2026-07-15", "1 month", "IT")
    assert "official holiday in IT" in hol.reason
    assert d.to_dict() == {
        "start": "2026-01-31",
        "period": "1 month",
        "member_state": "DE",
        "date": "2026-03-02",
        "reason": d.reason,
    }


@pytest.mark.parametrize("text", ["2 fortnights", "month", "-1 days", "", "1.5 months"])
def test_bad_periods_are_rejected(text) -> None:
    with pytest.raises(InvalidInput, match="period"):
        Period.parse(text)


def test_unknown_member_state_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="neither an EU Member State nor a State associated"):
        deadline("2026-09-01", "1 month", "US")
    with pytest.raises(InvalidInput, match="unknown country code"):
        deadline("2026-09-01", "1 month", "XX")
    with pytest.raises(InvalidInput, match="ISO 8601"):
        add_period("2026-13-01", "1 month", "IT")


def test_greece_as_el() -> None:
    assert deadline("2026-09-01", "1 month", "EL").member_state == "GR"


def test_every_member_state_has_a_holiday_calendar() -> None:
    for ms in EU27:
        cal = holiday_calendar(ms, 2026, 2026)
        assert np.datetime64("2026-12-25") in cal or ms in {"BG"}, ms  # Christmas everywhere
        assert len(cal) >= 8, ms


def test_vectorised_many_states_and_dates_equals_oracle() -> None:
    rng = np.random.default_rng(3)
    starts = np.datetime64("2026-06-01") + rng.integers(0, 1500, 3000).astype("timedelta64[D]")
    states = rng.choice(np.array(EU27), 3000)
    for text in ("1 month", "12 weeks", "5 days", "15 working days", "20 months"):
        out = add_period(starts, text, states)
        for i in range(0, 3000, 97):
            s = dt.date.fromisoformat(str(starts[i]))
            assert out[i] == np.datetime64(oracle(s, Period.parse(text), str(states[i]))), (
                s,
                text,
                states[i],
            )


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2040, 12, 31)),
    amount=st.integers(0, 40),
    unit=st.sampled_from(["days", "working_days", "weeks", "months", "years"]),
    ms=st.sampled_from(EU27),
)
def test_property_matches_oracle_and_ends_on_a_working_day(start, amount, unit, ms) -> None:
    p = Period(amount if unit != "years" else amount % 4, unit)
    got = dt.date.fromisoformat(str(add_period(start, p, ms)[0]))
    assert got == oracle(start, p, ms)
    if p.amount:
        assert got > start
        assert got.weekday() < 5 and got not in holidays.country_holidays(ms, years=got.year)


EVERY_TIME_LIMIT = sorted(
    n for n, p in params().items() if p.unit in ("days", "working_days", "weeks", "months", "years")
)


@pytest.mark.parametrize("name", EVERY_TIME_LIMIT)
def test_every_time_limit_in_the_parameters_is_computable(name) -> None:
    """Each time limit of legal-spec.md, run from a month-end Friday in Italy, lands where the oracle says."""
    p = params()[name]
    start = max(p.values[0].start, dt.date(2026, 7, 31))
    period = p.period_at(start)
    got = deadline(start, period, "IT").date
    assert got == oracle(start, period, "IT")
    assert got > start


def test_member_states_as_codes_strings_and_nat() -> None:
    starts = np.array(["2026-01-31", "NaT", "2026-07-15", "2026-07-15"], dtype="datetime64[D]")
    codes = np.array([EU27.index("DE"), EU27.index("DE"), EU27.index("IT"), -1])
    by_code = add_period(starts, "1 month", codes)
    by_name = add_period(starts[:3], "1 month", ["DE", "DE", "IT"])
    assert (
        by_code[:3].astype(str).tolist()
        == by_name.astype(str).tolist()
        == ["2026-03-02", "NaT", "2026-08-17"]
    )
    assert np.isnat(by_code[3])  # code -1: no Member State, no date
    with pytest.raises(InvalidInput, match="codes must be"):
        add_period(starts, "1 month", np.array([0, 1, 2, 99]))
    with pytest.raises(InvalidInput, match="4 Member States for 3 dates"):
        add_period(starts[:3], "1 month", ["DE", "DE", "IT", "IT"])


def test_dates_outside_the_day_tables_use_the_same_rule() -> None:
    far = [dt.date(1995, 1, 31), dt.date(2085, 12, 24), dt.date(1999, 12, 30)]
    for start in far:
        for text in ("1 month", "3 working days", "2 days"):
            got = dt.date.fromisoformat(str(add_period(start, text, "DE")[0]))
            assert got == oracle(start, Period.parse(text), "DE"), (start, text)


def test_a_batch_mixing_table_far_and_missing_dates_answers_each_as_alone() -> None:
    """The table path (dates 2000-2080) and the general one (NaT, no Member State, far dates) in one
    batch give each row the answer it gets alone."""
    starts = np.array(
        ["2026-01-31", "NaT", "1999-12-30", "2026-12-24", "2085-12-24", "2000-01-02", "2080-12-01"],
        dtype="datetime64[D]",
    )
    codes = np.array([EU27.index(x) for x in ("DE", "DE", "DE", "IT", "FR", "ES", "PL")])
    codes[3] = -1
    for text in ("1 month", "2 weeks", "1 year", "5 days"):
        batch = add_period(starts, text, codes)
        alone = [add_period(starts[i : i + 1], text, codes[i : i + 1])[0] for i in range(len(starts))]
        assert batch.astype(str).tolist() == np.array(alone).astype(str).tolist(), text
        assert np.isnat(batch[1]) and np.isnat(batch[3])
        got = dt.date.fromisoformat(str(batch[0]))
        assert got == oracle(dt.date(2026, 1, 31), Period.parse(text), "DE")
