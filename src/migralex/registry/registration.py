"""Registration of datasets: validation, the law applied to the batch, comparison, and the rows written.

`prepare` checks each submission against its category (the role may register it, the category
applies on the date, only the data elements of its article, the Art. 37(4) reference number,
biometric data present) and applies the law to the whole batch at once, per category: minimum
age (Art. 14(1)), transmission limit and lateness (Arts 15, 18, 20, 22–24, 26), retention
(Art. 29). `register_rows` then, under the write lock: answers a repeated transaction id with the
stored result (idempotency), compares in order of arrival against the stored data and the earlier
submissions of the batch with the categories of Arts 27–28, and writes the dataset, its encrypted
identity and templates, its events, the search and its hits. The bulk-load path is the same code
with `compare=False`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, insert, select

from migralex.errors import InvalidInput, MigralexError
from migralex.law import ParameterSet
from migralex.registry import audit, shredding
from migralex.registry.access import Caller, may_register
from migralex.registry.categories import (
    Category,
    CategoryRule,
    biometrics_may_be_taken,
    category_applies,
    is_minor,
    policy,
    retention_until,
    transmission_deadlines,
)
from migralex.registry.crypto import Keyring, encrypt_with, template_bytes
from migralex.registry.demographics import demographic_score, phonetic_key, validate_identity
from migralex.registry.events import PROJECTION_DEFAULTS, EventType, canonical_json
from migralex.registry.integrity import insert_events, seal
from migralex.registry.matcher import MODALITIES, normalise
from migralex.registry.models import datasets, hits, personal_data, searches, templates

if TYPE_CHECKING:
    from migralex.registry.service import Registry

#: Kinds of dataset: a registration, or a dataset sent by the Member State responsible after a
#: transfer (Art. 16(2)(a), applicants) or by the Member State of relocation (Art. 25(2)).
KINDS: dict[str, tuple[frozenset[Category], str] | None] = {
    "registration": None,
    "transfer_arrival": (frozenset({Category.applicant}), "Eurodac Art. 16(2)(a)"),
    "relocation_arrival": (frozenset({Category.applicant, Category.illegal_stay}), "Eurodac Art. 25(2)"),
}
_TX = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
#: Clock skew tolerated between a Member State's clock and the registry's.
SKEW = dt.timedelta(minutes=5)


class Conflict(MigralexError):
    """The request contradicts the stored state (a reused transaction id, a hit already verified)."""


def utcnow() -> dt.datetime:
    """The current time, UTC, naive (the database stores UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def as_utc(value: dt.datetime | str, *, field: str) -> dt.datetime:
    """A timestamp as naive UTC (an ISO string or a datetime; naive means UTC)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(field, f"not an ISO 8601 date-time: {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise InvalidInput(field, "expected an ISO 8601 date-time")
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


@dataclass(frozen=True)
class Submission:
    """One dataset transmitted by a Member State."""

    transaction_id: str
    category: str
    event_at: dt.datetime
    biometrics_taken_at: dt.datetime
    identity: Mapping[str, Any]
    fingerprint: np.ndarray | None = None
    face: np.ndarray | None = None
    age_uncertain: bool = False
    technical_problem: bool = False
    sudden_influx: bool = False
    custody_release_at: dt.datetime | None = None
    health_grounds_ended_at: dt.datetime | None = None
    kind: str = "registration"
    include_own: bool = False

    def content(self) -> str:
        """Canonical text of the submission (idempotency digest): same transaction id, same content."""
        skip = ("fingerprint", "face", "transaction_id")
        body = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        for m in MODALITIES:
            v = getattr(self, m)
            body[m] = None if v is None else hashlib.sha256(np.asarray(v, "<f4").tobytes()).hexdigest()
        return canonical_json(body)


@dataclass(frozen=True)
class Candidate:
    """A candidate hit awaiting (or after) verification by an expert (Art. 38(4)–(5))."""

    hit_id: int
    dataset_id: int
    member_state: str
    category: str
    modality: str
    score: float
    demographic_score: float | None
    mark: str | None
    status: str


@dataclass(frozen=True)
class Registration:
    """The result of registering one dataset."""

    dataset_id: int
    transaction_id: str
    replay: bool
    late: bool
    transmission_deadline: dt.datetime | None
    retain_until: dt.date | None
    candidates: tuple[Candidate, ...]
    legal_basis: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return json.loads(canonical_json(asdict(self)))


@dataclass
class _Prepared:
    sub: Submission
    rule: CategoryRule
    row: dict[str, Any]
    identity: dict[str, Any]
    vectors: dict[str, np.ndarray]
    digest: str
    name_key: str | None


def prepare(reg: Registry, caller: Caller, subs: Sequence[Submission]) -> list[_Prepared]:
    """Check each submission (Eurodac Arts 13-15, 22-26 by category) and prepare its rows; the
    first wrong field raises, naming the submission by index in a batch."""
    now = reg.now()
    if not subs:
        return []
    seen: set[str] = set()
    out: list[_Prepared] = []
    for i, s in enumerate(subs):
        where = f"[{i}]" if len(subs) > 1 else ""
        _check_transaction_id(s.transaction_id, where, seen)
        rule = _recorded_rule(caller, s, where)
        event_at, taken = _check_dates(reg, rule, s, where, now)
        _check_kind(s, rule, where)
        identity = validate_identity(rule, s.identity, member_state=caller.member_state)
        vectors = _biometrics(s, where)
        tp = None
        if rule.key is Category.temporary_protection:
            tp = tp_reference(identity.get("tp_decision"), f"{where}identity.tp_decision")
        out.append(
            _Prepared(
                sub=s,
                rule=rule,
                row={"event_at": event_at, "biometrics_taken_at": taken, "tp_decision": tp},
                identity=identity,
                vectors=vectors,
                digest=reg.keys.digest(s.content()),
                name_key=_name_key(reg.keys, identity),
            )
        )
    _normalise_templates(reg, out)
    _apply_law(reg, out, now)
    return out


def _check_transaction_id(tx: Any, where: str, seen: set[str]) -> None:
    """A transaction id: 1 to 64 safe characters, once in the batch (it is the idempotency key)."""
    if not isinstance(tx, str) or not 1 <= len(tx) <= 64 or set(tx) - _TX:
        raise InvalidInput(f"{where}transaction_id", "1 to 64 characters among letters, digits and . _ : -")
    if tx in seen:
        raise InvalidInput(f"{where}transaction_id", f"{tx!r} appears twice in the batch")
    seen.add(tx)


def _recorded_rule(caller: Caller, s: Submission, where: str) -> CategoryRule:
    """The rule of a category whose data are recorded, which the caller may register."""
    rule = policy().category(s.category, field=f"{where}category")
    if not rule.recorded:
        raise InvalidInput(
            f"{where}category",
            f"{rule.key} data are compared, not recorded ({rule.data.cite()}): use a search",
        )
    may_register(caller, rule)
    return rule


def _check_dates(
    reg: Registry, rule: CategoryRule, s: Submission, where: str, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The event and the taking of biometrics: not in the future, within the category's collection
    period, and (Eurodac) at or above the minimum age in force on the day taken."""
    event_at = as_utc(s.event_at, field=f"{where}event_at")
    taken = as_utc(s.biometrics_taken_at, field=f"{where}biometrics_taken_at")
    if event_at > now + SKEW or taken > now + SKEW:
        raise InvalidInput(f"{where}event_at", "in the future")
    if not category_applies(rule, event_at.date(), reg.ps):
        raise InvalidInput(
            f"{where}category",
            f"{rule.collection.cite()} does not apply on {event_at.date()} ({_applies(rule, reg.ps)})",
        )
    if _eurodac(rule):
        in_force(reg.ps, "eurodac.biometrics_minimum_age", taken.date(), f"{where}biometrics_taken_at")
    return event_at, taken


def _check_kind(s: Submission, rule: CategoryRule, where: str) -> None:
    """The kind of registration exists and applies to the category."""
    if s.kind not in KINDS:
        raise InvalidInput(f"{where}kind", f"one of {', '.join(KINDS)}")
    kind = KINDS[s.kind]
    if kind is not None and rule.key not in kind[0]:
        raise InvalidInput(
            f"{where}kind", f"{s.kind} applies to {', '.join(sorted(kind[0]))} datasets ({kind[1]})"
        )


def _biometrics(s: Submission, where: str) -> dict[str, np.ndarray]:
    """The submission's biometric templates by modality: at least one (Eurodac Art. 2(1)(y))."""
    vectors = {m: getattr(s, m) for m in MODALITIES if getattr(s, m) is not None}
    if not vectors:
        raise InvalidInput(
            f"{where}fingerprint",
            "a dataset needs biometric data: fingerprints or a facial image (Eurodac Art. 2(1)(y); "
            "the registry finds alerts on return by their biometrics only)",
        )
    return vectors


#: Public dataset ids are drawn at random below this bound (exact in a JSON number / a double).
ID_BOUND = 2**53


def new_ids(
    conn: Connection, n: int, column: ColumnElement[int] = datasets.c.id, chunk: int = 10_000
) -> list[int]:
    """`n` unused public ids (datasets, searches, hits) drawn at random: sequential ids would tell
    anyone holding one how many the registry holds and how fast it grows (Eurodac Art. 48(2)(g),
    data access control)."""
    out: list[int] = []
    seen: set[int] = set()
    while len(out) < n:
        want = [
            i for i in {secrets.randbelow(ID_BOUND - 1) + 1 for _ in range(n - len(out))} if i not in seen
        ]
        taken: set[int] = set()
        for k in range(0, len(want), chunk):
            part = want[k : k + chunk]
            taken |= set(conn.execute(select(column).where(column.in_(part))).scalars())
        fresh = [i for i in want if i not in taken]
        seen |= set(fresh)
        out += fresh
    return out[:n]


def in_force(ps: ParameterSet, name: str, day: dt.date, field: str) -> None:
    """A date before a parameter's first value is bad input naming the field (Eurodac Art. 63(2))."""
    first = ps[name].values[0]
    if day < first.start:
        raise InvalidInput(
            field, f"{day} is before {first.ref.cite()} applies ({first.start}; Eurodac Art. 63(2))"
        )


def _eurodac(rule: CategoryRule) -> bool:
    """Is the category one of the Eurodac Regulation's (its age and transmission rules apply)?"""
    return rule.act == policy().categories[Category.applicant].act


def _applies(rule: CategoryRule, ps: ParameterSet) -> str:
    """Why a category does not apply yet: Eurodac Art. 63(2), or the first date of its parameters."""
    if _eurodac(rule):
        return "Eurodac Art. 63(2)"
    name = rule.transmission or rule.retention
    first = ps[name].values[0] if name else None
    return f"{rule.act} from {first.start}, {first.ref.cite()}" if first else rule.act


def _normalise_templates(reg: Registry, items: list[_Prepared]) -> None:
    """Check and L2-normalise the batch's templates, one matrix per modality (the row named on error)."""
    for m in MODALITIES:
        holders = [j for j, it in enumerate(items) if m in it.vectors]
        if not holders:
            continue
        dim = reg.config.dim(m)
        raw = [np.asarray(items[j].vectors[m], dtype=np.float32).reshape(-1) for j in holders]
        for j, v in zip(holders, raw, strict=True):
            if v.shape != (dim,):
                where = f"[{j}]" if len(items) > 1 else ""
                raise InvalidInput(f"{where}{m}", f"expected a vector of length {dim}, got {v.shape[0]}")
        try:
            matrix = normalise(np.stack(raw), field=m, dim=dim)
        except InvalidInput as exc:
            bad = next(j for j, v in zip(holders, raw, strict=True) if not _valid(v))
            where = f"[{bad}]" if len(items) > 1 else ""
            raise InvalidInput(f"{where}{m}", exc.reason) from None
        for row, j in enumerate(holders):
            items[j].vectors[m] = matrix[row]


def _compared(it: _Prepared) -> bool:
    """Art. 27(1): compared unless of a category that is not, or sent after a transfer (Art. 16(2)(a))."""
    return it.rule.compared and it.sub.kind != "transfer_arrival"


def _valid(v: np.ndarray) -> bool:
    return bool(np.isfinite(v).all() and np.linalg.norm(v) >= 1e-6)


def _apply_law(reg: Registry, items: list[_Prepared], now: dt.datetime) -> None:
    """Age, transmission deadline, lateness and retention: vectorised over the batch, per category."""
    n = len(items)
    dob = np.array([it.identity.get("date_of_birth") or "NaT" for it in items], dtype="datetime64[D]")
    taken = np.array([it.row["biometrics_taken_at"] for it in items], dtype="datetime64[s]")
    uncertain = np.array([bool(it.sub.age_uncertain) for it in items])
    eurodac = np.array([_eurodac(it.rule) for it in items])
    # the minimum age of Eurodac Art. 14(1) binds Eurodac categories only (not an alert on return)
    ok = np.ones(n, dtype=bool)
    if eurodac.any():
        days = taken.astype("datetime64[D]")
        ok[eurodac] = biometrics_may_be_taken(dob[eurodac], days[eurodac], uncertain[eurodac], reg.ps)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        p = reg.ps["eurodac.biometrics_minimum_age"]
        raise InvalidInput(
            f"[{i}]identity.date_of_birth" if n > 1 else "identity.date_of_birth",
            f"biometric data are taken only of persons of at least {p.value_at(str(taken[i])[:10]).value} "
            f"years of age ({p.ref.cite()}); a date of birth is needed, and a child of uncertain age "
            "without proof is treated as under six (Eurodac Art. 14(1))",
        )
    transmitted = np.datetime64(now, "s")
    # minor when the biometrics were taken (Eurodac Art. 12(1)(f)); an alert on return, which may
    # predate Eurodac's application, is counted as of its entry
    on = np.where(eurodac, taken, transmitted).astype("datetime64[D]")
    minor = is_minor(dob, on, reg.ps)
    cats = np.array([it.rule.key.value for it in items])
    for cat in np.unique(cats):
        idx = np.flatnonzero(cats == cat)
        rule = items[idx[0]].rule
        sel = [items[i] for i in idx]
        deadline = transmission_deadlines(
            rule,
            np.array([it.row["event_at"] for it in sel], dtype="datetime64[s]"),
            technical_problem=np.array([it.sub.technical_problem for it in sel]),
            sudden_influx=np.array([it.sub.sudden_influx for it in sel]),
            custody_release_at=np.array(
                [_dt64(it.sub.custody_release_at) for it in sel], dtype="datetime64[s]"
            ),
            health_grounds_ended_at=np.array(
                [_dt64(it.sub.health_grounds_ended_at) for it in sel], dtype="datetime64[s]"
            ),
            ps=reg.ps,
        )
        late = ~np.isnat(deadline) & (transmitted > np.where(np.isnat(deadline), transmitted, deadline))
        if rule.key is Category.temporary_protection:
            until = np.full(len(sel), np.datetime64("NaT"), dtype="datetime64[D]")
        else:
            until = retention_until(rule, np.full(len(sel), transmitted.astype("datetime64[D]")), ps=reg.ps)
        for j, it in enumerate(sel):
            it.row.update(
                transmission_deadline=None if np.isnat(deadline[j]) else deadline[j].astype(dt.datetime),
                late=bool(late[j]),
                retain_until=None if np.isnat(until[j]) else until[j].astype(dt.date),
            )
    for i, it in enumerate(items):
        it.row.update(minor=bool(minor[i]), transmitted_at=now)


def register_rows(
    reg: Registry, conn: Connection, caller: Caller, items: list[_Prepared], compare: bool
) -> list[Registration]:
    """Write the prepared datasets (a transaction id used again with the same submission answers the
    first registration: a replay), compare the new ones, audit all, then index their templates."""
    now = reg.now()
    results: dict[int, Registration] = {}
    audits: list[audit.AuditEntry] = []
    fresh = _replays(reg, conn, caller, items, results, audits)
    if fresh:
        reg.sync(conn)
        ids = new_ids(conn, len(fresh))
        found = _compare_batch(reg, conn, caller, fresh, ids) if compare else {}
        _write_datasets(reg, conn, caller, fresh, ids, now)
        written = _write_hits(reg, conn, caller, fresh, ids, found, now)
        new = [i for i in range(len(items)) if i not in results]
        for k, i in enumerate(new):
            results[i], entry = _registered(reg, caller, items[i], ids[k], written.get(k, ()))
            audits.append(entry)
    audit.append(conn, reg.keys.audit_key, audits)
    if fresh:
        _index(reg, conn, fresh, ids)
    return [results[i] for i in range(len(items))]


def _replays(
    reg: Registry,
    conn: Connection,
    caller: Caller,
    items: list[_Prepared],
    results: dict[int, Registration],
    audits: list[audit.AuditEntry],
) -> list[_Prepared]:
    """Answer the items whose transaction id the caller's Member State already used (the same
    submission: its first registration; another: a conflict); return the new items."""
    existing = {}
    if items:
        rows = conn.execute(
            select(datasets.c.id, datasets.c.transaction_id, datasets.c.submission_digest).where(
                datasets.c.member_state == caller.member_state,
                datasets.c.transaction_id.in_([it.sub.transaction_id for it in items]),
            )
        ).all()
        existing = {r.transaction_id: r for r in rows}
    fresh: list[_Prepared] = []
    for i, it in enumerate(items):
        old = existing.get(it.sub.transaction_id)
        if old is None:
            fresh.append(it)
            continue
        if not hmac.compare_digest(old.submission_digest, it.digest):
            raise Conflict(
                f"transaction id {it.sub.transaction_id!r} was already used for a different submission"
            )
        results[i] = _replay(reg, conn, int(old.id))
        basis = it.rule.collection.cite()
        audits.append(
            reg.audit_entry(
                caller,
                "register",
                "ok",
                basis,
                [int(old.id)],
                replay=True,
                transaction_id=it.sub.transaction_id,
            )
        )
    return fresh


def _registered(
    reg: Registry, caller: Caller, it: _Prepared, dataset_id: int, cands: Sequence[Any]
) -> tuple[Registration, audit.AuditEntry]:
    """The answer of a new registration and its audit entry (with the candidates of its hits)."""
    basis = it.rule.collection.cite()
    answer = Registration(
        dataset_id=dataset_id,
        transaction_id=it.sub.transaction_id,
        replay=False,
        late=it.row["late"],
        transmission_deadline=it.row["transmission_deadline"],
        retain_until=it.row["retain_until"],
        candidates=tuple(cands),
        legal_basis=basis,
    )
    entry = reg.audit_entry(
        caller,
        "register",
        "ok",
        basis,
        [dataset_id, *(c.dataset_id for c in cands)],
        category=it.rule.key.value,
        transaction_id=it.sub.transaction_id,
        late=it.row["late"],
        candidates=len(cands),
    )
    return answer, entry


def _index(reg: Registry, conn: Connection, fresh: list[_Prepared], ids: list[int]) -> None:
    """Insert the new templates into the in-memory indexes, per modality."""
    for m, matcher in reg.matchers.items():
        sel = [(ids[j], it.vectors[m]) for j, it in enumerate(fresh) if m in it.vectors]
        if sel:
            matcher.insert(np.array([s[0] for s in sel], np.int64), np.stack([s[1] for s in sel]))
    reg.mark_indexed(conn)


def _replay(reg: Registry, conn: Connection, dataset_id: int) -> Registration:
    d = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).one()
    search_id = conn.scalar(
        select(searches.c.id).where(
            searches.c.probe_dataset_id == dataset_id, searches.c.kind == "registration"
        )
    )
    cands = _candidates_of(reg, conn, search_id) if search_id is not None else ()
    return Registration(
        dataset_id=dataset_id,
        transaction_id=d.transaction_id,
        replay=True,
        late=bool(d.late),
        transmission_deadline=d.transmission_deadline,
        retain_until=d.retain_until,
        candidates=tuple(cands),
        legal_basis=policy().category(d.category).collection.cite(),
    )


