"""The audit log: every read, search and write, append-only and hash-chained (Arts 41, 48(2)(j), 51).

Each entry records who (token, role, Member State), what (action, records), why (purpose, legal
basis), when, and the outcome (`ok` or `denied`). Entry n stores the hash of entry n-1 and its
own hash, an HMAC-SHA256 keyed with a key derived from the registry key: someone who can write
to the database but does not hold the key cannot recompute the chain after altering, inserting
or deleting an entry. Database triggers also refuse UPDATE and DELETE on the table. A removed
*tail* leaves a valid shorter chain: anchor the head (`migralex registry audit-head`, kept
outside the database) and `verify(anchor=...)` detects it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select

from migralex.errors import InvalidInput
from migralex.registry.events import canonical_json
from migralex.registry.models import audit_log

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One audited operation (no personal data: records are dataset ids)."""

    at: dt.datetime
    token_id: str | None
    role: str
    member_state: str | None
    action: str
    purpose: str
    legal_basis: str
    outcome: str
    records: Sequence[int] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditReport:
    """Result of verifying the chain."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[str, ...]

    def anchor(self) -> str:
        """The head as `SEQ:HASH`, to keep outside the database."""
        return f"{self.head_seq}:{self.head_hash}"


def _fields(seq: int, row: Mapping[str, Any] | Any) -> str:
    at = row["at"]
    return canonical_json(
        [
            seq,
            at.isoformat(sep=" ", timespec="microseconds") if isinstance(at, dt.datetime) else str(at),
            row["token_id"],
            row["role"],
            row["member_state"],
            row["action"],
            row["purpose"],
            row["legal_basis"],
            row["outcome"],
            row["records"],
            row["detail"],
        ]
    )


def chain_hash(key: bytes, prev_hash: str, seq: int, row: Mapping[str, Any] | Any) -> str:
    """HMAC-SHA256 of the previous hash and the entry's fields."""
    return hmac.new(key, (prev_hash + "\n" + _fields(seq, row)).encode(), hashlib.sha256).hexdigest()


def head(conn: Connection) -> tuple[int, str]:
    """The last entry's (seq, hash), or (0, GENESIS) for an empty log."""
    row = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def append(conn: Connection, key: bytes, entries: Iterable[AuditEntry]) -> tuple[int, str]:
    """Append entries to the chain; the caller holds the registry's write lock. Returns the new head."""
    seq, prev = head(conn)
    rows = []
    for e in entries:
        seq += 1
        row = {
            "seq": seq,
            "at": e.at.replace(tzinfo=None),
            "token_id": e.token_id,
            "role": e.role,
            "member_state": e.member_state,
            "action": e.action,
            "purpose": e.purpose[:200],
            "legal_basis": e.legal_basis[:200],
            "outcome": e.outcome,
            "records": canonical_json(sorted({int(r) for r in e.records})),
            "detail": canonical_json(dict(e.detail)),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = chain_hash(key, prev, seq, row)
        rows.append(row)
    if rows:
        conn.execute(insert(audit_log), rows)
    return seq, prev


def parse_anchor(text: str) -> tuple[int, str]:
    """`SEQ:HASH` → (seq, hash)."""
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise InvalidInput("anchor", f"expected SEQ:HASH (as printed by `audit-head`), got {text!r}")
    return int(seq), digest


def verify(
    conn: Connection, key: bytes, *, anchor: tuple[int, str] | None = None, chunk: int = 20_000
) -> AuditReport:
    """Recompute the chain; report altered, inserted or removed entries (a removed tail if anchored)."""
    problems: list[str] = []
    expected_seq, prev, last, count = 1, GENESIS, 0, 0
    anchor_seen = anchor is None
    cols = [audit_log.c[n] for n in ("seq", "at", "token_id", "role", "member_state", "action", "purpose")]
    cols += [audit_log.c[n] for n in ("legal_basis", "outcome", "records", "detail", "prev_hash", "hash")]
    while True:
        rows = conn.execute(
            select(*cols).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(chunk)
        ).all()
        if not rows:
            break
        for r in rows:
            m = r._mapping
            seq = int(m["seq"])
            if seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing")
            if m["prev_hash"] != prev:
                problems.append(
                    f"entry {seq}: previous-hash link broken (an entry before it was altered or removed)"
                )
            if chain_hash(key, m["prev_hash"], seq, m) != m["hash"]:
                problems.append(f"entry {seq}: content does not match its hash (altered)")
            if anchor is not None and seq == anchor[0]:
                anchor_seen = True
                if m["hash"] != anchor[1]:
                    problems.append(f"entry {seq}: hash differs from the anchor")
            prev, expected_seq, last, count = m["hash"], seq + 1, seq, count + 1
    if not anchor_seen and anchor is not None:
        problems.append(f"anchored entry {anchor[0]} is missing: the log was truncated after entry {last}")
    return AuditReport(not problems, count, last, prev, tuple(problems))
