"""AMMR Art. 29 (Dublin III Art. 12): residence documents and visas.

(1) a valid residence document → the issuing Member State; (2) a valid visa → the issuing Member
State, or the represented one under Visa Code Art. 8; (3) several, from different Member States:
(a) the residence document with the longest period of residency, then the latest expiry; (b)
visas of the same type: the latest expiry; (c) of different types: the longest validity, then
the latest expiry; (4) documents expired, annulled, revoked or withdrawn "less than three years"
(residence documents) or "less than 18 months" (visas) before registration still count; (5)
fraud after issuance takes the issuing Member State out.

Readings (docs/case-engine.md): residence documents rank before visas (point (a) before (b)/(c));
"period of residency/validity" is valid_from → valid_until; a document counts if valid on the
registration date (valid_from ≤ date ≤ valid_until, not ended before); a lapsed document's window
runs from its end (`ended_early_on`, else `valid_until`) by the Art. 75 calculus (Dublin III
Art. 12(4): by its Art. 42; `roll`, chosen by the hierarchy per regime); valid
documents prevail over lapsed ones (`ammr.reading.lapsed_documents`: `valid_first`, or `pooled`,
which the AMMR's wording allows - its Art. 29(4) dropped the "only" of Dublin III Art. 12(4)).
Dublin III Art. 12(4) reads "in possession only of" lapsed documents: under it valid documents
always come first, whatever the reading. A perfect tie between Member States is a blocking flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migralex.law.params import Parameter, ParameterSet, per_params
from migralex.rules.periods import meets_boundary, window_end
from migralex.rules.responsibility.common import (
    VISA,
    Facts,
    Law,
    best_row,
    count_bits,
    first_of,
    ms_of_rows,
    per_case_bits,
    take_dates,
)
from migralex.rules.trace import APPLIES, EXCLUDED, Flag, RuleEval, new_flag

CITES = ("documents", "doc_resdoc", "doc_visa", "doc_3a", "doc_3b", "doc_3c", "doc_lapsed")


def _reasons(law: Law, resdoc_window: str, visa_window: str) -> tuple[str, ...]:
    note = law.cite.get("lapsed_note", "")
    return (
        "no residence document or visa held on the registration date",
        "valid residence document issued by {ms} (valid {d1} to {d2})",
        "valid visa issued by {ms} (valid {d1} to {d2})",
        "valid visa issued by {ms2} on behalf of {ms} under a representation arrangement (Visa Code Art. 8)",
        f"residence document issued by {{ms}} lapsed on {{d1}}, less than {resdoc_window} before"
        f" registration (the window ended on {{d2}}){note}",
        f"visa issued for {{ms}} lapsed on {{d1}}, less than {visa_window} before registration (the window"
        f" ended on {{d2}}){note}",
        "documents issued by several Member States ({bits}): the residence document with the longest"
        " period of residency (then the latest expiry) was issued by {ms}",
        "visas of the same type issued by several Member States ({bits}): the latest expiry is {ms}'s",
        "visas of different types issued by several Member States ({bits}): the longest period of validity"
        " (then the latest expiry) is {ms}'s",
        "the only documents were issued by {ms2}, which can establish fraud committed after issuance",
        f"the last document lapsed on {{d1}}: the window ({resdoc_window} for residence documents,"
        f" {visa_window} for visas) ended on {{d2}}, before registration",
        "documents from several Member States ({bits}) rank equally: a person decides",
    )


def _texts(f: Facts, law: Law) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The citations and reasons of the regime with its two windows, once per parameter set."""

    def build(params: ParameterSet) -> tuple[tuple[str, ...], tuple[str, ...]]:
        p_res, p_visa = params[law.param["resdoc_window"]], params[law.param["visa_window"]]
        windows = (p.describe_value(p.values[-1]) for p in (p_res, p_visa))
        return tuple(law.cite[k] for k in CITES), _reasons(law, *windows)

    return per_params(f.params, ("art29.texts", law.regime, law.cite.get("lapsed_note", "")), build)


@dataclass(frozen=True)
class _Status:
    """Per document: visa or not, held, valid, lapsed (and when), its window's end, whether it counts."""

    visa: np.ndarray
    held: np.ndarray
    lapse: np.ndarray
    valid: np.ndarray
    lapsed: np.ndarray
    end: np.ndarray
    in_window: np.ndarray


def _status(f: Facts, p_res: Parameter, p_visa: Parameter, roll: str) -> _Status:
    """AMMR Art. 29(1), (2), (4): valid on the registration date, or lapsed less than the window before."""
    d = f.batch.documents
    reg = f.reg_date[d.case]
    reg_ms = f.reg_ms[d.case]
    visa = d.kind == VISA
    held = d.valid_from <= reg
    lapse = np.where(np.isnat(d.ended_early_on), d.valid_until, np.minimum(d.valid_until, d.ended_early_on))
    valid = held & (d.valid_until >= reg) & (np.isnat(d.ended_early_on) | (d.ended_early_on > reg))
    lapsed = held & ~valid
    end = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")
    in_window = np.zeros(len(d), dtype=bool)
    for is_visa, param in ((False, p_res), (True, p_visa)):
        rows = lapsed & (visa == is_visa)
        if np.count_nonzero(rows):
            end[rows] = window_end(lapse[rows], param, reg[rows], reg_ms[rows], roll)
            in_window[rows] = meets_boundary(reg[rows], param, end[rows])
    return _Status(visa, held, lapse, valid, lapsed, end, in_window)


