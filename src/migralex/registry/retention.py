"""Retention by law: automatic erasure at the end of the storage period, advance erasure.

Each dataset's last day of storage is fixed when it is registered (`categories.retention_until`:
Art. 29(1)–(8), N years from the date the biometric data were transmitted) or, for temporary
protection, when the Council decision's protection ends (Art. 29(9)). Reading of "stored for ten
years from the date": the period ends on the same date N years later (a missing 29 February
clamps to 28 February) and the data are erased from the next day; `retain_until < as_of` is due.
Erasure is set-based SQL (no loop over records): it deletes the encrypted identity and the
templates, destroys the datasets' data keys (crypto-shredding, `registry.shredding`), keeps the
non-identifying projection (category, Member State, dates: the Art. 12 statistics), and appends
an `erased` event with its legal basis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    delete,
    func,
    literal,
    select,
    update,
)

from migralex.law import ParameterSet
from migralex.registry.categories import Category, policy, retention_until
from migralex.registry.events import EventType, canonical_json
from migralex.registry.integrity import insert_events, seal
from migralex.registry.models import datasets, personal_data, templates, tp_decisions
from migralex.registry.shredding import shred

#: Largest erasure whose dataset ids are listed one by one in the audit log.
LISTED = 10_000


@dataclass(frozen=True)
class Erasure:
    """What one erasure did."""

    count: int
    ids: tuple[int, ...]
    basis: str


def erase(
    conn: Connection,
    condition: ColumnElement[bool],
    *,
    basis: str,
    actor: str,
    now: dt.datetime,
    key: bytes,
) -> Erasure:
    """Erase every not-yet-erased dataset matching `condition`, set-based, in the caller's transaction.

    The `erased` events and the datasets' new state are sealed with `key` (`registry.integrity`).
    """
    due = condition & datasets.c.erased_at.is_(None)
    found = conn.execute(
        select(datasets.c.id, datasets.c.member_state).where(due).order_by(datasets.c.id)
    ).all()
    ids = tuple(int(r.id) for r in found)
    if not ids:
        return Erasure(0, (), basis)
    payload = canonical_json({"at": now.isoformat(sep=" "), "basis": basis})
    insert_events(
        conn,
        key,
        [
            {
                "dataset_id": int(r.id),
                "type": EventType.erased.value,
                "occurred_at": now,
                "recorded_at": now,
                "member_state": r.member_state,
                "actor": actor,
                "legal_basis": basis,
                "payload": payload,
            }
            for r in found
        ],
    )
    chosen = select(datasets.c.id).where(due)
    conn.execute(delete(templates).where(templates.c.dataset_id.in_(chosen)))
    conn.execute(delete(personal_data).where(personal_data.c.dataset_id.in_(chosen)))
    shred(conn, chosen)  # the data keys: whatever copy of the ciphertexts survives no longer decrypts
    conn.execute(
        update(datasets).where(due).values(erased_at=now, erasure_basis=basis, birth_year=None, sex=None)
    )
    seal(conn, key, datasets, datasets.c.id.in_(ids))
    return Erasure(len(ids), ids, basis)


def purge(conn: Connection, as_of: dt.date, *, actor: str, now: dt.datetime, key: bytes) -> Erasure:
    """Erase every dataset whose storage period ended before `as_of` (Art. 29(10); an alert on
    return at the end of its review period, SIS Border Reg. Art. 39(5)): one erasure per ground."""
    grounds: dict[str, list[str]] = {}
    for rule in policy().categories.values():
        basis = rule.expiry.cite() if rule.expiry else "Eurodac Art. 29(10)"
        grounds.setdefault(basis, []).append(rule.key.value)
    done = [
        erase(
            conn,
            (datasets.c.retain_until < as_of) & datasets.c.category.in_(cats),
            basis=basis,
            actor=actor,
            now=now,
            key=key,
        )
        for basis, cats in grounds.items()
    ]
    ids = tuple(sorted(i for e in done for i in e.ids))
    used = [e.basis for e in done if e.count] or [next(iter(grounds))]
    return Erasure(len(ids), ids, "; ".join(used))


def apply_tp_decision(
    conn: Connection,
    reference: str,
    entry_into_force: dt.date,
    ended_on: dt.date | None,
    ps: ParameterSet,
    key: bytes,
) -> int:
    """Set the last day of storage of every dataset under a temporary-protection decision (Art. 29(9)).

    One UPDATE per distinct transmission date (the retention parameter is dated by it).
    """
    rule = policy().categories[Category.temporary_protection]
    days: list[Any] = list(
        conn.execute(
            select(func.date(datasets.c.transmitted_at)).where(datasets.c.tp_decision == reference).distinct()
        ).scalars()
    )
    transmitted = np.array([str(d)[:10] for d in days], dtype="datetime64[D]")
    if transmitted.size == 0:
        return 0
    until = retention_until(
        rule,
        transmitted,
        tp_decision_in_force=np.full(transmitted.shape, np.datetime64(entry_into_force, "D")),
        tp_ended=np.full(
            transmitted.shape, np.datetime64(ended_on, "D") if ended_on else np.datetime64("NaT")
        ),
        ps=ps,
    )
    n = 0
    for day, last in zip(transmitted, until, strict=True):
        value = None if np.isnat(last) else dt.date.fromisoformat(str(last))
        res = conn.execute(
            update(datasets)
            .where(
                (datasets.c.tp_decision == reference)
                & (func.date(datasets.c.transmitted_at) == literal(dt.date.fromisoformat(str(day)), Date))
            )
            .values(retain_until=value)
        )
        n += res.rowcount
    seal(conn, key, datasets, datasets.c.tp_decision == reference)
    return n


def tp_decision(conn: Connection, reference: str) -> tuple[dt.date, dt.date | None] | None:
    """(entry into force, end) of a recorded temporary-protection decision."""
    row = conn.execute(
        select(tp_decisions.c.entry_into_force, tp_decisions.c.ended_on).where(
            tp_decisions.c.reference == reference
        )
    ).first()
    return (row[0], row[1]) if row else None
