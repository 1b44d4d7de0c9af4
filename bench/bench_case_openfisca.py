"""The AMMR hierarchy as an OpenFisca model (benchmark peer; AGPL, run only in its own venv).

Run by bench/bench_case_engine.py with the Python of a separate venv holding openfisca-core
(never a migralex dependency): `python bench_case_openfisca.py INPUT.npz OUTPUT.npz`. The input
holds the synthetic population as arrays (one "person" per applicant and per family member,
document, diploma and entry; a "case" group entity joins them) and the holiday table of each
Member State; the output holds the responsible Member State per case and the timings.

Entities: person (applicant or item), case (group, roles applicant/item). Variables: the inputs,
item-level eligibility per criterion, case-level aggregations (`case.min`, `case.max`, `case.any`)
and the final `responsible_member_state` in the order of AMMR Art. 24(1). OpenFisca's group
reducers start from ±inf and so need float arrays (`fmin`/`fmax`). Same readings as the
engine; Art. 28 (family procedure across cases) is not modelled: OpenFisca's entities do not link
separate cases, so cases the engine decides by Art. 28 are not compared. Dates are integer days
since 1970-01-01 (-1e9 for none); Art. 75 by the same day-table method as the engine.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

NONE = -1_000_000_000
BIG = np.int64(2**60)  # a numpy int64: OpenFisca stores int variables as int32

Person = build_entity(key="person", plural="persons", label="applicant or item", is_person=True)
Case = build_entity(
    key="case",
    plural="cases",
    label="an application",
    roles=[{"key": "applicant", "max": 1}, {"key": "item", "plural": "items"}],
)

CASE_INPUTS = [
    "reg_ms",
    "reg_date",
    "place",
    "dob",
    "unaccompanied",
    "age_uncertain",
    "security_threat",
    "relocated_to",
]
PERSON_INPUTS = [
    "item_type", "relation", "fam_ms", "status", "existed", "consent", "first_decision", "can_care",
    "fam_dob",
    "doc_kind", "doc_ms", "visa_type", "behalf", "valid_from", "valid_until", "ended", "fraud",
    "dip_ms", "issued_on", "study", "entry_kind", "entry_ms", "entry_date",
]  # fmt: skip
BOOLS = {
    "unaccompanied",
    "age_uncertain",
    "security_threat",
    "existed",
    "consent",
    "first_decision",
    "can_care",
    "fraud",
}

TABLES: dict[str, np.ndarray] = {}


def _input(name: str, entity: object) -> type:
    vt = bool if name in BOOLS else int
    return type(
        name, (Variable,), {"value_type": vt, "entity": entity, "definition_period": YEAR, "label": name}
    )


def _computed(name: str, entity: object, vt: type, formula: object) -> type:
    return type(
        name,
        (Variable,),
        {"value_type": vt, "entity": entity, "definition_period": YEAR, "label": name, "formula": formula},
    )


def fmin(case: object, values: np.ndarray) -> np.ndarray:
    """`case.min` on floats: OpenFisca's reducers start from ±inf, which int arrays cannot hold."""
    return case.min(values.astype(np.float64)).astype(np.int64)  # type: ignore[attr-defined]


def fmax(case: object, values: np.ndarray) -> np.ndarray:
    """`case.max` on floats (see `fmin`)."""
    return case.max(values.astype(np.float64)).astype(np.int64)  # type: ignore[attr-defined]


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Same date `months` later, clamped to the month's end (AMMR Art. 75(b)-(c))."""
    d = days.astype("datetime64[D]")
    first = d.astype("datetime64[M]")
    offset = d - first.astype("datetime64[D]")
    target = first + np.timedelta64(months, "M")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target.astype("datetime64[D]") + offset, last).astype(np.int64)


