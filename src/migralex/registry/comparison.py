"""Comparisons without registration (Art. 18(1), Arts 32–34) and the verification of hits (Art. 38).

An Art. 18(1) comparison (persons registered for a resettlement or admission procedure) is made
against marked applicants and Art. 18(2) and 20 data and is not recorded (Art. 29(2)). A
law-enforcement comparison needs a reasoned request meeting the conditions of Art. 33(1); the
request is stored encrypted, the audit log keeps what Art. 51(2) asks without the file number in
clear; candidates who were children under 14 are withheld without additional grounds (Art. 14(3)).
Every candidate is *pending* until an expert of the receiving Member State confirms or rejects it
(Art. 38(4)–(6)): a confirmation links the datasets (Art. 3(6)), a rejection ends the access to
the candidate's data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection, insert, select, update

from migralex.errors import InvalidInput
from migralex.registry import audit, return_alerts
from migralex.registry.access import (
    AccessDenied,
    Caller,
    LawEnforcementRequest,
    NotVisible,
    check_law_enforcement,
    child_data_withheld,
    may_compare,
)
from migralex.registry.categories import Category, policy
from migralex.registry.events import EventType, canonical_json
from migralex.registry.integrity import insert_events, seal
from migralex.registry.matcher import normalise
from migralex.registry.models import datasets, hits, searches
from migralex.registry.registration import (
    Candidate,
    Conflict,
    candidate_query,
    candidates,
    event_row,
    new_ids,
)

if TYPE_CHECKING:
    from migralex.registry.service import Registry


@dataclass(frozen=True)
class SearchResult:
    """The result of a comparison without registration (Art. 18(1), Arts 33–34)."""

    search_id: int
    candidates: tuple[Candidate, ...]
    withheld: int
    legal_basis: str
    #: For a return check: the alerts on return found, with their data and measures (`return_alerts`).
    alerts: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return json.loads(canonical_json(asdict(self)))


@dataclass(frozen=True)
class _Comparison:
    """One comparison without registration under way (Art. 18(1), Arts 33–34; SIS Return Reg. Art. 7(2))."""

    caller: Caller
    kind: str
    modality: str
    basis: str
    allowed: frozenset[Category]
    if_marked: frozenset[Category]
    include_own: bool
    request: LawEnforcementRequest | None
    now: dt.datetime


def search(
    reg: Registry,
    caller: Caller,
    *,
    kind: str,
    fingerprint: np.ndarray | None = None,
    face: np.ndarray | None = None,
    sex: str | None = None,
    request: LawEnforcementRequest | None = None,
    include_own: bool = False,
) -> SearchResult:
    """Compare without recording: Art. 18(1) (`admission`), law enforcement (Art. 33), or the
    return check on apprehension (`return_check`, SIS Return Reg. Art. 7(2): alerts on return)."""
    allowed, if_marked, basis, include_own = _scope(reg, caller, kind, request, include_own)
    m, q = _probe(reg, fingerprint, face)
    run = _Comparison(caller, kind, m, basis, allowed, if_marked, include_own, request, reg.now())
    with reg.lock, reg.store.write() as conn:
        reg.sync(conn)
        pairs, meta = _matches(reg, conn, m, q)
        keep = _admissible(run, pairs, meta, sex)[: reg.config.candidates]
        keep, withheld = _withhold_children(reg, conn, run, keep, meta)
        search_id, stored_request = _record_search(reg, conn, run, len(keep))
        cands = _record_hits(reg, conn, run, search_id, keep, meta)
        alerts: list[dict[str, Any]] = []
        if kind == "return_check" and cands:
            idents = reg.identities(conn, [c.dataset_id for c in cands])
            alerts = return_alerts.answer(cands, idents, run.now.date())
        _audit_search(reg, conn, run, cands, withheld, search_id, stored_request)
    return SearchResult(search_id, tuple(cands), withheld, basis, tuple(alerts))


def _scope(
    reg: Registry, caller: Caller, kind: str, request: LawEnforcementRequest | None, include_own: bool
) -> tuple[frozenset[Category], frozenset[Category], str, bool]:
    """What a comparison of `kind` reaches, its basis and whether it includes the caller's own data
    (Eurodac Arts 18(1), 33(1); SIS Return Reg. Art. 7(2)); a refusal is logged and raised."""
    try:
        if kind == "admission":
            may_compare(caller, "admission_registered")
            rule = policy().categories[Category.admission_registered]
            return rule.compared_with, rule.compared_with_if_marked, rule.comparison.cite(), include_own
        if kind == "law_enforcement":
            may_compare(caller, "law_enforcement")
            if request is None:
                raise AccessDenied(
                    "a law-enforcement comparison needs a reasoned request",
                    policy().law_enforcement["request"].cite(),
                )
            check_law_enforcement(request, reg.now().date(), reg.ps)
            return policy().le_compared_with, frozenset(), "Eurodac Art. 33(1)", True
        if kind == "return_check":  # SIS Return Reg. Art. 7(2): alerts on return only
            may_compare(caller, "return_check")
            return policy().return_check_compared_with, frozenset(), policy().return_check.cite(), include_own
        raise InvalidInput("kind", "one of admission, law_enforcement, return_check")
    except AccessDenied as exc:
        reg.deny(caller, f"search_{kind}", exc, ())


def _probe(reg: Registry, fingerprint: np.ndarray | None, face: np.ndarray | None) -> tuple[str, np.ndarray]:
    """The modality and normalised template compared (fingerprints first, Eurodac Art. 27(1))."""
    m = "fingerprint" if fingerprint is not None else "face"
    probe = fingerprint if fingerprint is not None else face
    if probe is None:
        raise InvalidInput("fingerprint", "a comparison needs fingerprints or a facial image")
    return m, normalise(probe, field=m, dim=reg.config.dim(m))


def _matches(
    reg: Registry, conn: Connection, m: str, q: np.ndarray
) -> tuple[list[tuple[int, float]], dict[int, Any]]:
    """Candidates at or above the modality's threshold and their datasets' rows (Art. 38(1))."""
    scores, found = reg.matchers[m].identify(q, reg.config.search_k)
    pairs = [
        (int(i), float(s))
        for i, s in zip(found[0], scores[0], strict=True)
        if i >= 0 and s >= reg.config.thresholds[m]
    ]
    d = datasets.c
    rows = (
        conn.execute(
            select(d.id, d.member_state, d.category, d.mark, d.erased_at, d.sex, d.biometrics_taken_at).where(
                d.id.in_([p[0] for p in pairs])
            )
        ).all()
        if pairs
        else []
    )
    return pairs, {int(r.id): r for r in rows}


def _admissible(
    run: _Comparison, pairs: list[tuple[int, float]], meta: dict[int, Any], sex: str | None
) -> list[tuple[int, float]]:
    """The candidates the comparison may return, best first: not erased, of a category compared
    with, another Member State's unless own data are included, of the stated sex on a face (Art. 33)."""
    keep = []
    for cid, score in sorted(pairs, key=lambda p: -p[1]):
        r = meta.get(cid)
        if r is None or r.erased_at is not None:
            continue
        cat = Category(r.category)
        if not (cat in run.allowed or (cat in run.if_marked and r.mark == "protection")):
            continue
        if not run.include_own and r.member_state == run.caller.member_state:
            continue
        if run.modality == "face" and sex in ("F", "M") and r.sex in ("F", "M") and r.sex != sex:
            continue
        keep.append((cid, score))
    return keep


