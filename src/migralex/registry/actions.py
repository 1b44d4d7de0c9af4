"""Additional data and status changes on a dataset (Arts 16, 17(2), 25, 30, 31) and notifications.

Only the Member State of origin records on its datasets (Art. 40(3)), only the actions its role
and the dataset's category allow. Where the Regulation says Eurodac informs the other Member
States of origin (Arts 16(4), 17(4), 30(2), 31(1) and (4)), a notification with its due time is
queued for each Member State holding a linked dataset of the same person (Art. 3(6)).
Acquisition of citizenship erases the dataset at once (Art. 30(1)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select, update

from migralex.errors import InvalidInput
from migralex.registry import audit, retention, shredding
from migralex.registry.access import AccessDenied, Caller, NotVisible, may_act
from migralex.registry.categories import Policy, policy
from migralex.registry.crypto import template_bytes
from migralex.registry.details import parse_details
from migralex.registry.events import ACTIONS, EventType, action_payload, canonical_json, changes
from migralex.registry.integrity import check, insert_events, seal
from migralex.registry.matcher import normalise
from migralex.registry.models import datasets, notifications, personal_data, templates
from migralex.registry.registration import SKEW, Conflict, as_utc, event_row, in_force, new_ids

if TYPE_CHECKING:
    from migralex.registry.service import Registry


def record(
    reg: Registry,
    caller: Caller,
    dataset_id: int,
    action: str,
    payload: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Record additional data or a status change on a dataset (Arts 16, 17(2), 25, 30, 31)."""
    if action not in ACTIONS:
        raise InvalidInput("type", f"unknown action {action!r}; one of {', '.join(sorted(ACTIONS))}")
    p = policy()
    basis = p.actions[action].basis.cite()
    now = reg.now()
    with reg.lock, reg.store.write() as conn:  # one transaction: the action, its effects and its audit
        d = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
        denial = _denial(caller, dataset_id, d, p, action)
        if denial is None:
            assert d is not None
            check(reg.keys.mac_key, "datasets", d._mapping)
            body = action_payload(action, payload or {})  # parsed only once the dataset is visible
            extra = parse_details(action, details)
            _check_state(d, action)
            evs = [event_row(dataset_id, EventType(action), now, caller, basis, body)]
            insert_events(conn, reg.keys.mac_key, evs)
            _apply_changes(reg, conn, dataset_id, action, body)
            if extra:
                _store_details(reg, conn, dataset_id, extra)
            notified = _notifications(reg, conn, d, action, basis, now)
            erased = _suspend_or_erase(reg, conn, caller, dataset_id, action, basis, now)
            audit.append(
                conn,
                reg.keys.audit_key,
                [reg.audit_entry(caller, f"record_{action}", "ok", basis, [dataset_id], notified=notified)],
            )
            return {
                "dataset_id": dataset_id,
                "action": action,
                "legal_basis": basis,
                "notified": notified,
                "erased": bool(erased),
            }
    reg.deny(caller, f"record_{action}", denial, [dataset_id])


def _denial(caller: Caller, dataset_id: int, d: Any, p: Policy, action: str) -> Exception | None:
    """Why the caller may not take `action` on the dataset (not visible; Art. 40(3)), or None."""
    if d is None:
        return NotVisible(f"dataset {dataset_id} is not visible to {caller.member_state}/{caller.role}")
    try:
        may_act(caller, d.member_state, p.category(d.category), action)
    except AccessDenied as exc:
        return exc
    return None


def _apply_changes(
    reg: Registry, conn: Connection, dataset_id: int, action: str, body: Mapping[str, Any]
) -> None:
    """The dataset's columns the action changes (dates parsed), resealed (Arts 16, 17(2), 25, 31)."""
    cols = {
        k: dt.date.fromisoformat(v) if k.endswith("_on") and v else v
        for k, v in changes(EventType(action), body).items()
    }
    if cols:
        conn.execute(update(datasets).where(datasets.c.id == dataset_id).values(**cols))
        seal(conn, reg.keys.mac_key, datasets, datasets.c.id == dataset_id)


def _suspend_or_erase(
    reg: Registry,
    conn: Connection,
    caller: Caller,
    dataset_id: int,
    action: str,
    basis: str,
    now: dt.datetime,
) -> int:
    """A suspended return decision is marked; an erasing action erases (Art. 30(1)); the count erased."""
    erased = 0
    suspended = _suspends(reg, action, now.date())
    if suspended:
        _mark_suspended(reg, conn, dataset_id)
    if policy().actions[action].erases and not suspended:  # Eurodac Art. 30(1); an alert's grounds
        erased = retention.erase(
            conn,
            datasets.c.id == dataset_id,
            basis=basis,
            actor=caller.token_id,
            now=now,
            key=reg.keys.mac_key,
        ).count
    return erased


