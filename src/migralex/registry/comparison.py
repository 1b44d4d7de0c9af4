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
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import insert, select, update

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
    action = f"search_{kind}"
    try:
        if kind == "admission":
            may_compare(caller, "admission_registered")
            rule = policy().categories[Category.admission_registered]
            allowed, if_marked, basis = (
                rule.compared_with,
                rule.compared_with_if_marked,
                rule.comparison.cite(),
            )
        elif kind == "law_enforcement":
            may_compare(caller, "law_enforcement")
            if request is None:
                raise AccessDenied(
                    "a law-enforcement comparison needs a reasoned request",
                    policy().law_enforcement["request"].cite(),
                )
            check_law_enforcement(request, reg.now().date(), reg.ps)
            allowed, if_marked, basis = policy().le_compared_with, frozenset(), "Eurodac Art. 33(1)"
            include_own = True
        elif kind == "return_check":  # SIS Return Reg. Art. 7(2): alerts on return only
            may_compare(caller, "return_check")
            allowed, if_marked = policy().return_check_compared_with, frozenset()
            basis = policy().return_check.cite()
        else:
            raise InvalidInput("kind", "one of admission, law_enforcement, return_check")
    except AccessDenied as exc:
        reg._deny(caller, action, exc, ())
    m = "fingerprint" if fingerprint is not None else "face"
    probe = fingerprint if fingerprint is not None else face
    if probe is None:
        raise InvalidInput("fingerprint", "a comparison needs fingerprints or a facial image")
    q = normalise(probe, field=m, dim=reg.config.dim(m))
    now = reg.now()
    with reg._lock, reg.store.write() as conn:
        reg._sync(conn)
        scores, found = reg.matchers[m].identify(q, reg.config.search_k)
        pairs = [
            (int(i), float(s))
            for i, s in zip(found[0], scores[0], strict=True)
            if i >= 0 and s >= reg.config.thresholds[m]
        ]
        d = datasets.c
        rows = (
            conn.execute(
                select(
                    d.id, d.member_state, d.category, d.mark, d.erased_at, d.sex, d.biometrics_taken_at
                ).where(d.id.in_([p[0] for p in pairs]))
            ).all()
            if pairs
            else []
        )
        meta = {int(r.id): r for r in rows}
        keep = []
        for cid, score in sorted(pairs, key=lambda p: -p[1]):
            r = meta.get(cid)
            if r is None or r.erased_at is not None:
                continue
            cat = Category(r.category)
            if not (cat in allowed or (cat in if_marked and r.mark == "protection")):
                continue
            if not include_own and r.member_state == caller.member_state:
                continue
            if m == "face" and sex in ("F", "M") and r.sex in ("F", "M") and r.sex != sex:
                continue
            keep.append((cid, score))
        keep = keep[: reg.config.candidates]
        withheld = 0
        if kind == "law_enforcement" and keep:
            idents = reg._identities(conn, [c for c, _ in keep])
            dob = np.array(
                [idents.get(c, {}).get("date_of_birth") or "NaT" for c, _ in keep], dtype="datetime64[D]"
            )
            taken = np.array([meta[c].biometrics_taken_at for c, _ in keep], dtype="datetime64[D]")
            assert request is not None
            drop = child_data_withheld(
                dob,
                taken,
                now.date(),
                bool(request.child_grounds and request.child_grounds.strip()),
                reg.ps,
            )
            withheld = int(drop.sum())
            keep = [k for k, x in zip(keep, drop, strict=True) if not x]
        search_id = new_ids(conn, 1, searches.c.id)[0]  # random public ids, as datasets have
        stored_request = "{}"
        if request is not None:
            stored_request = canonical_json(
                {
                    "sealed": base64.b64encode(
                        reg.keys.encrypt(canonical_json(asdict(request)).encode(), f"searches:{search_id}")
                    ).decode()
                }
            )
        conn.execute(
            insert(searches).values(
                id=search_id,
                member_state=caller.member_state,
                role=str(caller.role),
                actor=caller.token_id,
                kind=kind,
                purpose=basis,
                probe_dataset_id=None,
                include_own=include_own,
                created_at=now,
                request=stored_request,
                candidates=len(keep),
            )
        )
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
                    "requesting_ms": caller.member_state,
                    "search_kind": kind,
                    "modality": m,
                    "score": score,
                    "demographic_score": None,
                    "status": "pending",
                    "created_at": now,
                    "verified_at": None,
                    "verified_by": None,
                }
            )
            evs.append(
                event_row(
                    cid,
                    EventType.hit,
                    now,
                    caller,
                    basis,
                    {"hit_id": hit_id, "search_id": search_id, "modality": m, "score": round(score, 6)},
                )
            )
            r = meta[cid]
            cands.append(
                Candidate(hit_id, cid, r.member_state, r.category, m, score, None, r.mark, "pending")
            )
        if hrows:
            conn.execute(insert(hits), hrows)
            insert_events(conn, reg.keys.mac_key, evs)
        alerts: list[dict[str, Any]] = []
        if kind == "return_check" and cands:
            idents = reg._identities(conn, [c.dataset_id for c in cands])
            alerts = return_alerts.answer(cands, idents, now.date())
        detail: dict[str, Any] = {"kind": kind, "candidates": len(cands), "withheld_children": withheld}
        if request is not None:  # the stated reasons (encrypted in `searches`) are bound to the chain
            detail.update(
                search_id=search_id,
                request_sha256=hashlib.sha256(stored_request.encode()).hexdigest(),
                offence=request.offence,
                urgent=request.urgent,
                cir=request.cir_indicated,
                file=hashlib.sha256(request.national_file_number.encode()).hexdigest()[:16],
            )
        audit.append(
            conn,
            reg.keys.audit_key,
            [reg._entry(caller, action, "ok", basis, [c.dataset_id for c in cands], **detail)],
        )
    return SearchResult(search_id, tuple(cands), withheld, basis, tuple(alerts))


