"""Time limits and windows over whole columns: the Art. 75 calculus keyed by Member-State codes.

`end_of_period` is `migralex.law.add_period` (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11) for
arrays whose Member States are small-integer codes: it sorts by Member State once and rolls each
slice forward on that State's official holidays, instead of comparing object arrays 27 times. The
tests check it against `add_period` date by date.

`periods_at` reads a period parameter in force on each case's date (a scenario overlay may change
it on a date), so one case and ten million take the same path.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from migralex.cases.codes import MEMBER_STATES
from migralex.law.dates import add_months_clamped
from migralex.law.params import Parameter, compare
from migralex.law.timelimits import Period, holiday_calendar

#: `calendar`: Art. 75(a)–(c) only; `art75`: also (d), a last day on a weekend or official holiday
#: of the Member State moves to its next working day.
ROLLS = ("art75", "calendar")


#: Day tables cover these dates; dates outside fall back to `numpy.busday_offset` on the calendar.
_FIRST, _LAST = np.datetime64("2000-01-01", "D"), np.datetime64("2080-12-31", "D")
_DAYS = int((_LAST - _FIRST).astype(np.int64)) + 1


class _MonthTables:
    """Day ↔ (month, day of month) lookups over 2000–2080, for `add_months` by gathers."""

    def __init__(self) -> None:
        days = np.arange(_FIRST, _LAST + 1)
        months = days.astype("datetime64[M]")
        self.month = (months - months[0]).astype(np.int64)
        self.day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64)
        month_starts = np.arange(months[0], months[-1] + 2)
        self.first = (month_starts.astype("datetime64[D]") - _FIRST).astype(np.int64)
        self.length = np.diff(self.first)


_MONTHS: _MonthTables | None = None


def add_months(start: np.ndarray, months: int) -> np.ndarray:
    """`add_months_clamped` (same date `months` later, clamped to the month's last day), by table
    lookups for dates in 2000–2080 (whole columns in a few milliseconds)."""
    global _MONTHS
    if _MONTHS is None:
        _MONTHS = _MonthTables()
    t = _MONTHS
    day = (
        (start - _FIRST).view(np.int64)
        if start.dtype == np.dtype("datetime64[D]")
        else (start - _FIRST).astype(np.int64)
    )
    last_month = len(t.length) - 1
    if len(day) and day.min() >= 0 and day.max() < _DAYS:  # no NaT (NaT is the smallest int64)
        m = t.month[day] + months
        if m.min() >= 0 and m.max() <= last_month:
            target = t.first[m] + np.minimum(t.day_of_month[day], t.length[m] - 1)
            return (target + int(_FIRST.view(np.int64))).view("datetime64[D]")
    ok = (day >= 0) & (day < _DAYS)
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    d = np.where(ok, day, 0)
    m = t.month[d] + months
    fits = ok & (m >= 0) & (m <= last_month)
    m = np.clip(m, 0, last_month)
    target = t.first[m] + np.minimum(t.day_of_month[d], t.length[m] - 1)
    out[fits] = _FIRST + target[fits].astype("timedelta64[D]")
    rest = ~fits & ~np.isnat(start)
    if rest.any():
        out[rest] = add_months_clamped(start[rest], months)
    return out


def _raw_end(start: np.ndarray, period: Period) -> np.ndarray:
    if period.unit == "days":
        return start + np.timedelta64(period.amount, "D")
    if period.unit == "weeks":
        return start + np.timedelta64(7 * period.amount, "D")
    months = period.amount * (12 if period.unit == "years" else 1)
    return add_months(start, months)


def values_at(param: Parameter, dates: np.ndarray) -> np.ndarray:
    """The value of `param` in force on each date; one value (the usual case) without a search.
    Dates before the first value take the first value (callers restrict to where it applies)."""
    starts = np.array([v.start for v in param.values], dtype="datetime64[D]")
    if len(starts) == 1:
        return np.full(dates.shape, param.values[0].value)
    idx = np.clip(np.searchsorted(starts, dates, side="right") - 1, 0, None)
    return np.array([v.value for v in param.values])[idx]


class _DayTables:
    """Per Member State, over 2000–2080: the next working day of each day (Art. 75(d)) and the
    running count of working days (for periods in working days), filled lazily per State."""

    def __init__(self) -> None:
        self.next_working = np.zeros((len(MEMBER_STATES), _DAYS), dtype=np.int32)
        self.count = np.zeros((len(MEMBER_STATES), _DAYS), dtype=np.int32)
        self.nth = np.zeros((len(MEMBER_STATES), _DAYS), dtype=np.int32)
        self.filled = np.zeros(len(MEMBER_STATES), dtype=bool)

    def ensure(self, codes: np.ndarray) -> None:
        present = np.flatnonzero(
            np.bincount(codes[codes >= 0].astype(np.int64), minlength=len(MEMBER_STATES))
        )
        for code in present[~self.filled[present]]:
            cal = self.calendar(int(code))
            days = np.arange(_FIRST, _LAST + 1)
            working = np.is_busday(days, holidays=cal)
            self.next_working[code] = (
                np.busday_offset(days, 0, roll="forward", holidays=cal) - _FIRST
            ).astype(np.int32)
            self.count[code] = np.cumsum(working)
            nth = np.flatnonzero(working).astype(np.int32)
            self.nth[code, : len(nth)] = nth
            self.nth[code, len(nth) :] = _DAYS - 1
            self.filled[code] = True

    @staticmethod
    def calendar(code: int, first: int = 1999, last: int = 2082) -> np.ndarray:
        return holiday_calendar(MEMBER_STATES[code], first, last)


_TABLES = _DayTables()


def _slow(start: np.ndarray, period: Period, ms: np.ndarray, raw: np.ndarray, out: np.ndarray) -> None:
    for code in np.unique(ms):
        rows = ms == code
        years = start[rows].astype("datetime64[Y]").astype(np.int64) + 1970
        cal = _TABLES.calendar(int(code), int(years.min()) - 1, int(years.max()) + period.amount + 2)
        if period.unit == "working_days":
            out[rows] = np.busday_offset(start[rows], period.amount, roll="backward", holidays=cal)
        else:
            out[rows] = np.busday_offset(raw[rows], 0, roll="forward", holidays=cal)


def end_of_period(start: np.ndarray, period: Period, ms: np.ndarray, roll: str = "art75") -> np.ndarray:
    """Last day of `period` running from each `start` (the event day not counted; month ends clamp;
    with `roll="art75"` a last day on a Saturday, Sunday or official holiday of the Member State
    `ms` (codes) moves to the next working day). NaT in, NaT out; same dates as `add_period`."""
    start = np.asarray(start, dtype="datetime64[D]")
    raw = start if period.unit == "working_days" else _raw_end(start, period)
    if roll == "calendar" and period.unit != "working_days":
        return raw
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(start) & (ms >= 0)
    if not ok.any():
        return out
    _TABLES.ensure(ms[ok])
    day = (raw - _FIRST).astype(np.int64)
    margin = 40 + (2 * period.amount if period.unit == "working_days" else 0)
    if period.unit != "working_days" and ok.all() and day.min() >= 10 and day.max() < _DAYS - margin:
        rolled = _TABLES.next_working[ms.astype(np.intp), day].astype(np.int64)
        return (rolled + int(_FIRST.view(np.int64))).view("datetime64[D]")
    inside = ok & (day >= 10) & (day < _DAYS - margin)
    rows = np.flatnonzero(inside)
    code, d = ms[rows].astype(np.int64), day[rows]
    if period.unit == "working_days":
        k = _TABLES.count[code, d] - 1 + period.amount
        end = _TABLES.nth[code, np.maximum(k, 0)]
        out[rows] = np.maximum(_FIRST + end.astype("timedelta64[D]"), start[rows])
    else:
        out[rows] = _FIRST + _TABLES.next_working[code, d].astype("timedelta64[D]")
    outside = ok & ~inside
    if outside.any():
        sub = np.full(int(outside.sum()), np.datetime64("NaT"), dtype="datetime64[D]")
        _slow(start[outside], period, ms[outside], raw[outside], sub)
        out[outside] = np.maximum(sub, start[outside]) if period.unit == "working_days" else sub
    return out


def periods_at(param: Parameter, dates: np.ndarray) -> Iterator[tuple[Period, np.ndarray | slice]]:
    """The period of `param` in force on each date, as (period, rows) groups (usually one)."""
    starts = np.array([v.start for v in param.values], dtype="datetime64[D]")
    if len(dates) == 0:
        return
    ok = dates[~np.isnat(dates)]
    if len(starts) == 1 or (len(ok) and ok.min() >= starts[-1]):
        i = len(starts) - 1 if len(starts) > 1 else 0
        yield Period(int(param.values[i].value), param.unit), slice(None)
        return
    idx = np.searchsorted(starts, dates, side="right") - 1
    for i in np.unique(idx[idx >= 0]):
        yield Period(int(param.values[int(i)].value), param.unit), idx == i


def window_end(
    start: np.ndarray, param: Parameter, on: np.ndarray, ms: np.ndarray, roll: str = "art75"
) -> np.ndarray:
    """End of the window `param` (a period) opened by each `start`, with the value in force on `on`."""
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    for period, rows in periods_at(param, on):
        out[rows] = end_of_period(start[rows], period, ms[rows], roll)
    return out


def meets_boundary(when: np.ndarray, param: Parameter, end: np.ndarray) -> np.ndarray:
    """Does the time from the window's event to `when` satisfy the parameter's boundary?

    `end` is the window's last day (`window_end`): exactly N months after the event is `when ==
    end`. So "registered more than 20 months after" is `when > end`, "less than three years
    before the application was registered" is `when < end`, "at most" is `when <= end`
    (`compare` with the parameter's boundary). NaT compares False.
    """
    return compare(when, param.boundary, end)
