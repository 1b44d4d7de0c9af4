"""AMMR Art. 30: diplomas or other qualifications (no Dublin III equivalent).

(1) A diploma or qualification issued by an education establishment in a Member State designates
it, "provided that the application is registered less than six years after the diploma or
qualification was issued"; (2) several, in different Member States: the one following "the
longest period of study", then the most recent. Art. 2(15): only after "at least one academic
year of study on the territory" (`ammr.diploma_minimum_study`, counted in months with the reading
`ammr.reading.academic_year_months`: nine or twelve months a year). The case format gives the
months of study on the territory; ISCED level and distance learning are taken as met.
"""

from __future__ import annotations

import numpy as np

from migralex.law.params import ParameterSet, compare, per_params
from migralex.rules.periods import meets_boundary, values_at, window_end
from migralex.rules.responsibility.common import (
    Facts,
    Law,
    best_row,
    count_bits,
    ms_of_rows,
    per_case_bits,
    take_dates,
)
from migralex.rules.trace import APPLIES, EXCLUDED, Flag, RuleEval, new_flag

MONTHS_PER_ACADEMIC_YEAR = {"nine": 9, "twelve": 12}


def _texts(f: Facts, law: Law) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Months of an academic year (Art. 2(15) reading), citations and reasons, once per parameter set."""

    def build(params: ParameterSet) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        p_window = params[law.param["diploma_window"]]
        per_year = MONTHS_PER_ACADEMIC_YEAR[params.reading("ammr.reading.academic_year_months")]
        citations = (law.cite["diplomas"], law.cite["diplomas_1"], law.cite["diplomas_2"])
        return per_year, citations, _reasons(p_window.describe_value(p_window.values[-1]), per_year)

    return per_params(f.params, ("art30.texts", law.regime), build)


def _reasons(window: str, per_year: int) -> tuple[str, ...]:
    """The reasons of AMMR Art. 30 with the window and the months of an academic year (Art. 2(15))."""
    return (
        "no diploma or qualification obtained in a Member State",
        f"diploma or qualification issued in {{ms}} on {{d1}} after {{n}} months of study; registered less"
        f" than {window} later (the window ended on {{d2}})",
        "diplomas from several Member States ({bits}): the longest period of study (then the most recent)"
        " was in {ms}",
        f"the diploma issued on {{d1}} in {{ms2}}: registered not less than {window} after issuance (the"
        f" window ended on {{d2}})",
        f"the diploma from {{ms2}} followed {{n}} months of study on the territory, less than the academic"
        f" year required by Art. 2(15) ({per_year} months)",
        "diplomas from several Member States ({bits}) rank equally: a person decides",
    )


def evaluate(f: Facts, law: Law, roll: str = "art75") -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 30(1)–(2) with the definition of Art. 2(15)."""
    g, n = f.batch.diplomas, f.n
    p_window = f.params[law.param["diploma_window"]]
    p_study = f.params["ammr.diploma_minimum_study"]
    per_year, citations, reasons = _texts(f, law)
    rule = RuleEval.empty("diplomas", n, citations, reasons)
    tie_flag = new_flag("tie", law.cite["diplomas_2"], True, "diplomas from {candidates} rank equally", n)
    if not len(g):
        return rule, [tie_flag]
    reg = f.reg_date[g.case]
    held = g.issued_on <= reg
    minimum = values_at(p_study, reg).astype(np.int64) * per_year
    enough = compare(g.study_months.astype(np.int64), p_study.boundary, minimum)
    end = window_end(g.issued_on, p_window, reg, f.reg_ms[g.case], roll)
    recent = meets_boundary(reg, p_window, end)
    eligible = held & enough & recent
    best, tie = best_row(
        g.case, eligible, [-g.study_months.astype(np.int64), -g.issued_on.astype(np.int64)], n, g.ms
    )
    chosen = best >= 0
    bits = per_case_bits(eligible, g.case, g.ms, n)
    several = count_bits(bits) > 1
    ok = chosen & ~tie
    rule.set(ok, APPLIES, 1, cite=1, ms=ms_of_rows(best, g.ms))
    rule.set(ok & several, APPLIES, 2, cite=2)
    rule.set(chosen & tie, APPLIES, 5, cite=2, ms=-1)
    tie_flag.mask[:] = chosen & tie
    tie_flag.bits[:] = np.where(tie, bits, 0)
    short, _ = best_row(g.case, held & ~enough, [-g.study_months.astype(np.int64)], n)
    old, _ = best_row(g.case, held & enough & ~recent, [-g.issued_on.astype(np.int64)], n)
    too_old = ~chosen & (old >= 0)
    too_short = ~chosen & ~too_old & (short >= 0)
    rule.set(too_old, EXCLUDED, 3, cite=1)
    rule.set(too_short, EXCLUDED, 4, cite=0)
    shown = np.where(chosen, best, np.where(too_old, old, short))
    rule.arg("ms2", ms_of_rows(shown, g.ms))
    rule.arg("d1", take_dates(shown, g.issued_on))
    rule.arg("d2", take_dates(shown, end))
    rule.arg("n", np.where(shown >= 0, g.study_months[np.maximum(shown, 0)], 0))
    rule.arg("bits", bits)
    return rule, [tie_flag]
