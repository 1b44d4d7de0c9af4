"""AMMR Art. 33 (Dublin III Art. 13(1)): irregular entry and disembarkation after search and rescue.

AMMR: (1) an irregular crossing "into a Member State by land, sea or air from a third country" →
the first Member State entered; responsibility "shall cease if the application is registered more
than 20 months after the date on which that border crossing took place"; (2) "notwithstanding"
(1), disembarkation after a search and rescue operation → that Member State, ceasing "more than
12 months after" the disembarkation; (3) relocated under Art. 67 after crossing → the Member State
of relocation instead. Readings: an entry whose responsibility has ceased does not block a later
one (the earliest entry still within its window counts); a disembarkation within its window
prevails over a crossing (the "notwithstanding" of (2)); relocation (3) applies when
`relocated_to` is given and an irregular crossing or disembarkation is recorded before registration
("after having crossed the border"); a relocated applicant who never crossed irregularly falls to
Art. 68(2) (art68_relocation). Windows by the Art. 75 calculus (`roll`: the reading
`ammr.reading.criteria_window_end`).

Dublin III Art. 13(1) has one rule for crossings by land, sea or air (disembarkations included),
ceasing 12 months after the crossing, and no relocation paragraph; Art. 13(2) (five months'
continuous stay) needs facts the case format does not record. Its window follows Dublin III's own
calculus, Art. 42 (`roll`: the reading `dublin3.reading.last_day_roll`, chosen by the hierarchy).
"""

from __future__ import annotations

import numpy as np

from migralex.law.params import ParameterSet, per_params
from migralex.rules.periods import meets_boundary, window_end
from migralex.rules.responsibility.common import (
    ENTRY,
    Facts,
    Law,
    best_row,
    filled,
    ms_of_rows,
    take_dates,
)
from migralex.rules.trace import APPLIES, EXCLUDED, Flag, RuleEval


def _reasons(law: Law, crossing: str, sar: str) -> tuple[str, ...]:
    note = law.cite.get("entry_note", "")
    return (
        f"no irregular crossing or disembarkation before registration{note}",
        f"crossed the border irregularly into {{ms}} on {{d1}}; registered not more than {crossing} after"
        f" (the period ended on {{d2}})",
        f"disembarked in {{ms}} after a search and rescue operation on {{d1}}; registered not more than"
        f" {sar} after (the period ended on {{d2}})",
        "relocated to {ms} under AMMR Art. 67 after crossing the border",
        _ceased_reason(law, crossing, sar),
    )


def _ceased_reason(law: Law, crossing: str, sar: str) -> str:
    """The reason of a ceased responsibility: AMMR Art. 33(1)-(2) has two periods; Dublin III Art.
    13(1) one, "12 months after the date on which the irregular border crossing took place" (a
    crossing by land, sea or air: a disembarkation is one too)."""
    note = law.cite.get("entry_note", "")
    if law.regime == "DUBLIN_III":
        return (
            f"responsibility ceased {crossing} after the last irregular border crossing (into {{ms2}} on"
            f" {{d1}}, by land, sea or air): the period ended on {{d2}}, before registration{note}"
        )
    return (
        f"responsibility ceased: the last irregular entry (into {{ms2}} on {{d1}}) was more than the"
        f" period ({crossing} after a crossing, {sar} after a disembarkation) before registration (it"
        f" ended on {{d2}}){note}"
    )


def _law_reasons(f: Facts, law: Law) -> tuple[str, ...]:
    """The reasons with the two windows of the regime, once per parameter set (and regime note)."""
    dublin = law.regime == "DUBLIN_III"

    def build(params: ParameterSet) -> tuple[str, ...]:
        p_cross = params[law.param["crossing_cessation"]]
        p_sar = p_cross if dublin else params[law.param["sar_cessation"]]
        crossing, sar = (p.describe_value(p.values[-1]) for p in (p_cross, p_sar))
        return _reasons(law, crossing, sar)

    return per_params(f.params, f"art33.reasons.{dublin}.{law.cite.get('entry_note', '')}", build)


