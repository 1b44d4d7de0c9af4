"""AMMR Art. 31 (Dublin III Art. 14): visa-waived entry.

(1) Entry "through a Member State in which the need for him or her to have a visa is waived" →
that Member State; (2) not so if the application "is registered in another Member State in which
the need ... to have a visa for entry into the territory is also waived" → that other Member
State. The first visa-waived entry before registration counts. Whether the Member State of
registration also waives the visa is a reading (`ammr.reading.visa_waiver_scope`): by default the
common visa list of Regulation (EU) 2018/1806, which binds every Member State but Ireland.
"""

from __future__ import annotations

import numpy as np

from migralex.cases.codes import MS_INDEX
from migralex.rules.responsibility.common import (
    ENTRY,
    Facts,
    Law,
    best_row,
    filled,
    in_codes,
    ms_of_rows,
    per_case_bits,
    take_dates,
)
from migralex.rules.trace import APPLIES, Flag, RuleEval

#: Member States not bound by the common visa list (Regulation (EU) 2018/1806, recital 40: Ireland
#: does not take part in it).
OUTSIDE_COMMON_VISA_LIST = ("IE",)

REASONS = (
    "no visa-waived entry before registration",
    "entered the territory visa-free through {ms} on {d1}, and the application was registered there",
    "entered visa-free through {ms2} on {d1}, but registered in {ms}, where the visa is also waived",
    "entered visa-free through {ms} on {d1}; registered in {ms_reg}, where the visa is not also waived",
)


def evaluate(f: Facts, law: Law, scope: str = "common_visa_list") -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 31(1)–(2)."""
    e, n = f.batch.entries, f.n
    rule = RuleEval.empty("visa_waiver", n, (law.cite["visa_waiver_1"], law.cite["visa_waiver_2"]), REASONS)
    rows = (e.kind == ENTRY["visa_waived_entry"]) & (e.date <= f.reg_date[e.case])
    if not np.count_nonzero(rows):  # no visa-waived entry in the batch: nobody designated
        rule.arg("ms2", filled(n, -1, np.int8))  # `ms_of_rows` and `take_dates` of no row
        rule.arg("d1", filled(n, np.datetime64("NaT"), "datetime64[D]"))
        return rule, []
    first, _ = best_row(e.case, rows, [e.date], n)
    entered = first >= 0
    entry_ms = ms_of_rows(first, e.ms)
    if scope == "entry_records_only":
        waived_bits = per_case_bits(rows, e.case, e.ms, n)
        reg_waives = (waived_bits >> np.maximum(f.reg_ms, 0).astype(np.uint32)) & 1 > 0
    else:
        outside = np.array([MS_INDEX[m] for m in OUTSIDE_COMMON_VISA_LIST], dtype=np.int8)
        reg_waives = ~in_codes(f.reg_ms, outside)
    same = entered & (entry_ms == f.reg_ms)
    other = entered & ~same & reg_waives
    stays = entered & ~same & ~reg_waives
    rule.set(same, APPLIES, 1, cite=0, ms=entry_ms)
    rule.set(other, APPLIES, 2, cite=1, ms=f.reg_ms)
    rule.set(stays, APPLIES, 3, cite=0, ms=entry_ms)
    rule.arg("ms2", entry_ms)
    rule.arg("d1", take_dates(first, e.date))
    return rule, []
