"""AMMR Art. 25 (Dublin III Art. 8): unaccompanied minors, paragraphs 2 → 5 in order.

(2) the Member State where a family member or a sibling is legally present - for a married minor
whose spouse is not legally present, where the father, mother, other responsible adult or a
sibling is; (3) where a relative legally present "in another Member State" can take care of the
minor; (4) several Member States → decided on the best interests of the child: a blocking flag
listing them, never a guess; (5) otherwise the Member State of first registration. Every step
holds "unless it is demonstrated that it is not in the best interests of the child": the answer
carries an advisory flag saying so. Only Art. 25 applies to unaccompanied minors (25(1)): the
other criteria are not examined for them.
"""

from __future__ import annotations

import numpy as np

from migralex.rules.responsibility.common import REL, Facts, Law, count_bits, per_case_bits, single_state
from migralex.rules.trace import APPLIES, NOT_APPLICABLE, NOT_EXAMINED, Flag, RuleEval, new_flag

FAMILY_REASONS = (
    "no family member or sibling of the unaccompanied minor is legally present in a Member State",
    "a family member or sibling of the unaccompanied minor is legally present in {ms}",
    "the married minor's spouse is not legally present; a parent, responsible adult or sibling is"
    " legally present in {ms}",
    "family members or siblings are legally present in several Member States ({bits}): the Member"
    " State responsible is decided on the best interests of the child",
)
RELATIVE_REASONS = (
    "no relative legally present in another Member State who can take care of the minor",
    "a relative legally present in {ms} can take care of the minor",
    "relatives who can take care of the minor are legally present in several Member States ({bits}):"
    " the Member State responsible is decided on the best interests of the child",
    "a relative who can take care of the minor is legally present only in {ms_reg}, the Member State"
    " of registration, not in another Member State",
)
NONE_REASONS = (
    "",
    "no family member, sibling or relative as referred to in paragraphs 2 and 3: {ms_reg}, where the"
    " application was first registered, is responsible, if it is in the best interests of the child",
)


SEVERAL = (
    "family members, siblings or relatives are in several Member States ({candidates}): choose on"
    " the best interests of the child (AMMR Art. 23(4))"
)
INTERESTS = (
    "unaccompanied minor: the designation holds unless it is demonstrated that it is not in the best"
    " interests of the child (assessment under AMMR Art. 23(4))"
)


def _none_examined(law: Law, n: int) -> tuple[list[RuleEval], list[Flag]]:
    """AMMR Art. 25(1): the rules and flags of `evaluate` for a batch without unaccompanied minors
    (every case NOT_EXAMINED, no flag raised)."""
    rules = [
        RuleEval.empty(key, n, citations, reasons)
        for key, citations, reasons in (
            ("uam_family", (law.cite["uam_family"], law.cite["uam_several"]), FAMILY_REASONS),
            ("uam_relative", (law.cite["uam_relative"], law.cite["uam_several"]), RELATIVE_REASONS),
            ("uam_none", (law.cite["uam_none"],), NONE_REASONS),
        )
    ]
    for rule in rules:
        rule.outcome[:] = NOT_EXAMINED
    rules[0].arg("bits", np.zeros(n, dtype=np.uint32))
    rules[1].arg("bits", np.zeros(n, dtype=np.uint32))
    return rules, [
        new_flag("best_interests_choice", law.cite["uam_several"], True, SEVERAL, n),
        new_flag("best_interests_of_child", law.cite["uam"], False, INTERESTS, n),
    ]


def _family_bits(f: Facts) -> tuple[np.ndarray, np.ndarray]:
    """AMMR Art. 25(2): per minor the Member States of family members or siblings (and of the second
    sentence only: a married minor's carers or siblings where the spouse is not legally present)."""
    fam, n, uam = f.batch.family, f.n, f.uam
    legal = f.legally_present
    r = fam.relation
    spouse_legal = per_case_bits((r == REL["spouse"]) & legal, fam.case, fam.ms, n) > 0
    carer = (r == REL["parent"]) | (r == REL["responsible_adult"])
    first_sentence = (f.family_member | f.sibling) & legal
    married_no_spouse = (f.married & ~spouse_legal)[fam.case]
    second_sentence = (carer | f.sibling) & legal & married_no_spouse
    rows2 = (first_sentence | second_sentence) & uam[fam.case]
    bits2 = per_case_bits(rows2, fam.case, fam.ms, n)
    only_second = per_case_bits(second_sentence & ~first_sentence & uam[fam.case], fam.case, fam.ms, n)
    return bits2, only_second


