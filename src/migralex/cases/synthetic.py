"""A seeded synthetic population of cases, built column by column (no per-case Python objects).

`generate(n, seed)` returns a `CaseBatch` of `n` plausible cases: registration Member States and
nationalities drawn from fixed weights (the `SyntheticSpec` defaults, overridable), places of
application, ages (adults, accompanied and unaccompanied minors), entries consistent with the
place (disembarkations shortly before registration, irregular crossings months before, visa-free
entries), visas and residence documents (valid or lapsed, some in representation, a few with fraud),
diplomas, relatives in other Member States, and families applying together (reciprocal family
entries, so the family procedure of AMMR Art. 28 has groups to find). The weights are illustrative
shapes of a population, not statistics to validate against. The simulator reuses this generator;
pass a `numpy.random.Generator` (e.g. from `SeedSequence.spawn`) or a seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.cases.batch import Applicants, CaseBatch, Diplomas, Documents, Entries, Family
from migralex.countries import FREE_MOVEMENT_STATES
from migralex.law.participation import bound_mask

NAT = np.datetime64("NaT", "D")

#: Default weights (illustrative): Member States of registration.
REGISTRATION_WEIGHTS = {
    "DE": 25, "FR": 14, "ES": 14, "IT": 12, "GR": 6, "AT": 4, "NL": 4, "BE": 3, "IE": 1.5, "PL": 1.2,
    "SE": 1.2, "CY": 1.1, "BG": 1, "PT": 0.8, "HR": 0.6, "RO": 0.8, "CZ": 0.2, "FI": 0.4, "DK": 0.3,
    "LU": 0.2, "MT": 0.3, "SI": 0.5, "HU": 0.05, "SK": 0.05, "LT": 0.1, "LV": 0.1, "EE": 0.05,
}  # fmt: skip
#: Default weights (illustrative): nationalities; the rest spread over other third countries.
NATIONALITY_WEIGHTS = {
    "SY": 14, "AF": 9, "VE": 6, "TR": 6, "CO": 6, "BD": 4, "PK": 3, "MA": 2.5, "IQ": 2.5, "GE": 2,
    "PE": 2, "EG": 2, "NG": 2, "GN": 1.5, "SO": 1.5, "ER": 1.2, "TN": 1.2, "IR": 1.5, "UA": 1, "ML": 1,
}  # fmt: skip
#: Member States at the external border where irregular entries and disembarkations happen.
ENTRY_STATES = {
    "GR": 3,
    "IT": 4,
    "ES": 3,
    "BG": 1.5,
    "HR": 1,
    "CY": 1,
    "MT": 0.5,
    "PL": 0.5,
    "LT": 0.2,
    "FI": 0.1,
}


@dataclass(frozen=True)
class SyntheticSpec:
    """Shape of the population: date range, weights and shares (all overridable)."""

    first_registration: dt.date = dt.date(2026, 7, 1)
    last_registration: dt.date = dt.date(2027, 6, 30)
    registration_weights: dict[str, float] = field(default_factory=lambda: dict(REGISTRATION_WEIGHTS))
    nationality_weights: dict[str, float] = field(default_factory=lambda: dict(NATIONALITY_WEIGHTS))
    other_nationalities: float = 18.0
    stateless: float = 0.01
    #: places: border crossing point, apprehension, disembarkation, territory, airport, relocation
    place_weights: tuple[float, ...] = (0.08, 0.15, 0.10, 0.60, 0.04, 0.03)
    unaccompanied: float = 0.07
    accompanied_minor: float = 0.14
    age_uncertain: float = 0.2
    security_threat: float = 0.004
    misled: float = 0.04
    vulnerable: float = 0.08
    subsequent: float = 0.07
    visa: float = 0.18
    residence_document: float = 0.05
    diploma: float = 0.02
    irregular_entry_on_territory: float = 0.5
    visa_waived_entry: float = 0.12
    relatives: float = 0.25
    in_family_group: float = 0.10


def _pick(
    rng: np.random.Generator, weights: dict[str, float], size: int, index: dict[str, int]
) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    codes = np.array([index[k] for k in keys])
    return codes[rng.choice(len(keys), size=size, p=p / p.sum())]


def _days(rng: np.random.Generator, lo: int, hi: int, size: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, size=size).astype("timedelta64[D]")


def _in_scope(
    nationality: np.ndarray, relocated: np.ndarray, place: np.ndarray, reg_ms: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The draws moved into the law's scope, the random stream untouched: a free-movement national
    (AMMR Art. 2(1)) becomes the next third country in code order; relocation (Part IV) neither to
    Denmark (to the next Member State bound by Part IV) nor from it (a registration on the
    territory), recital 90."""
    free = np.isin(nationality, [C.NATIONALITY_INDEX[c] for c in FREE_MOVEMENT_STATES])
    nationality = np.where(free, nationality + 1, nationality).astype(np.int16)
    in_part_iv = np.r_[bound_mask("AMMR", np.arange(C.N_EU), None, "Part IV"), True]
    out = (relocated >= 0) & ~in_part_iv[np.where(relocated < 0, C.N_EU, relocated)]
    relocated = np.where(out, (relocated + 1) % C.N_EU, relocated)
    reloc = C.PLACES.index("relocation")
    from_outside = (place == reloc) & ~in_part_iv[np.clip(reg_ms, 0, C.N_EU)]
    relocated = np.where(from_outside, -1, relocated)
    place = np.where(from_outside, C.PLACES.index("territory"), place).astype(np.int8)
    return nationality, relocated, place


