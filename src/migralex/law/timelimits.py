"""Calculation of time limits: AMMR Art. 75, APR Art. 73, RBPR Art. 11 (one rule, one function).

(a) the day of the event is not counted; (b) weeks and months end on the same weekday / date as
the event; (c) when that date does not exist in the last month, the period ends on that month's
last day; (d) Saturdays, Sundays and official holidays are included, but a period ending on one of
them ends on the next working day of the Member State concerned. "Working days" periods (APR
Art. 27(3), Art. 35(1); AMMR Art. 23(2); RCD Art. 27(1)) count working days only.

Official holidays are the national public holidays of the `holidays` package (see
docs/holidays.md for the source of each Member State's calendar); regional holidays are not
applied because the Pact refers to holidays "in the Member State concerned".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np

from migralex.countries import EU27, normalise_member_state
from migralex.errors import InvalidInput
from migralex.law.dates import DateLike, add_months_clamped, as_date_array, to_date

UNITS = ("days", "working_days", "weeks", "months", "years")
_PERIOD = re.compile(r"^\s*(\d+)\s*(working[ _]days?|days?|weeks?|months?|years?)\s*$", re.I)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The calculus article of each act and the letters of its points: (same date, clamp, roll forward).
CALCULUS: dict[str, tuple[str, tuple[str, str, str]]] = {
    "AMMR": ("AMMR Art. 75", ("(b)", "(c)", "(d)")),
    "APR": ("APR Art. 73", ("(b)", "(b)", "(c)")),
    "RBPR": ("RBPR Art. 11", ("(b)", "(b)", "(c)")),
}


@dataclass(frozen=True)
class Period:
    """A time limit such as `2 months` or `3 working days`."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise InvalidInput("period", f"unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.amount < 0:
            raise InvalidInput("period", f"a period cannot be negative: {self.amount}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse `N days`, `N working days`, `N weeks`, `N months` or `N years`."""
        m = _PERIOD.match(text or "")
        if not m:
            raise InvalidInput(
                "period",
                f"cannot read {text!r}; write 'N days', 'N working days', 'N weeks', 'N months' or 'N years'",
            )
        unit = m.group(2).lower().replace(" ", "_")
        return cls(int(m.group(1)), unit if unit.endswith("s") else unit + "s")

    def __str__(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


@cache
def _holiday_calendar(member_state: str, first_year: int, last_year: int) -> np.ndarray:
    cal = holidays.country_holidays(member_state, years=range(first_year, last_year + 1))
    return np.array(sorted(cal.keys()), dtype="datetime64[D]")


def holiday_calendar(member_state: str, first_year: int, last_year: int) -> np.ndarray:
    """Official (national public) holidays of a Member State between two years, as `datetime64[D]`."""
    ms = normalise_member_state(member_state)
    lo, hi = (first_year // 10) * 10, (last_year // 10) * 10 + 9
    return _holiday_calendar(ms, lo, hi)


def holiday_name(member_state: str, day: dt.date) -> str | None:
    """Name of the official holiday on `day` in the Member State, or None."""
    cal = holidays.country_holidays(normalise_member_state(member_state), years=day.year)
    return cal.get(day)


def _calendar_for(member_state: str, dates: np.ndarray, span_years: int) -> np.ndarray:
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    return holiday_calendar(member_state, int(years.min()) - 1, int(years.max()) + span_years + 1)


def _raw_end(start: np.ndarray, period: Period) -> np.ndarray:
    if period.unit == "days":
        return start + np.timedelta64(period.amount, "D")
    if period.unit == "weeks":
        return start + np.timedelta64(7 * period.amount, "D")
    if period.unit == "months":
        return add_months_clamped(start, period.amount)
    if period.unit == "years":
        return add_months_clamped(start, 12 * period.amount)
    raise AssertionError(period.unit)  # working days are handled by the caller


def _member_state_array(member_state: str | np.ndarray | list[str], n: int) -> np.ndarray:
    if isinstance(member_state, str):
        return np.full(n, normalise_member_state(member_state), dtype=object)
    arr = np.asarray(member_state, dtype=object).reshape(-1)
    if arr.shape[0] != n:
        raise InvalidInput("member_state", f"{arr.shape[0]} Member States for {n} dates")
    return arr


def add_period(
    start: DateLike, period: Period | str, member_state: str | np.ndarray | list[str]
) -> np.ndarray:
    """Last day of a time limit running from `start` (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11).

    Vectorised: `start` may be one date or an array; `member_state` one code or one per date.
    """
    p = Period.parse(period) if isinstance(period, str) else period
    starts = as_date_array(start, field="start")
    states = _member_state_array(member_state, starts.shape[0])
    out = np.empty_like(starts)
    if starts.size == 0:
        return out
    span = max(1, p.amount // 12 + 1 if p.unit == "months" else p.amount + 1 if p.unit == "years" else 1)
    for ms in np.unique(states):
        mask = states == ms
        code = normalise_member_state(str(ms))
        sub = starts[mask]
        cal = _calendar_for(code, sub, span)
        if p.unit == "working_days":
            # the day of the event is not counted: step back to the last working day on or
            # before it, then count N working days forward.
            # (a zero-day period from a non-working day stays on the day of the event)
            out[mask] = np.maximum(np.busday_offset(sub, p.amount, roll="backward", holidays=cal), sub)
        else:
            out[mask] = np.busday_offset(_raw_end(sub, p), 0, roll="forward", holidays=cal)
    return out


@dataclass(frozen=True)
class Deadline:
    """One computed time limit with the reasoning a caseworker can check."""

    start: dt.date
    period: Period
    member_state: str
    date: dt.date
    reason: str

    def to_dict(self) -> dict[str, str]:
        """JSON shape: `{"start", "period", "member_state", "date", "reason"}`."""
        return {
            "start": self.start.isoformat(),
            "period": str(self.period),
            "member_state": self.member_state,
            "date": self.date.isoformat(),
            "reason": self.reason,
        }


def _day(d: dt.date) -> str:
    return f"{d.isoformat()} ({_WEEKDAYS[d.weekday()]})"


def _non_working_reason(member_state: str, d: dt.date) -> str:
    name = holiday_name(member_state, d)
    parts = [f"a {_WEEKDAYS[d.weekday()]}"] if d.weekday() >= 5 else []
    if name:
        parts.append(f"an official holiday in {member_state} ({name})")
    return f"{d.isoformat()} is " + " and ".join(parts)


def deadline(start: dt.date | str, period: Period | str, member_state: str, act: str = "AMMR") -> Deadline:
    """One time limit with a step-by-step explanation citing the calculus article of `act`."""
    p = Period.parse(period) if isinstance(period, str) else period
    ms = normalise_member_state(member_state, field="member_state")
    s = to_date(as_date_array(start, field="start")[0])
    basis, (same, clamp, roll) = CALCULUS.get(act.upper(), CALCULUS["AMMR"])
    end = to_date(add_period(s, p, ms)[0])
    steps = [f"{basis}(a): the day of the event, {_day(s)}, is not counted"]
    if p.unit == "working_days":
        steps.append(f"{p} of {ms}, skipping Saturdays, Sundays and official holidays, end on {_day(end)}")
        return Deadline(s, p, ms, end, "; ".join(steps))
    raw = to_date(_raw_end(as_date_array(s), p)[0])
    if p.unit == "weeks":
        steps.append(f"{same}: {p} later, on the same weekday: {_day(raw)}")
    elif p.unit in ("months", "years") and raw.day != s.day:
        steps.append(
            f"{clamp}: day {s.day} does not exist in {raw:%B %Y}, so the period ends on the last day"
            f" of that month: {_day(raw)}"
        )
    elif p.unit in ("months", "years"):
        steps.append(f"{same}: {p} later, on the same date: {_day(raw)}")
    else:
        steps.append(f"{p} counted from the next day: {_day(raw)}")
    if end == raw:
        steps.append(f"{roll}: {raw.isoformat()} is a working day in {ms}")
    else:
        skipped = [_non_working_reason(ms, raw + dt.timedelta(days=i)) for i in range((end - raw).days)]
        steps.append(f"{roll}: " + "; ".join(skipped) + f"; the next working day is {_day(end)}")
    return Deadline(s, p, ms, end, "; ".join(steps))


def member_states_with_calendars() -> tuple[str, ...]:
    """The Member States for which official-holiday calendars are available (all 27)."""
    return EU27
