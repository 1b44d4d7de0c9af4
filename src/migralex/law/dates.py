"""Dates as numpy `datetime64[D]` arrays: one representation for one case and ten million."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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


def add_months_clamped(dates: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same date `months` later; a date missing in the target month clamps to its last day."""
    first = dates.astype("datetime64[M]")
    day_offset = (dates - first).astype("timedelta64[D]")
    target = first + np.asarray(months, dtype="timedelta64[M]")
    last_day = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    candidate = target.astype("datetime64[D]") + day_offset
    return np.minimum(candidate, last_day)


def add_years_clamped(dates: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """Same date `years` later (29 February clamps to 28 February)."""
    return add_months_clamped(dates, np.asarray(years) * 12)


def age_on(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years of age on a date (birthday on 29 February counts on 1 March in other years)."""
    by, bm, bd = split_ymd(birth)
    oy, om, od = split_ymd(on)
    had_birthday = (om > bm) | ((om == bm) & (od >= bd))
    return oy - by - (~had_birthday).astype(np.int64)
