"""Dates as numpy `datetime64[D]` arrays: one representation for one case and ten million."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, TypeAlias

import numpy as np

from migralex.errors import InvalidInput

DateLike: TypeAlias = dt.date | str | np.datetime64 | Sequence[Any] | np.ndarray | Any


def as_date_array(values: DateLike, *, field: str = "date") -> np.ndarray:
    """Return a 1-d `datetime64[D]` array from a date, ISO string, sequence, numpy or polars column."""
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    if isinstance(values, (dt.date, str, np.datetime64)):
        values = [values]
    try:
        arr = np.asarray(values, dtype="datetime64[D]")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(field, f"not an ISO 8601 date: {exc}") from None
    return arr.reshape(-1)


def to_date(value: np.datetime64) -> dt.date:
    """One numpy day as a `datetime.date`."""
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))


def parse_date(value: str | dt.date, *, field: str = "date") -> dt.date:
    """Parse an ISO 8601 date (`2026-09-01`), naming the field on error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidInput(field, f"expected an ISO 8601 date string, got {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None


def split_ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day (1–31) arrays of a `datetime64[D]` array."""
    months = dates.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (months - months.astype("datetime64[Y]")).astype(np.int64) + 1
    day = (dates - months).astype(np.int64) + 1
    return years, month, day


def _add_months_arithmetic(dates: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    first = dates.astype("datetime64[M]")
    day_offset = (dates - first).astype("timedelta64[D]")
    target = first + np.asarray(months, dtype="timedelta64[M]")
    last_day = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    candidate = target.astype("datetime64[D]") + day_offset
    return np.minimum(candidate, last_day)


class _MonthTables:
    """Day → (month number, day of month) over 1900–2099, to add months by array lookups."""

    first_day = np.datetime64("1900-01-01", "D")

    def __init__(self) -> None:
        days = np.arange(self.first_day, np.datetime64("2100-01-01", "D"))
        months = days.astype("datetime64[M]")
        self.month = (months - months[0]).astype(np.int64)
        self.day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64)
        starts = np.arange(months[0], months[-1] + 2).astype("datetime64[D]")
        self.month_first = (starts - self.first_day).astype(np.int64)
        self.month_length = np.diff(self.month_first)


@cache
def _month_tables() -> _MonthTables:
    return _MonthTables()


def add_months_clamped(dates: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same date `months` later; a date missing in the target month clamps to its last day.

    AMMR Art. 75(b)-(c). Dates in 1900-2099 go through lookup tables (a few ms per million);
    others, and NaT, through datetime arithmetic (NaT stays NaT).
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    t = _month_tables()
    day = (dates - t.first_day).astype(np.int64)
    m = np.asarray(months, dtype=np.int64)
    valid = ~np.isnat(dates) & (day >= 0) & (day < t.month.shape[0])
    safe = np.where(valid, day, 0)
    target = t.month[safe] + m
    valid &= (target >= 0) & (target < t.month_length.shape[0])
    if valid.all():
        out = t.month_first[target] + np.minimum(t.day_of_month[safe], t.month_length[target] - 1)
        return t.first_day + out.astype("timedelta64[D]")
    result = _add_months_arithmetic(dates, m)
    if valid.any():
        tgt = np.clip(target, 0, t.month_length.shape[0] - 1)
        fast = t.month_first[tgt] + np.minimum(t.day_of_month[safe], t.month_length[tgt] - 1)
        result = np.where(valid, t.first_day + fast.astype("timedelta64[D]"), result)
    return result


def add_years_clamped(dates: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """Same date `years` later (29 February clamps to 28 February)."""
    return add_months_clamped(dates, np.asarray(years) * 12)


def age_on(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years of age on a date (birthday on 29 February counts on 1 March in other years)."""
    by, bm, bd = split_ymd(birth)
    oy, om, od = split_ymd(on)
    had_birthday = (om > bm) | ((om == bm) & (od >= bd))
    return oy - by - (~had_birthday).astype(np.int64)
