"""What leaves a screening: the form (SR Art. 17) and the case for the engine (Art. 18(2) referral)."""

from __future__ import annotations

from typing import Any

from migralex.screening.form import FIELDS
from migralex.screening.model import REASON_BASIS, Reason
from migralex.screening.record import ScreeningRecord

#: The case format's place of registration for each reason of the screening.
CASE_PLACE: dict[Reason, str] = {
    Reason.apprehension: "apprehension_after_irregular_crossing",
    Reason.disembarkation: "sar_disembarkation",
    Reason.border_crossing_point: "border_crossing_point",
    Reason.territory: "territory",
}


def _health(rec: ScreeningRecord) -> str | None:
    """Art. 17(1)(d): what the health check found (not the medical notes)."""
    h = rec.health
    if not h:
        return None
    if h["no_further_check"]:
        return "no further health check necessary (Art. 12(1))"
    parts = [p for p, on in (("needs health care", h["needs_care"]), ("isolation", h["isolation"])) if on]
    return ", ".join(parts) or "no needs identified"


def _hit(rec: ScreeningRecord) -> bool | None:
    """Art. 17(1)(h): whether the consultation of the databases resulted in a hit."""
    if not rec.queries:
        return None
    return any(h["status"] != "discarded" for h in rec.hits)


def form_document(rec: ScreeningRecord, *, for_person: bool = False) -> dict[str, Any]:
    """The form as data: (article, element, value) in the order of Art. 17; point (h) redacted in the
    person's copy (Art. 17(3), third subparagraph)."""
    f = rec.form
    vulner = ", ".join(rec.vulnerabilities) or "none identified" if rec.checks["vulnerability"].at else None
    derived = {
        "reason": (
            "SR Art. 17(1)(c)",
            "Reason for the screening",
            f"{rec.reason} ({REASON_BASIS[rec.reason]})",
        ),
        "health": ("SR Art. 17(1)(d)", "Preliminary health check", _health(rec)),
        "vulnerability": ("SR Art. 17(1)(e)", "Preliminary vulnerability check", vulner),
        "hit": ("SR Art. 17(1)(h)", "Database consultation resulted in a hit", _hit(rec)),
    }
    if for_person:
        derived["hit"] = (
            "SR Art. 17(1)(h)",
            "Database consultation resulted in a hit",
            "[redacted, Art. 17(3)]",
        )
    order = ["name", "date_of_birth", "place_of_birth", "gender", "nationalities", "countries_of_residence",
             "languages", "reason", "health", "vulnerability", "applied_for_protection",
             "family_in_member_states", "hit", "cooperated", "identity_confirmed", "reason_for_arrival",
             "route", "documents", "comments"]  # fmt: skip
    elements = [
        list(derived[k]) if k in derived else [FIELDS[k].cite, FIELDS[k].label, f.get(k)] for k in order
    ]
    status = f"{rec.status}" + (f", referred: {rec.outcome} ({rec.outcome_basis})" if rec.outcome else "")
    return {
        "id": rec.id,
        "member_state": rec.member_state,
        "header": f"{rec.member_state} — {REASON_BASIS[rec.reason]} — event {rec.event_at:%Y-%m-%d %H:%M}"
        f" — status {status}",
        "elements": elements,
        "not_done": list(rec.not_done),
        "objections": [x["what"] for x in rec.log if x["what"].startswith("objection")],
        "footer": "The person may indicate that information in this form is incorrect; such indications"
        " are recorded under the information concerned (SR Art. 17(3)).",
        "copy_for_person": for_person,
    }


def case(rec: ScreeningRecord) -> dict[str, Any]:
    """The person as a case of the engine (docs/case-format.md), for the referral to the asylum
    procedure: a confirmed security hit is `applicant.security_threat` (AMMR Art. 16(4), APR
    Art. 42(1)(f)); a vulnerability indication is `applicant.vulnerable`."""
    nat = [n for n in rec.form.get("nationalities") or [] if n != "stateless"]
    applicant: dict[str, Any] = {
        "security_threat": rec.security_flag,
        "vulnerable": bool(rec.vulnerabilities),
        "unaccompanied": "unaccompanied_minor" in rec.vulnerabilities,
    }
    if nat:
        applicant["nationality"] = nat[0]
    if rec.form.get("date_of_birth"):
        applicant["date_of_birth"] = rec.form["date_of_birth"]
    day = rec.event_at.date().isoformat()
    entries = []
    if rec.reason in (Reason.disembarkation, Reason.apprehension):
        kind = "sar_disembarkation" if rec.reason is Reason.disembarkation else "irregular_crossing"
        entries.append({"kind": kind, "member_state": rec.member_state, "date": day})
    return {
        "id": rec.id,
        "registration": {"member_state": rec.member_state, "date": day, "place": CASE_PLACE[rec.reason]},
        "applicant": applicant,
        "entries": entries,
    }
