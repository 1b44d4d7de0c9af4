"""AMMR Art. 26 (Dublin III Art. 9): a family member who is a beneficiary or long-term resident.

(1) The Member State where a family member "has been allowed to reside as a beneficiary of
international protection" or resides on a long-term residence permit; (2) also where the family
member, formerly a beneficiary, has become a citizen of that Member State; (3) also for "children
born after the family member arrived" (the pre-arrival condition of Art. 2(8) does not apply to
a child applicant whose parent is the beneficiary); always "provided that the persons concerned
have expressed their desire to that effect in writing". Dublin III Art. 9 covers beneficiaries
only: long-term residents and naturalised former beneficiaries do not count under it; and it holds
"regardless of whether the family was previously formed in the country of origin", so under it a
family formed after arrival counts (the relation must still be one of Art. 2(g)). Its reasons
(`DUBLIN3_REASONS`) name beneficiaries only.
"""

from __future__ import annotations

import numpy as np

from migralex.rules.responsibility.common import REL, STATUS, Facts, Law
from migralex.rules.responsibility.family_criteria import designate, nobody
from migralex.rules.trace import NOT_APPLICABLE, Flag, RuleEval

REASONS = (
    "no family member who is a beneficiary of international protection or a long-term resident",
    "a family member resides in {ms} as a beneficiary of international protection or long-term"
    " resident (or naturalised former beneficiary), and the persons concerned expressed their desire"
    " in writing",
    "a family member is a beneficiary or long-term resident, but the persons concerned have not"
    " expressed their desire in writing, or the family did not exist before arrival",
    "family members who are beneficiaries or long-term residents are in several Member States ({bits})",
)
DUBLIN3_REASONS = (
    "no family member who has been allowed to reside as a beneficiary of international protection",
    "a family member has been allowed to reside in {ms} as a beneficiary of international protection,"
    " and the persons concerned expressed their desire in writing",
    "a family member has been allowed to reside as a beneficiary of international protection, but the"
    " persons concerned have not expressed their desire in writing",
    "family members who are beneficiaries of international protection are in several Member States ({bits})",
    "no family member who has been allowed to reside as a beneficiary of international protection: a"
    " long-term resident or a naturalised former beneficiary counts under AMMR Art. 26, not under"
    " Dublin III Art. 9",
)


def evaluate(f: Facts, law: Law) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 26(1)–(3)."""
    fam = f.batch.family
    citations = (law.cite["protection_family"], *(law.cite[f"protection_family_{i}"] for i in (1, 2, 3)))
    reasons = DUBLIN3_REASONS if law.regime == "DUBLIN_III" else REASONS
    if not len(fam):
        return nobody(f, law, "protection_family", reasons, citations)
    s = fam.status
    beneficiary = s == STATUS["beneficiary_of_international_protection"]
    naturalised = s == STATUS["naturalised_former_beneficiary"]
    long_term = s == STATUS["long_term_resident"]
    if law.regime == "DUBLIN_III":
        status_ok = beneficiary
        after_arrival_child = np.zeros(len(fam), dtype=bool)
        member = f.family_member_kind  # "regardless of whether the family was previously formed"
    else:
        status_ok = beneficiary | naturalised | long_term
        carer = (fam.relation == REL["parent"]) | (fam.relation == REL["responsible_adult"])
        after_arrival_child = carer & f.family_member_kind & ~fam.existed_before_arrival
        member = f.family_member | after_arrival_child
    rows = status_ok & member & fam.consent_in_writing
    near = status_ok & f.family_member_kind & ~rows
    cite_rows = np.where(after_arrival_child, 3, np.where(naturalised, 2, 1))
    rule, flags = designate(f, law, "protection_family", rows, near, reasons, citations, cite_rows)
    if law.regime == "DUBLIN_III":
        ammr_only = (naturalised | long_term) & f.family_member_kind & ~f.uam[fam.case]
        said = np.bincount(fam.case[ammr_only], minlength=f.n) > 0
        rule.set(said & (rule.outcome == NOT_APPLICABLE), NOT_APPLICABLE, 4)
    return rule, flags