def _withhold_children(
    reg: Registry, conn: Connection, run: _Comparison, keep: list[tuple[int, float]], meta: dict[int, Any]
) -> tuple[list[tuple[int, float]], int]:
    """Withhold from a law-enforcement comparison the candidates who were children under 14 without
    additional grounds (Eurodac Art. 14(3)): (the rest, how many were withheld)."""
    if run.kind != "law_enforcement" or not keep:
        return keep, 0
    idents = reg.identities(conn, [c for c, _ in keep])
    dob = np.array([idents.get(c, {}).get("date_of_birth") or "NaT" for c, _ in keep], dtype="datetime64[D]")
    taken = np.array([meta[c].biometrics_taken_at for c, _ in keep], dtype="datetime64[D]")
    request = run.request
    assert request is not None
    drop = child_data_withheld(
        dob,
        taken,
        run.now.date(),
        bool(request.child_grounds and request.child_grounds.strip()),
        reg.ps,
    )
    return [k for k, x in zip(keep, drop, strict=True) if not x], int(drop.sum())


def _record_search(reg: Registry, conn: Connection, run: _Comparison, n: int) -> tuple[int, str]:
    """Store the comparison with its reasoned request encrypted (Eurodac Arts 32(1), 51(2)):
    (its random public id, the stored request)."""
    search_id = new_ids(conn, 1, searches.c.id)[0]  # random public ids, as datasets have
    stored_request = "{}"
    if run.request is not None:
        sealed = reg.keys.encrypt(canonical_json(asdict(run.request)).encode(), f"searches:{search_id}")
        stored_request = canonical_json({"sealed": base64.b64encode(sealed).decode()})
    conn.execute(
        insert(searches).values(
            id=search_id,
            member_state=run.caller.member_state,
            role=str(run.caller.role),
            actor=run.caller.token_id,
            kind=run.kind,
            purpose=run.basis,
            probe_dataset_id=None,
            include_own=run.include_own,
            created_at=run.now,
            request=stored_request,
            candidates=n,
        )
    )
    return search_id, stored_request


