"""Which Member State is responsible: the criteria in the order of AMMR Art. 24(1), batch-wise.

Each case goes to its regime by the date of first registration (AMMR Art. 84(2)): the AMMR from
1 July 2026, Dublin III before (back to its own application on 1 January 2014; earlier cases are
not modelled and say so), unless the caller forces one (`regime=`, `migralex.rules.regime`): then
every case is decided under it and its legal basis and trace say that the caller forced it.
Within a regime every criterion is evaluated over all its cases at once (one numpy pass per
criterion); the first criterion that applies decides (`argmax` over the outcome matrix), and the
trace of a case is the criteria up to the deciding one. Art. 28 needs the other criteria's
results first: it is evaluated after them and slotted into its place.
Discretion (best interests of the child, ties, the dependency and humanitarian clauses) is never
guessed: it is a flag, blocking (no Member State named) or advisory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch, as_batch, ids_column
from migralex.cases.format import Case
from migralex.law.acts import resolve_act, responsibility_regime
from migralex.law.params import ParameterSet, per_params
from migralex.law.params import params as shipped_params
from migralex.rules.participation import Scope, ScopeNote, bound_regime
from migralex.rules.periods import dublin3_roll
from migralex.rules.regime import FORCED, forced_regime
from migralex.rules.responsibility import (
    ammr,
    art16_default,
    art16_security,
    art25_minors,
    art26_protection_family,
    art27_applicant_family,
    art28_family_procedure,
    art29_documents,
    art30_diplomas,
    art31_visa_waiver,
    art32_airport_transit,
    art33_entry,
    art34_dependants,
    art68_relocation,
    dublin3,
)
from migralex.rules.responsibility.common import (
    REL,
    Facts,
    Law,
    filled,
    in_codes,
    per_case_bits,
    reading,
)
from migralex.rules.trace import APPLIES, NOT_EXAMINED, Flag, RuleEval, new_flag

REGIMES = ("AMMR", "DUBLIN_III", "NOT_MODELLED")
#: Reasons of the deciding criterion that rest on Eurodac data (Eurodac Arts 22, 24) or a VIS hit
#: (visas): the take charge request then runs from the hit (AMMR Art. 39(1), second subparagraph).
HIT_REASONS = {"documents": (2, 3, 5, 7, 8), "entry": (1, 2)}
FAMILY_RULES = ("uam_family", "protection_family", "applicant_family", "family_procedure")
#: The note on the deciding citation of a case whose regime the caller forced.
FORCED_NOTE = {
    "AMMR": f" (the AMMR criteria: {FORCED}, AMMR Art. 84(2) set aside)",
    "DUBLIN_III": f" (Regulation (EU) No 604/2013: {FORCED}, AMMR Art. 84(2) set aside)",
}

#: The reason column of a result without trace (one empty array, shared).
NO_REASON = np.zeros(0, dtype=np.int8)
HUMANITARIAN = (
    "relations in {candidates} consented in writing: the determining or responsible Member State may ask"
    " that Member State to take charge on humanitarian grounds, before a first decision on the substance"
)

Evaluator = Callable[[Facts, Law, Mapping[str, str]], tuple[list[RuleEval], list[Flag]]]


def _one(fn: Callable[..., tuple[RuleEval, list[Flag]]], **readings: str) -> Evaluator:
    def run(f: Facts, law: Law, r: Mapping[str, str]) -> tuple[list[RuleEval], list[Flag]]:
        rule, flags = fn(f, law, **{arg: r[name] for arg, name in readings.items()})
        return [rule], flags

    return run


def _uam(f: Facts, law: Law, r: Mapping[str, str]) -> tuple[list[RuleEval], list[Flag]]:
    return art25_minors.evaluate(f, law, across_paragraphs=r["uam_several_states"] == "across_paragraphs")


def _documents(f: Facts, law: Law, r: Mapping[str, str]) -> tuple[list[RuleEval], list[Flag]]:
    rule, flags = art29_documents.evaluate(
        f, law, valid_first=r["lapsed_documents"] == "valid_first", roll=r["criteria_window_end"]
    )
    return [rule], flags


RULES: dict[str, Evaluator] = {
    "security": _one(art16_security.evaluate),
    "uam": _uam,
    "protection_family": _one(art26_protection_family.evaluate),
    "applicant_family": _one(art27_applicant_family.evaluate),
    "documents": _documents,
    "diplomas": _one(art30_diplomas.evaluate, roll="criteria_window_end"),
    "visa_waiver": _one(art31_visa_waiver.evaluate, scope="visa_waiver_scope"),
    "airport": _one(art32_airport_transit.evaluate),
    "entry": _one(art33_entry.evaluate, roll="criteria_window_end"),
    "default": _one(art16_default.evaluate),
}

READINGS = (
    "criteria_window_end",
    "uam_several_states",
    "lapsed_documents",
    "family_procedure_window",
    "family_procedure_default",
    "visa_waiver_scope",
)


@dataclass
class Part:
    """The cases of one regime: their rows in the batch, the rules examined, the decision."""

    regime: str
    law: Law | None
    rows: np.ndarray
    rules: list[RuleEval]
    flags: list[tuple[int, Flag]]
    decided: np.ndarray
    ms: np.ndarray
    base: dict[str, np.ndarray] = field(default_factory=dict)
    hit: np.ndarray | None = None
    forced: bool = False


def _decide(rules: Sequence[RuleEval]) -> tuple[np.ndarray, np.ndarray]:
    """The first rule that applies (the last one, the default, always does) and its Member State."""
    n = len(rules[0].outcome)
    applies = np.array([rule.outcome for rule in rules]) == APPLIES  # one row per rule
    applies[-1] = True  # the default decides where nothing earlier applies
    decided = applies.argmax(axis=0)  # the first rule that applies
    ms = np.array([rule.ms for rule in rules])
    return decided.astype(np.int16), ms[decided, np.arange(n)]


def _by_rules(keys: Sequence[str], wanted: tuple[str, ...]) -> np.ndarray:
    """Per position in the hierarchy `keys` (a `decided` code): is the rule one of `wanted`? Once per
    hierarchy (the order of a regime is fixed), then one lookup per call."""
    return _by_rules_table(tuple(keys), wanted)


@cache
def _by_rules_table(keys: tuple[str, ...], wanted: tuple[str, ...]) -> np.ndarray:
    table = np.array([key in wanted for key in keys], dtype=bool)
    table.flags.writeable = False
    return table


def _overlays(f: Facts, law: Law, keys: list[str], decided: np.ndarray, ms: np.ndarray) -> list[Flag]:
    """Advisory flags after the decision: Arts 34 and 35(2), age, family definition checks."""
    return [
        *_discretion_flags(f, law, keys, decided, ms),
        *_age_flags(f, law),
        *_family_definition_flags(f, law, keys, decided, ms),
    ]


def _discretion_flags(f: Facts, law: Law, keys: list[str], decided: np.ndarray, ms: np.ndarray) -> list[Flag]:
    """AMMR Art. 34 (dependent persons) and 35(2) (humanitarian clause): relations elsewhere who consented."""
    fam, n = f.batch.family, f.n
    humanitarian = new_flag("humanitarian_clause", law.cite["humanitarian"], False, HUMANITARIAN, n)
    if not len(fam):  # no relation in the batch: neither clause is raised
        return [*art34_dependants.flags(f, law, ms, ms >= 0)[0], humanitarian]
    named = ms >= 0
    not_security = ~_by_rules(keys, ("security",))[decided]
    elsewhere = fam.ms != ms[fam.case]
    dependants, dep_bits = art34_dependants.flags(f, law, ms, named & not_security)
    hum_bits = per_case_bits(fam.consent_in_writing & elsewhere, fam.case, fam.ms, n) & ~dep_bits
    show = named & not_security & (hum_bits > 0)
    humanitarian.mask[:] = show
    humanitarian.bits[:] = np.where(show, hum_bits, 0)
    return [*dependants, humanitarian]


def _age_flags(f: Facts, law: Law) -> list[Flag]:
    """APR Art. 25 (age assessment) and the definition of a minor: age not established, an adult as UAM."""
    a, n = f.batch.applicants, f.n
    age = new_flag(
        "age_assessment",
        law.cite["age"],
        False,
        "age not established: the answer treats the applicant as a minor only if unaccompanied or born"
        " less than 18 years before registration; an age assessment may change it",
        n,
    )
    age.mask[:] = a.age_uncertain
    adult = new_flag(
        "unaccompanied_adult",
        law.cite["uam"],
        False,
        "recorded as unaccompanied, but 18 or older on the registration date by the date of birth: treated"
        " as an adult (the criteria for unaccompanied minors were not applied)",
        n,
    )
    if np.count_nonzero(a.unaccompanied):  # nobody recorded as unaccompanied in the batch: no such adult
        adult.mask[:] = a.unaccompanied & f.adult_by_birth_date & ~a.age_uncertain
    return [age, adult]


def _family_definition_flags(
    f: Facts, law: Law, keys: list[str], decided: np.ndarray, ms: np.ndarray
) -> list[Flag]:
    """The definition of family members (AMMR Art. 2(8); Dublin III Art. 2(g)): unmarried partners, origin."""
    fam, n = f.batch.family, f.n
    named = ms >= 0
    by_family = _by_rules(keys, FAMILY_RULES)[decided]
    partner = new_flag(
        "unmarried_partner",
        law.cite["family_definition"],
        False,
        "an unmarried partner counts as a family member only where the law or practice of the Member State"
        " treats unmarried couples comparably to married couples: confirm",
        n,
    )
    if len(fam):  # no relation in the batch: no partner
        partner_bits = per_case_bits(fam.relation == REL["partner"], fam.case, fam.ms, n)
        partner.mask[:] = by_family & named & ((partner_bits >> np.maximum(ms, 0).astype(np.uint32)) & 1 > 0)
    if law.regime != "DUBLIN_III":
        return [partner]
    origin = new_flag(
        "family_in_country_of_origin",
        law.cite["family_definition"],
        False,
        "Dublin III counts family members only insofar as the family already existed in the country of"
        " origin; the case records that it existed before arrival: confirm",
        n,
    )
    # Art. 9 holds "regardless of whether the family was previously formed in the country of origin"
    by_art9 = _by_rules(keys, ("protection_family",))[decided]
    origin.mask[:] = by_family & named & ~by_art9
    return [partner, origin]


@cache
def _law(regime: str, forced: bool) -> Law:
    """The citations of a regime (with the note of a forced regime)."""
    module = ammr if regime == "AMMR" else dublin3
    return replace(module.LAW, basis_note=FORCED_NOTE[regime]) if forced else module.LAW


def _readings(p: ParameterSet, regime: str) -> dict[str, str]:
    """The options of the responsibility readings (`ammr.reading.*`) in a parameter set for the cases
    of `regime`. The windows of the criteria follow the calculus of time of the regime's own act:
    AMMR Art. 75 (`ammr.reading.criteria_window_end`), Dublin III Art. 42 (`dublin3.reading.last_day_roll`),
    each calculating "any period of time prescribed in this Regulation"."""
    out = {name: reading(p, f"ammr.reading.{name}") for name in READINGS}
    if regime == "DUBLIN_III":
        out["criteria_window_end"] = dublin3_roll(p)
    return out


def _evaluate_part(
    batch: CaseBatch,
    rows: np.ndarray,
    regime: str,
    p: ParameterSet,
    forced: bool = False,
) -> Part:
    module = ammr if regime == "AMMR" else dublin3
    law = _law(regime, forced)
    readings = per_params(p, ("responsibility.readings", regime), partial(_readings, regime=regime))
    f = Facts(batch, p)
    rules: list[RuleEval] = []
    keys: list[str] = []
    flags: list[tuple[int, Flag]] = []
    procedure_at = -1
    minors_only = False  # every case an unaccompanied minor, none relocated: Art. 25 decides them all
    for key in module.ORDER:
        if key == "family_procedure":
            procedure_at = len(rules)
            continue
        skip = minors_only and key != "default"  # Art. 16(2) keeps its place as the last rule
        evals, raised = _not_examined(key, f.n) if skip else RULES[key](f, law, readings)
        minors_only = minors_only or (key == "uam" and _minors_only(f))
        flags += [(len(rules), fl) for fl in raised]
        rules += evals
        keys += [e.key for e in evals]
    rule28, raised = _family_procedure(f, law, readings, rules, procedure_at)
    rules.insert(procedure_at, rule28)
    keys.insert(procedure_at, rule28.key)
    flags = [(pos + (pos >= procedure_at), fl) for pos, fl in flags]
    flags += [(procedure_at, fl) for fl in raised]
    if regime == "AMMR":  # Art. 68(3) comes first, Art. 68(2) adapts Part III after relocation
        rules = art68_relocation.apply(f, law, rules)
        keys = [rule.key for rule in rules]
        at = keys.index("relocation_transfer")  # after Art. 16(4) where that comes first
        flags = [(pos + (pos >= at), fl) for pos, fl in flags]
        flags = art68_relocation.without_excepted_flags(f, rules, flags)
    decided, ms = _decide(rules)
    flags += [(-1, fl) for fl in _overlays(f, law, keys, decided, ms)]
    base = {"ms_reg": f.reg_ms, "reg_date": f.reg_date}
    hit = np.zeros(f.n, dtype=bool)
    for k, rule in enumerate(rules):
        if rule.key in HIT_REASONS and np.count_nonzero(by_rule := decided == k):
            hit |= by_rule & in_codes(rule.reason, HIT_REASONS[rule.key])
    return Part(regime, law, rows, rules, flags, decided, ms, base, hit, forced)


def _minors_only(f: Facts) -> bool:
    """Every case of the batch is an unaccompanied minor and none is relocated: AMMR Art. 25 (Dublin III
    Art. 8) decides every case (25(1): "only the criteria set out in this Article shall apply";
    25(5) names a Member State where nothing earlier does), so no later criterion is examined."""
    relocated = f.batch.applicants.relocated_to >= 0
    return f.n > 0 and np.count_nonzero(f.uam) == f.n and not np.count_nonzero(relocated)


def _not_examined(key: str, n: int) -> tuple[list[RuleEval], list[Flag]]:
    """A criterion after Art. 25 in a batch of unaccompanied minors only (`_minors_only`): not examined
    for anyone, no citation, no flag."""
    rule = RuleEval.empty(key, n, (), ())
    rule.outcome.fill(NOT_EXAMINED)
    return [rule], []


def _family_procedure(
    f: Facts, law: Law, readings: Mapping[str, str], rules: list[RuleEval], procedure_at: int
) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 28 (Dublin III Art. 11) over the individual results of the criteria `rules`
    (Art. 28 left out, it goes at `procedure_at`)."""
    groups = art28_family_procedure.link(f, law, readings["family_procedure_window"])
    if not np.count_nonzero(groups.group >= 0):  # no family group in the batch: no result to compare
        nobody = np.zeros(f.n, dtype=bool)
        return art28_family_procedure.evaluate(f, law, groups, filled(f.n, -1, np.int8), nobody)
    decided, ms = _decide(rules)
    earlier = decided < procedure_at
    criteria_only = readings["family_procedure_default"] == "criteria_only"
    by_default = decided == len(rules) - 1 if criteria_only else None  # Art. 16(2), not a criterion
    return art28_family_procedure.evaluate(f, law, groups, ms, earlier, by_default)