def _applicants(rng: np.random.Generator, n: int, s: SyntheticSpec) -> Applicants:
    first = np.datetime64(s.first_registration, "D")
    span = int((np.datetime64(s.last_registration, "D") - first).astype(int))
    reg_date = first + _days(rng, 0, span, n)
    reg_ms = _pick(rng, s.registration_weights, n, C.MS_INDEX).astype(np.int8)
    place = rng.choice(len(C.PLACES), size=n, p=np.array(s.place_weights) / sum(s.place_weights)).astype(
        np.int8
    )
    u = rng.random(n)
    uam = u < s.unaccompanied
    minor = uam | (u > 1 - s.accompanied_minor)
    age_days = np.where(
        uam, rng.integers(14 * 365, 18 * 365 - 2, n), np.where(minor, rng.integers(0, 18 * 365 - 2, n), 0)
    )
    adult_age = rng.gamma(6.0, 5.0, n).clip(0, 55) * 365.25 + 18 * 365.25 + 2
    age_days = np.where(minor, age_days, adult_age.astype(np.int64))
    dob = reg_date - age_days.astype("timedelta64[D]")
    known_nat = _pick(rng, s.nationality_weights, n, C.NATIONALITY_INDEX)
    others = np.array(
        [i for c, i in C.NATIONALITY_INDEX.items() if c not in s.nationality_weights and c != "stateless"]
    )
    share_known = sum(s.nationality_weights.values()) / (
        sum(s.nationality_weights.values()) + s.other_nationalities
    )
    nationality = np.where(rng.random(n) < share_known, known_nat, rng.choice(others, n))
    stateless = rng.random(n) < s.stateless
    nationality = np.where(stateless, C.STATELESS_CODE, nationality).astype(np.int16)
    former = np.where(stateless & (rng.random(n) < 0.5), rng.choice(others, n), -1).astype(np.int16)
    relocated = np.where(place == C.PLACES.index("relocation"), rng.integers(0, C.N_EU, n), -1)
    nationality, relocated, place = _in_scope(nationality, relocated, place, reg_ms)
    return Applicants(
        id=np.array([f"syn-{i:08d}" for i in range(n)], dtype=object),
        reg_ms=reg_ms,
        reg_date=reg_date,
        place=place,
        dob=dob,
        age_uncertain=uam & (rng.random(n) < s.age_uncertain),
        unaccompanied=uam,
        nationality=nationality,
        former_residence=former,
        security_threat=rng.random(n) < s.security_threat,
        misled_authorities=rng.random(n) < s.misled,
        vulnerable=rng.random(n) < s.vulnerable,
        subsequent_application=rng.random(n) < s.subsequent,
        relocated_to=relocated.astype(np.int8),
    )


