"""The answer of a return check: the alerts on return found, and what the apprehending State may do.

A Member State that apprehends a person asks "has another Member State issued a return decision?"
(Regulation (EU) 2018/1860; its text is not shipped, so every reference here is SECONDARY). The
registry compares the person's biometrics with the stored alerts on return (`comparison.search`,
kind `return_check`: the same matcher, thresholds, candidate rules, hits and audit as every other
comparison) and, for each candidate alert, answers from the alert's data (Art. 4(1)): the issuing
Member State, the decision's date and reference, the last day of voluntary departure, whether an
entry ban accompanies it and whether it is suspended; with the measures of `policy.yaml`
`return_check.measures`, each with its legal basis: contact the issuing State (Art. 7(2)), the
choice to recognise its decision (Directive 2001/40/EC), the rule at the external border (Art. 8).
Every candidate is a pending hit for an expert to verify, as in Eurodac.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from migralex.registry.categories import Category, policy

#: The alert's data returned to the apprehending Member State (SIS Return Reg. Art. 4(1)).
ANSWERED = (
    "return_decision_date",
    "return_decision_reference",
    "issuing_authority",
    "voluntary_departure_end",
    "entry_ban",
    "decision_suspended",
    "return_type",
    "public_security_threat",
)


def measures(alert: Mapping[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """What the apprehending State may or must do on a hit (SIS Return Reg. Arts 7, 8; Dir. 2001/40/EC)."""
    keys = ["contact_issuing_state", "recognition", "at_external_border"]
    if alert.get("decision_suspended"):
        keys.append("suspended")
    end = alert.get("voluntary_departure_end")
    if end:
        keys.append(
            "voluntary_departure_running"
            if dt.date.fromisoformat(end) >= today
            else "voluntary_departure_expired"
        )
    out = []
    for key in keys:
        text, ref = policy().return_measures[key]
        out.append(
            {
                "measure": key,
                "what": text,
                "legal_basis": ref.cite(),
                "confidence": ref.confidence,
                "note": ref.note,
            }
        )
    return out


def answer(
    candidates: Sequence[Any], identities: Mapping[int, Mapping[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
    """One entry per candidate alert (`Candidate`s of a return check), in the candidates' order."""
    rule = policy().categories[Category.return_alert]
    out = []
    for c in candidates:
        ident = identities.get(c.dataset_id, {})
        end = ident.get("voluntary_departure_end")
        out.append(
            {
                "hit_id": c.hit_id,
                "dataset_id": c.dataset_id,
                "issuing_member_state": c.member_state,
                **{k: ident.get(k) for k in ANSWERED},
                "voluntary_departure_ended": None if not end else dt.date.fromisoformat(end) < today,
                "score": round(c.score, 6),
                "status": c.status,
                "legal_basis": rule.collection.cite(),
                "confidence": rule.collection.confidence,
                "measures": measures(ident, today),
            }
        )
    return out