def _family_rule(f: Facts, law: Law, bits2: np.ndarray, only_second: np.ndarray) -> RuleEval:
    """AMMR Art. 25(2), (4): one Member State of family members or siblings, or several (best interests)."""
    n, uam = f.n, f.uam
    n2 = count_bits(bits2)
    rule = RuleEval.empty("uam_family", n, (law.cite["uam_family"], law.cite["uam_several"]), FAMILY_REASONS)
    rule.set(~uam, NOT_EXAMINED, 0)
    one2 = uam & (n2 == 1)
    rule.set(one2, APPLIES, 1, cite=0, ms=single_state(bits2))
    rule.set(one2 & (only_second == bits2), APPLIES, 2)
    rule.set(uam & (n2 > 1), APPLIES, 3, cite=1)
    rule.arg("bits", bits2)
    return rule


def _relative_rule(f: Facts, law: Law, bits3: np.ndarray) -> RuleEval:
    """AMMR Art. 25(3), (4): a relative in another Member State who can take care of the minor, or several."""
    n, uam = f.n, f.uam
    n3 = count_bits(bits3)
    reg_bit = np.left_shift(np.uint32(1), np.maximum(f.reg_ms, 0).astype(np.uint32))
    other3 = bits3 & ~reg_bit
    rule = RuleEval.empty(
        "uam_relative", n, (law.cite["uam_relative"], law.cite["uam_several"]), RELATIVE_REASONS
    )
    rule.set(~uam, NOT_EXAMINED, 0)
    rule.set(uam & (n3 == 1) & (other3 > 0), APPLIES, 1, cite=0, ms=single_state(bits3))
    rule.set(uam & (n3 == 1) & (other3 == 0), NOT_APPLICABLE, 3)
    rule.set(uam & (n3 > 1), APPLIES, 2, cite=1)
    rule.arg("bits", bits3)
    return rule


def _flags(f: Facts, law: Law, bits2: np.ndarray, bits3: np.ndarray) -> list[Flag]:
    """AMMR Art. 25(4) (several Member States: a blocking choice) and the best interests of the child."""
    n, uam = f.n, f.uam
    n2, n3 = count_bits(bits2), count_bits(bits3)
    several = new_flag(
        "best_interests_choice",
        law.cite["uam_several"],
        True,
        SEVERAL,
        n,
    )
    blocked2 = uam & (n2 > 1)
    blocked3 = uam & (n3 > 1) & (n2 == 0)
    several.mask[:] = blocked2 | blocked3
    several.bits[:] = np.where(blocked2, bits2, np.where(blocked3, bits3, 0))
    interests = new_flag(
        "best_interests_of_child",
        law.cite["uam"],
        False,
        INTERESTS,
        n,
    )
    interests.mask[:] = uam & ~several.mask
    return [several, interests]


def evaluate(f: Facts, law: Law, across_paragraphs: bool = False) -> tuple[list[RuleEval], list[Flag]]:
    """AMMR Art. 25(2), (3), (4), (5) for unaccompanied minors (NOT_EXAMINED for everyone else)."""
    fam, n, uam = f.batch.family, f.n, f.uam
    if not np.count_nonzero(uam):  # no unaccompanied minor in the batch: the same answer, without the work
        return _none_examined(law, n)
    bits2, only_second = _family_bits(f)
    rows3 = f.relative & f.legally_present & fam.can_take_care & uam[fam.case]
    bits3 = per_case_bits(rows3, fam.case, fam.ms, n)
    if across_paragraphs:
        union = bits2 | bits3
        choose2 = uam & (count_bits(bits2) > 0) & (count_bits(union) > 1)
        bits2 = np.where(choose2, union, bits2)
    none_rule = RuleEval.empty("uam_none", n, (law.cite["uam_none"],), NONE_REASONS)
    none_rule.set(~uam, NOT_EXAMINED, 0)
    none_rule.set(uam, APPLIES, 1, ms=f.reg_ms)
    rules = [_family_rule(f, law, bits2, only_second), _relative_rule(f, law, bits3), none_rule]
    return rules, _flags(f, law, bits2, bits3)