def _entries(rng: np.random.Generator, a: Applicants, s: SyntheticSpec) -> Entries:
    n = len(a)
    place = a.place
    sar = place == C.PLACES.index("sar_disembarkation")
    apprehended = place == C.PLACES.index("apprehension_after_irregular_crossing")
    relocated = place == C.PLACES.index("relocation")
    inland = (place == C.PLACES.index("territory")) & (rng.random(n) < s.irregular_entry_on_territory)
    visa_free = rng.random(n) < s.visa_waived_entry
    parts: list[tuple[Any, ...]] = []
    kinds = C.ENTRY_KINDS
    # a disembarkation a few days before registration, in the Member State of registration
    rows = np.flatnonzero(sar)
    parts.append(
        (
            rows,
            kinds.index("sar_disembarkation"),
            a.reg_ms[rows],
            a.reg_date[rows] - _days(rng, 0, 10, len(rows)),
        )
    )
    # apprehended at the border: a crossing into the Member State of registration
    rows = np.flatnonzero(apprehended)
    parts.append(
        (
            rows,
            kinds.index("irregular_crossing"),
            a.reg_ms[rows],
            a.reg_date[rows] - _days(rng, 0, 4, len(rows)),
        )
    )
    # relocated after a disembarkation or crossing elsewhere
    rows = np.flatnonzero(relocated)
    ms = _pick(rng, ENTRY_STATES, len(rows), C.MS_INDEX)
    parts.append(
        (rows, kinds.index("sar_disembarkation"), ms, a.reg_date[rows] - _days(rng, 20, 120, len(rows)))
    )
    # on the territory: an earlier irregular entry through a border Member State, months before
    rows = np.flatnonzero(inland)
    ms = _pick(rng, ENTRY_STATES, len(rows), C.MS_INDEX)
    kind = np.where(
        rng.random(len(rows)) < 0.35, kinds.index("sar_disembarkation"), kinds.index("irregular_crossing")
    )
    parts.append((rows, kind, ms, a.reg_date[rows] - _days(rng, 3, 30 * 30, len(rows))))
    # visa-free entries (airport), mostly into the Member State of registration
    rows = np.flatnonzero(visa_free)
    ms = np.where(rng.random(len(rows)) < 0.7, a.reg_ms[rows], rng.integers(0, C.N_EU, len(rows)))
    parts.append(
        (rows, kinds.index("visa_waived_entry"), ms, a.reg_date[rows] - _days(rng, 1, 400, len(rows)))
    )
    return _edge(Entries, parts, ("case", "kind", "ms", "date"))


def _edge(cls: type, parts: list[tuple[Any, ...]], names: tuple[str, ...]) -> Entries:
    cols = [
        np.concatenate([np.broadcast_to(np.asarray(p[k]), p[0].shape) for p in parts])
        for k in range(len(names))
    ]
    order = np.argsort(cols[0], kind="stable")
    dtypes: dict[str, np.dtype] = {
        "case": np.dtype(np.int32),
        "kind": np.dtype(np.int8),
        "ms": np.dtype(np.int8),
        "date": np.dtype("datetime64[D]"),
    }
    return cls(**{name: col[order].astype(dtypes[name]) for name, col in zip(names, cols, strict=True)})