def _not_modelled(batch: CaseBatch, rows: np.ndarray) -> Part:
    n = batch.n
    flag = new_flag(
        "not_modelled",
        "Dublin III Art. 49",
        True,
        "registered before 1 January 2014: Regulation (EC) No 343/2003 (Dublin II) applies, which migralex"
        " does not model",
        n,
    )
    flag.mask[:] = True
    return Part("NOT_MODELLED", None, rows, [], [(-1, flag)], np.zeros(n, np.int16), np.full(n, -1, np.int8))


@dataclass
class ResponsibilityResult:
    """Responsibility for a batch: columns (`to_polars`) and per-case JSON answers (`answer`)."""

    ids: np.ndarray
    member_state: np.ndarray
    regime: np.ndarray
    parts: list[Part]
    part_of: np.ndarray
    local: np.ndarray
    with_trace: bool
    #: per case, the State of registration whose participation the answer states (law/participation)
    scope: Scope | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def legal_basis(self, i: int) -> str:
        """The deciding citation of case `i` (with the regime when it is Dublin III)."""
        part = self.parts[int(self.part_of[i])]
        j = int(self.local[i])
        if part.law is None:
            return "Dublin III Art. 49 (Regulation (EC) No 343/2003 applies: not modelled)"
        rule = part.rules[int(part.decided[j])]
        return rule.citations[int(rule.cite[j])] + self._basis_note(i, part)

    def _scope_note(self, i: int) -> ScopeNote | None:
        """How the rules bind the State of registration of case `i`, if not as a Member State."""
        if self.scope is None or self.scope.state[i] < 0:
            return None
        return self.scope.note(int(self.regime[i]), int(self.scope.state[i]))

    def _basis_note(self, i: int, part: Part) -> str:
        note = self._scope_note(i)
        if note is None or part.law is None:
            return part.law.basis_note if part.law is not None else ""
        return note.basis_note + (FORCED_NOTE[part.regime] if part.forced else "")

    def _legal_basis_column(self) -> pl.Series:
        table: list[str] = []
        codes = np.zeros(len(self.ids), dtype=np.int64)
        for k, part in enumerate(self.parts):
            rows = np.flatnonzero(self.part_of == k)
            if part.law is None:
                codes[rows] = len(table)
                table.append(self.legal_basis(int(rows[0])) if len(rows) else "")
                continue
            offsets = []
            for rule in part.rules:
                offsets.append(len(table))
                table += [c + part.law.basis_note for c in rule.citations]
            offsets_arr = np.array(offsets, dtype=np.int64)
            cite = np.stack([r.cite for r in part.rules])
            decided = part.decided.astype(np.int64)
            local_cite = np.take_along_axis(cite, decided[None, :], 0)[0]
            codes[rows] = offsets_arr[decided] + local_cite
            self._noted_citations(part, rows, codes, table, offsets[0])
        return pl.Series("legal_basis", table, dtype=pl.Utf8).gather(codes)

    def _noted_citations(
        self, part: Part, rows: np.ndarray, codes: np.ndarray, table: list[str], start: int
    ) -> None:
        """Cases of States with a note of their own (participation): the part's citations again,
        with that note, and their codes moved there."""
        if self.scope is None or not len(rows):
            return
        states = self.scope.state[rows]
        plain = [c.removesuffix(part.law.basis_note if part.law else "") for c in table[start:]]
        for state in np.unique(states[states >= 0]):
            noted = rows[states == state]
            offset, note = len(table), self._basis_note(int(noted[0]), part)
            table += [c + note for c in plain]
            codes[noted] += offset - start

    def criteria(self) -> np.ndarray:
        """Per case, the key of the deciding criterion (`security`, `uam_family`, ..., `default`)."""
        out = np.empty(len(self.ids), dtype=object)
        for k, part in enumerate(self.parts):
            keys = np.array([r.key for r in part.rules] or ["not_modelled"], dtype=object)
            out[self.part_of == k] = keys[part.decided]
        return out

    def evidence_hit(self) -> np.ndarray:
        """Per case: the deciding criterion rests on Eurodac (irregular entry, disembarkation) or VIS
        (visa) data, so a take charge request runs from the hit (AMMR Art. 39(1))."""
        out = np.zeros(len(self.ids), dtype=bool)
        for k, part in enumerate(self.parts):
            if part.hit is not None:
                out[self.part_of == k] = part.hit
        return out

    def to_polars(self) -> pl.DataFrame:
        """One row per case: id, responsible_member_state, legal_basis, regime, criterion, blocked."""
        ms = pl.Series([*C.MEMBER_STATES, None], dtype=pl.Utf8).gather(
            np.where(self.member_state < 0, len(C.MEMBER_STATES), self.member_state)
        )
        criterion = self.criteria()
        return pl.DataFrame(
            {
                "id": ids_column(self.ids),
                "responsible_member_state": ms,
                "legal_basis": self._legal_basis_column(),
                "regime": pl.Series(list(REGIMES), dtype=pl.Utf8).gather(self.regime),
                "criterion": pl.Series(criterion.tolist(), dtype=pl.Utf8),
                "blocked": self.member_state < 0,
            }
        )

    def _flags(self, i: int) -> list[dict[str, Any]]:
        part = self.parts[int(self.part_of[i])]
        j = int(self.local[i])
        decided = int(part.decided[j])
        return [fl.render(j) for pos, fl in part.flags if fl.mask[j] and pos <= decided]

    def flags_frame(self) -> pl.DataFrame:
        """All flags as a long table: case (row), id, flag, rule, blocking, candidates (list)."""
        rows: dict[str, list[Any]] = {k: [] for k in ("case", "flag", "rule", "blocking", "bits")}
        for k, part in enumerate(self.parts):
            global_rows = np.flatnonzero(self.part_of == k)
            for pos, fl in part.flags:
                shown = fl.mask & (part.decided >= pos)
                idx = np.flatnonzero(shown)
                rows["case"].append(global_rows[idx])
                rows["flag"].append(np.full(len(idx), fl.kind, dtype=object))
                rows["rule"].append(np.full(len(idx), fl.rule, dtype=object))
                rows["blocking"].append(np.full(len(idx), fl.blocking))
                rows["bits"].append(fl.bits[idx])
        cat = {k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()}
        frame = pl.DataFrame(
            {
                "case": cat["case"].astype(np.int64),
                "flag": pl.Series(cat["flag"].tolist(), dtype=pl.Utf8),
                "rule": pl.Series(cat["rule"].tolist(), dtype=pl.Utf8),
                "blocking": cat["blocking"].astype(bool),
                "bits": cat["bits"].astype(np.uint32),
            }
        )
        return frame.with_columns(id=ids_column(self.ids).gather(frame["case"])).sort("case")

    def trace(self, i: int) -> list[dict[str, str]]:
        """The rules examined for case `i`, in order: [{rule, outcome, reason}]."""
        if not self.with_trace:
            raise ValueError("evaluated without the trace: call decide_responsibility(..., with_trace=True)")
        part = self.parts[int(self.part_of[i])]
        j = int(self.local[i])
        date = part.base.get("reg_date")
        regime_line = _regime_line(part.regime, date[j] if date is not None else None, part.forced)
        if part.law is None:
            return [regime_line]
        base = {k: v[j] for k, v in part.base.items()}
        note = self._scope_note(i)
        out = [regime_line] if note is None else [*note.trace_lines(regime_line)]
        for rule in part.rules[: int(part.decided[j]) + 1]:
            if rule.outcome[j]:
                out.append(rule.render(j, base))
        return out

    def answer(self, i: int, trace: bool = False) -> dict[str, Any]:
        """The JSON answer of case `i`: id, responsible_member_state, legal_basis, regime, flags (, trace)."""
        out: dict[str, Any] = {
            "id": str(self.ids[i]),
            "responsible_member_state": C.ms_name(int(self.member_state[i])),
            "legal_basis": self.legal_basis(i),
            "regime": REGIMES[int(self.regime[i])],
            "flags": self._flags(i),
        }
        if trace:
            out["trace"] = self.trace(i)
        return out

    def answers(self, trace: bool = False) -> Iterator[dict[str, Any]]:
        """The answers of every case, in batch order."""
        for i in range(len(self.ids)):
            yield self.answer(i, trace)