def verify_hit(reg: Registry, caller: Caller, hit_id: int, confirmed: bool) -> Candidate:
    """An expert of the receiving Member State confirms or rejects a candidate (Art. 38(4)–(6)).

    A confirmed hit of a registration links the two datasets (Art. 3(6)); a rejected one ends
    the requesting Member State's access to the candidate's data (Art. 38(6)).
    """
    p = policy()
    now = reg.now()
    with reg._lock, reg.store.write() as conn:
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
        if h is not None and visible:
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
                evs.append(
                    event_row(
                        h.probe_dataset_id,
                        EventType.hit_verified,
                        now,
                        caller,
                        p.linking.cite(),
                        {**payload, "candidate_dataset_id": h.candidate_dataset_id},
                    )
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
                conn.execute(
                    update(datasets).where(datasets.c.person_key.in_(keys)).values(person_key=min(keys))
                )
                seal(conn, reg.keys.mac_key, datasets, datasets.c.person_key == min(keys))
            insert_events(conn, reg.keys.mac_key, evs)
            audit.append(
                conn,
                reg.keys.audit_key,
                [
                    reg._entry(
                        caller,
                        "verify_hit",
                        "ok",
                        basis,
                        [h.candidate_dataset_id],
                        hit=hit_id,
                        status=status,
                    )
                ],
            )
            d = conn.execute(
                select(datasets.c.member_state, datasets.c.category, datasets.c.mark).where(
                    datasets.c.id == h.candidate_dataset_id
                )
            ).one()
            return Candidate(
                hit_id,
                h.candidate_dataset_id,
                d.member_state,
                d.category,
                h.modality,
                h.score,
                h.demographic_score,
                d.mark,
                status,
            )
    reg._deny(
        caller,
        "verify_hit",
        NotVisible(f"hit {hit_id} is not visible to {caller.member_state}/{caller.role}"),
    )


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
                reg._entry(
                    caller,
                    "list_hits",
                    "ok",
                    policy().access["hit_data"].cite(),
                    [c.dataset_id for c in out],
                )
            ],
        )
    return out
