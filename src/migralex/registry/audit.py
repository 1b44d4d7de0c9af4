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

from sqlalchemy import Connection, String, insert, select, type_coerce
from sqlalchemy.exc import SQLAlchemyError

from migralex.errors import InvalidInput
from migralex.registry import audit_retention
from migralex.registry.events import canonical_json
from migralex.registry.models import audit_erased, audit_log

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
    """The last entry's (seq, hash), or (0, GENESIS) for an empty log; when the newest entries
    were erased (Art. 41(4)), the hash leaving their anchored run."""
    row = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    erased = conn.execute(
        select(audit_erased.c.last_seq, audit_erased.c.last_hash)
        .order_by(audit_erased.c.last_seq.desc())
        .limit(1)
    ).first()
    best = max((r for r in (row, erased) if r is not None), key=lambda r: int(r[0]), default=None)
    return (int(best[0]), str(best[1])) if best else (0, GENESIS)


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
    """Recompute the chain; report altered, inserted or removed entries (a removed tail if anchored).

    Values are read as stored (no type conversion), so a value of the wrong type (a BLOB, a
    garbage timestamp) is reported as tampering, and an unreadable table as a problem, never raised.
    """
    problems: list[str] = []
    state = _Walk()
    cols: list[Any] = [
        audit_log.c[n] for n in ("seq", "token_id", "role", "member_state", "action", "purpose")
    ]
    cols += [audit_log.c[n] for n in ("legal_basis", "outcome", "records", "detail", "prev_hash", "hash")]
    cols.append(type_coerce(audit_log.c.at, String).label("at"))
    last: Any = 0
    try:
        state.erased = audit_retention.anchors(conn)
        while True:
            rows = conn.execute(
                select(*cols).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(chunk)
            ).all()
            if not rows:
                break
            for r in rows:
                state.step(key, r._mapping, anchor, problems)
            last = rows[-1]._mapping["seq"]
    except SQLAlchemyError as exc:
        cause = type(getattr(exc, "orig", None) or exc).__name__
        problems.append(f"the audit log cannot be read ({cause}): its table was dropped or altered")
    state.skip_erased(key, None, problems)
    if anchor is not None and not state.anchor_seen:
        problems.append(
            f"anchored entry {anchor[0]} is missing: the log was truncated after entry {state.last}"
        )
    return AuditReport(not problems, state.count, state.last, state.prev, tuple(problems))


@dataclass
class _Walk:
    """The position of a walk along the chain."""

    expected_seq: int = 1
    prev: str = GENESIS
    last: int = 0
    count: int = 0
    anchor_seen: bool = False
    erased: dict[int, dict[str, Any]] = field(default_factory=dict)

    def skip_erased(self, key: bytes, upto: int | None, problems: list[str]) -> None:
        """Walk over the runs erased at the end of their keeping period (Art. 41(4)) that start
        where the chain stands, each checked against its signed anchor."""
        while self.expected_seq in self.erased and (upto is None or self.expected_seq < upto):
            run = self.erased.pop(self.expected_seq)
            first, last = int(run["first_seq"]), int(run["last_seq"])
            if audit_retention.anchor_mac(key, run) != run["mac"]:
                problems.append(f"erased entries {first}..{last}: anchor altered or forged")
            if run["prev_hash"] != self.prev:
                problems.append(f"erased entries {first}..{last}: anchor does not follow entry {self.last}")
            self.prev, self.expected_seq, self.last = str(run["last_hash"]), last + 1, last

    def step(
        self, key: bytes, m: Mapping[Any, Any], anchor: tuple[int, str] | None, problems: list[str]
    ) -> None:
        """Check one entry against its predecessor and its hash (Eurodac Art. 41: records kept intact)."""
        raw_seq = m["seq"]
        if not isinstance(raw_seq, int):
            problems.append(f"entry after {self.last}: sequence {raw_seq!r} is not an integer (tampered)")
            return
        seq = raw_seq
        self.skip_erased(key, seq, problems)
        if seq != self.expected_seq:
            problems.append(f"entries {self.expected_seq}..{seq - 1} are missing")
        if m["prev_hash"] != self.prev:
            problems.append(
                f"entry {seq}: previous-hash link broken (an entry before it was altered or removed)"
            )
        try:
            intact = chain_hash(key, str(m["prev_hash"]), seq, m) == m["hash"]
        except (TypeError, ValueError):
            problems.append(f"entry {seq}: a field holds a value of the wrong type (tampered)")
        else:
            if not intact:
                problems.append(f"entry {seq}: content does not match its hash (altered)")
        if anchor is not None and seq == anchor[0]:
            self.anchor_seen = True
            if m["hash"] != anchor[1]:
                problems.append(f"entry {seq}: hash differs from the anchor")
        self.prev, self.expected_seq, self.last, self.count = str(m["hash"]), seq + 1, seq, self.count + 1
