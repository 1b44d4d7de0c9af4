"""The answers shared by the CLI and the API for resettlement (URF Arts 8, 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from migralex.errors import InvalidInput, UnknownReference
from migralex.law.params import params
from migralex.resettlement.plan import MISSING_PLEDGES, plan
from migralex.rules.resettlement import DEADLINES, admission_deadlines, basis
from migralex.sim.resettlement import inflow
from migralex.sim.scenario import load_scenario

RUNS_FROM = {"registration": "the registration", "conclusion": "the conclusion"}
NOTES = {
    "conclusion_extended": "only in the event of complex issues of fact or law (Art. 9(9))",
    "conclusion_emergency": "emergency admission: Member States 'endeavour' to conclude by then (Art. 9(10))",
    "entry": "'make every effort to ensure entry' (Art. 9(20)); needs the date of the conclusion",
}


def deadlines_answer(registered: dt.date, member_state: str, concluded: dt.date | None) -> dict[str, Any]:
    """URF Art. 9 deadlines for one registration, each with its basis and quote."""
    if not dt.date(2024, 6, 11) <= registered <= dt.date(2100, 12, 31):
        raise InvalidInput(
            "registered", f"{registered} is outside 11 June 2024 (URF in force) - 31 December 2100"
        )
    if concluded is not None and concluded < registered:
        raise InvalidInput(
            "concluded", f"the conclusion ({concluded}) is before the registration ({registered})"
        )
    p = params()
    frame = admission_deadlines([registered], member_state.upper(), concluded=[concluded], p=p)
    row = frame.row(0, named=True)
    calculus = p.value("urf.reading.time_limit_calculus", registered)
    rows = []
    for name, (_, event) in DEADLINES.items():
        b = basis(name, registered, p)
        date = row[name]
        rows.append(
            {
                "deadline": name,
                "date": date.isoformat() if date else None,
                "period": str(b.period),
                "runs_from": RUNS_FROM[event],
                "basis": b.article,
                "quote": b.quote,
                "note": NOTES.get(name),
            }
        )
    return {
        "registered": registered.isoformat(),
        "member_state": member_state.upper(),
        "concluded": concluded.isoformat() if concluded else None,
        "calculus": calculus,
        "deadlines": rows,
        "notes": [
            f"calculus reading urf.reading.time_limit_calculus = {calculus}: the URF sets no calculus; the"
            " Pact's (AMMR Art. 75) is applied unless the reading says 'calendar'",
        ],
    }


def plan_answer() -> dict[str, Any]:
    """The shipped Union Plan with its sources and what is missing."""
    p = plan()
    return {
        "plan": p.name,
        "basis": "URF Art. 8",
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "adopted_total": p.total,
        "member_states_participating": p.participating,
        "proposed_total": p.raw["proposed"]["total"],
        "source": p.source,
        "pledges": p.pledges,
        "notes": [] if p.pledges_known else [MISSING_PLEDGES],
    }


def inflow_answer(scenario: str) -> dict[str, Any]:
    """Resettled persons per Member State over the scenario's window (sim/resettlement.py)."""
    s = load_scenario(scenario)
    if s.resettlement is None:
        raise UnknownReference(f"scenario {s.name!r} has no resettlement (no 'resettlement' block)")
    f = inflow(s.start, s.days, plan_name=s.resettlement.plan, completion=s.resettlement.completion)
    totals = f.totals().sort("resettled", descending=True)
    rows = [
        {"member_state": r["member_state"], "resettled": round(r["resettled"])} for r in totals.to_dicts()
    ]
    notes = [f"completion {s.resettlement.completion:.0%}: {s.resettlement.completion_source}"]
    return {
        "scenario": s.name,
        "start": s.start.isoformat(),
        "days": s.days,
        "total": round(float(f.daily.sum())),
        "member_states": rows,
        "notes": [
            f"scenario {s.name}: {s.start} + {s.days} days, {round(float(f.daily.sum())):,} persons",
            *notes,
        ]
        + ([f.assumption] if f.assumption else []),
    }