def _regime_by_date(date: np.datetime64) -> str:
    if date < np.datetime64(resolve_act("DUBLIN_III").applies_from, "D"):
        return "Dublin II, not modelled"
    return "the AMMR" if responsibility_regime([date])[0] == "AMMR" else "Dublin III"


def _regime_line(regime: str, date: np.datetime64 | None, forced: bool = False) -> dict[str, str]:
    when = "?" if date is None or np.isnat(date) else str(date)
    if forced:
        by_date = "?" if date is None or np.isnat(date) else _regime_by_date(date)
        criteria = "AMMR" if regime == "AMMR" else "Dublin III (Regulation (EU) No 604/2013)"
        return {
            "rule": "AMMR Art. 84(2)",
            "outcome": "excluded",
            "reason": f"set aside: {FORCED}; the {criteria} criteria apply whatever the registration date"
            f" ({when}; by the date alone: {by_date})",
        }
    if regime == "AMMR":
        return {
            "rule": "AMMR Art. 84(2)",
            "outcome": "not_applicable",
            "reason": f"registered on {when}, not before 1 July 2026: the AMMR criteria apply (Art. 85)",
        }
    if regime == "DUBLIN_III":
        return {
            "rule": "AMMR Art. 84(2)",
            "outcome": "applies",
            "reason": f"registered on {when}, before 1 July 2026: the criteria of Regulation (EU) No 604/2013"
            " (Dublin III) apply",
        }
    return {
        "rule": "Dublin III Art. 49",
        "outcome": "applies",
        "reason": "registered before 1 January 2014: Regulation (EC) No 343/2003 applies (not modelled)",
    }


