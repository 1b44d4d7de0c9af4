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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import holidays
import numpy as np

from migralex.countries import DUBLIN_STATES, normalise_dublin_state
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
    ms = normalise_dublin_state(member_state)
    lo, hi = (first_year // 10) * 10, (last_year // 10) * 10 + 9
    return _holiday_calendar(ms, lo, hi)


def holiday_name(member_state: str, day: dt.date) -> str | None:
    """Name of the official holiday on `day` in the Member State, or None."""
    cal = holidays.country_holidays(normalise_dublin_state(member_state), years=day.year)
    return cal.get(day)


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


#: Day tables span these dates; dates outside take the (slower) `numpy.busday_offset` path.
_FIRST, _LAST = np.datetime64("2000-01-01", "D"), np.datetime64("2080-12-31", "D")
_DAYS = int((_LAST - _FIRST).astype(np.int64)) + 1


class _DayTables:
    """Per Member State, over 2000–2080: the next working day of each day (Art. 75(d)), the running
    count of working days and the n-th working day (for "working days" periods); filled lazily."""

    def __init__(self) -> None:
        n = len(DUBLIN_STATES)
        self.next_working = np.zeros((n, _DAYS), dtype=np.int32)
        self.count = np.zeros((n, _DAYS), dtype=np.int32)
        self.nth = np.zeros((n, _DAYS), dtype=np.int32)
        self.filled = np.zeros(n, dtype=bool)
        self.next_flat = self.next_working.reshape(-1)  # a view: one index per (State, day) is faster

    def ensure(self, codes: np.ndarray) -> None:
        if np.count_nonzero(self.filled[codes]) == codes.size:  # the usual case once warm: nothing to fill
            return
        present = np.flatnonzero(np.bincount(codes, minlength=len(DUBLIN_STATES)))
        for code in present[~self.filled[present]]:
            cal = holiday_calendar(DUBLIN_STATES[code], 1999, 2082)
            days = np.arange(_FIRST, _LAST + 1)
            working = np.is_busday(days, holidays=cal)
            rolled = np.busday_offset(days, 0, roll="forward", holidays=cal)
            self.next_working[code] = (rolled - _FIRST).astype(np.int32)
            self.count[code] = np.cumsum(working)
            nth = np.flatnonzero(working).astype(np.int32)
            self.nth[code, : len(nth)] = nth
            self.nth[code, len(nth) :] = _DAYS - 1
            self.filled[code] = True


_TABLES = _DayTables()
_MS_CODE = {ms: i for i, ms in enumerate(DUBLIN_STATES)}


def next_working_day_table(codes: np.ndarray) -> tuple[np.ndarray, np.int64]:
    """The day tables' next working day (AMMR Art. 75(d)), filled for the Member State `codes`.

    Returns int32 [code, day] (days from the tables' first day; read-only) and that first day in
    days since 1970-01-01, for code that looks the roll up itself (a compiled peer, a bench).
    """
    _TABLES.ensure(codes)
    table = _TABLES.next_working.view()
    table.flags.writeable = False
    return table, np.int64(_FIRST.astype(np.int64))


def member_state_codes(member_state: str | np.ndarray | list[str], n: int) -> np.ndarray:
    """Member States as codes (index in `DUBLIN_STATES`, -1 for none) from one code, strings or codes."""
    if isinstance(member_state, str):
        return np.full(n, _MS_CODE[normalise_dublin_state(member_state)], dtype=np.int64)
    arr = np.asarray(member_state).reshape(-1)
    if arr.shape[0] != n:
        raise InvalidInput("member_state", f"{arr.shape[0]} Member States for {n} dates")
    if arr.dtype.kind in "iu":
        if arr.size and (arr.max() >= len(DUBLIN_STATES) or arr.min() < -1):
            raise InvalidInput("member_state", f"codes must be -1 (none) or 0–{len(DUBLIN_STATES) - 1}")
        return arr.astype(np.int64)
    uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
    codes = np.array([_MS_CODE[normalise_dublin_state(str(u))] for u in uniq], dtype=np.int64)
    return codes[inverse]


def _slow(start: np.ndarray, raw: np.ndarray, period: Period, codes: np.ndarray) -> np.ndarray:
    """`numpy.busday_offset` per Member State, for dates outside the day tables."""
    out = np.empty_like(start)
    for code in np.unique(codes):
        rows = codes == code
        years = start[rows].astype("datetime64[Y]").astype(np.int64) + 1970
        span = period.amount * (period.unit == "years") + period.amount // 12 + 2
        cal = holiday_calendar(DUBLIN_STATES[code], int(years.min()) - 1, int(years.max()) + span)
        if period.unit == "working_days":
            out[rows] = np.busday_offset(start[rows], period.amount, roll="backward", holidays=cal)
        else:
            out[rows] = np.busday_offset(raw[rows], 0, roll="forward", holidays=cal)
    return out


def _end_of_period_any(
    start: np.ndarray, period: Period, codes: np.ndarray, *, roll: bool = True
) -> np.ndarray:
    """`end_of_period` for any dates and periods (NaT, code -1, dates outside the day tables)."""
    start = np.asarray(start, dtype="datetime64[D]")
    raw = start if period.unit == "working_days" else _raw_end(start, period)
    if not roll and period.unit != "working_days":
        return raw
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(start) & (codes >= 0)
    if not ok.any():
        return out
    _TABLES.ensure(codes[ok])
    day = np.where(ok, (raw - _FIRST).astype(np.int64), -1)
    margin = 40 + (2 * period.amount if period.unit == "working_days" else 0)
    inside = ok & (day >= 10) & (day < _DAYS - margin)
    rows = np.flatnonzero(inside)
    code, d = codes[rows], day[rows]
    if period.unit == "working_days":
        # count working days strictly after the event day; a zero-day period from a non-working
        # day stays on the day of the event
        k = _TABLES.count[code, d] - 1 + period.amount
        end = _FIRST + _TABLES.nth[code, np.maximum(k, 0)].astype("timedelta64[D]")
        out[rows] = np.maximum(end, start[rows])
    else:
        out[rows] = _FIRST + _TABLES.next_working[code, d].astype("timedelta64[D]")
    outside = ok & ~inside
    if outside.any():
        sub = _slow(start[outside], raw[outside], period, codes[outside])
        out[outside] = np.maximum(sub, start[outside]) if period.unit == "working_days" else sub
    return out


_FIRST_DAY = _FIRST.astype(np.int64)  # days since 1970-01-01 (an int64: int32 + it is int64)
_DAYS64 = np.int64(_DAYS)  # (a code times it is an int64 whatever the code's type)


@lru_cache(maxsize=256)
def _raw_table(period: Period) -> np.ndarray:
    """Per start day of the day tables, the day (from `_FIRST`) a calendar period ends before the
    roll forward (Art. 75(a)-(c)); -1 where that day is outside the tables (the general path)."""
    raw = (_raw_end(np.arange(_FIRST, _LAST + 1), period) - _FIRST).astype(np.int64)
    raw[(raw < 10) | (raw >= _DAYS - 40)] = -1
    return raw


def end_of_period(start: np.ndarray, period: Period, codes: np.ndarray, *, roll: bool = True) -> np.ndarray:
    """The calculus on `datetime64[D]` dates and Member-State codes (NaT or code -1 in → NaT out).

    Art. 75(a): the event day is not counted; (b)-(c): weeks/months end on the same weekday/date,
    clamped to the month's last day; (d) (`roll`): a last day on a Saturday, Sunday or official
    holiday moves to the Member State's next working day. "Working days" count working days only.
    Calendar periods from dates inside the day tables take two table lookups (`_raw_table`, the
    next working day); NaT and code -1 give NaT, far dates and working days take the general path.
    """
    start = np.asarray(start, dtype="datetime64[D]")
    if period.unit == "working_days":
        return _end_of_period_any(start, period, codes, roll=roll)
    if not roll:  # (a)-(c) only; no Member State, no date, as with the roll
        return np.where(
            codes >= 0, _end_of_period_any(start, period, codes, roll=False), np.datetime64("NaT", "D")
        )
    day = start.view(np.int64) - _FIRST_DAY  # NaT (the least int64) wraps to far outside
    inside = (day.view(np.uint64) < _DAYS) & (codes >= 0)  # a day before the tables is far above
    raw = _raw_table(period)[np.where(inside, day, 0)]
    return _rolled(start, raw, inside, codes, lambda far: _end_of_period_any(start[far], period, codes[far]))


def _rolled(
    start: np.ndarray,
    raw: np.ndarray,
    inside: np.ndarray,
    codes: np.ndarray,
    far_ends: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Art. 75(d) on the raw last days `raw` (from `_FIRST`; -1 outside the tables) of the starts
    `inside` the day tables; `far_ends(rows)` gives the others (NaT start or code -1: NaT)."""
    inside &= raw >= 0
    if np.count_nonzero(inside) == inside.size:
        _TABLES.ensure(codes)
        return (_TABLES.next_flat[codes * _DAYS64 + raw] + _FIRST_DAY).view("datetime64[D]")
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")  # NaT or code -1: NaT
    far = ~inside & ~np.isnat(start) & (codes >= 0)
    if far.any():  # dates outside the day tables
        out[far] = far_ends(far)
    code = codes[inside]
    _TABLES.ensure(code)
    out[inside] = (_TABLES.next_flat[code * _DAYS64 + raw[inside]] + _FIRST_DAY).view("datetime64[D]")
    return out


class _CalendarRows:
    """The `_raw_table` of each calendar period met so far, as the rows of one table: the ends of
    many periods in one lookup (`ends_of_periods`). Rows are only ever added, up to `LIMIT`."""

    LIMIT = 256  # 118 kB a row: a sweep over many periods takes `end_of_period` beyond it

    def __init__(self) -> None:
        self.row: dict[Period, int] = {}
        self.periods: list[Period] = []
        self.table = np.full((8, _DAYS + 1), -1, dtype=np.int32)  # the last column: outside the tables
        self.lock = threading.Lock()

    def add(self, period: Period) -> int:
        """The row of `period`, added when first met (-1 once the table is full)."""
        with self.lock:
            if period in self.row:
                return self.row[period]
            k = len(self.periods)
            if k >= self.LIMIT:
                return -1
            if k == len(self.table):  # grown by doubling; readers keep the table they took
                self.table = np.concatenate([self.table, np.full_like(self.table, -1)])
            self.table[k, :_DAYS] = _raw_table(period)
            self.periods.append(period)
            self.row[period] = k  # published after its row
            return k


_CALENDAR = _CalendarRows()


def calendar_row(period: Period) -> int:
    """The row of a calendar period (days, weeks, months, years) for `ends_of_periods`; -1 for
    working days and once the table is full (then `end_of_period` gives the ends)."""
    row = _CALENDAR.row.get(period)
    if row is not None:
        return row
    return -1 if period.unit == "working_days" else _CALENDAR.add(period)


def ends_of_periods(start: np.ndarray, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`end_of_period` (with the roll forward) of the calendar period of row `rows[i]`
    (`calendar_row`) from each `start[i]`: many periods in one lookup."""
    start = np.asarray(start, dtype="datetime64[D]")
    day = np.minimum((start.view(np.int64) - _FIRST_DAY).view(np.uint64), _DAYS)  # outside: _DAYS
    raw = _CALENDAR.table.reshape(-1)[rows * (_DAYS64 + 1) + day.view(np.int64)]
    inside = codes >= 0  # and, in `_rolled`, a last day inside the tables (NaT: outside)

    def far_ends(far: np.ndarray) -> np.ndarray:
        out = np.empty(int(far.sum()), dtype="datetime64[D]")
        for row in np.unique(rows[far]):
            sel = rows[far] == row
            out[sel] = _end_of_period_any(start[far][sel], _CALENDAR.periods[row], codes[far][sel])
        return out

    return _rolled(start, raw, inside, codes, far_ends)


def add_period(
    start: DateLike, period: Period | str, member_state: str | np.ndarray | list[str], *, roll: bool = True
) -> np.ndarray:
    """Last day of a time limit running from `start` (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11).

    Vectorised: `start` may be one date or an array (NaT allowed); `member_state` one code, or one
    per date as ISO codes or as `DUBLIN_STATES` indices (-1 for none, giving NaT). `roll=False`:
    points (a)-(c) only, no move to the next working day (Dublin III Art. 42, reading `no_roll`).
    """
    p = Period.parse(period) if isinstance(period, str) else period
    starts = as_date_array(start, field="start")
    return end_of_period(starts, p, member_state_codes(member_state, starts.shape[0]), roll=roll)


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
    ms = normalise_dublin_state(member_state, field="member_state")
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
    """The States for which official-holiday calendars are available (the 27 and CH, IS, LI, NO)."""
    return DUBLIN_STATES