def _rank(
    f: Facts, s: _Status, eligible: np.ndarray, designated: np.ndarray, valid_first: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """AMMR Art. 29(3)(a)-(c): per case the best document and a tie; per document its tier, mixed types."""
    d, n = f.batch.documents, f.n
    tier = np.where(s.valid | (not valid_first), 0, 1)
    duration = (d.valid_until - d.valid_from).astype(np.int64)
    expiry = d.valid_until.astype(np.int64)
    # per (case, tier): the set of visa types among eligible visas, to choose between (b) and (c)
    slot = d.case.astype(np.int64) * 2 + tier
    type_bits = np.zeros(2 * n, dtype=np.uint32)
    vsel = np.flatnonzero(eligible & s.visa)
    np.bitwise_or.at(type_bits, slot[vsel], np.left_shift(np.uint32(1), d.visa_type[vsel].astype(np.uint32)))
    mixed_types = count_bits(type_bits[slot]) > 1
    key_duration = np.where(~s.visa | mixed_types, -duration, 0)
    best, tie = best_row(
        d.case, eligible, [tier, s.visa.astype(np.int8), key_duration, -expiry], n, designated
    )
    return best, tie, tier, mixed_types


def _reason_and_cite(
    several: np.ndarray,
    chosen: np.ndarray,
    chosen_visa: np.ndarray,
    chosen_lapsed: np.ndarray,
    chosen_mixed: np.ndarray,
    represented: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the reasons and citations of Art. 29(1)-(4) explains the document chosen."""
    reason = first_of(
        [
            several & ~chosen_visa,
            several & chosen_visa & ~chosen_mixed,
            several & chosen_visa,
            chosen_lapsed & ~chosen_visa,
            chosen_lapsed,
            represented,
            chosen_visa,
        ],
        [6, 7, 8, 4, 5, 3, 2],
        1,
    )
    cite = first_of(
        [chosen_lapsed, several & ~chosen_visa, several & ~chosen_mixed, several, chosen_visa],
        [6, 3, 4, 5, 2],
        1,
    )
    return reason, cite


def _nothing_chosen(rule: RuleEval, f: Facts, s: _Status, chosen: np.ndarray) -> None:
    """AMMR Art. 29(4)-(5): why no document designates a Member State (fraud, or windows ended)."""
    d, n = f.batch.documents, f.n
    fraud = d.fraud_after_issuance
    frauds = per_case_bits(s.held & fraud, d.case, d.ms, n)
    rule.set(~chosen & (frauds > 0), EXCLUDED, 9, ms=None)
    rule.args["ms2"] = np.where(
        ~chosen & (frauds > 0),
        ms_of_rows(best_row(d.case, s.held & fraud, [d.ms], n)[0], d.ms),
        rule.args["ms2"],
    )
    late, _ = best_row(d.case, s.lapsed & ~s.in_window & ~fraud, [-s.lapse.astype(np.int64)], n)
    too_old = ~chosen & (frauds == 0) & (late >= 0)
    rule.set(too_old, EXCLUDED, 10, cite=6)
    rule.args["d1"] = np.where(too_old, take_dates(late, s.lapse), rule.args["d1"])
    rule.args["d2"] = np.where(too_old, take_dates(late, s.end), rule.args["d2"])


def evaluate(
    f: Facts, law: Law, valid_first: bool = True, roll: str = "art75"
) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 29(1)–(5)."""
    d, n = f.batch.documents, f.n
    valid_first = valid_first or law.regime == "DUBLIN_III"  # Dublin III Art. 12(4): "only"
    p_res, p_visa = f.params[law.param["resdoc_window"]], f.params[law.param["visa_window"]]
    rule = RuleEval.empty("documents", n, *_texts(f, law))
    tie_flag = new_flag("tie", law.cite["documents"], True, "documents from {candidates} rank equally", n)
    if not len(d):
        return rule, [tie_flag]
    s = _status(f, p_res, p_visa, roll)
    eligible = (s.valid | s.in_window) & ~d.fraud_after_issuance
    designated = np.where(s.visa & (d.on_behalf_of >= 0), d.on_behalf_of, d.ms).astype(np.int8)
    best, tie, tier, mixed_types = _rank(f, s, eligible, designated, valid_first)

    chosen = best >= 0
    ms = ms_of_rows(best, designated)
    b = np.maximum(best, 0)
    best_tier = np.where(chosen, tier[b], 0)
    bits = per_case_bits(eligible & (tier == best_tier[d.case]), d.case, designated, n)
    several = count_bits(bits) > 1
    chosen_visa, chosen_lapsed, chosen_mixed = (
        chosen & s.visa[b],
        chosen & s.lapsed[b],
        chosen & mixed_types[b],
    )
    represented = chosen_visa & (d.on_behalf_of[b] >= 0)
    reason, cite = _reason_and_cite(several, chosen, chosen_visa, chosen_lapsed, chosen_mixed, represented)
    rule.set(chosen & ~tie, APPLIES, 0, ms=ms)
    rule.reason[chosen & ~tie] = reason[chosen & ~tie]
    rule.cite[chosen & ~tie] = cite[chosen & ~tie]
    rule.arg("ms2", ms_of_rows(best, d.ms))
    rule.arg("d1", np.where(chosen_lapsed, take_dates(best, s.lapse), take_dates(best, d.valid_from)))
    rule.arg("d2", np.where(chosen_lapsed, take_dates(best, s.end), take_dates(best, d.valid_until)))
    rule.arg("bits", bits)
    _nothing_chosen(rule, f, s, chosen)

    tie_flag.mask[:] = chosen & tie
    tie_flag.bits[:] = np.where(tie, bits, 0)
    rule.set(chosen & tie, APPLIES, 11, cite=np.where(chosen_visa, np.where(chosen_mixed, 5, 4), 3), ms=-1)
    return rule, [tie_flag]