def _documents(rng: np.random.Generator, a: Applicants, s: SyntheticSpec) -> Documents:
    n = len(a)
    has_visa = rng.random(n) < s.visa
    has_res = rng.random(n) < s.residence_document
    second = has_visa & (rng.random(n) < 0.1)
    rows = np.concatenate([np.flatnonzero(has_visa), np.flatnonzero(second), np.flatnonzero(has_res)])
    m = len(rows)
    is_visa = np.r_[
        np.ones(int(has_visa.sum()) + int(second.sum()), bool), np.zeros(int(has_res.sum()), bool)
    ]
    home = rng.random(m) < 0.55
    ms = np.where(home, a.reg_ms[rows], rng.integers(0, C.N_EU, m)).astype(np.int8)
    visa_type = np.where(is_visa, rng.choice(3, m, p=[0.85, 0.13, 0.02]), -1).astype(np.int8)
    length = np.where(
        is_visa,
        np.where(visa_type == 1, rng.integers(90, 366, m), rng.integers(10, 91, m)),
        rng.integers(180, 5 * 365, m),
    )
    # end of validity somewhere from five years before to a year after registration
    valid_until = a.reg_date[rows] + _days(rng, -5 * 365, 365, m)
    valid_from = valid_until - length.astype("timedelta64[D]")
    ended = np.where(
        rng.random(m) < 0.03, valid_from + (length * rng.random(m)).astype("timedelta64[D]"), NAT
    )
    on_behalf = np.where(is_visa & (rng.random(m) < 0.04), rng.integers(0, C.N_EU, m), -1).astype(np.int8)
    order = np.argsort(rows, kind="stable")
    return Documents(
        case=rows[order].astype(np.int32),
        kind=np.where(is_visa, 1, 0)[order].astype(np.int8),
        ms=ms[order],
        visa_type=visa_type[order],
        on_behalf_of=on_behalf[order],
        valid_from=valid_from[order],
        valid_until=valid_until[order],
        ended_early_on=ended[order].astype("datetime64[D]"),
        fraud_after_issuance=(rng.random(m) < 0.01)[order],
    )


def _diplomas(rng: np.random.Generator, a: Applicants, s: SyntheticSpec) -> Diplomas:
    rows = np.flatnonzero((rng.random(len(a)) < s.diploma) & ~a.unaccompanied)
    m = len(rows)
    return Diplomas(
        case=rows.astype(np.int32),
        ms=rng.integers(0, C.N_EU, m).astype(np.int8),
        issued_on=a.reg_date[rows] - _days(rng, 30, 9 * 365, m),
        study_months=rng.integers(3, 60, m).astype(np.int16),
    )


def _relatives(rng: np.random.Generator, a: Applicants, s: SyntheticSpec) -> dict[str, np.ndarray]:
    n = len(a)
    count = np.where(rng.random(n) < s.relatives, rng.integers(1, 4, n), 0)
    case = np.repeat(np.arange(n), count)
    m = len(case)
    uam = a.unaccompanied[case]
    rel_adult = rng.choice([0, 1, 2, 3, 5, 6, 7], m, p=[0.2, 0.05, 0.15, 0.1, 0.3, 0.15, 0.05])
    rel_uam = rng.choice([3, 5, 6, 7, 4], m, p=[0.15, 0.45, 0.25, 0.1, 0.05])
    relation = np.where(uam, rel_uam, rel_adult).astype(np.int8)
    status = rng.choice(len(C.STATUSES), m, p=[0.25, 0.1, 0.05, 0.25, 0.2, 0.15]).astype(np.int8)
    dob = np.where(
        relation == C.RELATIONS.index("child"),
        a.reg_date[case] - _days(rng, 0, 17 * 365, m),
        np.where(rng.random(m) < 0.5, a.reg_date[case] - _days(rng, 19 * 365, 70 * 365, m), NAT),
    )
    return {
        "case": case.astype(np.int32),
        "relation": relation,
        "ms": rng.integers(0, C.N_EU, m).astype(np.int8),
        "status": status,
        "existed_before_arrival": rng.random(m) < 0.9,
        "consent_in_writing": rng.random(m) < 0.5,
        "first_decision_taken": (status == C.STATUSES.index("applicant")) & (rng.random(m) < 0.3),
        "can_take_care": rng.random(m) < 0.8,
        "dob": dob.astype("datetime64[D]"),
    }


