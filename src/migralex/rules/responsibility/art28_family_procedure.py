"""AMMR Art. 28 (Dublin III Art. 11): the family procedure, a group operation over a batch.

"Where applications ... by several family members or minor unmarried siblings are registered in
the same Member State simultaneously or on dates close enough for the procedures ... to be
conducted together, and where the application of the criteria ... would lead to those persons
being separated", the Member State responsible is (a) the one "which the criteria indicate is
responsible for taking charge of the largest number of them", else (b) the one responsible for
"the oldest of them".

The case format is one applicant per case, so the family's cases must be found in the batch. Two
cases are linked when each lists the other among its `family` as an `applicant` in the Member
State where both were registered, with matching dates of birth and inverse relations (spouse ↔
spouse, partner ↔ partner, sibling ↔ sibling, child ↔ parent or responsible adult), the relation
being a family member (Art. 2(8)) or a minor sibling, and the registrations are close enough
(`ammr.reading.family_procedure_window`: within the take charge request period of each other by
default). Linked cases form groups (connected components). Each member's individual result is the
hierarchy without Art. 28; members decided by an earlier criterion (Arts 16(4), 25, 26, 27) keep
it; the others take the group's Member State when the individual results differ. Unaccompanied
minors are not grouped (only Art. 25 applies to them). A family listed as co-applicants whose
cases are not in the batch gets an advisory flag: decide them together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from migralex.rules.periods import end_of_period, periods_at
from migralex.rules.responsibility.common import (
    REL,
    STATUS,
    Facts,
    Law,
    count_bits,
    filled,
    in_codes,
    per_case_bits,
)
from migralex.rules.trace import APPLIES, NOT_APPLICABLE, Flag, RuleEval, new_flag

_INVERSE = {
    REL["spouse"]: (REL["spouse"],),
    REL["partner"]: (REL["partner"],),
    REL["sibling"]: (REL["sibling"],),
    REL["child"]: (REL["parent"], REL["responsible_adult"]),
    REL["parent"]: (REL["child"],),
    REL["responsible_adult"]: (REL["child"],),
}

REASONS = (
    "no family member's or minor sibling's application registered in {ms_reg} close in time is in this batch",
    "the applications of {n} family members registered in {ms_reg} are not separated by the criteria",
    "the criteria would separate {n} family members ({bits}): {ms} is responsible for the largest number"
    " of them",
    "the criteria would separate {n} family members ({bits}), with no largest number: {ms} is"
    " responsible for the oldest of them",
    "the criteria would separate {n} family members ({bits}); the oldest cannot be determined: a person"
    " decides",
)


@dataclass(frozen=True)
class Groups:
    """Family groups found in a batch: group id per case (-1 none) and the co-applicant rows."""

    group: np.ndarray
    listed: np.ndarray
    linked_rows: np.ndarray
    #: per family row: a co-applicant (`_co_applicant_rows`), kept for the flags
    co_applicant: np.ndarray


def _inverse_ok(rel_ab: np.ndarray, rel_ba: np.ndarray) -> np.ndarray:
    ok = np.zeros(len(rel_ab), dtype=bool)
    for rel, inverses in _INVERSE.items():
        ok |= (rel_ab == rel) & in_codes(rel_ba, inverses)
    return ok


def link(f: Facts, law: Law, window: str) -> Groups:
    """Find the family groups of a batch (see the module docstring)."""
    fam, a, n = f.batch.family, f.batch.applicants, f.n
    group = filled(n, -1, np.int64)
    listed = np.zeros(n, dtype=bool)
    if not len(fam):  # no family row in the batch: no group, nobody listed
        return Groups(group, listed, np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
    co_applicant = _co_applicant_rows(f)
    listed[fam.case[co_applicant]] = True
    rows = np.flatnonzero(co_applicant & ~np.isnat(fam.dob))
    if n < 2 or not len(rows):
        return Groups(group, listed, np.zeros(len(fam), dtype=bool), co_applicant)
    # candidate targets: cases registered in that Member State whose applicant has that birth date
    # a target lists its source in turn, so only cases with co-applicant rows can be targets
    people = np.flatnonzero(listed & ~np.isnat(a.dob))
    person_key = a.reg_ms[people].astype(np.int64) << 32 | a.dob[people].astype(np.int64) & 0xFFFFFFFF
    order = np.argsort(person_key, kind="stable")
    sorted_keys, sorted_people = person_key[order], people[order]
    row_key = fam.ms[rows].astype(np.int64) << 32 | fam.dob[rows].astype(np.int64) & 0xFFFFFFFF
    lo = np.searchsorted(sorted_keys, row_key, "left")
    hi = np.searchsorted(sorted_keys, row_key, "right")
    counts = hi - lo
    src_row = np.repeat(rows, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    target = sorted_people[np.repeat(lo, counts) + offsets]
    source = fam.case[src_row]
    keep = target != source
    src_row, source, target = src_row[keep], source[keep], target[keep]
    # reciprocity: the target lists the source, with the inverse relation
    pair = source.astype(np.int64) * n + target
    reverse = target.astype(np.int64) * n + source
    order = np.argsort(pair, kind="stable")
    pos = np.searchsorted(pair[order], reverse)
    found = (pos < len(pair)) & (pair[order][np.minimum(pos, len(pair) - 1)] == reverse)
    back_row = src_row[order][np.minimum(pos, len(pair) - 1)]
    found &= _inverse_ok(fam.relation[src_row], fam.relation[back_row])
    # registered close enough in time (ties in the reading)
    first = np.minimum(a.reg_date[source], a.reg_date[target])
    last = np.maximum(a.reg_date[source], a.reg_date[target])
    if window == "same_day":
        close = first == last
    else:
        p = f.params[law.param["family_procedure_window"]]
        end = np.full(len(first), np.datetime64("NaT"), dtype="datetime64[D]")
        for period, sel in periods_at(p, first):
            end[sel] = end_of_period(first[sel], period, a.reg_ms[source][sel])
        close = last <= end
    good = found & close
    linked_rows = np.zeros(len(fam), dtype=bool)
    linked_rows[src_row[good]] = True
    if np.count_nonzero(good):
        graph = coo_matrix((np.ones(int(good.sum())), (source[good], target[good])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        in_group = np.zeros(n, dtype=bool)
        in_group[source[good]] = True
        group[in_group] = labels[in_group]
    return Groups(group, listed, linked_rows, co_applicant)


def _largest(g: np.ndarray, ms: np.ndarray, counted: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """AMMR Art. 28(a): per group the Member State responsible for most members; how many are at the top."""
    cell = g[counted] * 32 + ms[counted]
    cells, counts = np.unique(cell, return_counts=True)
    cell_group = cells // 32
    top = np.zeros(n, dtype=np.int64)
    np.maximum.at(top, cell_group, counts)
    at_top = counts == top[cell_group]
    n_top = np.bincount(cell_group[at_top], minlength=n)
    largest = np.full(n, -1, dtype=np.int64)
    largest[cell_group[at_top]] = cells[at_top] % 32
    return largest, n_top


def _oldest_bits(
    f: Facts, member: np.ndarray, g: np.ndarray, ms: np.ndarray, valid: np.ndarray
) -> np.ndarray:
    """AMMR Art. 28(b): per group the Member States responsible for its oldest members (earliest birth)."""
    n = f.n
    dob = f.batch.applicants.dob[member].astype(np.int64)
    oldest_dob = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(oldest_dob, g, dob)
    is_oldest = dob == oldest_dob[g]
    oldest_bits = np.zeros(n, dtype=np.uint32)
    sel = is_oldest & valid
    np.bitwise_or.at(oldest_bits, g[sel], np.left_shift(np.uint32(1), ms[sel].astype(np.uint32)))
    return oldest_bits


def _flags(f: Facts, law: Law, groups: Groups) -> tuple[Flag, Flag]:
    """AMMR Art. 28: the advisory flag (co-applicants not in the batch) and the tie flag of point (b)."""
    n, fam = f.n, f.batch.family
    flag = new_flag(
        "family_procedure_incomplete",
        law.cite["family_procedure"],
        False,
        "family members' applications registered in the same Member State are listed, but their cases"
        " are not in this batch: decide them together (the family procedure may change the answer)",
        n,
    )
    if len(fam):
        unlinked = per_case_bits(~groups.linked_rows & groups.co_applicant, fam.case, fam.ms, n) > 0
        flag.mask[:] = unlinked & (groups.group < 0)
    tie_flag = new_flag(
        "tie", law.cite["family_procedure_b"], True, "the oldest family member cannot be determined", n
    )
    return flag, tie_flag


def evaluate(
    f: Facts,
    law: Law,
    groups: Groups,
    individual_ms: np.ndarray,
    earlier: np.ndarray,
    by_default: np.ndarray | None = None,
) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 28(a)–(b) given each case's individual result; `earlier` marks cases decided by a
    criterion that precedes Art. 28 (they keep it); `by_default` marks cases no criterion designates
    (Art. 16(2)), which then count for no Member State under point (a) (the `criteria_only` reading
    of `ammr.reading.family_procedure_default`)."""
    n = f.n
    citations = (law.cite["family_procedure"], law.cite["family_procedure_a"], law.cite["family_procedure_b"])
    rule = RuleEval.empty("family_procedure", n, citations, REASONS)
    flag, tie_flag = _flags(f, law, groups)
    member = (groups.group >= 0).nonzero()[0]
    if not len(member):
        return rule, [flag, tie_flag]
    g = groups.group[member]
    ms = individual_ms[member].astype(np.int64)
    size = np.bincount(g, minlength=n)
    bits = np.zeros(n, dtype=np.uint32)
    valid = ms >= 0
    np.bitwise_or.at(bits, g[valid], np.left_shift(np.uint32(1), ms[valid].astype(np.uint32)))
    separated = count_bits(bits) > 1
    counted = valid if by_default is None else valid & ~by_default[member]
    largest, n_top = _largest(g, ms, counted, n)
    by_a = separated & (n_top == 1)
    oldest_bits = _oldest_bits(f, member, g, ms, valid)
    by_b = separated & ~by_a & (count_bits(oldest_bits) == 1)
    undecided = separated & ~by_a & ~by_b
    _, exp = np.frexp(oldest_bits.astype(np.float64))
    group_ms = np.where(by_a, largest, np.where(by_b, exp - 1, -1))
    take = ~earlier[member]
    m_sep, m_a, m_b, m_und = separated[g], by_a[g], by_b[g], undecided[g]
    case_mask = np.zeros(n, dtype=bool)
    case_mask[member[take & ~m_sep]] = True
    rule.set(case_mask, NOT_APPLICABLE, 1)
    for cond, reason, cite in ((m_a, 2, 1), (m_b, 3, 2), (m_und, 4, 2)):
        case_mask = np.zeros(n, dtype=bool)
        case_mask[member[take & cond]] = True
        rule.set(case_mask, APPLIES, reason, cite=cite)
    target_ms = filled(n, -1, np.int8)
    target_ms[member] = group_ms[g]
    applies = rule.outcome == APPLIES
    rule.ms[applies] = target_ms[applies]
    count = np.zeros(n, dtype=np.int64)
    count[member] = size[g]
    group_bits = np.zeros(n, dtype=np.uint32)
    group_bits[member] = bits[g]
    rule.arg("n", count)
    rule.arg("bits", group_bits)
    tie_flag.mask[member[take & m_und]] = True
    tie_flag.bits[member] = np.where(m_und, bits[g], 0)
    return rule, [flag, tie_flag]


def _co_applicant_rows(f: Facts) -> np.ndarray:
    fam = f.batch.family
    minor_sibling = f.sibling & f.relative_minor
    return (
        (fam.status == STATUS["applicant"])
        & (fam.ms == f.reg_ms[fam.case])
        & (f.family_member | minor_sibling)
        & ~f.uam[fam.case]
    )
