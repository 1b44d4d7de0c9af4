"""The screening's time limit (SR Art. 8(3)-(4)), counted for one person or a whole population.

Seven days from the apprehension, disembarkation or presentation at the border crossing point
(Art. 8(3)); four days, counted from the end of the hold, for persons apprehended (Art. 5(1)(a))
who remained at the external border for more than 72 hours (Art. 8(3), second sentence); three
days from apprehension within the territory (Art. 8(4)). The SR has no calculus article: the
reading `sr.time_limit_calculus` chooses between the engine's calculus (`roll_forward`, AMMR
Art. 75 with the Member State's official holidays) and plain calendar days (`calendar`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from migralex.law import ParameterSet, params
from migralex.law.dates import to_date
from migralex.law.timelimits import Period, add_period, deadline
from migralex.screening.model import Reason

#: Reasons as small integer codes, for the vectorised path.
REASON_CODES: dict[Reason, int] = {r: i for i, r in enumerate(Reason)}
_TERRITORY = REASON_CODES[Reason.territory]
_APPREHENSION = REASON_CODES[Reason.apprehension]


@dataclass(frozen=True)
class TimeLimit:
    """The last day of one person's screening and how it was counted."""

    start: dt.date
    period: Period
    last_day: dt.date
    basis: str
    reading: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """JSON shape."""
        return {
            "start": self.start.isoformat(),
            "period": str(self.period),
            "last_day": self.last_day.isoformat(),
            "legal_basis": self.basis,
            "reading": self.reading,
            "reason": self.reason,
        }


def _limits(ps: ParameterSet, on: dt.date) -> tuple[int, int, int, float]:
    """Art. 8(3)-(4): border, reduced and territory periods (days) and the hold threshold (hours)."""
    when = max(on, ps["sr.time_limits.border_screening"].values[0].start)
    return (
        int(ps.value("sr.time_limits.border_screening", when)),
        int(ps.value("sr.time_limits.border_screening_after_custody", when)),
        int(ps.value("sr.time_limits.territory_screening", when)),
        float(ps.value("sr.border_custody_threshold", when)),
    )


def last_days(
    event_at: np.ndarray,
    reason: np.ndarray,
    held_hours: np.ndarray,
    member_state: str | np.ndarray,
    *,
    ps: ParameterSet | None = None,
) -> np.ndarray:
    """Art. 8(3)-(4), vectorised: the last day of the screening of each person (`datetime64[D]`).

    `event_at` as `datetime64`, `reason` as `REASON_CODES`, `held_hours` the hours held at the
    external border before the screening (0 when not held).
    """
    p = ps or params()
    at = np.asarray(event_at, dtype="datetime64[m]")
    first = to_date(at.min().astype("datetime64[D]")) if at.size else dt.date(2026, 6, 12)
    border, reduced, territory, threshold = _limits(p, first)
    held = np.asarray(held_hours, dtype=float)
    long_hold = (np.asarray(reason) == _APPREHENSION) & (held > threshold)
    start = np.where(long_hold, at + (held * 60).astype("timedelta64[m]"), at).astype("datetime64[D]")
    amount = np.where(np.asarray(reason) == _TERRITORY, territory, np.where(long_hold, reduced, border))
    calendar = p.value("sr.time_limit_calculus", first) == "calendar"
    out = np.empty(start.shape, dtype="datetime64[D]")
    for days in np.unique(amount):  # at most three groups: one per period, not per person
        rows = amount == days
        if calendar:
            out[rows] = start[rows] + np.timedelta64(int(days), "D")
        else:
            ms = member_state if isinstance(member_state, str) else np.asarray(member_state)[rows]
            out[rows] = add_period(start[rows], Period(int(days), "days"), ms)
    return out


def time_limit(
    event_at: dt.datetime,
    reason: Reason,
    member_state: str,
    held_hours: float = 0.0,
    *,
    ps: ParameterSet | None = None,
) -> TimeLimit:
    """SR Art. 8(3)-(4) for one person, with the steps of the count."""
    p = ps or params()
    border, reduced, territory, threshold = _limits(p, event_at.date())
    long_hold = reason is Reason.apprehension and held_hours > threshold
    if reason is Reason.territory:
        days, basis = territory, "SR Art. 8(4)"
    elif long_hold:
        days, basis = reduced, "SR Art. 8(3), second sentence"
    else:
        days, basis = border, "SR Art. 8(3)"
    start = (event_at + dt.timedelta(hours=held_hours) if long_hold else event_at).date()
    period = Period(days, "days")
    reading = str(p.value("sr.time_limit_calculus", start))
    end = last_days(
        np.array([event_at], dtype="datetime64[m]"),
        np.array([REASON_CODES[reason]]),
        np.array([held_hours]),
        member_state,
        ps=p,
    )
    last = to_date(end[0])
    if reading == "calendar":
        why = f"{period} from {start.isoformat()}, calendar days (reading sr.time_limit_calculus=calendar)"
    else:
        steps = deadline(start, period, member_state, act="AMMR").reason
        why = f"counted as AMMR Art. 75 (reading sr.time_limit_calculus=roll_forward): {steps}"
    if long_hold:
        why = f"held {held_hours:g} hours (more than {threshold:g}): the period runs after the hold; " + why
    return TimeLimit(start, period, last, basis, reading, why)


def clock(last_day: dt.date, now: dt.datetime) -> dict[str, object]:
    """The clock of a screening: when the time limit expires (end of its last day) and what is left."""
    expires = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
    left = (expires - now).total_seconds() / 3600
    return {"expires_at": expires.isoformat(), "hours_left": round(left, 1), "expired": left <= 0}
