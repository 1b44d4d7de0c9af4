"""Keyed MACs over every stored row that carries a legal fact (Eurodac Arts 29, 31, 41, 40(3)).

A dataset row says whose it is (Member State of origin: who may read and act, Art. 40(3)), how
long it is kept (`retain_until`, Art. 29), its marks and flags (Arts 17(2), 31); an event row is
the log those are derived from; a token row says which authority and role a bearer stands for.
Each row carries `mac`, an HMAC-SHA256 of its canonical content under a key derived from the
registry key (`Keyring.mac_key`), bound to its table and (for datasets and tokens) its id. Someone
who can write to the database but does not hold the key cannot change such a row, or move one
row's MAC onto another, without `verify` naming the row; reads refuse an altered dataset or token.

The registry re-seals a dataset row after each of its own writes (`seal`), in the same transaction.

Seals chain, so that a row deleted, or an older copy of a row put back, is named without the
audit log: each event's MAC covers the previous event's MAC (`prev`), so a removed event breaks
the link of the next; and each seal of a dataset or token row is appended to `seal_log`, an
append-only log whose entries are chained the same way. `verify` checks that every dataset and
token row carries the last seal the log holds for it (an older copy does not), and that every
row the log holds still exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, Table, bindparam, cast, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from migralex.errors import MigralexError
from migralex.registry.audit import AuditReport
from migralex.registry.events import canonical_json
from migralex.registry.models import audit_log, datasets, events, meta, seal_log, searches, tokens

#: Sealed tables → the column that identifies a row in reports.
SEALED: dict[str, str] = {"datasets": "id", "events": "seq", "tokens": "id"}
#: Columns left out of an event's MAC: its sequence number is assigned by the database.
_UNSEALED = {"mac", "seq"}
#: Tables whose every seal is appended to `seal_log` (events chain among themselves).
LOGGED = ("datasets", "tokens")
GENESIS = "0" * 64
#: Most altered rows named one by one per table in a report.
NAMED = 50


class Tampered(MigralexError):
    """A stored row does not match its MAC: it was altered outside the registry."""


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray, memoryview)):
        raise TypeError("binary value in a sealed column")
    return v


def row_mac(key: bytes, table: str, row: Mapping[Any, Any]) -> str:
    """HMAC-SHA256 of a row's columns (all but `mac` and a database-assigned `seq`), bound to its table."""
    body = {k: _value(v) for k, v in row.items() if k not in _UNSEALED}
    return hmac.new(key, f"{table}\n{canonical_json(body)}".encode(), hashlib.sha256).hexdigest()