@cache
def _regime_dates() -> tuple[np.datetime64, np.datetime64]:
    """AMMR Art. 84(2): the date from which the AMMR criteria apply; Dublin III's own application."""
    transitional = resolve_act("AMMR").transitional
    assert transitional is not None  # AMMR Art. 84(2) is in the shipped act list
    cutoff = np.datetime64(transitional.cutoff, "D")  # the date of `law.responsibility_regime`
    return cutoff, np.datetime64(resolve_act("DUBLIN_III").applies_from, "D")


def decide_responsibility(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    params: ParameterSet | None = None,
    with_trace: bool = False,
    regime: str | None = None,
) -> ResponsibilityResult:
    """Member State responsible for each case (AMMR Part III / Dublin III), with legal basis,
    flags and (with `with_trace`) the trace of the criteria examined; `regime` ("AMMR",
    "DUBLIN_III") forces the regime instead of AMMR Art. 84(2)."""
    batch = as_batch(cases)
    p = params or shipped_params()
    forced = forced_regime(regime)
    n = batch.n
    reg = batch.applicants.reg_date
    if forced is not None:
        regime_codes = np.full(n, REGIMES.index(forced), dtype=np.int8)
    else:
        cutoff, dublin_from = _regime_dates()
        regime_codes = np.where(reg < cutoff, np.where(reg < dublin_from, 2, 1), 0).astype(np.int8)
    scope = bound_regime(batch.applicants.reg_ms, regime_codes, p, forced is not None)
    parts: list[Part] = []
    part_of = np.zeros(n, dtype=np.int8)
    local = np.zeros(n, dtype=np.int64)
    member_state = filled(n, -1, np.int8)
    counts = np.bincount(scope.regime, minlength=len(REGIMES))
    for code, name in enumerate(REGIMES):
        if not counts[code]:  # no case under this regime
            continue
        rows = (scope.regime == code).nonzero()[0]
        sub = batch if len(rows) == n else batch.take(rows)
        part = (
            _not_modelled(sub, rows)
            if name == "NOT_MODELLED"
            else _evaluate_part(sub, rows, name, p, forced is not None)
        )
        if name == "NOT_MODELLED":
            part.base = {"reg_date": sub.applicants.reg_date}
        part_of[rows] = len(parts)
        local[rows] = np.arange(len(rows))
        member_state[rows] = part.ms
        parts.append(part)
    result = ResponsibilityResult(
        batch.applicants.id, member_state, scope.regime, parts, part_of, local, with_trace, scope
    )
    if not with_trace:
        for part in parts:
            for rule in part.rules:
                rule.args = {}
                rule.reason = NO_REASON
    return result