def _record_hits(
    reg: Registry,
    conn: Connection,
    run: _Comparison,
    search_id: int,
    keep: list[tuple[int, float]],
    meta: dict[int, Any],
) -> list[Candidate]:
    """Store each candidate as a pending hit with a `hit` event on its dataset (Art. 38(4))."""
    hit_ids = iter(new_ids(conn, len(keep), hits.c.id))
    cands, hrows, evs = [], [], []
    for cid, score in keep:
        hit_id = next(hit_ids)
        hrows.append(
            {
                "id": hit_id,
                "search_id": search_id,
                "probe_dataset_id": None,
                "candidate_dataset_id": cid,
                "requesting_ms": run.caller.member_state,
                "search_kind": run.kind,
                "modality": run.modality,
                "score": score,
                "demographic_score": None,
                "status": "pending",
                "created_at": run.now,
                "verified_at": None,
                "verified_by": None,
            }
        )
        payload = {
            "hit_id": hit_id,
            "search_id": search_id,
            "modality": run.modality,
            "score": round(score, 6),
        }
        evs.append(event_row(cid, EventType.hit, run.now, run.caller, run.basis, payload))
        r = meta[cid]
        cands.append(
            Candidate(hit_id, cid, r.member_state, r.category, run.modality, score, None, r.mark, "pending")
        )
    if hrows:
        conn.execute(insert(hits), hrows)
        insert_events(conn, reg.keys.mac_key, evs)
    return cands


def _audit_search(
    reg: Registry,
    conn: Connection,
    run: _Comparison,
    cands: list[Candidate],
    withheld: int,
    search_id: int,
    stored_request: str,
) -> None:
    """Log the comparison with what Eurodac Art. 51(2) asks, the file number only hashed."""
    detail: dict[str, Any] = {"kind": run.kind, "candidates": len(cands), "withheld_children": withheld}
    request = run.request
    if request is not None:  # the stated reasons (encrypted in `searches`) are bound to the chain
        detail.update(
            search_id=search_id,
            request_sha256=hashlib.sha256(stored_request.encode()).hexdigest(),
            offence=request.offence,
            urgent=request.urgent,
            cir=request.cir_indicated,
            file=hashlib.sha256(request.national_file_number.encode()).hexdigest()[:16],
        )
    entry = reg.audit_entry(
        run.caller, f"search_{run.kind}", "ok", run.basis, [c.dataset_id for c in cands], **detail
    )
    audit.append(conn, reg.keys.audit_key, [entry])