def years(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years from `dob` to `on` (int day counts; a 29 February birthday counts on 1 March)."""
    b = np.where(dob == NONE, 0, dob).astype("datetime64[D]")
    r = on.astype("datetime64[D]")
    bm, rm = b.astype("datetime64[M]").astype(np.int64), r.astype("datetime64[M]").astype(np.int64)
    bd, rd = (
        (b - b.astype("datetime64[M]")).astype(np.int64),
        (r - r.astype("datetime64[M]")).astype(np.int64),
    )
    had = ((rm % 12) > (bm % 12)) | (((rm % 12) == (bm % 12)) & (rd >= bd))
    return rm // 12 - bm // 12 - (~had).astype(np.int64)


def window_end(days: np.ndarray, months: int, ms: np.ndarray) -> np.ndarray:
    """End of a window (Art. 75(d): rolled to the next working day of the Member State)."""
    raw = add_months(np.where(days == NONE, 0, days), months)
    table, first = TABLES["next_working"], int(TABLES["first_day"])
    idx = np.clip(raw - first, 0, table.shape[1] - 1)
    return np.where(days == NONE, NONE, table[np.clip(ms, 0, 26), idx] + first)


def f_age(case, period):
    """Completed years at registration (29 February counts on 1 March); -1 without a date of birth."""
    dob = case("dob", period)
    return np.where(dob == NONE, -1, years(dob, case("reg_date", period)))


def f_uam(case, period):
    """An unaccompanied minor."""
    age = case("age", period)
    minor = ((age >= 0) & (age < 18)) | (
        case("unaccompanied", period) & ((age < 0) | case("age_uncertain", period))
    )
    return case("unaccompanied", period) & minor


def f_minor(case, period):
    """A minor (an unaccompanied applicant of unknown or uncertain age counts as one)."""
    age = case("age", period)
    return ((age >= 0) & (age < 18)) | (
        case("unaccompanied", period) & ((age < 0) | case("age_uncertain", period))
    )


def f_married(case, period):
    """The applicant has a spouse among the family members."""
    p = case.members
    return case.any((p("item_type", period) == 1) & (p("relation", period) == 0))


def relative_age(person, period):
    """A family member's completed years at the case's registration; -1 without a date of birth."""
    dob = person("fam_dob", period)
    return np.where(dob == NONE, -1, years(dob, person.case("reg_date", period)))


def f_member_kind(person, period):
    """A family member in the sense of AMMR Art. 2(8) (spouse, partner, minor child, carer of a minor)."""
    rel, age = person("relation", period), relative_age(person, period)
    rel_minor = np.where(age < 0, rel == 2, age < 18)
    couple = (rel == 0) | (rel == 1)
    child = (rel == 2) & rel_minor
    carer = ((rel == 3) | (rel == 4)) & person.case("minor", period) & ~person.case("married", period)
    return (person("item_type", period) == 1) & (couple | child | carer)


def f_relative_adult(person, period):
    """An adult aunt, uncle or grandparent (AMMR Art. 2(9))."""
    rel, age = person("relation", period), relative_age(person, period)
    adult = (age < 0) | (age >= 18)
    return (person("item_type", period) == 1) & ((rel == 6) | (rel == 7)) & adult


def states(case, rows, ms, period):
    """Lowest and highest Member State of the case's `rows` (none: hi < 0; one: lo == hi; several)."""
    lo = fmin(case, np.where(rows, ms, 99))
    hi = fmax(case, np.where(rows, ms, -1))
    return lo, hi  # none: hi < 0; one: lo == hi; several: lo < hi


def f_uam_family(case, period):
    """AMMR Art. 25(2)-(3): a family member, sibling or relative legally present (-2 none, -1 several)."""
    p = case.members
    fam = p("item_type", period) == 1
    legal = fam & (p("status", period) != 5)
    rel = p("relation", period)
    spouse_legal = case.any(legal & (rel == 0))
    first = legal & ((p("member_kind", period) & p("existed", period)) | (rel == 5))
    second = (
        legal
        & ((rel == 3) | (rel == 4) | (rel == 5))
        & p.case("married", period)
        & ~p.case.project(spouse_legal)
    )
    lo, hi = states(case, first | second, p("fam_ms", period), period)
    return np.where(hi < 0, -2, np.where(lo == hi, hi, -1))


def f_uam_relative(case, period):
    """AMMR Art. 25(3): a relative who can take care of the minor (-2 none or here, -1 several)."""
    p = case.members
    rows = p("relative_adult", period) & (p("status", period) != 5) & p("can_care", period)
    lo, hi = states(case, rows, p("fam_ms", period), period)
    reg = case("reg_ms", period)
    return np.where(hi < 0, -2, np.where(lo < hi, -1, np.where(hi == reg, -2, hi)))


def family(status_ok, pending):
    """AMMR Art. 26 (family members with `status_ok`) or Art. 27 (`pending` applicants) formula."""

    def f(case, period):
        p = case.members
        rel, existed = p("relation", period), p("existed", period)
        kind = p("member_kind", period)
        status = p("status", period)
        if pending:
            ok = (status == 3) & ~p("first_decision", period) & kind & existed
        else:
            late_child = ((rel == 3) | (rel == 4)) & kind & ~existed
            ok = np.isin(status, status_ok) & ((kind & existed) | late_child)
        lo, hi = states(case, ok & p("consent", period), p("fam_ms", period), period)
        return np.where(hi < 0, -2, np.where(lo == hi, hi, -1))

    return f


def documents_formula(w):
    """AMMR Art. 29 formula (residence documents and visas; lapse windows `w` in months)."""

    def f_documents(case, period):
        p = case.members
        reg = p.case("reg_date", period)
        rms = p.case("reg_ms", period)
        is_doc = p("item_type", period) == 2
        kind = p("doc_kind", period)
        start, until, ended = (p(v, period).astype(np.int64) for v in ("valid_from", "valid_until", "ended"))
        held = is_doc & (start <= reg) & ~p("fraud", period)
        valid = held & (until >= reg) & ((ended == NONE) | (ended > reg))
        lapse = np.where(ended == NONE, until, np.minimum(until, ended))
        end_res = window_end(np.where(held, lapse, NONE), w["res"], rms)
        end_visa = window_end(np.where(held, lapse, NONE), w["visa"], rms)
        recent = reg < np.where(kind == 1, end_visa, end_res)
        eligible = valid | (held & ~valid & recent)
        tier = np.where(valid, 0, 1)
        best_tier = p.case.project(fmin(case, np.where(eligible, tier, 9)))
        pool = eligible & (tier == best_tier)
        has_res = p.case.project(case.any(pool & (kind == 0)))
        pool &= ~has_res | (kind == 0)
        vt = p("visa_type", period)
        mixed = p.case.project(fmin(case, np.where(pool, vt, 9)) != fmax(case, np.where(pool, vt, -9)))
        duration = until - start
        key = np.where((kind == 0) | mixed, -duration, 0) * 1_000_000 - until
        key = np.where(pool, key, BIG)
        best = p.case.project(fmin(case, key))
        winners = pool & (key == best)
        behalf = p("behalf", period)
        designated = np.where((kind == 1) & (behalf >= 0), behalf, p("doc_ms", period))
        lo, hi = states(case, winners, designated, period)
        return np.where(hi < 0, -2, np.where(lo == hi, hi, -1))

    return f_documents


def diplomas_formula(w):
    """AMMR Art. 30 formula (diplomas; window and minimum study in `w`)."""

    def f_diplomas(case, period):
        p = case.members
        reg, rms = p.case("reg_date", period), p.case("reg_ms", period)
        issued = p("issued_on", period).astype(np.int64)
        ok = (p("item_type", period) == 3) & (issued <= reg) & (p("study", period) >= w["study"])
        ok &= reg < window_end(np.where(ok, issued, NONE), w["diploma"], rms)
        key = np.where(ok, -(p("study", period).astype(np.int64) * 1_000_000 + issued), BIG)
        best = p.case.project(fmin(case, key))
        lo, hi = states(case, ok & (key == best), p("dip_ms", period), period)
        return np.where(hi < 0, -2, np.where(lo == hi, hi, -1))

    return f_diplomas


def earliest(case, rows, period):
    """Member State of the case's earliest entry among `rows` (-2 none, the lowest on a tie)."""
    p = case.members
    date = p("entry_date", period)
    first = p.case.project(fmin(case, np.where(rows, date, BIG)))
    ms = fmin(case, np.where(rows & (date == first), p("entry_ms", period), 99))
    return np.where(ms == 99, -2, ms)


def f_visa_waiver(case, period):
    """AMMR Art. 31: the first visa-waived entry's Member State (-2 none)."""
    p = case.members
    rows = (
        (p("item_type", period) == 4)
        & (p("entry_kind", period) == 2)
        & (p("entry_date", period) <= p.case("reg_date", period))
    )
    entry_ms = earliest(case, rows, period)
    reg = case("reg_ms", period)
    return np.where(
        entry_ms == -2, -2, np.where((entry_ms == reg) | (reg == TABLES["ireland"]), entry_ms, reg)
    )


def entry_formula(w):
    """AMMR Art. 33 formula (disembarkation, then irregular crossing, within their windows in `w`)."""

    def f_entry(case, period):
        p = case.members
        reg, rms = p.case("reg_date", period), p.case("reg_ms", period)
        kind, date = p("entry_kind", period), p("entry_date", period)
        before = (p("item_type", period) == 4) & (date <= reg)
        sar = before & (kind == 1)
        sar &= reg <= window_end(np.where(sar, date, NONE), w["sar"], rms)
        cross = before & (kind == 0)
        cross &= reg <= window_end(np.where(cross, date, NONE), w["crossing"], rms)
        by_sar, by_cross = earliest(case, sar, period), earliest(case, cross, period)
        relocated = case("relocated_to", period)
        return np.where(relocated >= 0, relocated, np.where(by_sar != -2, by_sar, by_cross))

    return f_entry


def f_responsible(case, period):
    """The first criterion that applies in the order of AMMR Art. 24(1); else the registering State."""
    reg = case("reg_ms", period)
    uam = case("uam", period)
    steps = [
        (case("security_threat", period), reg),
    ]
    fam, rel = case("uam_family", period), case("uam_relative", period)
    steps += [(uam & (fam != -2), fam), (uam & (rel != -2), rel), (uam, reg)]
    for name in ("protection_family", "applicant_family", "documents", "diplomas", "visa_waiver"):
        v = case(name, period)
        steps.append((v != -2, v))
    steps.append((case("place", period) == TABLES["airport"], reg))
    entry = case("entry", period)
    steps.append((entry != -2, entry))
    return np.select([c for c, _ in steps], [v for _, v in steps], reg)


def _formulas(w: dict[str, int]) -> list[type]:
    """The computed variables (those over windows close over their lengths `w`, in months)."""
    return [
        _computed("age", Case, int, f_age),
        _computed("minor", Case, bool, f_minor),
        _computed("uam", Case, bool, f_uam),
        _computed("married", Case, bool, f_married),
        _computed("member_kind", Person, bool, f_member_kind),
        _computed("relative_adult", Person, bool, f_relative_adult),
        _computed("uam_family", Case, int, f_uam_family),
        _computed("uam_relative", Case, int, f_uam_relative),
        _computed("protection_family", Case, int, family([0, 1, 2], pending=False)),
        _computed("applicant_family", Case, int, family([3], pending=True)),
        _computed("documents", Case, int, documents_formula(w)),
        _computed("diplomas", Case, int, diplomas_formula(w)),
        _computed("visa_waiver", Case, int, f_visa_waiver),
        _computed("entry", Case, int, entry_formula(w)),
        _computed("responsible_member_state", Case, int, f_responsible),
    ]


def main(src: str, dst: str) -> None:
    """Build the OpenFisca system and simulation from `src`, compute, write `dst`."""
    data = dict(np.load(src))
    TABLES.update({k: data.pop(k) for k in ("next_working", "first_day", "ireland", "airport")})
    w = {k: int(data.pop(f"w_{k}")) for k in ("res", "visa", "diploma", "crossing", "sar", "study")}
    t0 = time.perf_counter()
    tbs = TaxBenefitSystem([Person, Case])
    for name in CASE_INPUTS:
        tbs.add_variable(_input(name, Case))
    for name in PERSON_INPUTS:
        tbs.add_variable(_input(name, Person))
    for var in _formulas(w):
        tbs.add_variable(var)
    n_cases = len(data["reg_ms"])
    person_case = data.pop("person_case")
    roles = np.where(data["item_type"] == 0, "applicant", "item")
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", np.arange(len(person_case)))
    case_pop = builder.declare_entity("case", np.arange(n_cases))
    builder.join_with_persons(case_pop, person_case, roles)
    sim = builder.build(tbs)
    for name in CASE_INPUTS + PERSON_INPUTS:
        sim.set_input(name, "2026", data[name])
    t1 = time.perf_counter()
    result = sim.calculate("responsible_member_state", "2026")
    t2 = time.perf_counter()
    np.savez(dst, responsible=result, build_s=t1 - t0, compute_s=t2 - t1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