def _store_details(reg: Registry, conn: Connection, dataset_id: int, extra: Mapping[str, Any]) -> None:
    """Add the recorded details to the dataset's encrypted document (Arts 16, 17(2))."""
    doc = reg.document(conn, dataset_id) or {"identity": {}, "details": {}}
    doc["details"].update(extra)
    ciphertext = shredding.encrypt(
        conn, reg.keys, [dataset_id], [canonical_json(doc).encode()], [f"personal_data:{dataset_id}"]
    )[0]
    conn.execute(
        update(personal_data).where(personal_data.c.dataset_id == dataset_id).values(ciphertext=ciphertext)
    )


def _notifications(reg: Registry, conn: Connection, d: Any, action: str, basis: str, now: dt.datetime) -> int:
    """The notifications an action sends (Art. 16(4) responsibility; Art. 30(2) erasure), as a count."""
    p = policy()
    notified = 0
    notify = p.actions[action].notify
    if action == "member_state_responsible" or (notify and action != "citizenship_acquired"):
        notified = _notify(
            reg, conn, d, action, basis, notify or "eurodac.notification.member_state_responsible", now
        )
    if action == "citizenship_acquired":
        notified = _notify(
            reg, conn, d, "erasure", p.actions[action].basis.cite(), "eurodac.erasure_notification", now
        )
    return notified


def retake(
    reg: Registry,
    caller: Caller,
    dataset_id: int,
    vectors: Mapping[str, np.ndarray],
    taken_at: dt.datetime,
) -> dict[str, Any]:
    """Retransmit biometric data of better quality under the same dataset (Arts 15(1), 38(1)).

    The new templates replace the old (the index follows through the `biometrics_retaken` event);
    a retransmission later than the retake limit after the retaking is flagged, not refused.
    """
    basis = policy().actions["biometrics_retaken"].basis.cite()
    clean, now, taken = _retake_input(reg, vectors, taken_at)
    with reg.lock, reg.store.write() as conn:  # one transaction: templates, event and audit
        d = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
        denial = _denial(caller, dataset_id, d, policy(), "biometrics_retaken")
        if denial is None:
            assert d is not None
            check(reg.keys.mac_key, "datasets", d._mapping)
            _check_state(d, "biometrics_retaken")
            hours = int(reg.ps.value("eurodac.transmission.retake", taken.date()))
            deadline = taken + dt.timedelta(hours=hours)
            _replace_templates(reg, conn, dataset_id, clean)
            payload = {
                "modalities": sorted(clean),
                "taken_at": taken.isoformat(),
                "deadline": deadline.isoformat(),
                "late": now > deadline,
            }
            insert_events(
                conn,
                reg.keys.mac_key,
                [event_row(dataset_id, EventType.biometrics_retaken, now, caller, basis, payload)],
            )
            audit.append(
                conn,
                reg.keys.audit_key,
                [reg.audit_entry(caller, "retake", "ok", basis, [dataset_id], late=now > deadline)],
            )
            return {"dataset_id": dataset_id, "legal_basis": basis, **payload}
    reg.deny(caller, "retake", denial, [dataset_id])


def _retake_input(
    reg: Registry, vectors: Mapping[str, np.ndarray], taken_at: dt.datetime
) -> tuple[dict[str, np.ndarray], dt.datetime, dt.datetime]:
    """The retaken templates normalised, now, and when they were taken (not in the future; Art. 38(1))."""
    if not vectors:
        raise InvalidInput("fingerprint", "a retransmission needs fingerprints or a facial image")
    clean = {m: normalise(v, field=m, dim=reg.config.dim(m))[0] for m, v in vectors.items()}
    now = reg.now()
    taken = as_utc(taken_at, field="biometrics_taken_at")
    if taken > now + SKEW:
        raise InvalidInput("biometrics_taken_at", "in the future")
    in_force(reg.ps, "eurodac.transmission.retake", taken.date(), "biometrics_taken_at")
    return clean, now, taken


