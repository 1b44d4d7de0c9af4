"""The screening's use cases over the registry's store: every call audited, every record encrypted.

Records live in `screenings` (searchable status columns and the record encrypted with the
registry's key); every operation, allowed or refused, goes to the registry's hash-chained audit
log with who, role, Member State, purpose and article. Each change is one write transaction with
an optimistic version check, so two officers cannot overwrite each other's work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from sqlalchemy import Connection, insert, select, update

from migralex.errors import InvalidInput
from migralex.law import ParameterSet, params
from migralex.registry import audit
from migralex.registry.access import AccessDenied, NotVisible, Unauthenticated
from migralex.registry.crypto import Keyring
from migralex.registry.models import screening_tokens, screenings
from migralex.registry.registration import utcnow
from migralex.registry.store import Store
from migralex.screening import record as rec_mod
from migralex.screening.access import ROLE_BASIS, Staff, StaffRole, as_role, may
from migralex.screening.connectors.base import Connector, Query, Result
from migralex.screening.connectors.simulated import simulated_systems
from migralex.screening.export import form_document
from migralex.screening.model import REASON_BASIS
from migralex.screening.record import ScreeningRecord
from migralex.screening.timelimit import clock

#: A screening id: letters, digits and `._:-`, at most 40 characters.
ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")


#: Answers after which a system is queried again.
RETRY = ("timeout", "down")


class Conflict(InvalidInput):
    """The record changed since it was read (another officer's write): reload and retry."""


def check_id(screening_id: str) -> str:
    """A valid screening id, or InvalidInput naming what is wrong."""
    if not screening_id or len(screening_id) > 40 or not set(screening_id) <= ID_CHARS:
        raise InvalidInput("id", "a screening id is 1-40 letters, digits or . _ : -")
    return screening_id


class ScreeningService:
    """Start, check, verify, complete and print screenings."""

    def __init__(
        self,
        store: Store,
        connectors: Mapping[str, Connector] | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        ps: ParameterSet | None = None,
    ) -> None:
        self.store = store
        self.keys: Keyring = store.keys
        self.connectors: dict[str, Connector] = dict(connectors or simulated_systems())
        self.clock = clock
        self.ps = ps or params()

    @classmethod
    def open(cls, url: str | None = None, keys: Keyring | None = None, **kw: Any) -> ScreeningService:
        """Open (and migrate) the registry's database for the screening."""
        return cls(Store.open(url, keys or Keyring.from_env()), **kw)

    def now(self) -> dt.datetime:
        """The service's clock (naive, the Member State's local time)."""
        return self.clock().replace(tzinfo=None, microsecond=0)

    # --- tokens ------------------------------------------------------------------------------

    def create_token(self, member_state: str, role: str, label: str) -> str:
        """A new token for a member of the screening staff (printed once; only its hash is kept)."""
        staff = Staff("cli", member_state, as_role(role))
        token_id, secret = "st_" + secrets.token_hex(6), secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(
                insert(screening_tokens).values(
                    id=token_id, secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
                    member_state=staff.member_state, role=str(staff.role), label=label[:120],
                    created_at=self.now(),
                )
            )  # fmt: skip
            self._audit(conn, staff, "screening_token_create", "ok", ROLE_BASIS[staff.role], token=token_id)
        return f"{token_id}.{secret}"

    def authenticate(self, token: str) -> Staff:
        """The staff member a token stands for; anything else is refused (and audited)."""
        token_id, _, secret = (token or "").partition(".")
        row = None
        if token_id.startswith("st_") and len(token_id) <= 24 and secret:
            with self.store.read() as conn:
                row = conn.execute(select(screening_tokens).where(screening_tokens.c.id == token_id)).first()
        given = hashlib.sha256(secret.encode()).hexdigest()
        if row is None or row.revoked_at is not None or not hmac.compare_digest(given, row.secret_hash):
            with self.store.write() as conn:
                self._audit(conn, None, "screening_authenticate", "denied", "SR Art. 8(9)")
            raise Unauthenticated("invalid or revoked screening token")
        return Staff(row.id, row.member_state, StaffRole(row.role))

    # --- audit and storage ---------------------------------------------------------------------

    def _audit(
        self, conn: Connection, staff: Staff | None, action: str, outcome: str, basis: str, **detail: Any
    ) -> None:
        entry = audit.AuditEntry(
            at=self.now(),
            token_id=staff.token_id if staff else None,
            role=f"screening_{staff.role}" if staff else "anonymous",
            member_state=staff.member_state if staff else None,
            action=action,
            purpose="SR Art. 1 (screening)",
            legal_basis=basis,
            outcome=outcome,
            detail=detail,
        )
        audit.append(conn, self.keys.audit_key, [entry])

    def _deny(self, staff: Staff, action: str, exc: Exception, **detail: Any) -> NoReturn:
        with self.store.write() as conn:
            basis = getattr(exc, "basis", "SR Art. 8(9)")
            self._audit(conn, staff, action, "denied", basis, reason=str(exc)[:200], **detail)
        raise exc

    def _allow(self, staff: Staff, operation: str, screening_id: str | None = None) -> None:
        try:
            may(staff, operation)
        except AccessDenied as exc:
            self._deny(staff, f"screening_{operation}", exc, screening=screening_id)

    def _load(self, conn: Connection, staff: Staff, screening_id: str) -> tuple[ScreeningRecord, int]:
        row = conn.execute(select(screenings).where(screenings.c.id == check_id(screening_id))).first()
        if row is None or row.member_state != staff.member_state:
            raise NotVisible(f"no screening {screening_id!r} visible to {staff.member_state}/{staff.role}")
        plain = self.keys.decrypt(row.record, f"screening:{row.id}")
        return ScreeningRecord.from_dict(json.loads(plain)), int(row.version)

    def _save(self, conn: Connection, rec: ScreeningRecord, version: int | None) -> None:
        blob = self.keys.encrypt(json.dumps(rec.to_dict(), default=str).encode(), f"screening:{rec.id}")
        values = {
            "member_state": rec.member_state, "reason": str(rec.reason), "status": str(rec.status),
            "event_at": rec.event_at, "last_day": rec.limit(self.ps).last_day,
            "security_flag": rec.security_flag, "outcome": str(rec.outcome) if rec.outcome else None,
            "updated_at": self.now(), "record": blob,
        }  # fmt: skip
        if version is None:
            conn.execute(insert(screenings).values(id=rec.id, version=1, **values))
            return
        done = conn.execute(
            update(screenings)
            .where(screenings.c.id == rec.id, screenings.c.version == version)
            .values(version=version + 1, **values)
        )
        if done.rowcount != 1:
            raise Conflict("id", f"screening {rec.id} changed meanwhile; reload and retry")

    @contextmanager
    def _change(self, staff: Staff, operation: str, screening_id: str) -> Iterator[ScreeningRecord]:
        """Load, change, save and audit one record in one write transaction."""
        self._allow(staff, operation, screening_id)
        try:
            with self.store.write() as conn:
                rec, version = self._load(conn, staff, screening_id)
                if rec.status is not rec_mod.Status.in_progress and operation != "complete":
                    raise InvalidInput("status", f"screening {screening_id} already ended ({rec.status})")
                yield rec
                self._save(conn, rec, version)
                self._audit(
                    conn, staff, f"screening_{operation}", "ok", REASON_BASIS[rec.reason], screening=rec.id
                )
        except NotVisible as exc:
            self._deny(staff, f"screening_{operation}", exc, screening=screening_id)

    # --- use cases -----------------------------------------------------------------------------

    def start(
        self, staff: Staff, screening_id: str, reason: str, event_at: dt.datetime,
        entries: Mapping[str, Any] | None = None, *, held_hours: float = 0.0,
    ) -> dict[str, Any]:  # fmt: skip
        """Open a screening in the staff's Member State (Art. 5 or 7)."""
        self._allow(staff, "start", screening_id)
        rec = rec_mod.start(
            check_id(screening_id), staff.member_state, reason, event_at, entries or {},
            held_hours=held_hours, by=staff.token_id, now=self.now(),
        )  # fmt: skip
        with self.store.write() as conn:
            if conn.execute(select(screenings.c.id).where(screenings.c.id == rec.id)).first():
                raise InvalidInput("id", f"screening {rec.id} already exists")
            self._save(conn, rec, None)
            self._audit(conn, staff, "screening_start", "ok", REASON_BASIS[rec.reason], screening=rec.id)
        return self.view(rec, staff)

    def health(self, staff: Staff, screening_id: str, **findings: Any) -> dict[str, Any]:
        """Art. 12(1): the preliminary health check (medical staff)."""
        with self._change(staff, "health", screening_id) as rec:
            rec_mod.record_health(rec, **findings, by=staff.token_id, at=self.now())
        return self.view(rec, staff)

    def vulnerability(self, staff: Staff, screening_id: str, indications: Sequence[str]) -> dict[str, Any]:
        """Art. 12(3): the preliminary vulnerability check."""
        with self._change(staff, "vulnerability", screening_id) as rec:
            rec_mod.record_vulnerability(rec, indications, staff.token_id, self.now())
        return self.view(rec, staff)

    def identity(self, staff: Staff, screening_id: str, entries: Mapping[str, Any]) -> dict[str, Any]:
        """Art. 14 and the form's declared elements (Art. 17(1)-(2))."""
        with self._change(staff, "identity", screening_id) as rec:
            rec_mod.record_identity(rec, entries, staff.token_id, self.now())
        return self.view(rec, staff)

    def check(
        self, staff: Staff, screening_id: str, *, biometrics: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Arts 14-16: query every system not yet answered (or that timed out or was down). The
        queries run outside any transaction (the Eurodac adapter writes to the same database);
        the answers are saved only if nobody changed the record meanwhile (`Conflict`)."""
        self._allow(staff, "check", screening_id)
        try:
            with self.store.read() as conn:
                rec, version = self._load(conn, staff, screening_id)
        except NotVisible as exc:
            self._deny(staff, "screening_check", exc, screening=screening_id)
        if rec.status is not rec_mod.Status.in_progress:
            raise InvalidInput("status", f"screening {screening_id} already ended ({rec.status})")
        q = self._query(rec, staff, biometrics)
        todo = [s for s in self.connectors if s not in rec.queries or rec.queries[s]["answer"] in RETRY]
        results: list[Result] = [self.connectors[s].query(q) for s in todo]
        with self.store.write() as conn:
            rec_mod.apply_results(rec, results, self.now(), staff.token_id)
            self._save(conn, rec, version)
            asked = {r.system: str(r.answer) for r in results}
            self._audit(
                conn, staff, "screening_check", "ok", "SR Arts 14-16", screening=rec.id, queries=asked
            )
        return self.view(rec, staff)

    def _query(self, rec: ScreeningRecord, staff: Staff, biometrics: Mapping[str, Any] | None) -> Query:
        docs = rec.form.get("documents") or []
        return Query(
            rec.id, rec.member_state, rec.form.get("name"), rec.form.get("date_of_birth"),
            tuple(rec.form.get("nationalities") or ()), docs[0] if docs else None, biometrics,
            str(rec.reason), staff.token_id, len(rec.log),
        )  # fmt: skip

    def verify(
        self, staff: Staff, screening_id: str, system: str, reference: str, confirmed: bool
    ) -> dict[str, Any]:
        """Art. 16: confirm or discard a hit (manual verification)."""
        with self._change(staff, "verify", screening_id) as rec:
            rec_mod.verify_hit(rec, system, reference, confirmed, staff.token_id, self.now())
        return self.view(rec, staff)

    def complete(
        self, staff: Staff, screening_id: str, *, relocation: bool = False, entry_conditions_met: bool = False
    ) -> dict[str, Any]:
        """Art. 18: end and refer; refused (listing what is missing) before the time limit."""
        with self._change(staff, "complete", screening_id) as rec:
            rec_mod.complete(
                rec, self.now(), staff.token_id, relocation=relocation,
                entry_conditions_met=entry_conditions_met, ps=self.ps,
            )  # fmt: skip
        return self.view(rec, staff)

    def get(self, staff: Staff, screening_id: str) -> dict[str, Any]:
        """A screening as the staff member's role may see it."""
        operation = "read_health" if staff.role is StaffRole.medical else "read"
        self._allow(staff, operation, screening_id)
        try:
            with self.store.write() as conn:
                rec, _ = self._load(conn, staff, screening_id)
                self._audit(conn, staff, "screening_read", "ok", ROLE_BASIS[staff.role], screening=rec.id)
        except NotVisible as exc:
            self._deny(staff, "screening_read", exc, screening=screening_id)
        return self.view(rec, staff)

    def form(self, staff: Staff, screening_id: str, *, for_person: bool = False) -> dict[str, Any]:
        """Art. 17: the form (point (h) redacted in the person's copy)."""
        self._allow(staff, "form", screening_id)
        try:
            with self.store.write() as conn:
                rec, _ = self._load(conn, staff, screening_id)
                self._audit(conn, staff, "screening_form", "ok", "SR Art. 17", screening=rec.id)
        except NotVisible as exc:
            self._deny(staff, "screening_form", exc, screening=screening_id)
        return form_document(rec, for_person=for_person)

    def list(self, staff: Staff, status: str | None = None) -> list[dict[str, Any]]:
        """The staff's Member State's screenings (status columns only, no personal data)."""
        self._allow(staff, "list")
        s = screenings.c
        q = select(s.id, s.reason, s.status, s.event_at, s.last_day, s.outcome).where(
            s.member_state == staff.member_state
        )
        if status:
            q = q.where(s.status == status)
        with self.store.read() as conn:
            rows = conn.execute(q.order_by(s.last_day, s.id).limit(1000)).all()
        now = self.now()
        return [
            {"id": r.id, "reason": r.reason, "status": r.status, "outcome": r.outcome,
             "last_day": r.last_day.isoformat(), **clock(r.last_day, now)}
            for r in rows
        ]  # fmt: skip

    def view(self, rec: ScreeningRecord, staff: Staff) -> dict[str, Any]:
        """The record for the caller's role: medical staff see the health part only."""
        limit = rec.limit(self.ps)
        head = {
            "id": rec.id, "member_state": rec.member_state, "reason": str(rec.reason),
            "legal_basis": REASON_BASIS[rec.reason], "status": str(rec.status),
            "time_limit": limit.to_dict(), "clock": clock(limit.last_day, self.now()),
        }  # fmt: skip
        if staff.role is StaffRole.medical:
            return {**head, "health": rec.health, "checks": {"health": vars(rec.checks["health"])}}
        body = rec.to_dict()
        body["health"] = {k: v for k, v in rec.health.items() if k != "notes"}
        body.pop("event_at")
        return {
            **head, **body, "gaps": rec_mod.gaps(rec), "event_at": rec.event_at.isoformat(timespec="minutes"),
        }  # fmt: skip
