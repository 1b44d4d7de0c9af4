"""One person's screening: its elements, the queries, the hits, the clock and the end (SR Arts 8-18).

Everything done, not done, and why, is kept on the record; nothing ends it silently. Before the
time limit it ends only when every element is done (or `entry_authorised`, Art. 5(3)); at the time
limit it ends anyway, with what was not done listed (Art. 18(5)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from migralex.countries import normalise_member_state
from migralex.errors import InvalidInput, MigralexError
from migralex.law import ParameterSet, params
from migralex.screening import form as form_mod
from migralex.screening.connectors.base import Answer, Result, bases
from migralex.screening.model import (
    ELEMENT_BASIS,
    REASON_BASIS,
    CheckStatus,
    Element,
    Outcome,
    Reason,
    Status,
    Vulnerability,
)
from migralex.screening.outcome import referral
from migralex.screening.timelimit import TimeLimit, clock, time_limit


class Incomplete(MigralexError):
    """The screening cannot end yet: elements are not done and the time limit has not expired."""

    def __init__(self, gaps: Sequence[str], expires_at: str) -> None:
        super().__init__(f"screening not complete before {expires_at}: " + "; ".join(gaps))
        self.gaps = list(gaps)


@dataclass
class Check:
    """Where one element stands, with its article and, when not done, why."""

    status: CheckStatus = CheckStatus.pending
    basis: str = ""
    by: str | None = None
    at: str | None = None
    not_done: str | None = None


@dataclass
class ScreeningRecord:
    """The screening of one person."""

    id: str
    member_state: str
    reason: Reason
    event_at: dt.datetime
    held_hours: float = 0.0
    form: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] = field(default_factory=dict)
    vulnerabilities: list[str] = field(default_factory=list)
    checks: dict[str, Check] = field(default_factory=dict)
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    hits: list[dict[str, Any]] = field(default_factory=list)
    security_flag: bool = False
    relocation: bool = False
    status: Status = Status.in_progress
    outcome: Outcome | None = None
    outcome_basis: str | None = None
    ended_at: str | None = None
    not_done: list[str] = field(default_factory=list)
    log: list[dict[str, str]] = field(default_factory=list)

    def limit(self, ps: ParameterSet | None = None) -> TimeLimit:
        """The time limit (Art. 8(3)-(4))."""
        return time_limit(self.event_at, self.reason, self.member_state, self.held_hours, ps=ps)

    def note(self, at: dt.datetime, by: str, what: str) -> None:
        """Append to the record's history."""
        self.log.append({"at": at.isoformat(timespec="seconds"), "by": by, "what": what})

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (the stored form)."""
        out = asdict(self)
        out["event_at"] = self.event_at.isoformat(timespec="minutes")
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScreeningRecord:
        """Back from `to_dict`."""
        body = dict(d)
        body["reason"] = Reason(body["reason"])
        body["event_at"] = dt.datetime.fromisoformat(body["event_at"])
        body["status"] = Status(body["status"])
        body["outcome"] = Outcome(body["outcome"]) if body.get("outcome") else None
        body["checks"] = {k: Check(CheckStatus(v.pop("status")), **v) for k, v in body["checks"].items()}
        return cls(**body)


def start(
    screening_id: str,
    member_state: str,
    reason: str,
    event_at: dt.datetime,
    entries: Mapping[str, Any],
    *,
    held_hours: float = 0.0,
    by: str = "",
    now: dt.datetime | None = None,
) -> ScreeningRecord:
    """Open a screening (Art. 5 or 7) with what the person declared so far (Art. 9(2)(a))."""
    try:
        why = Reason(reason)
    except ValueError:
        raise InvalidInput("reason", f"{reason!r}; one of {', '.join(Reason)}") from None
    if not (0 <= held_hours <= 24 * 30):
        raise InvalidInput("held_hours", f"hours held at the border must be 0-720, got {held_hours}")
    now = now or event_at
    if event_at > now + dt.timedelta(minutes=5):
        raise InvalidInput("event_at", f"{event_at.isoformat()} is in the future")
    rec = ScreeningRecord(
        screening_id,
        normalise_member_state(member_state),
        why,
        event_at,
        held_hours,
        form=form_mod.validate(entries),
        checks={e.value: Check(basis=ELEMENT_BASIS[e]) for e in Element},
    )
    rec.note(now, by, f"screening started ({REASON_BASIS[why]})")
    return rec


def _done(rec: ScreeningRecord, element: Element, by: str, at: dt.datetime) -> None:
    c = rec.checks[element.value]
    c.status, c.by, c.at, c.not_done = CheckStatus.done, by, at.isoformat(timespec="seconds"), None


def record_health(
    rec: ScreeningRecord,
    *,
    needs_care: bool,
    isolation: bool,
    no_further_check: bool,
    notes: str | None,
    by: str,
    at: dt.datetime,
) -> None:
    """Art. 12(1): the preliminary health check by qualified medical personnel."""
    for name, v in (
        ("needs_care", needs_care),
        ("isolation", isolation),
        ("no_further_check", no_further_check),
    ):
        if not isinstance(v, bool):
            raise InvalidInput(name, "expected true or false")
    rec.health = {
        "needs_care": needs_care,
        "isolation": isolation,
        "no_further_check": no_further_check,
        "notes": form_mod.validate({"comments": notes})["comments"] if notes else None,
    }
    _done(rec, Element.health, by, at)
    rec.note(at, by, "preliminary health check recorded (Art. 12(1))")


def record_vulnerability(rec: ScreeningRecord, indications: Sequence[str], by: str, at: dt.datetime) -> None:
    """Art. 12(3): the preliminary vulnerability check (indications, or none found)."""
    try:
        rec.vulnerabilities = sorted({Vulnerability(v).value for v in indications})
    except ValueError:
        raise InvalidInput("indications", f"one of {', '.join(Vulnerability)}") from None
    _done(rec, Element.vulnerability, by, at)
    rec.note(at, by, "preliminary vulnerability check recorded (Art. 12(3))")


def record_identity(rec: ScreeningRecord, entries: Mapping[str, Any], by: str, at: dt.datetime) -> None:
    """Art. 14: identity established or verified; whether confirmed or declared (Art. 17(3))."""
    rec.form.update(form_mod.validate(entries))
    if rec.form.get("identity_confirmed") is None:
        raise InvalidInput("identity_confirmed", "say whether the identity is confirmed or only declared")
    _done(rec, Element.identity, by, at)
    rec.note(at, by, "identification or verification of identity recorded (Art. 14)")


def apply_results(rec: ScreeningRecord, results: Sequence[Result], at: dt.datetime, by: str) -> None:
    """Arts 14-16: take the answers of the queries; a hit goes to manual verification (Art. 16)."""
    for r in results:
        rec.queries[r.system] = {**r.to_dict(), "at": at.isoformat(timespec="seconds")}
        if r.answer is Answer.hit:
            known = {(h["system"], h["reference"]) for h in rec.hits}
            for h in r.hits:
                if (r.system, h["reference"]) not in known:
                    rec.hits.append(
                        {
                            "system": r.system,
                            "reference": h["reference"],
                            "status": "to_verify",
                            "security": bases()[r.system].security,
                            "legal_basis": "SR Art. 16",
                        }
                    )
        rec.note(at, by, f"{r.system}: {r.answer}" + (f" — not done: {r.not_done}" if r.not_done else ""))
    _refresh(rec, at, by)


def _refresh(rec: ScreeningRecord, at: dt.datetime, by: str) -> None:
    """The biometrics (Eurodac) and security elements from the latest answer of each system."""
    groups = {Element.biometrics: ["eurodac"], Element.security: [s for s in bases() if s != "eurodac"]}
    for element, systems in groups.items():
        c = rec.checks[element.value]
        missing = [s for s in systems if s not in rec.queries]
        failed = [rec.queries[s]["not_done"] for s in systems if rec.queries.get(s, {}).get("not_done")]
        open_hits = [h for h in rec.hits if h["system"] in systems and h["status"] == "to_verify"]
        if failed:
            c.status, c.not_done = CheckStatus.not_done, "; ".join(failed)
        elif missing:
            c.status, c.not_done = CheckStatus.pending, "not yet queried: " + ", ".join(missing)
        elif open_hits:
            c.status, c.not_done = CheckStatus.to_verify, f"{len(open_hits)} hit(s) to verify (Art. 16)"
        else:
            c.status, c.not_done, c.by, c.at = CheckStatus.done, None, by, at.isoformat(timespec="seconds")


def verify_hit(
    rec: ScreeningRecord, system: str, reference: str, confirmed: bool, by: str, at: dt.datetime
) -> None:
    """Art. 16: an officer confirms or discards a hit; a confirmed security hit sets the flag the case
    engine uses (`applicant.security_threat`: AMMR Art. 16(4), APR Art. 42(1)(f))."""
    for h in rec.hits:
        if h["system"] == system and h["reference"] == reference:
            if h["status"] != "to_verify":
                raise InvalidInput("hit", f"hit {reference} of {system} is already {h['status']}")
            h["status"] = "confirmed" if confirmed else "discarded"
            if confirmed and h["security"]:
                rec.security_flag = True
            rec.note(at, by, f"hit {reference} of {system} {h['status']} (Art. 16)")
            _refresh(rec, at, by)
            return
    raise InvalidInput("hit", f"no hit {reference!r} of system {system!r} on screening {rec.id}")


def gaps(rec: ScreeningRecord) -> list[str]:
    """What is not done yet: form elements (Art. 17(1)) and elements of Art. 8(5), each with why."""
    out = [f"form: {m}" for m in form_mod.missing(rec.form)]
    for key, c in rec.checks.items():
        if c.status is not CheckStatus.done:
            out.append(f"{key} ({c.basis}): {c.status}" + (f" — {c.not_done}" if c.not_done else ""))
    return out


def complete(
    rec: ScreeningRecord,
    now: dt.datetime,
    by: str,
    *,
    relocation: bool = False,
    entry_conditions_met: bool = False,
    ps: ParameterSet | None = None,
) -> ScreeningRecord:
    """Art. 18: end the screening and refer the person; before the time limit every element must be
    done (else `Incomplete`, listing what is missing); at the time limit it ends with the gaps listed."""
    p = ps or params()
    if rec.status is not Status.in_progress:
        raise InvalidInput("status", f"screening {rec.id} already ended ({rec.status})")
    todo = gaps(rec)
    t = clock(rec.limit(p).last_day, now)
    if todo and not t["expired"] and not entry_conditions_met:
        raise Incomplete(todo, str(t["expires_at"]))
    rec.relocation = relocation
    rec.outcome, rec.outcome_basis = referral(
        rec.reason,
        rec.form,
        relocation=relocation,
        entry_conditions_met=entry_conditions_met,
        on=now.date(),
        ps=p,
    )
    rec.status = Status.ended_at_time_limit if todo and t["expired"] else Status.completed
    rec.not_done = todo
    rec.ended_at = now.isoformat(timespec="seconds")
    why = " at the time limit, not done: " + "; ".join(todo) + " (Art. 18(5))" if todo else ""
    rec.note(now, by, f"screening ended: {rec.outcome} ({rec.outcome_basis}){why}")
    return rec