def _family_groups(rng: np.random.Generator, a: Applicants, s: SyntheticSpec) -> dict[str, np.ndarray]:
    """Families registered together: a couple, with 0–2 children, each member its own case."""
    n = len(a)
    target = int(n * s.in_family_group)
    sizes = rng.choice([2, 3, 4], size=max(target // 3, 0), p=[0.4, 0.35, 0.25])
    sizes = sizes[np.cumsum(sizes) <= target]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    if not len(sizes):
        return {}
    # members are consecutive cases at the end of a random permutation-free layout: the first
    # sum(sizes) cases; make them one family each (same Member State, dates within 3 days).
    head = np.repeat(starts, sizes)
    pos = np.arange(int(sizes.sum())) - head
    a.reg_ms[pos + head] = a.reg_ms[head]
    a.reg_date[pos + head] = a.reg_date[head] + _days(rng, 0, 3, len(head))
    a.unaccompanied[pos + head] = False
    a.age_uncertain[pos + head] = False
    child = pos >= 2
    a.dob[(pos + head)[child]] = a.reg_date[(pos + head)[child]] - _days(
        rng, 1 * 365, 16 * 365, int(child.sum())
    )
    adult = ~child
    a.dob[(pos + head)[adult]] = a.reg_date[(pos + head)[adult]] - _days(
        rng, 20 * 365, 50 * 365, int(adult.sum())
    )
    # every ordered pair within a family: member i lists member j
    size_of = np.repeat(sizes, sizes)
    src = np.repeat(pos + head, size_of)
    src_pos = np.repeat(pos, size_of)
    grp_head = np.repeat(head, size_of)
    offs = np.arange(len(src)) - np.repeat(np.cumsum(size_of) - size_of, size_of)
    dst_pos = offs
    keep = dst_pos != src_pos
    src, src_pos, dst_pos, grp_head = src[keep], src_pos[keep], dst_pos[keep], grp_head[keep]
    dst = grp_head + dst_pos
    rel = C.RELATIONS
    relation = np.select(
        [(src_pos < 2) & (dst_pos < 2), (src_pos < 2) & (dst_pos >= 2), (src_pos >= 2) & (dst_pos < 2)],
        [rel.index("spouse"), rel.index("child"), rel.index("parent")],
        rel.index("sibling"),
    ).astype(np.int8)
    m = len(src)
    return {
        "case": src.astype(np.int32),
        "relation": relation,
        "ms": a.reg_ms[src],
        "status": np.full(m, C.STATUSES.index("applicant"), dtype=np.int8),
        "existed_before_arrival": np.ones(m, bool),
        "consent_in_writing": np.zeros(m, bool),
        "first_decision_taken": np.zeros(m, bool),
        "can_take_care": np.ones(m, bool),
        "dob": a.dob[dst],
    }


def generate(n: int, seed: int | np.random.Generator = 0, spec: SyntheticSpec | None = None) -> CaseBatch:
    """A synthetic population of `n` cases (deterministic for a given seed and spec)."""
    s = spec or SyntheticSpec()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    a = _applicants(rng, n, s)
    groups = _family_groups(rng, a, s)
    relatives = _relatives(rng, a, s)
    parts = [relatives, groups] if groups else [relatives]
    fam = {k: np.concatenate([p[k] for p in parts]) for k in relatives}
    order = np.argsort(fam["case"], kind="stable")
    family = Family(**{k: v[order] for k, v in fam.items()})
    return CaseBatch(a, family, _documents(rng, a, s), _diplomas(rng, a, s), _entries(rng, a, s))
