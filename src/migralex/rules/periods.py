"""Time limits and windows over whole columns, on the law's one calculus.

`end_of_period` is `migralex.law.timelimits.end_of_period` (AMMR Art. 75 / APR Art. 73 / RBPR
Art. 11) with the reading of the roll-forward as a named option: `art75` moves a last day on a
Saturday, Sunday or official holiday of the Member State to its next working day; `calendar`
keeps the calendar date (Art. 75(a)-(c) only). `roll_of` gives the reading of a deadline's
periods: `art75` for the Pact's, and for Dublin III's the reading of its Art. 42, which has no
roll forward (`dublin3.reading.last_day_roll`: `no_roll`, the default, keeps the calendar date;
`regulation_1182_71` rolls as Regulation 1182/71 Art. 3(4) would); `dublin3_roll` gives that reading
alone, for the Dublin III criteria windows. `periods_at` reads a period
parameter in force on each case's date (a scenario overlay may change it on a date), so one case
and ten million take the same path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from migralex.law.params import Parameter, ParameterSet, compare
from migralex.law.timelimits import Period
from migralex.law.timelimits import end_of_period as _law_end_of_period

#: `calendar`: Art. 75(a)–(c) only; `art75`: also (d), a last day on a weekend or official holiday
#: of the Member State moves to its next working day.
ROLLS = ("art75", "calendar")
#: Dublin III Art. 42 (`dublin3.reading.last_day_roll`) as a roll of `end_of_period`.
DUBLIN3_ROLLS = {"no_roll": "calendar", "regulation_1182_71": "art75"}


def values_at(param: Parameter, dates: np.ndarray) -> np.ndarray:
    """The value of `param` in force on each date; one value (the usual case) without a search.
    Dates before the first value take the first value (callers restrict to where it applies)."""
    if len(param.values) == 1:
        return np.full(dates.shape, param.values[0].value)
    starts = np.array([v.start for v in param.values], dtype="datetime64[D]")
    idx = np.clip(np.searchsorted(starts, dates, side="right") - 1, 0, None)
    return np.array([v.value for v in param.values])[idx]


def end_of_period(start: np.ndarray, period: Period, ms: np.ndarray, roll: str = "art75") -> np.ndarray:
    """Last day of `period` from each `start` for Member-State codes `ms`; NaT in, NaT out."""
    if roll not in ROLLS:
        raise ValueError(f"roll must be one of {ROLLS}, got {roll!r}")
    codes = np.asarray(ms).astype(np.int64, copy=False)
    return _law_end_of_period(start, period, codes, roll=roll == "art75")


def dublin3_roll(p: ParameterSet) -> str:
    """Dublin III Art. 42 (reading `dublin3.reading.last_day_roll`) as a roll of `end_of_period`: every
    period of time of Regulation 604/2013, its time limits and its criteria windows alike."""
    return DUBLIN3_ROLLS[p.reading("dublin3.reading.last_day_roll")]


def roll_of(p: ParameterSet, names: Sequence[str]) -> str:
    """The roll of a deadline whose periods are the parameters `names`: Dublin III Art. 42 (reading
    `dublin3.reading.last_day_roll`) for Dublin III's, AMMR Art. 75(d) / APR Art. 73(c) otherwise."""
    if names and names[0].startswith("dublin3."):
        return dublin3_roll(p)
    return "art75"


def periods_at(param: Parameter, dates: np.ndarray) -> Iterator[tuple[Period, np.ndarray | slice]]:
    """The period of `param` in force on each date, as (period, rows) groups (usually one). Dates
    before the first value take the first value, as in `values_at` (callers restrict to where the
    act applies; a regime forced by a scenario applies it earlier)."""
    if len(dates) == 0:
        return
    if len(param.values) == 1:  # one value (most parameters): no search
        yield Period(int(param.values[0].value), param.unit), slice(None)
        return
    starts = np.array([v.start for v in param.values], dtype="datetime64[D]")
    ok = dates[~np.isnat(dates)]
    if len(starts) == 1 or (len(ok) and ok.min() >= starts[-1]):
        i = len(starts) - 1 if len(starts) > 1 else 0
        yield Period(int(param.values[i].value), param.unit), slice(None)
        return
    idx = np.clip(np.searchsorted(starts, dates, side="right") - 1, 0, None)
    for i in np.unique(idx):
        yield Period(int(param.values[int(i)].value), param.unit), idx == i


def window_end(
    start: np.ndarray, param: Parameter, on: np.ndarray, ms: np.ndarray, roll: str = "art75"
) -> np.ndarray:
    """End of the window `param` (a period) opened by each `start`, with the value in force on `on`."""
    if len(param.values) == 1:  # one value (most parameters): the whole column at once, as `periods_at`
        return end_of_period(start, Period(int(param.values[0].value), param.unit), ms, roll)
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