def candidate_query(*where: Any) -> Any:
    """Hits joined with their candidate datasets, as `Candidate` columns, filtered by `where`."""
    h, d = hits.c, datasets.c
    return (
        select(
            h.id,
            h.candidate_dataset_id,
            d.member_state,
            d.category,
            h.modality,
            h.score,
            h.demographic_score,
            d.mark,
            h.status,
        )
        .join_from(hits, datasets, h.candidate_dataset_id == d.id)
        .where(*where)
    )


def candidates(rows: Sequence[Any]) -> list[Candidate]:
    """`Candidate`s from rows of `candidate_query`."""
    return [Candidate(int(r[0]), int(r[1]), r[2], r[3], r[4], float(r[5]), r[6], r[7], r[8]) for r in rows]


def _candidates_of(reg: Registry, conn: Connection, search_id: int) -> list[Candidate]:
    query = candidate_query(hits.c.search_id == search_id).order_by(hits.c.score.desc(), hits.c.id)
    return candidates(conn.execute(query).all())


def _compare_batch(
    reg: Registry, conn: Connection, caller: Caller, items: list[_Prepared], ids: list[int]
) -> dict[int, list[tuple[int, str, float]]]:
    """Candidates (dataset id, modality, score) of each compared submission, filtered by the law."""
    probes = _probes(items)
    if not probes:
        return {}
    batch_meta = _batch_meta(caller, items, ids)
    raw: dict[int, list[tuple[int, str, float]]] = {}
    for m in MODALITIES:
        rows = [j for j, mm in probes if mm == m]
        if rows:
            raw |= _matches(reg, items, ids, rows, m)
    meta = _candidate_meta(conn, raw, batch_meta)
    return _allowed_candidates(reg, caller, items, raw, meta)


