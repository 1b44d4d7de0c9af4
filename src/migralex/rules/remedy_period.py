"""The period to lodge a remedy against a transfer decision (AMMR Art. 43(2)) on the case timeline.

"Member States shall provide for a period of at least one week but no more than three weeks after
the notification of a transfer decision within which the person concerned may exercise his or her
right to an effective remedy" - the law gives bounds, the Member State the period. migralex ships
no national periods: `appeal_period` opens on a `transfer_decision_notified` (AMMR cases; also a
relocation transfer decision, Art. 67(13) applying Art. 43) and is dated

- the law's window, where the national period is not given: BOTH ends are dated and labelled
  (`Limit.earliest`, `Limit.latest`; the answer's `bounds`): `earliest`, the last day of the one
  week - the shortest period the law allows, so an appeal by then is in time in every Member State
  (what the person concerned must not miss); `latest`, the last day of the three weeks - no
  national period ends later (what a Member State planning the transfer needs). The reading
  `ammr.reading.remedy_period` only chooses which of them is the limit's headline `date` (its
  status, `next_due`, the caseload's due list): `latest` (default, variant `window`) or `earliest`
  (variant `window_earliest`); the other end is shown beside it either way. A review found that
  the last day of three weeks alone can make a person miss a one-week national period, while the
  one-week day alone misleads a Dublin unit planning the transfer: neither end is dropped;
- `national`: where the national period of the Member State that notified the decision is given
  (`national_periods`: `{"DE": 14}` or `["DE:14"]`, `--appeal-period DE:14`), that many days,
  checked against the law's bounds (parameters `ammr.time_limits.remedy_minimum`, `_maximum`).

It is met by the first `appeal_lodged` after the decision; the law states no consequence of a late
appeal (national procedural law), and it shifts nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from migralex.cases import codes as C
from migralex.cases.events import EVENT
from migralex.errors import InvalidInput
from migralex.law.deadlines import catalogue
from migralex.law.params import ParameterSet
from migralex.law.timelimits import Period
from migralex.rules.periods import end_of_period
from migralex.rules.timeline import AMMR, Facts, Limit, acting, at, period_end, pick

NationalPeriods = Mapping[str, int] | Sequence[str] | None
_DAYS = {"days": 1, "weeks": 7}
#: The two ends of the law's window (AMMR Art. 43(2)): the catalogue variant dating each, and its label.
BOUNDS = {
    "earliest": (
        "window_earliest",
        "the last day of the shortest period the law allows ('at least one week'): an appeal lodged by"
        " this day is in time whatever the national period",
    ),
    "latest": (
        "window",
        "the last day of the longest period the law allows ('no more than three weeks'): no national"
        " period ends later",
    ),
}


def _bound_days(p: ParameterSet, name: str) -> int:
    """A bound of Art. 43(2) in days (the latest value of parameter `name`, in days or weeks)."""
    period = p[name].period_at(p[name].values[-1].start)
    return period.amount * _DAYS[period.unit]


def national_periods(raw: NationalPeriods, p: ParameterSet, field: str = "appeal_period") -> dict[int, int]:
    """Member State code → days, from `{"DE": 14}` or `["DE:14"]`; errors name the entry and the
    bound of AMMR Art. 43(2) it breaks."""
    if not raw:
        return {}
    items = (
        list(raw.items()) if isinstance(raw, Mapping) else [_split(x, field, k) for k, x in enumerate(raw)]
    )
    low = _bound_days(p, "ammr.time_limits.remedy_minimum")
    high = _bound_days(p, "ammr.time_limits.remedy_maximum")
    out: dict[int, int] = {}
    for k, (ms, days) in enumerate(items):
        where = f"{field}[{k}]" if not isinstance(raw, Mapping) else f"{field}.{ms}"
        code = str(ms).strip().upper()
        if code not in C.MS_INDEX:
            raise InvalidInput(where, f"{ms!r} is not a State applying the Dublin rules")
        if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
            raise InvalidInput(
                where,
                f"{days!r} days: the period is at least {low} and at most {high} days after the"
                " notification (AMMR Art. 43(2))",
            )
        out[C.MS_INDEX[code]] = days
    return out


def _split(text: str, field: str, k: int) -> tuple[str, int | str]:
    """`MS:DAYS` → (MS, DAYS); the error names the entry."""
    ms, sep, days = str(text).partition(":")
    if not sep or not days.strip().isdigit():
        raise InvalidInput(f"{field}[{k}]", f"{text!r}: expected MS:DAYS, e.g. DE:14 (AMMR Art. 43(2))")
    return ms, int(days)


def window_bounds(p: ParameterSet, lim: Limit, mask: np.ndarray, start: np.ndarray, ms: np.ndarray) -> None:
    """AMMR Art. 43(2): where `mask` (no national period), both ends of the window - the last day of
    the one week (`earliest`) and of the three weeks (`latest`) - whichever the headline date is."""
    rows = np.flatnonzero(mask & ~np.isnat(start))
    spec = catalogue()[lim.name]
    lim.bounds = BOUNDS
    for bound, (variant, _) in BOUNDS.items():
        dates = lim.earliest if bound == "earliest" else lim.latest
        dates[rows] = period_end(p, spec.variant(variant), start[rows], ms[rows].astype(np.int64))


def appeal_period(f: Facts, national: Mapping[int, int]) -> Limit:
    """AMMR Art. 43(2): from the notification of the transfer decision (or of the relocation transfer
    decision), the national period where given, else the window of the law (reading)."""
    ch, ev = f.ch, f.ev
    lim = Limit("appeal_period", ("window", "window_earliest", "national"), f.n)
    charge, relocation = ch["ask:decision"], ch["relocation:decision"]
    decision = np.where(charge >= 0, charge, relocation)
    on = (decision >= 0) & (f.regime == AMMR)
    start, event = (
        at(ev.date, decision, np.datetime64("NaT", "D")),
        at(ev.index.astype(np.int64), decision, -1),
    )
    ms = acting(at(ev.by, decision, -1), ch.by("ask"), ch.by("relocation_information"), f.reg_ms)
    earliest = f.p.reading("ammr.reading.remedy_period") == "earliest"
    given = np.isin(ms, list(national)) if national else np.zeros(f.n, bool)
    lim.open(f.p, "window_earliest" if earliest else "window", on & ~given, start, event, ms)
    window_bounds(f.p, lim, on & ~given, start, ms)
    lim.open(f.p, "national", on & given, start, event, ms)
    for code, days in national.items():
        rows = np.flatnonzero(on & (ms == code) & ~np.isnat(start))
        lim.days[rows] = days
        lim.date[rows] = end_of_period(start[rows], Period(days, "days"), ms[rows])
    appeals = np.flatnonzero(ev.type == EVENT["appeal_lodged"])
    appeals = appeals[on[ev.case[appeals]] & (ev.index[appeals] > event[ev.case[appeals]])]
    first = np.zeros(len(ev.type), bool)
    first[appeals] = True
    lim.meet(ev, pick(ev, first, f.n))
    return lim