def _windows(
    f: Facts, law: Law, crossing: np.ndarray, sar: np.ndarray, roll: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per entry row: the last day of its period (NaT for other rows) and whether it has ceased;
    Dublin III has one period for crossings and disembarkations alike."""
    e = f.batch.entries
    end = filled(len(e), np.datetime64("NaT"), "datetime64[D]")
    ceased = np.zeros(len(e), dtype=bool)
    kinds: tuple[tuple[np.ndarray, str], ...]
    if law.regime == "DUBLIN_III":
        kinds = ((crossing | sar, "crossing_cessation"),)
    else:
        kinds = ((crossing, "crossing_cessation"), (sar, "sar_cessation"))
    for rows, name in kinds:
        if np.count_nonzero(rows):  # no such entry in the batch: no period to work out
            p = f.params[law.param[name]]
            reg = f.reg_date[e.case[rows]]
            end[rows] = window_end(e.date[rows], p, reg, f.reg_ms[e.case[rows]], roll)
            ceased[rows] = meets_boundary(reg, p, end[rows])
    return end, ceased


def _relocated(f: Facts, law: Law, irregular: np.ndarray) -> np.ndarray:
    """AMMR Art. 33(3): relocated after an irregular crossing or disembarkation (not in Dublin III)."""
    moved = f.batch.applicants.relocated_to >= 0
    if law.regime == "DUBLIN_III" or not np.count_nonzero(moved):
        return np.zeros(f.n, dtype=bool)
    return moved & (np.bincount(f.batch.entries.case[irregular], minlength=f.n) > 0)


def _ceased(
    rule: RuleEval, f: Facts, irregular: np.ndarray, ceased: np.ndarray, open_: np.ndarray
) -> np.ndarray:
    """Responsibility ceased (Art. 33(1)-(2), second sentences): cases `open_` (nothing designated)
    whose last irregular entry is too old are excluded; returns the row shown per case (or -1)."""
    e, n = f.batch.entries, f.n
    if not np.count_nonzero(ceased):  # no period over in the batch
        return filled(n, -1, np.int64)
    last_ceased, _ = best_row(e.case, irregular & ceased, [-e.date.astype(np.int64)], n)
    gone = open_ & (last_ceased >= 0)
    ceased_sar = e.kind[np.maximum(last_ceased, 0)] == ENTRY["sar_disembarkation"]
    rule.set(gone, EXCLUDED, 4, cite=np.where(ceased_sar, 2, 1))
    return np.where(gone, last_ceased, -1)


def _no_entry(rule: RuleEval, f: Facts) -> RuleEval:
    """AMMR Art. 33 for a batch without irregular entries: every case not applicable, no entry shown."""
    rule.arg("ms2", filled(f.n, -1, np.int8))  # `ms_of_rows` and `take_dates` of no row
    rule.arg("d1", filled(f.n, np.datetime64("NaT"), "datetime64[D]"))
    rule.arg("d2", filled(f.n, np.datetime64("NaT"), "datetime64[D]"))
    return rule


def evaluate(f: Facts, law: Law, roll: str = "art75") -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 33(1)–(3); Dublin III Art. 13(1)."""
    e, n = f.batch.entries, f.n
    dublin = law.regime == "DUBLIN_III"
    citations = (law.cite["entry"], law.cite["entry_1"], law.cite["entry_2"], law.cite["entry_3"])
    rule = RuleEval.empty("entry", n, citations, _law_reasons(f, law))
    before = e.date <= f.reg_date[e.case]
    sar_kind = e.kind == ENTRY["sar_disembarkation"]
    crossing = before & (e.kind == ENTRY["irregular_crossing"])
    sar = before & sar_kind
    irregular = crossing | sar
    if not np.count_nonzero(irregular):  # no irregular entry in the batch: nobody designated or excluded
        return _no_entry(rule, f), []
    end, ceased = _windows(f, law, crossing, sar, roll)
    live = irregular & ~ceased
    first_x, _ = best_row(e.case, live if dublin else live & crossing, [e.date], n)
    no_sar = dublin or not np.count_nonzero(sar)  # Dublin III: one rule; or no disembarkation in the batch
    first_s = filled(n, -1, np.int64) if no_sar else best_row(e.case, live & sar, [e.date], n)[0]
    relocated = _relocated(f, law, irregular)
    by_sar = ~relocated & (first_s >= 0)
    by_crossing = ~relocated & ~by_sar & (first_x >= 0)
    if np.count_nonzero(by_crossing):
        rule.set(by_crossing, APPLIES, 1, cite=1, ms=ms_of_rows(first_x, e.ms))
        if dublin:  # one rule for crossings by land, sea or air: say which it was
            rule.reason[by_crossing & sar_kind[np.maximum(first_x, 0)]] = 2
    if np.count_nonzero(by_sar):
        rule.set(by_sar, APPLIES, 2, cite=2, ms=ms_of_rows(first_s, e.ms))
    rule.set(relocated, APPLIES, 3, cite=3, ms=f.batch.applicants.relocated_to)
    gone = _ceased(rule, f, irregular, ceased, ~relocated & ~by_sar & ~by_crossing)
    shown = np.where(gone >= 0, gone, np.where(by_sar, first_s, first_x))
    rule.arg("ms2", ms_of_rows(shown, e.ms))
    rule.arg("d1", take_dates(shown, e.date))
    rule.arg("d2", take_dates(shown, end))
    return rule, []