def _probes(items: list[_Prepared]) -> list[tuple[int, str]]:
    """(submission, modality) of each compared submission: fingerprints, else the face (Art. 28(1))."""
    probes = []
    for j, it in enumerate(items):
        if _compared(it):
            m = "fingerprint" if "fingerprint" in it.vectors else "face"  # Art. 28(1)
            probes.append((j, m))
    return probes


def _batch_meta(caller: Caller, items: list[_Prepared], ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the law filters on, for the datasets of this batch (not yet in the store)."""
    return {
        ids[j]: {
            "member_state": caller.member_state,
            "category": it.rule.key.value,
            "mark": None,
            "erased_at": None,
            "sex": it.identity.get("sex"),
        }
        for j, it in enumerate(items)
    }


def _matches(
    reg: Registry, items: list[_Prepared], ids: list[int], rows: list[int], m: str
) -> dict[int, list[tuple[int, str, float]]]:
    """Matches of modality `m` above its threshold: in the index, and earlier submissions of the batch."""
    threshold = reg.config.thresholds[m]
    q = np.stack([items[j].vectors[m] for j in rows])
    scores, found = reg.matchers[m].identify(q, reg.config.search_k)
    # earlier submissions of the same batch (order of arrival)
    holders = [j for j, it in enumerate(items) if m in it.vectors]
    pos = {j: p for p, j in enumerate(holders)}
    bmat = np.stack([items[j].vectors[m] for j in holders])
    within = q @ bmat.T
    raw: dict[int, list[tuple[int, str, float]]] = {}
    for r, j in enumerate(rows):
        keep = [
            (int(found[r, c]), m, float(scores[r, c]))
            for c in range(found.shape[1])
            if found[r, c] >= 0 and scores[r, c] >= threshold
        ]
        mask = within[r, : pos[j]] >= threshold
        keep += [(ids[holders[p]], m, float(within[r, p])) for p in np.flatnonzero(mask)]
        raw[j] = keep
    return raw


def _candidate_meta(
    conn: Connection, raw: dict[int, list[tuple[int, str, float]]], batch_meta: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """What the law filters on, for every candidate: the batch's, and the stored datasets' read."""
    candidate_ids = sorted({c[0] for v in raw.values() for c in v} - set(batch_meta))
    meta = dict(batch_meta)
    if candidate_ids:
        d = datasets.c
        found_rows = conn.execute(
            select(d.id, d.member_state, d.category, d.mark, d.erased_at, d.sex).where(
                d.id.in_(candidate_ids)
            )
        ).all()
        for row in found_rows:
            meta[int(row.id)] = {
                k: row._mapping[k] for k in ("member_state", "category", "mark", "erased_at", "sex")
            }
    return meta


def _allowed_candidates(
    reg: Registry,
    caller: Caller,
    items: list[_Prepared],
    raw: dict[int, list[tuple[int, str, float]]],
    meta: dict[int, dict[str, Any]],
) -> dict[int, list[tuple[int, str, float]]]:
    """The candidates the law lets each submission be compared with, best first, at most the limit."""
    out: dict[int, list[tuple[int, str, float]]] = {}
    for j, cands in raw.items():
        it = items[j]
        allowed = [
            c
            for c in cands
            if c[0] in meta
            and _comparable(
                it.rule, it.sub.include_own, caller.member_state, meta[c[0]], c[1], it.identity.get("sex")
            )
        ]
        allowed.sort(key=lambda c: -c[2])
        out[j] = allowed[: reg.config.candidates]
    return out


def _write_datasets(
    reg: Registry, conn: Connection, caller: Caller, items: list[_Prepared], ids: list[int], now: dt.datetime
) -> None:
    rows, pdata, tpl, evs = [], [], [], []
    for dataset_id, it in zip(ids, items, strict=True):
        ident = it.identity
        rows.append(
            {
                "id": dataset_id,
                "member_state": caller.member_state,
                "transaction_id": it.sub.transaction_id,
                "submission_digest": it.digest,
                "category": it.rule.key.value,
                "kind": it.sub.kind,
                **it.row,
                "birth_year": int(ident["date_of_birth"][:4]) if ident.get("date_of_birth") else None,
                "sex": ident.get("sex"),
                "person_key": dataset_id,
                **PROJECTION_DEFAULTS,
            }
        )
        doc = {"identity": ident, "details": {}, "age_uncertain": bool(it.sub.age_uncertain)}
        pdata.append((dataset_id, canonical_json(doc).encode(), it.name_key))
        for m, v in it.vectors.items():
            tpl.append((dataset_id, m, v))
        basis = it.rule.collection.cite()
        evs.append(
            event_row(dataset_id, EventType.registered, now, caller, basis, registered_payload(rows[-1]))
        )
        evs.append(
            event_row(
                dataset_id,
                EventType.biometrics_taken,
                it.row["biometrics_taken_at"],
                caller,
                basis,
                {"modalities": sorted(it.vectors), "taken_at": it.row["biometrics_taken_at"].isoformat()},
                recorded_at=now,
            )
        )
    conn.execute(insert(datasets), rows)
    seal(conn, reg.keys.mac_key, datasets, datasets.c.id.in_(ids))
    dks = shredding.create_keys(conn, reg.keys, ids)  # crypto-shredding: a data key per dataset
    cipher = encrypt_with(
        [dks[p[0]] for p in pdata], [p[1] for p in pdata], [f"personal_data:{p[0]}" for p in pdata]
    )
    conn.execute(
        insert(personal_data),
        [{"dataset_id": p[0], "ciphertext": c, "name_key": p[2]} for p, c in zip(pdata, cipher, strict=True)],
    )
    tcipher = encrypt_with(
        [dks[t[0]] for t in tpl],
        [b for t in tpl for b in template_bytes(t[2][None, :])],
        [f"templates:{t[0]}:{t[1]}" for t in tpl],
    )
    conn.execute(
        insert(templates),
        [{"dataset_id": t[0], "modality": t[1], "ciphertext": c} for t, c in zip(tpl, tcipher, strict=True)],
    )
    insert_events(conn, reg.keys.mac_key, evs)


def _write_hits(
    reg: Registry,
    conn: Connection,
    caller: Caller,
    items: list[_Prepared],
    ids: list[int],
    found: Mapping[int, list[tuple[int, str, float]]],
    now: dt.datetime,
) -> dict[int, list[Candidate]]:
    """Store each compared registration as a search and its candidates as pending hits (Art. 38(4))."""
    compared = [j for j, it in enumerate(items) if _compared(it)]
    if not compared:
        return {}
    search_ids = iter(new_ids(conn, len(compared), searches.c.id))
    hit_ids = iter(new_ids(conn, sum(len(found.get(j, ())) for j in compared), hits.c.id))
    srows, hrows, evs = [], [], []
    out: dict[int, list[Candidate]] = {}
    identities = reg.identities(conn, sorted({c[0] for j in compared for c in found.get(j, ())} - set(ids)))
    meta = _meta(reg, conn, sorted({c[0] for j in compared for c in found.get(j, ())}))
    for j in compared:
        it = items[j]
        search_id = next(search_ids)
        cands = found.get(j, [])
        srows.append(_search_row(caller, it, search_id, ids[j], len(cands), now))
        out[j] = []
        for cid, m, score in cands:
            other = identities.get(cid)
            if other is None and cid in ids:
                other = items[ids.index(cid)].identity
            demo = demographic_score(it.identity, other) if other else None
            hit_id = next(hit_ids)
            hrow, ev = _hit_records(caller, search_id, ids[j], hit_id, (cid, m, score), demo, now)
            hrows.append(hrow)
            evs.append(ev)
            cm = meta.get(cid) or {
                "member_state": caller.member_state,
                "category": it.rule.key.value,
                "mark": None,
            }
            out[j].append(
                Candidate(
                    hit_id, cid, cm["member_state"], cm["category"], m, score, demo, cm["mark"], "pending"
                )
            )
    conn.execute(insert(searches), srows)
    if hrows:
        conn.execute(insert(hits), hrows)
        insert_events(conn, reg.keys.mac_key, evs)
    return out


def _search_row(
    caller: Caller, it: _Prepared, search_id: int, probe_id: int, n: int, now: dt.datetime
) -> dict[str, Any]:
    """The `searches` row of the comparison a registration makes (Eurodac Art. 27)."""
    return {
        "id": search_id,
        "member_state": caller.member_state,
        "role": str(caller.role),
        "actor": caller.token_id,
        "kind": "registration",
        "purpose": it.rule.comparison.cite(),
        "probe_dataset_id": probe_id,
        "include_own": bool(it.sub.include_own),
        "created_at": now,
        "request": "{}",
        "candidates": n,
    }


def _hit_records(
    caller: Caller,
    search_id: int,
    probe_id: int,
    hit_id: int,
    candidate: tuple[int, str, float],
    demo: float | None,
    now: dt.datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A registration's pending hit row and the candidate's `hit` event (Eurodac Art. 38(4))."""
    cid, m, score = candidate
    row = {
        "id": hit_id,
        "search_id": search_id,
        "probe_dataset_id": probe_id,
        "candidate_dataset_id": cid,
        "requesting_ms": caller.member_state,
        "search_kind": "registration",
        "modality": m,
        "score": score,
        "demographic_score": demo,
        "status": "pending",
        "created_at": now,
        "verified_at": None,
        "verified_by": None,
    }
    payload = {
        "hit_id": hit_id,
        "search_id": search_id,
        "probe_dataset_id": probe_id,
        "modality": m,
        "score": round(score, 6),
    }
    return row, event_row(cid, EventType.hit, now, caller, hit_basis(m), payload)


def _meta(reg: Registry, conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    d = datasets.c
    rows = conn.execute(select(d.id, d.member_state, d.category, d.mark).where(d.id.in_(ids))).all()
    return {int(r.id): {"member_state": r.member_state, "category": r.category, "mark": r.mark} for r in rows}


def registered_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The non-identifying facts of a registration (the `registered` event's payload)."""
    keys = (
        "category",
        "kind",
        "member_state",
        "event_at",
        "biometrics_taken_at",
        "transmitted_at",
        "transmission_deadline",
        "late",
        "retain_until",
        "tp_decision",
        "minor",
    )
    return {k: row[k] for k in keys}


def event_row(
    dataset_id: int,
    t: EventType,
    at: dt.datetime,
    caller: Caller,
    basis: str,
    payload: Mapping[str, Any],
    *,
    recorded_at: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "dataset_id": dataset_id,
        "type": t.value,
        "occurred_at": at,
        "recorded_at": recorded_at or at,
        "member_state": caller.member_state,
        "actor": caller.token_id,
        "legal_basis": basis[:200],
        "payload": canonical_json(payload),
    }


def hit_basis(modality: str) -> str:
    return "Eurodac Art. 27(4)" if modality == "fingerprint" else "Eurodac Art. 28(4)"


def _comparable(
    rule: CategoryRule, include_own: bool, ms: str, cand: Mapping[str, Any], modality: str, sex: str | None
) -> bool:
    """Arts 27(1)–(3), 28(2)–(3): the categories compared, other Member States' data unless own requested."""
    if cand["erased_at"] is not None:
        return False
    cat = Category(cand["category"])
    if not (
        cat in rule.compared_with or (cat in rule.compared_with_if_marked and cand["mark"] == "protection")
    ):
        return False
    if not include_own and cand["member_state"] == ms:
        return False
    return not (modality == "face" and sex in ("F", "M") and cand["sex"] in ("F", "M") and cand["sex"] != sex)


def _dt64(value: dt.datetime | str | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "s")
    return np.datetime64(as_utc(value, field="timestamp"), "s")


def tp_reference(raw: Any, field: str) -> str:
    """A Council decision reference (`2031/123`); the Ukraine decision is excluded (Art. 63(3))."""
    p = policy()
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(
            field, "the reference of the Council Implementing Decision is required (Eurodac Art. 26(2)(p))"
        )
    ref = raw.strip().removeprefix("(EU)").strip()
    if not ref.replace("/", "").isdigit() or ref.count("/") != 1:
        raise InvalidInput(field, f"expected a decision number like 2031/123, got {raw!r}")
    if ref in p.excluded_tp_decisions:
        raise InvalidInput(
            field,
            "the Regulation does not apply to temporary protection under Implementing Decision "
            f"(EU) {ref} ({p.excluded_tp_ref.cite()})",
        )
    return ref


def _name_key(keys: Keyring, identity: Mapping[str, Any]) -> str | None:
    key = phonetic_key(identity)
    dob = identity.get("date_of_birth")
    return keys.blind_index(f"{key}|{dob[:4]}") if key and dob else None