def sealed(key: bytes, table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their `mac` set (for inserts written by the registry)."""
    out = []
    for r in rows:
        r = dict(r)
        r["mac"] = row_mac(key, table, r)
        out.append(r)
    return out


LEGACY_SEALED = "legacy_rows_sealed"


def seal_legacy(conn: Connection, key: bytes, now: str) -> dict[str, int]:
    """Seal the rows written before migration 0002 (mac NULL), once per database: a second call is
    refused, so a MAC later removed by an attacker cannot be laundered into a fresh seal."""
    if conn.execute(select(meta.c.value).where(meta.c.key == LEGACY_SEALED)).first() is not None:
        raise Tampered("legacy rows were sealed already; a row without a MAC now was altered (`verify`)")
    counts = {t.name: seal(conn, key, t, t.c.mac.is_(None)) for t in (datasets, events, tokens)}
    conn.execute(insert(meta).values(key=LEGACY_SEALED, value=now))
    return counts


def insert_events(conn: Connection, key: bytes, rows: list[dict[str, Any]]) -> None:
    """Append event rows, each with its MAC chained to the previous event's (the caller holds the
    write lock): a removed event breaks the link of the one after it."""
    if not rows:
        return
    last = conn.execute(select(events.c.seq, events.c.mac).order_by(events.c.seq.desc()).limit(1)).first()
    seq, prev = (int(last.seq), last.mac) if last else (0, None)
    out = []
    for r in rows:
        seq += 1
        r = {**r, "seq": seq, "prev": prev}
        r["mac"] = prev = row_mac(key, "events", r)
        out.append(r)
    conn.execute(insert(events), out)


def link(key: bytes, prev: str, seq: int, table: str, row_id: str, mac: str) -> str:
    """The chain value of a seal-log entry: HMAC of the previous entry's and this entry's fields."""
    return hmac.new(key, f"{prev}\n{seq}\n{table}\n{row_id}\n{mac}".encode(), hashlib.sha256).hexdigest()


def log_seals(conn: Connection, key: bytes, table: str, seals: list[tuple[Any, str]]) -> None:
    """Append the new seals of some rows to the chained seal log (the caller holds the write lock)."""
    if not seals:
        return
    last = conn.execute(
        select(seal_log.c.seq, seal_log.c.chain).order_by(seal_log.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (int(last.seq), str(last.chain)) if last else (0, GENESIS)
    out = []
    for row_id, mac in seals:
        seq += 1
        prev = link(key, prev, seq, table, str(row_id), mac)
        out.append({"seq": seq, "table_name": table, "row_id": str(row_id), "row_mac": mac, "chain": prev})
    conn.execute(insert(seal_log), out)


def seal(conn: Connection, key: bytes, table: Table, condition: ColumnElement[bool]) -> int:
    """Recompute the MAC of the rows of `table` matching `condition` after the registry wrote them."""
    ident = table.c[SEALED[table.name]]
    cols = [c for c in table.c if c.name != "mac"]
    rows = conn.execute(select(*cols).where(condition)).mappings().all()
    if rows:
        macs = [(r[ident.name], row_mac(key, table.name, r)) for r in rows]
        conn.execute(
            update(table).where(ident == bindparam("_id")).values(mac=bindparam("_mac")),
            [{"_id": i, "_mac": m} for i, m in macs],
        )
        if table.name in LOGGED:
            log_seals(conn, key, table.name, macs)
    return len(rows)


def check(key: bytes, table: str, row: Mapping[Any, Any]) -> None:
    """Raise `Tampered` unless a row read from the database matches its MAC."""
    given = row.get("mac")
    try:
        ok = isinstance(given, str) and hmac.compare_digest(row_mac(key, table, row), given)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        ident = SEALED[table]
        raise Tampered(
            f"{table} row {row.get(ident)} fails its integrity check (altered outside the registry); "
            "the operator should run `migralex registry verify`"
        )


@dataclass
class IntegrityReport:
    """Rows whose MAC does not match, per table."""

    checked: dict[str, int] = field(default_factory=dict)
    altered: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No altered row and no unreadable table."""
        return not self.problems

    def add(self, table: str, ident: Any, why: str) -> None:
        """Record an altered row."""
        found = self.altered.setdefault(table, [])
        found.append(ident)
        if len(found) <= NAMED:
            self.problems.append(f"{table} row {ident}: {why}")
        elif len(found) == NAMED + 1:
            self.problems.append(f"{table}: more altered rows (listed: the first {NAMED})")


@dataclass(frozen=True)
class Verification:
    """The audit chain and the sealed rows, verified together (`migralex registry verify`)."""

    audit: AuditReport
    rows: IntegrityReport

    @property
    def ok(self) -> bool:
        """Nothing altered, inserted or removed that the key can detect."""
        return self.audit.ok and self.rows.ok

    @property
    def problems(self) -> tuple[str, ...]:
        """Every problem found, the audit log's first."""
        return (*self.audit.problems, *self.rows.problems)


def verify_rows(conn: Connection, key: bytes, *, chunk: int = 20_000) -> IntegrityReport:
    """Recompute the MAC of every sealed row; name the rows that do not match (never raises on
    values of the wrong type or a missing table: those are reported as tampering)."""
    report = IntegrityReport()
    for table in (datasets, events, tokens):
        ident = table.c[SEALED[table.name]]
        last: Any = None
        n = 0
        chain = _EventChain()
        try:
            while True:
                q = select(*table.c).order_by(ident).limit(chunk)
                rows = conn.execute(q if last is None else q.where(ident > last)).mappings().all()
                if not rows:
                    break
                for r in rows:
                    _check_row(report, key, table.name, r)
                    if table is events:
                        chain.step(report, r)
                n += len(rows)
                last = rows[-1][ident.name]
        except (SQLAlchemyError, TypeError, ValueError) as exc:
            cause = type(getattr(exc, "orig", None) or exc).__name__
            report.problems.append(
                f"{table.name}: cannot be read ({cause}): dropped, or a value's type altered"
            )
        report.checked[table.name] = n
    verify_seal_log(conn, key, report, chunk=chunk)
    verify_searches(conn, report)
    return report


@dataclass
class _EventChain:
    """The walk along the event log: each chained event names the MAC of the one before it."""

    prev_mac: Any = None
    chained: bool = False

    def step(self, report: IntegrityReport, row: Mapping[Any, Any]) -> None:
        """Check one event's link to its predecessor (a removed event breaks the next link)."""
        if row.get("prev") is None:
            if self.chained:
                report.add("events", row.get("seq"), "not chained to the event before it (inserted)")
        elif row.get("prev") != self.prev_mac:
            report.add("events", row.get("seq"), "the event before it was removed or altered (chain broken)")
        self.chained = self.chained or row.get("prev") is not None
        self.prev_mac = row.get("mac")


