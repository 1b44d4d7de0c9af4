"""Typed actions on a dataset: the append-only log from which the current state is derived.

A dataset (Art. 2(1)(y)) is an ordered list of events: registered, biometrics taken, hit, hit
verified, marked, Member State responsible recorded, …, erased. Nothing is updated in place;
`fold` derives the current state, and the store keeps a projection of it (`datasets` table) for
set-based queries, updated from the same `changes` in the same transaction. Event payloads carry
no identifying data (dates, Member State codes, flags, scores, ids): names, document numbers and
the grounds of a security flag live in the encrypted personal-data store, which erasure removes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from migralex.countries import normalise_member_state
from migralex.errors import InvalidInput
from migralex.law.dates import parse_date


class EventType(StrEnum):
    """Every kind of event a dataset's log can hold."""

    registered = "registered"
    biometrics_taken = "biometrics_taken"
    hit = "hit"
    hit_verified = "hit_verified"
    member_state_responsible = "member_state_responsible"
    relocation = "relocation"
    transfer_arrival = "transfer_arrival"
    relocation_arrival = "relocation_arrival"
    left_territory = "left_territory"
    returned = "returned"
    visa = "visa"
    security_flag = "security_flag"
    security_flag_deleted = "security_flag_deleted"
    application_rejected = "application_rejected"
    border_procedure_rejection = "border_procedure_rejection"
    avrr = "avrr"
    marked_protection = "marked_protection"
    unmarked_protection = "unmarked_protection"
    marked_residence_document = "marked_residence_document"
    citizenship_acquired = "citizenship_acquired"
    biometrics_retaken = "biometrics_retaken"
    return_confirmed = "return_confirmed"
    return_decision_withdrawn = "return_decision_withdrawn"
    alert_citizenship_acquired = "alert_citizenship_acquired"
    residence_permit_granted = "residence_permit_granted"
    erased = "erased"


#: Actions a caller records on a dataset (the rest are written by the registry itself).
ACTIONS: frozenset[str] = frozenset(
    {
        "member_state_responsible", "relocation", "transfer_arrival", "relocation_arrival",
        "left_territory", "returned", "visa", "security_flag", "security_flag_deleted",
        "application_rejected", "border_procedure_rejection", "avrr", "marked_protection",
        "unmarked_protection", "marked_residence_document", "citizenship_acquired",
        "return_confirmed", "return_decision_withdrawn", "alert_citizenship_acquired",
        "residence_permit_granted",
    }
)  # fmt: skip

#: Action → the payload fields it needs ("member_state" or "date").
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "member_state_responsible": ("member_state",),
    "relocation": ("member_state",),
    "transfer_arrival": ("date",),
    "relocation_arrival": ("date",),
    "left_territory": ("date",),
    "returned": ("date",),
    "visa": ("member_state",),
    "security_flag": (),
    "security_flag_deleted": (),
    "application_rejected": (),
    "border_procedure_rejection": (),
    "avrr": (),
    "marked_protection": (),
    "unmarked_protection": (),
    "marked_residence_document": (),
    "citizenship_acquired": (),
    "return_confirmed": ("date",),  # the day the person left (SIS Return Reg. Art. 6)
    "return_decision_withdrawn": (),
    "alert_citizenship_acquired": (),
    "residence_permit_granted": ("member_state",),  # the Member State granting it
}

#: Projection columns of a dataset and their value before any event.
PROJECTION_DEFAULTS: dict[str, Any] = {
    "mark": None,
    "security_flag": False,
    "ms_responsible": None,
    "ms_relocation": None,
    "arrived_on": None,
    "left_territory_on": None,
    "returned_on": None,
    "visa": False,
    "application_rejected": False,
    "border_procedure_rejection": False,
    "avrr": False,
    "erased_at": None,
    "erasure_basis": None,
}


def canonical_json(value: Any) -> str:
    """One canonical JSON text for a value (sorted keys, compact, ISO dates)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def action_payload(action: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the payload of a caller's action; unknown or missing fields are errors naming the field."""
    if action not in ACTIONS:
        raise InvalidInput("type", f"unknown action {action!r}; one of {', '.join(sorted(ACTIONS))}")
    needed = ACTION_FIELDS[action]
    extra = set(raw) - set(needed)
    if extra:
        raise InvalidInput(sorted(extra)[0], f"not a field of action {action!r} (fields: {list(needed)})")
    out: dict[str, Any] = {}
    for name in needed:
        if raw.get(name) is None:
            raise InvalidInput(name, f"action {action!r} needs {name!r}")
        if name == "member_state":
            out[name] = normalise_member_state(raw[name], field=name)
        else:
            out[name] = parse_date(raw[name], field=name).isoformat()
    return out


#: Events that copy fields of their payload into projection columns: {event: {column: payload field}}.
_COPIES: dict[EventType, dict[str, str]] = {
    EventType.member_state_responsible: {"ms_responsible": "member_state"},
    EventType.relocation: {"ms_relocation": "member_state"},
    EventType.transfer_arrival: {"arrived_on": "date"},
    EventType.relocation_arrival: {"arrived_on": "date"},
    EventType.left_territory: {"left_territory_on": "date"},
    EventType.returned: {"returned_on": "date"},
    EventType.return_confirmed: {"returned_on": "date"},
    EventType.erased: {"erased_at": "at", "erasure_basis": "basis"},
}
#: Events that set projection columns to fixed values.
_SETS: dict[EventType, dict[str, Any]] = {
    EventType.visa: {"visa": True},
    EventType.security_flag: {"security_flag": True},
    EventType.security_flag_deleted: {"security_flag": False},
    EventType.application_rejected: {"application_rejected": True},
    EventType.border_procedure_rejection: {"border_procedure_rejection": True},
    EventType.avrr: {"avrr": True},
    EventType.marked_protection: {"mark": "protection"},
    EventType.unmarked_protection: {"mark": None},
    EventType.marked_residence_document: {"mark": "residence_document"},
}


def changes(event_type: EventType, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The projection columns an event sets (the same map serves `fold` and the store)."""
    copied = {column: payload[field] for column, field in _COPIES.get(event_type, {}).items()}
    return {**_SETS.get(event_type, {}), **copied}


def fold(events: Iterable[tuple[EventType | str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The current state of one dataset from its events in order (type, payload)."""
    state: dict[str, Any] = {}
    for raw_type, payload in events:
        t = EventType(raw_type)
        if t is EventType.registered:
            state = dict(PROJECTION_DEFAULTS)
            state.update(payload)
        elif not state:
            raise InvalidInput(
                "events", f"{t} before registered: a dataset's log starts with its registration"
            )
        else:
            state.update(changes(t, payload))
    return state
