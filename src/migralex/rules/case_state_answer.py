"""The answers of a case timeline: the state of one case (a dict) and the limits of many (a table).

`state_answer(timeline, i)` is the body of `POST /v1/cases/state` (docs/api.md); `limits_frame`
is one row per running limit of every case, built column by column for a caseload.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.events import EVENT_TYPES
from migralex.law.deadlines import Variant, catalogue
from migralex.law.params import ParameterSet
from migralex.law.timelimits import Period
from migralex.rules.timeline import DUBLIN_III, NAT, RUNNING, STATUSES, Limit
from migralex.rules.trace import enum_column

if TYPE_CHECKING:
    from migralex.rules.case_state import Timeline

_MS = np.array([*C.MEMBER_STATES, None], dtype=object)  # code -1 → None
_REGIMES = ("AMMR", "DUBLIN_III", None)


def _ms(code: int) -> str | None:
    return _MS[int(code)] if code >= 0 else None


def _day(value: np.datetime64) -> str | None:
    return None if np.isnat(value) else str(value)


def period_text(p: ParameterSet, v: Variant, start: dt.date) -> str:
    """The period of variant `v` in force on `start` (its parameters added up)."""
    periods = [p[name].period_at(max(start, p[name].values[0].start)) for name in v.params]
    return str(Period(sum(q.amount for q in periods), periods[0].unit))


def _event_types(tl: Timeline, i: int) -> dict[int, str]:
    rows = np.flatnonzero(tl.events.case == i)
    return {int(tl.events.index[r]): EVENT_TYPES[int(tl.events.type[r])] for r in rows}


def _limit(tl: Timeline, lim: Limit, status: int, i: int, types: dict[int, str]) -> dict[str, Any]:
    v = catalogue()[lim.name].variant(lim.variants[int(lim.variant[i])])
    start, event = lim.start[i], int(lim.start_event[i])
    if event >= 0:
        kind = types.get(event)
    elif start == tl.batch.applicants.reg_date[i]:
        kind = "registration"
    else:
        kind = "end_of_reply_period"  # acceptance or confirmation by silence
    out: dict[str, Any] = {
        "name": lim.name,
        "variant": v.name,
        "status": STATUSES[status],
        "date": _day(lim.date[i]),
        "member_state": _ms(int(lim.ms[i])),
        "runs_from": {
            "event": event if event >= 0 else None,
            "type": kind,
            "date": _day(start),
            "text": v.runs_from,
        },
        "met_by": int(lim.met_by[i]) if lim.met_by[i] >= 0 else None,
        "period": period_text(tl.params, v, start.astype(dt.date)) if not np.isnat(start) else None,
        "legal_basis": v.basis,
        "consequence": v.consequence,
        "consequence_basis": v.consequence_basis,
    }
    if lim.days[i] > 0:  # a national period (AMMR Art. 43(2))
        out["period"] = str(Period(int(lim.days[i]), "days"))
    if lim.bounds and not np.isnat(lim.earliest[i]):  # a window of the law (AMMR Art. 43(2))
        out["bounds"] = _bounds(tl, lim, i)
    note = v.note_text(tl.params)
    if note:
        out["note"] = note
    return out


def _bounds(tl: Timeline, lim: Limit, i: int) -> dict[str, dict[str, Any]]:
    """Both ends of a window the law gives as a range (AMMR Art. 43(2)), each dated, labelled, with
    its status on `as_of` and whether it is the limit's headline `date` (the reading's choice)."""
    start = lim.start[i].astype(dt.date)
    headline = lim.variants[int(lim.variant[i])]
    met = lim.met[i]
    out = {}
    for bound, (variant, text) in lim.bounds.items():
        day = (lim.earliest if bound == "earliest" else lim.latest)[i]
        if not np.isnat(met):
            status = "met" if met <= day else "lapsed"
        else:
            status = "lapsed" if day < tl.as_of else "running"
        out[bound] = {
            "date": _day(day),
            "period": period_text(tl.params, catalogue()[lim.name].variant(variant), start),
            "status": status,
            "headline": variant == headline,
            "text": text,
        }
    return out


def state_answer(tl: Timeline, i: int) -> dict[str, Any]:
    """{id, as_of, regime, responsible_member_state, legal_basis, reason, flags, shifts, limits,
    next_due}."""
    from migralex.rules.case_state import FLAGS, WHY, WHY_KEYS

    types = _event_types(tl, i)
    limits = []
    for lim in tl.limits.values():
        if lim.variant[i] >= 0:
            limits.append(_limit(tl, lim, int(lim.status(tl.as_of)[i]), i, types))
    running = [x for x in limits if x["status"] == STATUSES[RUNNING] and x["date"] is not None]
    key = WHY_KEYS[int(tl.why[i])]
    d3 = tl.regime[i] == DUBLIN_III
    reason = WHY[key][2]
    if tl.why_event[i] >= 0:
        reason += f" (events[{int(tl.why_event[i])}])"
    return {
        "id": str(tl.batch.applicants.id[i]),
        "as_of": str(tl.as_of),
        "regime": _REGIMES[int(tl.regime[i])],
        "responsible_member_state": _ms(int(tl.responsible[i])),
        "legal_basis": WHY[key][1 if d3 else 0],
        "reason": reason,
        "flags": [
            {"kind": kind, "legal_basis": FLAGS[kind][0], "reason": FLAGS[kind][1]}
            for kind, on in (
                ("uam_late_request", tl.uam_late_request),
                ("urgent_not_warranted", tl.urgent_not_warranted),
            )
            if on is not None and on[i]
        ],
        "shifts": _shifts(tl, i),
        "limits": limits,
        "next_due": min(running, key=lambda x: x["date"]) if running else None,
    }


def _shifts(tl: Timeline, i: int) -> list[dict[str, Any]]:
    from migralex.rules.case_state import SHIFT_KEYS, WHY

    out = []
    for k, s in enumerate(tl.shifts):
        if s["mask"][i] and s["date"][i] <= tl.as_of:
            key = SHIFT_KEYS[k]
            out.append(
                {
                    "date": str(s["date"][i]),
                    "from": _ms(int(s["from"][i])),
                    "to": _ms(int(s["to"][i])),
                    "legal_basis": WHY[key][1 if tl.regime[i] == DUBLIN_III else 0],
                    "reason": WHY[key][2],
                }
            )
    return sorted(out, key=lambda x: x["date"])


def _column(name: str, table: list[str], codes: np.ndarray) -> pl.Series:
    """Strings stored once (a polars Enum), picked by integer codes - no per-row Python strings."""
    return enum_column(name, table, codes)


def limits_frame(tl: Timeline) -> pl.DataFrame:
    """One row per (case, limit that runs): case (row in the batch), name, variant, date,
    member_state, status, legal_basis, consequence_basis, earliest and latest (both ends of a window
    the law gives as a range, AMMR Art. 43(2); null elsewhere) - built column by column (Enum strings).
    Join `Timeline.ids_of(case)` for the case ids of the rows kept."""
    names = list(tl.limits)
    variants = [f"{n}:{v}" for n in names for v in tl.limits[n].variants]
    specs = [catalogue()[n].variant(v) for n in names for v in tl.limits[n].variants]
    keys = ("case", "name", "variant", "date", "ms", "status", "earliest", "latest")
    parts: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    offset = 0
    for k, lim in enumerate(tl.limits.values()):
        rows = np.flatnonzero(lim.variant >= 0)
        parts["case"].append(rows)
        parts["name"].append(np.full(len(rows), k))
        parts["variant"].append(lim.variant[rows].astype(np.int64) + offset)
        parts["date"].append(lim.date[rows])
        parts["ms"].append(lim.ms[rows].astype(np.int64))
        parts["status"].append(lim.status(tl.as_of)[rows].astype(np.int64))
        parts["earliest"].append(lim.earliest[rows])  # the window's ends (AMMR Art. 43(2)), else NaT
        parts["latest"].append(lim.latest[rows])
        offset += len(lim.variants)
    col = {k: np.concatenate(v) for k, v in parts.items()}
    ms_table = [*C.MEMBER_STATES, ""]
    frame = pl.DataFrame(
        [
            pl.Series("case", col["case"].astype(np.int64)),
            _column("name", names, col["name"]),
            _column("variant", [v.split(":")[1] for v in variants], col["variant"]),
            pl.Series("date", col["date"], dtype=pl.Date),
            _column("member_state", ms_table, np.where(col["ms"] < 0, len(ms_table) - 1, col["ms"])),
            _column("status", list(STATUSES), col["status"]),
            _column("legal_basis", [s.basis for s in specs], col["variant"]),
            _column("consequence_basis", [s.consequence_basis or "" for s in specs], col["variant"]),
            pl.Series("earliest", col["earliest"], dtype=pl.Date),
            pl.Series("latest", col["latest"], dtype=pl.Date),
        ]
    )
    return frame


__all__ = ["NAT", "limits_frame", "period_text", "state_answer"]
