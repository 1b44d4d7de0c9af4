"""Dependent persons (AMMR Art. 34; Dublin III Art. 16, the same words): which Member State, batch-wise.

Art. 34(1): where the applicant depends on the assistance of a child, sibling or parent "legally
resident in one of the Member States" (or that person on the applicant's), "Member States shall
normally keep or bring together the applicant with that child, sibling or parent", provided the
family ties existed before the arrival, one of them can take care of the dependent person and both
wished it in writing. Art. 34(2): where that person "is legally resident in a Member State other
than the one where the applicant is present, the Member State responsible shall be the Member
State where that child, sibling or parent is legally resident, unless the applicant's health
prevents him or her from travelling to that Member State for a significant period of time. In such
a case, the Member State responsible shall be the Member State where the applicant is present",
which "shall not be subject to the obligation to bring the child, sibling or parent of the
applicant to its territory".

The reading here:
- the exception is the applicant's health only (the dependent person's health does not engage it),
  recorded as the case fact `applicant.health_prevents_travel` (a finding of the Member State;
  Art. 34(3)(d) leaves its elements to a delegated act); nothing else is required for it;
- it matters only where the person is legally resident in another Member State than the one where
  the applicant is present: a person in that State keeps the applicant there under Art. 34(1),
  whatever the applicant's health (no travel is needed);
- the Member State where the applicant is present is the State of registration for the
  responsibility answer, and the benefitting Member State for relocation (the applicant is on its
  territory: Art. 67);
- the dependency itself is a human finding: the responsibility answer only flags Art. 34 (advisory:
  `dependent_persons`, or `dependent_persons_unable_to_travel` where the exception applies, naming
  the State Art. 34 points to); relocation uses `family[].dependency_established` (rules.relocation).
"""

from __future__ import annotations

import numpy as np

from migralex.cases.batch import CaseBatch
from migralex.cases.codes import ms_bits
from migralex.rules.responsibility.common import REL, STATUS, Facts, Law, in_codes, per_case_bits
from migralex.rules.trace import Flag, new_flag

#: Statuses of a person "legally resident" in a Member State (Art. 34(1)).
RESIDENT = ("beneficiary_of_international_protection", "long_term_resident", "naturalised_former_beneficiary",
            "legally_present")  # fmt: skip
KIN = ("child", "sibling", "parent")


def person_rows(batch: CaseBatch) -> np.ndarray:
    """Per family row: a child, sibling or parent legally resident in a Member State, ties before the
    arrival, able to take care, the wish in writing - AMMR Art. 34(1) short of the dependency itself."""
    fam = batch.family
    resident = in_codes(fam.status, [STATUS[s] for s in RESIDENT])
    kin = in_codes(fam.relation, [REL[r] for r in KIN])
    return kin & resident & fam.existed_before_arrival & fam.can_take_care & fam.consent_in_writing


def unable_to_travel(batch: CaseBatch, present: np.ndarray) -> np.ndarray:
    """Per family row: the person is legally resident in a Member State other than `present` (per case,
    where the applicant is present) and the applicant's health prevents travelling there (Art. 34(2))."""
    fam = batch.family
    health = np.asarray(batch.applicants.health_prevents_travel, dtype=bool)
    return (fam.ms != present[fam.case]) & health[fam.case]


def designated(batch: CaseBatch, present: np.ndarray) -> np.ndarray:
    """Per family row, the Member State Art. 34 points to: where the person is legally resident (34(1)
    keep together, 34(2) first sentence), or where the applicant is present (34(2) health exception)."""
    fam = batch.family
    return np.where(unable_to_travel(batch, present), present[fam.case], fam.ms).astype(np.int8)


def flags(f: Facts, law: Law, ms: np.ndarray, show: np.ndarray) -> tuple[list[Flag], np.ndarray]:
    """AMMR Art. 34 / Dublin III Art. 16: the advisory flags where `show` and a person lives elsewhere
    than `ms`, and per case the bits of the States of all those persons (for Art. 35(2))."""
    fam, n, present = f.batch.family, f.n, f.reg_ms
    plain = new_flag(
        "dependent_persons",
        law.cite["dependants"],
        False,
        "a child, sibling or parent legally resident in {candidates} consented in writing: if the applicant"
        " or that person depends on the other's assistance (pregnancy, new-born child, serious illness,"
        " severe disability or trauma, old age), that Member State would normally be responsible",
        n,
    )
    health = new_flag(
        "dependent_persons_unable_to_travel",
        law.cite["dependants_2"],
        False,
        "a child, sibling or parent legally resident in another Member State consented in writing, but the"
        " applicant's health is recorded as preventing travel there for a significant period of time: if"
        " the applicant or that person depends on the other's assistance, the Member State where the"
        " applicant is present ({candidates}) would be responsible, not the one where that person is"
        " legally resident, and need not bring that person to its territory",
        n,
    )
    if not len(fam):  # no relation in the batch: neither flag is raised
        return [plain, health], np.zeros(n, dtype=np.uint32)
    rows = person_rows(f.batch) & (fam.ms != ms[fam.case])
    unable = rows & unable_to_travel(f.batch, present)
    all_bits = per_case_bits(rows, fam.case, fam.ms, n)
    plain_bits = per_case_bits(rows & ~unable, fam.case, fam.ms, n)
    plain.mask[:] = show & (plain_bits > 0)
    plain.bits[:] = np.where(plain.mask, plain_bits, 0)
    health.mask[:] = show & (per_case_bits(unable, fam.case, fam.ms, n) > 0)
    health.bits[:] = np.where(health.mask, ms_bits(present), 0)
    return [plain, health], all_bits