def verify_hit(reg: Registry, caller: Caller, hit_id: int, confirmed: bool) -> Candidate:
    """An expert of the receiving Member State confirms or rejects a candidate (Art. 38(4)–(6)).

    A confirmed hit of a registration links the two datasets (Art. 3(6)); a rejected one ends
    the requesting Member State's access to the candidate's data (Art. 38(6)).
    """
    p = policy()
    now = reg.now()
    with reg.lock, reg.store.write() as conn:
        h = _visible_hit(conn, caller, hit_id)
        if h is not None:
            if h.status != "pending":
                raise Conflict(f"hit {hit_id} was already {h.status}")
            status = "confirmed" if confirmed else "rejected"
            conn.execute(
                update(hits)
                .where(hits.c.id == hit_id)
                .values(status=status, verified_at=now, verified_by=caller.token_id)
            )
            basis = (p.hit_verification if confirmed else p.access["non_corresponding_hit"]).cite()
            if h.search_kind == "return_check":  # a hit on an alert on return: SIS, not Eurodac
                basis = p.return_check.cite()
            payload = {
                "hit_id": hit_id,
                "confirmed": bool(confirmed),
                "probe_dataset_id": h.probe_dataset_id,
            }
            evs = [event_row(h.candidate_dataset_id, EventType.hit_verified, now, caller, basis, payload)]
            if confirmed and h.probe_dataset_id is not None:
                evs.append(_link(reg, conn, caller, h, payload, now))
            insert_events(conn, reg.keys.mac_key, evs)
            entry = reg.audit_entry(
                caller, "verify_hit", "ok", basis, [h.candidate_dataset_id], hit=hit_id, status=status
            )
            audit.append(conn, reg.keys.audit_key, [entry])
            return _verified(conn, hit_id)
    reg.deny(
        caller,
        "verify_hit",
        NotVisible(f"hit {hit_id} is not visible to {caller.member_state}/{caller.role}"),
    )


def _visible_hit(conn: Connection, caller: Caller, hit_id: int) -> Any:
    """The hit with its search's role if the caller's unit may verify it (Art. 38(4)), else None."""
    h = conn.execute(
        select(hits, searches.c.role)
        .join_from(hits, searches, hits.c.search_id == searches.c.id)
        .where(hits.c.id == hit_id)
    ).first()
    visible = (
        h is not None
        and h.requesting_ms == caller.member_state
        and h.role == str(caller.role)
        and caller.rule.verify_hits
    )
    return h if visible else None


def _link(
    reg: Registry, conn: Connection, caller: Caller, h: Any, payload: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """Link the probe's and the candidate's datasets under one person key (Art. 3(6)); the
    probe's `hit_verified` event."""
    event = event_row(
        h.probe_dataset_id,
        EventType.hit_verified,
        now,
        caller,
        policy().linking.cite(),
        {**payload, "candidate_dataset_id": h.candidate_dataset_id},
    )
    keys: list[int] = list(
        conn.execute(
            select(datasets.c.person_key).where(
                datasets.c.id.in_([h.probe_dataset_id, h.candidate_dataset_id])
            )
        )
        .scalars()
        .all()
    )
    conn.execute(update(datasets).where(datasets.c.person_key.in_(keys)).values(person_key=min(keys)))
    seal(conn, reg.keys.mac_key, datasets, datasets.c.person_key == min(keys))
    return event


def _verified(conn: Connection, hit_id: int) -> Candidate:
    """The verified hit as a `Candidate` with its dataset's current data (Art. 38(4)–(6))."""
    return candidates(conn.execute(candidate_query(hits.c.id == hit_id)).all())[0]


def pending_hits(reg: Registry, caller: Caller) -> list[Candidate]:
    """The caller's hits awaiting verification."""
    with reg.store.write() as conn:
        h, s = hits.c, searches.c
        query = (
            candidate_query(
                h.requesting_ms == caller.member_state, s.role == str(caller.role), h.status == "pending"
            )
            .join(searches, h.search_id == s.id)
            .order_by(h.created_at, h.score.desc(), h.id)  # arrival, then as the search answered
        )
        out = candidates(conn.execute(query).all())
        audit.append(
            conn,
            reg.keys.audit_key,
            [
                reg.audit_entry(
                    caller,
                    "list_hits",
                    "ok",
                    policy().access["hit_data"].cite(),
                    [c.dataset_id for c in out],
                )
            ],
        )
    return out