def _replace_templates(
    reg: Registry, conn: Connection, dataset_id: int, clean: Mapping[str, np.ndarray]
) -> None:
    """The dataset's templates of the retaken modalities replaced by the new ones, encrypted (Art. 15(1))."""
    conn.execute(
        delete(templates).where(templates.c.dataset_id == dataset_id, templates.c.modality.in_(list(clean)))
    )
    blobs = shredding.encrypt(
        conn,
        reg.keys,
        [dataset_id] * len(clean),
        [template_bytes(v[None, :])[0] for v in clean.values()],
        [f"templates:{dataset_id}:{m}" for m in clean],
    )
    conn.execute(
        insert(templates),
        [
            {"dataset_id": dataset_id, "modality": m, "ciphertext": b}
            for m, b in zip(clean, blobs, strict=True)
        ],
    )


def _notify(
    reg: Registry, conn: Connection, d: Any, kind: str, basis: str, param: str, now: dt.datetime
) -> int:
    """Tell the Member States holding linked datasets of the person (Arts 16(4), 17(4), 30(2), 31)."""
    hours = int(reg.ps.value(param, now.date()))
    x = datasets.c
    rows = conn.execute(
        select(x.member_state, x.id).where(
            x.person_key == d.person_key,
            x.id != d.id,
            x.member_state != d.member_state,
            x.erased_at.is_(None),
        )
    ).all()
    if rows:
        ids = new_ids(conn, len(rows), notifications.c.id)  # random, as dataset, search and hit ids
        conn.execute(
            insert(notifications),
            [
                {
                    "id": i,
                    "recipient_ms": r.member_state,
                    "dataset_id": int(r.id),
                    "about_dataset_id": int(d.id),
                    "kind": kind,
                    "legal_basis": basis,
                    "created_at": now,
                    "due_by": now + dt.timedelta(hours=hours),
                    "delivered_at": None,
                }
                for i, r in zip(ids, rows, strict=True)
            ],
        )
    return len(rows)


def notifications_for(reg: Registry, caller: Caller) -> list[dict[str, Any]]:
    """Undelivered notifications to the caller's Member State (marked delivered once read)."""
    now = reg.now()
    with reg.store.write() as conn:
        n = notifications.c
        rows = conn.execute(
            select(notifications)
            .where(n.recipient_ms == caller.member_state, n.delivered_at.is_(None))
            .order_by(n.created_at, n.id)  # in order of creation (ids are random)
        ).all()
        if rows:
            conn.execute(update(notifications).where(n.id.in_([r.id for r in rows])).values(delivered_at=now))
        out = [
            {
                "id": r.id,
                "dataset_id": r.dataset_id,
                "about_dataset_id": r.about_dataset_id,
                "kind": r.kind,
                "legal_basis": r.legal_basis,
                "created_at": r.created_at.isoformat(),
                "due_by": r.due_by.isoformat(),
            }
            for r in rows
        ]
        audit.append(
            conn,
            reg.keys.audit_key,
            [
                reg.audit_entry(
                    caller,
                    "notifications",
                    "ok",
                    policy().access["own_data"].cite(),
                    [r["dataset_id"] for r in out],
                )
            ],
        )
    return out


def _suspends(reg: Registry, action: str, on: dt.date) -> bool:
    """Does a residence permit suspend (not withdraw) the return decision? (reading of Return
    Directive Art. 6(4), `sis_return.reading.residence_permit`; default: withdrawn, alert deleted)."""
    if action != "residence_permit_granted":
        return False
    return bool(reg.ps.value("sis_return.reading.residence_permit", on) == "suspended")


def _mark_suspended(reg: Registry, conn: Connection, dataset_id: int) -> None:
    """Record in the alert's data that its return decision is suspended (SIS Return Reg. Art. 4(1))."""
    doc = reg.document(conn, dataset_id) or {"identity": {}, "details": {}}
    doc["identity"]["decision_suspended"] = True
    conn.execute(
        update(personal_data)
        .where(personal_data.c.dataset_id == dataset_id)
        .values(
            ciphertext=shredding.encrypt(
                conn, reg.keys, [dataset_id], [canonical_json(doc).encode()], [f"personal_data:{dataset_id}"]
            )[0]
        )
    )


def _check_state(d: Any, action: str) -> None:
    if d.erased_at is not None:
        raise Conflict(f"dataset {d.id} was erased ({d.erasure_basis})")
    if action == "unmarked_protection" and d.mark != "protection":
        raise Conflict(
            f"dataset {d.id} is not marked as a beneficiary of international protection (Eurodac Art. 31(3))"
        )
    if action == "security_flag_deleted" and not d.security_flag:
        raise Conflict(f"dataset {d.id} has no security flag (Eurodac Art. 17(4))")
