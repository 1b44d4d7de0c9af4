"""Shared shape of the two family criteria that need a written wish (AMMR Arts 26 and 27).

A family member (Art. 2(8)) in a given situation designates the Member State where he or she is,
"provided that the persons concerned have expressed their desire to that effect in writing".
Family members in that situation in several Member States: the articles do not rank them, so the
answer names none and raises a blocking flag with the candidates.
"""

from __future__ import annotations

import numpy as np

from migralex.rules.responsibility.common import Facts, Law, count_bits, per_case_bits, single_state
from migralex.rules.trace import APPLIES, EXCLUDED, Flag, RuleEval, new_flag


def designate(
    f: Facts,
    law: Law,
    key: str,
    rows: np.ndarray,
    near_miss: np.ndarray,
    reasons: tuple[str, ...],
    citations: tuple[str, ...],
    cite_rows: np.ndarray | None = None,
) -> tuple[RuleEval, list[Flag]]:
    """Apply a family criterion: `rows` are the qualifying family rows (consent included),
    `near_miss` rows that would qualify but for the written wish or the family's date (reason 2).

    Reasons: 0 none, 1 designates {ms}, 2 excluded (near miss), 3 several Member States ({bits}).
    `cite_rows` gives per family row the index of the pinpoint citation (default 0).
    """
    fam, n = f.batch.family, f.n
    if not len(fam):  # no family row in the batch: nobody designated, nothing flagged
        return nobody(f, law, key, reasons, citations)
    active = ~f.uam[fam.case]
    rows, near_miss = rows & active, near_miss & active
    bits = per_case_bits(rows, fam.case, fam.ms, n)
    k = count_bits(bits)
    rule = RuleEval.empty(key, n, citations, reasons)
    near = per_case_bits(near_miss, fam.case, fam.ms, n) > 0
    rule.set(near & (k == 0), EXCLUDED, 2)
    one = k == 1
    cite = np.zeros(n, dtype=np.int8)
    if cite_rows is not None:
        sel = rows.nonzero()[0]
        np.maximum.at(cite, fam.case[sel], cite_rows[sel].astype(np.int8))
    rule.set(one, APPLIES, 1, cite=cite, ms=single_state(bits))
    many = k > 1
    rule.set(many, APPLIES, 3, cite=0)
    rule.arg("bits", bits)
    flag = _several_flag(citations, n)
    flag.mask[:] = many
    flag.bits[:] = np.where(many, bits, 0)
    return rule, [flag]


def _several_flag(citations: tuple[str, ...], n: int) -> Flag:
    return new_flag(
        "several_member_states",
        citations[0],
        True,
        "family members in that situation are in several Member States ({candidates}); the article does"
        " not rank them: a person decides",
        n,
    )


def nobody(
    f: Facts, law: Law, key: str, reasons: tuple[str, ...], citations: tuple[str, ...]
) -> tuple[RuleEval, list[Flag]]:
    """`designate` for a batch without family rows: every case not applicable, no flag raised."""
    rule = RuleEval.empty(key, f.n, citations, reasons)
    rule.arg("bits", np.zeros(f.n, dtype=np.uint32))
    return rule, [_several_flag(citations, f.n)]