def verify_seal_log(conn: Connection, key: bytes, report: IntegrityReport, *, chunk: int = 20_000) -> None:
    """Walk the chained seal log, then name every dataset or token row that does not carry the last
    seal the log holds for it (an older copy put back), or that the log holds but is gone (deleted)."""
    expected, prev, last = 1, GENESIS, 0
    try:
        while True:
            rows = conn.execute(
                select(seal_log).where(seal_log.c.seq > last).order_by(seal_log.c.seq).limit(chunk)
            ).all()
            if not rows:
                break
            for r in rows:
                if r.seq != expected:
                    report.add("seal_log", r.seq, f"entries {expected}..{r.seq - 1} are missing")
                if link(key, prev, r.seq, r.table_name, r.row_id, r.row_mac) != r.chain:
                    report.add("seal_log", r.seq, "entry altered or an entry before it removed")
                expected, prev, last = r.seq + 1, str(r.chain), r.seq
        for table in (datasets, tokens):
            _compare_with_log(conn, report, table)
    except (SQLAlchemyError, TypeError, ValueError) as exc:
        report.problems.append(f"seal_log: cannot be checked ({type(exc).__name__})")
    report.checked["seal_log"] = last


def _compare_with_log(conn: Connection, report: IntegrityReport, table: Table) -> None:
    """Rows against their last logged seal: older copies and deleted rows, by id."""
    ident = table.c[SEALED[table.name]]
    s = seal_log.c
    newest = (
        select(s.row_id, func.max(s.seq).label("seq")).where(s.table_name == table.name).group_by(s.row_id)
    ).subquery()
    logged = select(newest.c.row_id, s.row_mac).join(seal_log, s.seq == newest.c.seq).subquery()
    key_col = cast(ident, String)
    altered = set(report.altered.get(table.name, []))
    stale = conn.execute(
        select(ident, logged.c.row_mac)
        .outerjoin(logged, logged.c.row_id == key_col)
        .where(table.c.mac.is_not(None))
        .where((logged.c.row_mac.is_(None)) | (logged.c.row_mac != table.c.mac))
        .order_by(ident)
    ).all()
    for r in stale:
        if r[0] not in altered:
            why = "no seal of it in the seal log (inserted)" if r[1] is None else "an older copy put back"
            report.add(table.name, r[0], why + " (not the last seal the log holds)")
    gone: list[str] = list(
        conn.execute(
            select(logged.c.row_id).outerjoin(table, logged.c.row_id == key_col).where(ident.is_(None))
        ).scalars()
    )
    for row_id in sorted(gone):
        shown = int(row_id) if table is datasets and row_id.isdigit() else row_id
        report.add(table.name, shown, "deleted (the seal log holds it)")


def verify_searches(conn: Connection, report: IntegrityReport) -> None:
    """The stated reasons of each law-enforcement search (Arts 33(1), 51(2)) against the digest its
    audit entry holds: a reason altered, swapped or removed in `searches` is named."""
    try:
        entries = conn.execute(
            select(audit_log.c.seq, audit_log.c.detail).where(audit_log.c.action == "search_law_enforcement")
        ).all()
        bound: dict[Any, Any] = {}
        for e in entries:
            detail = json.loads(e.detail) if isinstance(e.detail, str) else {}
            if isinstance(detail, dict) and "search_id" in detail:
                bound[detail["search_id"]] = detail.get("request_sha256")
        stored: dict[Any, Any] = dict(
            conn.execute(
                select(searches.c.id, searches.c.request).where(searches.c.id.in_(list(bound)))
            ).all()
        )
    except (SQLAlchemyError, ValueError) as exc:
        report.problems.append(f"searches: cannot be checked ({type(exc).__name__})")
        return
    for search_id, digest in bound.items():
        text = stored.get(search_id)
        if not isinstance(text, str) or hashlib.sha256(text.encode()).hexdigest() != digest:
            report.add("searches", search_id, "stated reasons differ from those the audit log bound")
    report.checked["searches"] = len(bound)


def _check_row(report: IntegrityReport, key: bytes, table: str, row: Mapping[Any, Any]) -> None:
    ident = row.get(SEALED[table])
    if row.get("mac") is None:
        report.add(table, ident, "not sealed (altered, or written before migration 0002: `registry seal`)")
        return
    try:
        check(key, table, row)
    except Tampered:
        report.add(table, ident, "content does not match its MAC (altered)")
