"""The registry's use cases: register, compare, verify hits, record actions, read, erase, count, audit.

`Registry` combines the store (transactions, write lock), the keyring (encryption at rest), the
matchers (one faiss index per modality), the policy (categories, comparisons, roles) and the
parameters (ages, time limits, retention). Every call is audited, allowed or denied, with who,
role, Member State, purpose, legal basis and the dataset ids it touched.

Registration (`register_batch`) is one transaction holding the write lock: idempotency by
(Member State, transaction id), comparison in order of arrival against everything stored and
against the earlier submissions of the same batch (Art. 38(2)), then the dataset, its encrypted
identity and templates, its events, the hits and the audit entries are written together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import polars as pl
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from migralex.errors import InvalidInput
from migralex.law import ParameterSet, params
from migralex.law.dates import parse_date
from migralex.registry import (
    actions,
    audit,
    audit_retention,
    comparison,
    integrity,
    registration,
    retention,
    shredding,
)
from migralex.registry.access import (
    EU_OPERATOR,
    AccessDenied,
    Caller,
    LawEnforcementRequest,
    NotVisible,
    Throttled,
    Unauthenticated,
    may_operate,
    read_scope,
)
from migralex.registry.categories import Category, Role, policy
from migralex.registry.comparison import SearchResult
from migralex.registry.crypto import Keyring, template_array
from migralex.registry.events import EventType, canonical_json
from migralex.registry.matcher import MODALITIES, FaissMatcher, Matcher
from migralex.registry.models import (
    datasets,
    events,
    hits,
    personal_data,
    searches,
    templates,
    tokens,
    tp_decisions,
)
from migralex.registry.registration import (
    Candidate,
    Conflict,
    Registration,
    Submission,
    as_utc,
    registered_payload,
    tp_reference,
    utcnow,
)
from migralex.registry.stats import statistics
from migralex.registry.store import Store
from migralex.registry.throttle import FailedAuth, Suppressed
from migralex.registry.tp_multiple import multiple_registrations

__all__ = [
    "Candidate",
    "Conflict",
    "Registration",
    "Registry",
    "RegistryConfig",
    "SearchResult",
    "Submission",
    "as_utc",
    "registered_payload",
    "utcnow",
]


@dataclass(frozen=True)
class RegistryConfig:
    """Technical settings (not law): template sizes, thresholds, index."""

    fingerprint_dim: int = 128
    face_dim: int = 128
    thresholds: Mapping[str, float] = field(default_factory=lambda: {"fingerprint": 0.55, "face": 0.5})
    candidates: int = 10
    search_k: int = 32
    exact_below: int = 50_000
    probe_share: float = 3 / 32
    nprobe: int | None = None
    #: Failed authentications per client and window before it is refused unheard (HTTP 429).
    failed_auth_limit: int = 20
    failed_auth_window_s: float = 60.0

    def dim(self, modality: str) -> int:
        """Template length of a modality."""
        return self.fingerprint_dim if modality == "fingerprint" else self.face_dim


class Registry:
    """The Eurodac-like registry."""

    def __init__(
        self,
        store: Store,
        *,
        config: RegistryConfig | None = None,
        matchers: Mapping[str, Matcher] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        ps: ParameterSet | None = None,
    ) -> None:
        self.store = store
        self.keys: Keyring = store.keys
        self.config = config or RegistryConfig()
        self.matchers: dict[str, Matcher] = dict(
            matchers
            or {
                m: FaissMatcher(
                    self.config.dim(m),
                    exact_below=self.config.exact_below,
                    probe_share=self.config.probe_share,
                    nprobe=self.config.nprobe,
                )
                for m in MODALITIES
            }
        )
        self.clock = clock
        self.ps = ps or params()
        self._hwm: int | None = None
        self.lock = threading.RLock()  # serialises writes with the in-memory indexes
        self.failed_auth = FailedAuth(self.config.failed_auth_limit, self.config.failed_auth_window_s)

    @classmethod
    def open(cls, url: str | None = None, keys: Keyring | None = None, **kwargs: Any) -> Registry:
        """Open a registry database (migrating it) with the key from the environment unless given."""
        store = Store.open(url, keys or Keyring.from_env())
        return cls(store, **kwargs)

    def now(self) -> dt.datetime:
        """The registry's clock (UTC)."""
        return self.clock().replace(tzinfo=None)

    # --- audit -------------------------------------------------------------------------------

    def audit_entry(
        self,
        caller: Caller | None,
        action: str,
        outcome: str,
        basis: str,
        records: Sequence[int] = (),
        **detail: Any,
    ) -> audit.AuditEntry:
        """An audit entry of `caller`'s `action` with its outcome and legal basis, dated now."""
        return audit.AuditEntry(
            at=self.now(),
            token_id=caller.token_id if caller else None,
            role=str(caller.role) if caller else "anonymous",
            member_state=caller.member_state if caller else None,
            action=action,
            purpose=caller.purpose() if caller else "",
            legal_basis=basis,
            outcome=outcome,
            records=tuple(records),
            detail=detail,
        )

    def deny(
        self, caller: Caller | None, action: str, exc: Exception, records: Sequence[int] = ()
    ) -> NoReturn:
        """Audit a refused `action` (its reason and basis) in a transaction of its own, then raise `exc`."""
        basis = getattr(exc, "basis", policy().access["authorisation"].cite())
        with self.store.write() as conn:
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, action, "denied", basis, records, reason=str(exc))],
            )
        raise exc

    # --- tokens ------------------------------------------------------------------------------

    def create_token(self, member_state: str, role: str, label: str) -> str:
        """A new API token for an authority (printed once; only its SHA-256 is stored)."""
        caller = Caller("cli", member_state, Role(role))
        token_id = "tk_" + secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(
                insert(tokens).values(
                    id=token_id,
                    secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
                    member_state=caller.member_state,
                    role=str(caller.role),
                    label=label[:120],
                    created_at=self.now(),
                )
            )
            integrity.seal(conn, self.keys.mac_key, tokens, tokens.c.id == token_id)
            audit.append(
                conn,
                self.keys.audit_key,
                [
                    self.audit_entry(
                        caller, "token_create", "ok", policy().access["designation"].cite(), token=token_id
                    )
                ],
            )
        return f"{token_id}.{secret}"

    def authenticate(self, token: str, client: str = "local") -> Caller:
        """The caller a token stands for; an unknown, malformed or revoked token is refused (audited
        per client in aggregate, `throttle`); a client past the limit is refused unheard (`Throttled`)."""
        wait = self.failed_auth.retry_after(client)
        if wait is not None:
            raise Throttled(wait)
        token_id, _, secret = (token or "").partition(".")
        row = None
        if token_id.startswith("tk_") and len(token_id) <= 24 and secret:
            with self.store.read() as conn:
                row = conn.execute(select(tokens).where(tokens.c.id == token_id)).first()
        given = hashlib.sha256(secret.encode()).hexdigest()
        if row is None or row.revoked_at is not None or not hmac.compare_digest(given, row.secret_hash):
            self._refused(client, Unauthenticated("invalid or revoked token"))
        try:
            integrity.check(self.keys.mac_key, "tokens", row._mapping)
        except integrity.Tampered as exc:
            self._refused(client, Unauthenticated(f"token refused: {exc}"))
        return Caller(row.id, row.member_state, Role(row.role))

    def _refused(self, client: str, exc: Unauthenticated) -> NoReturn:
        """Audit a refused token: the first of the client's window now, the rest as one entry later."""
        now_entry, closed = self.failed_auth.failure(client)
        self._audit_refusals(closed, exc if now_entry else None, client)
        raise exc

    def _audit_refusals(
        self, closed: Sequence[Suppressed], exc: Exception | None = None, client: str = ""
    ) -> None:
        basis = policy().access["authorisation"].cite()
        entries = [
            self.audit_entry(
                None,
                "authenticate",
                "denied",
                basis,
                (),
                client=s.client,
                refusals=s.count,
                window_s=s.window,
            )
            for s in closed
        ]
        if exc is not None:
            entries.append(
                self.audit_entry(None, "authenticate", "denied", basis, (), reason=str(exc), client=client)
            )
        if entries:
            with self.store.write() as conn:
                audit.append(conn, self.keys.audit_key, entries)

    def flush_refusals(self) -> None:
        """Write the pending aggregates of refused tokens (at shutdown, before a verification)."""
        self._audit_refusals(self.failed_auth.flush())

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token."""
        with self.store.write() as conn:
            conn.execute(update(tokens).where(tokens.c.id == token_id).values(revoked_at=self.now()))
            integrity.seal(conn, self.keys.mac_key, tokens, tokens.c.id == token_id)

    # --- matching state ------------------------------------------------------------------------

    def warm(self) -> None:
        """Load every stored template into the matchers (decrypting them; see docs on the trade-off)."""
        with self.lock, self.store.read() as conn:
            self.sync(conn)

    def sync(self, conn: Connection) -> None:
        """Bring the in-memory indexes up to the database (registrations, retakes, erasures of others)."""
        if self._hwm is None:
            hwm = int(conn.scalar(select(func.coalesce(func.max(events.c.seq), 0))) or 0)
            self._load_templates(conn, None)
            self._hwm = hwm
            return
        e = events.c
        changed = conn.execute(
            select(e.seq, e.type, e.dataset_id)
            .where(
                e.seq > self._hwm,
                e.type.in_([EventType.registered, EventType.biometrics_retaken, EventType.erased]),
            )
            .order_by(e.seq)
        ).all()
        if changed:
            ids = np.array([r.dataset_id for r in changed], dtype=np.int64)
            for m in self.matchers.values():
                m.remove(ids)
            self._load_templates(
                conn, sorted({int(r.dataset_id) for r in changed if r.type != EventType.erased})
            )
        self.mark_indexed(conn)

    def mark_indexed(self, conn: Connection) -> None:
        """The in-memory indexes now hold every event the database has (after a sync or a write)."""
        self._hwm = int(conn.scalar(select(func.coalesce(func.max(events.c.seq), 0))) or 0)

    def _load_templates(self, conn: Connection, ids: list[int] | None, chunk: int = 100_000) -> None:
        """Decrypt templates (all, or of some datasets) and insert them: one insert per modality, so
        that a large gallery gets its IVF index trained once, at its full size."""
        if ids is not None and not ids:
            return
        t = templates.c
        last = -1
        found: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {m: ([], []) for m in self.matchers}
        while True:
            q = select(t.dataset_id, t.modality, t.ciphertext).where(t.dataset_id > last)
            if ids is not None:
                q = q.where(t.dataset_id.in_(ids))
            rows = conn.execute(q.order_by(t.dataset_id).limit(chunk)).all()
            if not rows:
                break
            for m, (id_parts, vec_parts) in found.items():
                sel = [r for r in rows if r.modality == m]
                if sel:
                    plain = shredding.decrypt(
                        conn,
                        self.keys,
                        [int(r.dataset_id) for r in sel],
                        [r.ciphertext for r in sel],
                        [f"templates:{r.dataset_id}:{m}" for r in sel],
                    )
                    id_parts.append(np.array([r.dataset_id for r in sel], np.int64))
                    vec_parts.append(template_array(plain, self.config.dim(m)))
            last = int(rows[-1].dataset_id)
        for m, (id_parts, vec_parts) in found.items():
            if id_parts:
                self.matchers[m].insert(np.concatenate(id_parts), np.concatenate(vec_parts))

    # --- registration --------------------------------------------------------------------------

    def register(self, caller: Caller, submission: Submission) -> Registration:
        """Register one dataset (and compare it, where the category is compared)."""
        return self.register_batch(caller, [submission])[0]

    def register_batch(
        self, caller: Caller, submissions: Sequence[Submission], *, compare: bool = True
    ) -> list[Registration]:
        """Register datasets in order of arrival, in one transaction.

        `compare=False` is the bulk-load path (no comparisons, no hits): it writes exactly the rows
        of the normal path otherwise.
        """
        try:
            prepared = registration.prepare(self, caller, submissions)
        except AccessDenied as exc:
            self.deny(caller, "register", exc)
        with self.lock, self.store.write() as conn:
            results = registration.register_rows(self, conn, caller, prepared, compare)
        return results

    def search(
        self,
        caller: Caller,
        *,
        kind: str,
        fingerprint: np.ndarray | None = None,
        face: np.ndarray | None = None,
        sex: str | None = None,
        request: LawEnforcementRequest | None = None,
        include_own: bool = False,
    ) -> SearchResult:
        """Compare without recording: Art. 18(1) (`admission`) or law enforcement (Art. 33)."""
        return comparison.search(
            self,
            caller,
            kind=kind,
            fingerprint=fingerprint,
            face=face,
            sex=sex,
            request=request,
            include_own=include_own,
        )

    def verify_hit(self, caller: Caller, hit_id: int, confirmed: bool) -> Candidate:
        """An expert confirms or rejects a candidate (Art. 38(4)–(6))."""
        return comparison.verify_hit(self, caller, hit_id, confirmed)

    def pending_hits(self, caller: Caller) -> list[Candidate]:
        """The caller's candidates awaiting verification."""
        return comparison.pending_hits(self, caller)

    def record(
        self,
        caller: Caller,
        dataset_id: int,
        action: str,
        payload: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record additional data or a status change on a dataset (Arts 16, 17(2), 25, 30, 31)."""
        out = actions.record(self, caller, dataset_id, action, payload, details)
        if out["erased"]:
            self.store.scrub()  # advance erasure (Art. 30(1)) is as final as the periodic one
        return out

    def retake(
        self,
        caller: Caller,
        dataset_id: int,
        *,
        taken_at: dt.datetime,
        fingerprint: np.ndarray | None = None,
        face: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Retransmit biometric data of better quality (Arts 15(1), 38(1))."""
        vectors = {m: v for m, v in (("fingerprint", fingerprint), ("face", face)) if v is not None}
        return actions.retake(self, caller, dataset_id, vectors, taken_at)

    def notifications_for(self, caller: Caller) -> list[dict[str, Any]]:
        """Undelivered notifications to the caller's Member State (delivered once read)."""
        return actions.notifications_for(self, caller)

    def identities(self, conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Decrypted identity documents of some datasets (erased ones have none)."""
        if not ids:
            return {}
        rows = conn.execute(
            select(personal_data.c.dataset_id, personal_data.c.ciphertext).where(
                personal_data.c.dataset_id.in_(ids)
            )
        ).all()
        plain = shredding.decrypt(
            conn,
            self.keys,
            [int(r.dataset_id) for r in rows],
            [r.ciphertext for r in rows],
            [f"personal_data:{r.dataset_id}" for r in rows],
        )
        return {int(r.dataset_id): json.loads(p)["identity"] for r, p in zip(rows, plain, strict=True)}

    def document(self, conn: Connection, dataset_id: int) -> dict[str, Any] | None:
        """The decrypted personal-data document of a dataset (None once erased)."""
        row = conn.execute(
            select(personal_data.c.ciphertext).where(personal_data.c.dataset_id == dataset_id)
        ).first()
        if row is None:
            return None
        plain = shredding.decrypt(
            conn, self.keys, [dataset_id], [row.ciphertext], [f"personal_data:{dataset_id}"]
        )[0]
        doc: dict[str, Any] = json.loads(plain)
        return doc

    # --- searches without registration ---------------------------------------------------------

    # --- hits ---------------------------------------------------------------------------------

    # --- actions ------------------------------------------------------------------------------

    # --- reads --------------------------------------------------------------------------------

    def get(self, caller: Caller, dataset_id: int) -> dict[str, Any]:
        """A dataset as the caller may see it: its own Member State's, or one a comparison returned."""
        with self.store.read() as conn:
            d = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
            # the same statements whether the id exists or not: a hidden dataset and an absent one
            # take the same path (no existence oracle by timing)
            visible = self._returned_by_a_hit(conn, caller, dataset_id)
            try:
                if d is None:
                    raise NotVisible(
                        f"dataset {dataset_id} is not visible to {caller.member_state}/{caller.role}"
                    )
                scope = read_scope(caller, dict(d._mapping), visible)
            except NotVisible as exc:
                denial = exc
            else:
                integrity.check(self.keys.mac_key, "datasets", d._mapping)
                out = self._dataset_view(conn, d, dataset_id, scope)
                basis = _read_basis(d, scope)
                with self.store.write() as wconn:
                    audit.append(
                        wconn,
                        self.keys.audit_key,
                        [self.audit_entry(caller, "read", "ok", basis, [dataset_id], scope=scope)],
                    )
                return out
        self.deny(caller, "read", denial, [dataset_id])

    def _returned_by_a_hit(self, conn: Connection, caller: Caller, dataset_id: int) -> bool:
        """Did a comparison of the caller's Member State and role return the dataset (a hit not rejected)?"""
        h, s = hits.c, searches.c
        return (
            conn.execute(
                select(h.id)
                .join_from(hits, searches, h.search_id == s.id)
                .where(
                    h.candidate_dataset_id == dataset_id,
                    h.requesting_ms == caller.member_state,
                    s.role == str(caller.role),
                    h.status != "rejected",
                )
                .limit(1)
            ).first()
            is not None
        )

    def _dataset_view(self, conn: Connection, d: Any, dataset_id: int, scope: str) -> dict[str, Any]:
        """The dataset's state and identity; for its own Member State also details and checked events."""
        doc = self.document(conn, dataset_id)
        state = _state(d)
        out: dict[str, Any] = {
            "dataset": state,
            "scope": scope,
            "identity": doc["identity"] if doc else None,
        }
        if scope == "own":
            logged = conn.execute(
                select(events).where(events.c.dataset_id == dataset_id).order_by(events.c.seq)
            ).all()
            for e in logged:
                integrity.check(self.keys.mac_key, "events", e._mapping)
            out["details"] = doc["details"] if doc else None
            out["events"] = [
                {
                    "seq": e.seq,
                    "type": e.type,
                    "occurred_at": e.occurred_at.isoformat(),
                    "member_state": e.member_state,
                    "legal_basis": e.legal_basis,
                    "payload": json.loads(e.payload),
                }
                for e in logged
            ]
        return out

    def find(self, caller: Caller, transaction_id: str) -> dict[str, Any]:
        """The caller's own dataset by the transaction id it was submitted with."""
        with self.store.read() as conn:
            dataset_id = conn.scalar(
                select(datasets.c.id).where(
                    datasets.c.member_state == caller.member_state,
                    datasets.c.transaction_id == transaction_id,
                )
            )
        if dataset_id is None:
            self.deny(
                caller,
                "find",
                NotVisible(f"no dataset of {caller.member_state} with transaction id {transaction_id!r}"),
            )
        return self.get(caller, int(dataset_id))

    # --- operator -----------------------------------------------------------------------------

    def purge(self, caller: Caller, as_of: dt.date | str | None = None) -> retention.Erasure:
        """Erase every dataset whose storage period has ended by today (Art. 29(10)); set-based.

        `as_of` may repeat a past day, never a later one: erasure before the end of the storage
        period happens only on its own grounds (Art. 30(1) citizenship, `record`), each logged.
        """
        today = self.now().date()
        day = today if as_of is None else parse_date(as_of, field="as_of")
        try:
            may_operate(caller, "purge")
        except AccessDenied as exc:
            self.deny(caller, "purge", exc)
        if day > today:
            self.deny(
                caller,
                "purge",
                InvalidInput(
                    "as_of",
                    f"{day} is after today ({today}): Art. 29(10) erases data whose period has ended; "
                    "advance erasure only on its own grounds (Eurodac Art. 30(1): citizenship)",
                ),
            )
        with self.lock, self.store.write() as conn:
            result = retention.purge(conn, day, actor=caller.token_id, now=self.now(), key=self.keys.mac_key)
            listed = result.ids if result.count <= retention.LISTED else ()
            detail = {"as_of": day.isoformat(), "erased": result.count}
            if not listed and result.count:
                detail.update(
                    first=result.ids[0],
                    last=result.ids[-1],
                    ids_sha256=hashlib.sha256(canonical_json(list(result.ids)).encode()).hexdigest(),
                )
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "purge", "ok", result.basis, listed, **detail)],
            )
            self.sync(conn)
        if result.count:
            self.store.scrub()
        return result

    def purge_audit(
        self, caller: Caller, as_of: dt.date | str | None = None, keep_from: dt.date | str | None = None
    ) -> audit_retention.AuditErasure:
        """Erase the audit entries kept for the period Art. 41(4) sets (one year after the storage
        period of the data they concern); entries from `keep_from` on are kept (monitoring begun)."""
        today = self.now().date()
        day = today if as_of is None else parse_date(as_of, field="as_of")
        hold = None if keep_from is None else parse_date(keep_from, field="keep_from")
        try:
            may_operate(caller, "purge")
        except AccessDenied as exc:
            self.deny(caller, "purge_audit", exc)
        if day > today:
            self.deny(caller, "purge_audit", InvalidInput("as_of", f"{day} is after today ({today})"))
        self.flush_refusals()
        with self.lock, self.store.write() as conn:
            result = audit_retention.purge(conn, self.keys.audit_key, self.ps, day, self.now(), hold)
            detail: dict[str, Any] = {"as_of": day.isoformat(), "erased": result.count, "runs": result.runs}
            if hold is not None:
                detail["keep_from"] = hold.isoformat()
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "purge_audit", "ok", result.basis, **detail)],
            )
        if result.count:
            self.store.scrub()
        return result

    def retention_job(self, stop: threading.Event, *, every: dt.timedelta = dt.timedelta(days=1)) -> None:
        """The daily retention job: purge as of today at once, then every `every`, until `stop` is set.

        Run it in a thread of the serving process (`create_app(retention=True)`) or from cron with
        `migralex registry purge --as-of $(date -I)`; purges are idempotent and serialised.
        """
        job = Caller("retention-job", EU_OPERATOR, Role.operator)
        while not stop.is_set():
            self.purge(job, self.now().date())
            self.purge_audit(job, self.now().date())
            stop.wait(every.total_seconds())

    def record_tp_decision(
        self,
        caller: Caller,
        reference: str,
        entry_into_force: dt.date | str,
        ended_on: dt.date | str | None = None,
    ) -> int:
        """Record a Council decision on temporary protection (or its end) and set retention (Art. 29(9))."""
        ref = tp_reference(reference, "reference")
        start = parse_date(entry_into_force, field="entry_into_force")
        end = parse_date(ended_on, field="ended_on") if ended_on is not None else None
        if end is not None and end < start:
            raise InvalidInput("ended_on", "before the decision's entry into force")
        try:
            may_operate(caller, "tp_decisions")
        except AccessDenied as exc:
            self.deny(caller, "tp_decision", exc)
        basis = "Eurodac Art. 29(9)"
        with self.lock, self.store.write() as conn:
            if retention.tp_decision(conn, ref) is None:
                conn.execute(
                    insert(tp_decisions).values(
                        reference=ref, entry_into_force=start, ended_on=end, recorded_at=self.now()
                    )
                )
            else:
                conn.execute(
                    update(tp_decisions)
                    .where(tp_decisions.c.reference == ref)
                    .values(entry_into_force=start, ended_on=end)
                )
            n = retention.apply_tp_decision(conn, ref, start, end, self.ps, self.keys.mac_key)
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "tp_decision", "ok", basis, (), reference=ref, datasets=n)],
            )
        return n

    def statistics(
        self, caller: Caller, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> dict[str, pl.DataFrame]:
        """The monthly statistics of Art. 12 (operator only; no personal data)."""
        try:
            may_operate(caller, "statistics")
        except AccessDenied as exc:
            self.deny(caller, "statistics", exc)
        with self.store.read() as conn:
            out = statistics(conn, since=since, until=until)
        with self.store.write() as conn:
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "statistics", "ok", "Eurodac Art. 12(1)")],
            )
        return out

    def tp_multiple_registrations(self, caller: Caller) -> pl.DataFrame:
        """Persons registered for temporary protection in several Member States (Arts 3(6), 26, 38(4)).

        The operator sees every row (no personal data: dataset ids, Member States, dates); an asylum
        authority the rows involving its own Member State.
        """
        try:
            may_operate(caller, "tp_multiple")
        except AccessDenied as exc:
            self.deny(caller, "tp_multiple", exc)
        own = None if caller.role is Role.operator else caller.member_state
        with self.store.read() as conn:
            out = multiple_registrations(conn, own)
        with self.store.write() as conn:
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "tp_multiple", "ok", "Eurodac Art. 3(6), Art. 26, Art. 38(4)")],
            )
        return out

    def seal_legacy(self, caller: Caller) -> dict[str, int]:
        """Seal the rows written before row MACs existed (once; operator only; Art. 48(2)(m))."""
        try:
            may_operate(caller, "verify_audit")
        except AccessDenied as exc:
            self.deny(caller, "seal", exc)
        with self.lock, self.store.write() as conn:
            counts = integrity.seal_legacy(conn, self.keys.mac_key, self.now().isoformat())
            audit.append(
                conn,
                self.keys.audit_key,
                [self.audit_entry(caller, "seal", "ok", "Eurodac Art. 48(2)(m)", (), sealed=counts)],
            )
        return counts

    def verify_audit(self, caller: Caller, anchor: tuple[int, str] | None = None) -> audit.AuditReport:
        """Recompute the audit chain (operator only); `verify` also checks the sealed rows."""
        return self.verify(caller, anchor).audit

    def verify(self, caller: Caller, anchor: tuple[int, str] | None = None) -> integrity.Verification:
        """Recompute the audit chain and the MAC of every sealed row (operator only; Art. 41)."""
        try:
            may_operate(caller, "verify_audit")
        except AccessDenied as exc:
            self.deny(caller, "verify_audit", exc)
        self.flush_refusals()
        with self.store.read() as conn:
            report = integrity.Verification(
                audit.verify(conn, self.keys.audit_key, anchor=anchor),
                integrity.verify_rows(conn, self.keys.mac_key),
            )
        try:
            with self.store.write() as conn:
                audit.append(
                    conn,
                    self.keys.audit_key,
                    [self.audit_entry(caller, "verify_audit", "ok", "Eurodac Art. 41(1)", ok=report.ok)],
                )
        except SQLAlchemyError:  # the log itself is damaged: the report says so
            if report.ok:
                raise
        return report


# --- helpers -------------------------------------------------------------------------------------


def _read_basis(d: Any, scope: str) -> str:
    """The basis of a read: own or hit data (Eurodac), or the return check (SIS Return Reg. Art. 7(2))."""
    basis = policy().access["own_data" if scope == "own" else "hit_data"].cite()
    if scope == "hit" and d.category == Category.return_alert:  # SIS Return Reg. Art. 7(2)
        basis = policy().return_check.cite()
    return basis


def _state(d: Any) -> dict[str, Any]:
    m = dict(d._mapping)
    m.pop("submission_digest", None)
    m.pop("mac", None)
    return json.loads(canonical_json(m))
