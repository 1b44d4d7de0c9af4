"""Who may be relocated (AMMR Art. 67(2), (4), (5)): vectorised rules with their legal basis.

- Art. 67(2): "If there are reasonable grounds to consider that the person poses a threat to
  internal security ... the benefitting Member State shall not apply or shall immediately terminate
  the procedure"; for an applicant "the benefitting Member State shall be the Member State
  responsible in accordance with Article 16(4)".
- Art. 67(5), second subparagraph: applicants "for whom the benefitting Member State can be
  determined as the Member State responsible pursuant to the criteria set out in Articles 25 to 28
  and 34, with the exception of Article 25(5) ... shall not be eligible for relocation". The engine
  decides responsibility as if the applicant had not been relocated; a family criterion (Arts
  25(2)-(3), 26, 27, 28) naming the benefitting Member State makes the applicant ineligible.
  Art. 34 (dependent persons): where the case records the dependency as established
  (`family[].dependency_established`) with a child, sibling or parent legally resident in the
  benefitting Member State who meets the other conditions of Art. 34(1) (family ties before the
  arrival, able to take care, the wish expressed in writing), the benefitting Member State "can be
  determined as the Member State responsible" under Art. 34(1) - it keeps the applicant together
  with that person - and the applicant is not eligible (criterion `dependants`), whatever the
  criteria of Arts 25-33 name (the reading: "can be determined" under Art. 34 suffices). Where the
  dependency is not established it is reported as a check, not decided (a human finding).
- Part IV binds only the Member States bound by the AMMR: Denmark applies Parts III, V and VII
  through its agreement (recital 90), so a case whose benefitting Member State or Member State of
  relocation is Denmark (or an associated State) is `not_in_relocation` (the case format already
  refuses it; a batch built from frames is answered here).
- Art. 67(4), third subparagraph: a beneficiary of international protection "shall be relocated
  only after that person has consented to the relocation in writing".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch, as_batch, ids_column
from migralex.cases.format import Case
from migralex.law.params import ParameterSet
from migralex.law.participation import bound_mask
from migralex.rules.responsibility.common import REL, STATUS, in_codes
from migralex.rules.responsibility.hierarchy import decide_responsibility

#: Deciding criteria of Arts 25-28 (not 25(5)) that make the benefitting State responsible (67(5)).
FAMILY_CRITERIA = ("uam_family", "uam_relative", "protection_family", "applicant_family", "family_procedure")
CHECK_34 = "AMMR Art. 34: a dependent person in the benefitting Member State"
BASIS = {
    "not_in_relocation": "AMMR recital 90",
    "security_threat": "AMMR Art. 67(2)",
    "benefitting_responsible": "AMMR Art. 67(5)",
    "eligible": "AMMR Art. 67(5)",
    "no_consent": "AMMR Art. 67(4)",
    "consent_given": "AMMR Art. 67(4)",
    "consent_not_needed": "AMMR Art. 67(4)",
}


def benefitting_state(batch: CaseBatch) -> np.ndarray:
    """The benefitting Member State per case: `relocation.benefitting`, else the State of registration."""
    a = batch.applicants
    given = np.asarray(a.relocation_benefitting)
    return np.where(given >= 0, given, a.reg_ms).astype(np.int8)


def outside_part_iv(batch: CaseBatch, benefitting: np.ndarray, params: ParameterSet | None) -> np.ndarray:
    """Per case: the benefitting Member State or the Member State of relocation is not bound by AMMR
    Part IV (solidarity: Arts 67-68) - Denmark (recital 90: Parts III, V and VII only, through the
    EU-Denmark agreement) and the associated States; law/participation.yaml."""
    to = np.asarray(batch.applicants.relocated_to)
    bound = bound_mask("AMMR", benefitting, params, "Part IV")
    return ~bound | ((to >= 0) & ~bound_mask("AMMR", to, params, "Part IV"))


def dependants_in(batch: CaseBatch, state: np.ndarray, established: bool = False) -> np.ndarray:
    """Per case: a child, sibling or parent legally resident in `state` (per case) who consented in
    writing and can take care - the facts of AMMR Art. 34(1) short of the dependency itself, or with
    it (`established`: the dependency is recorded as established)."""
    fam = batch.family
    resident = in_codes(
        fam.status,
        [STATUS[s] for s in ("beneficiary_of_international_protection", "long_term_resident",
                             "naturalised_former_beneficiary", "legally_present")],
    )  # fmt: skip
    kin = in_codes(fam.relation, [REL["child"], REL["sibling"], REL["parent"]])
    rows = kin & resident & fam.existed_before_arrival & fam.can_take_care & fam.consent_in_writing
    rows &= fam.ms == state[fam.case]
    if established:
        rows &= fam.dependency
    return np.bincount(fam.case[rows], minlength=batch.n) > 0


def eligibility(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    params: ParameterSet | None = None,
) -> pl.DataFrame:
    """Per case: id, eligible, reason, legal_basis, responsible_member_state (as if not relocated),
    criterion, check (Art. 34 to verify, or null). AMMR Art. 67(2) and 67(5)."""
    batch = as_batch(cases)
    a = batch.applicants
    unrelocated = replace(batch, applicants=replace(a, relocated_to=np.full(batch.n, -1, np.int8)))
    result = decide_responsibility(unrelocated, params=params)
    benefitting = benefitting_state(batch)
    criterion = result.criteria()
    by_family = np.isin(criterion.astype(str), FAMILY_CRITERIA) & (result.member_state == benefitting)
    by_dependency = dependants_in(batch, benefitting, established=True) & ~by_family  # Art. 34(1)
    criterion = np.where(by_dependency, "dependants", criterion)
    responsible = np.where(by_dependency, benefitting, result.member_state)
    by_family |= by_dependency
    threat = np.asarray(a.security_threat, dtype=bool)
    reason = np.where(threat, "security_threat", np.where(by_family, "benefitting_responsible", "eligible"))
    reason = np.where(outside_part_iv(batch, benefitting, params), "not_in_relocation", reason)
    dependants_here = dependants_in(batch, benefitting)
    ms = pl.Series([*C.MEMBER_STATES, None], dtype=pl.Utf8)
    return pl.DataFrame(
        {
            "id": ids_column(a.id),
            "eligible": reason == "eligible",
            "reason": pl.Series(reason.tolist(), dtype=pl.Utf8),
            "legal_basis": pl.Series(reason.tolist(), dtype=pl.Utf8).replace_strict(BASIS),
            "benefitting": ms.gather(benefitting),
            "responsible_member_state": ms.gather(np.where(responsible < 0, len(C.MEMBER_STATES),
                                                           responsible)),
            "criterion": pl.Series(criterion.tolist(), dtype=pl.Utf8),
            "check": pl.Series(np.where(dependants_here & ~threat & ~by_family, CHECK_34, "").tolist(),
                               dtype=pl.Utf8).replace("", None),
        }
    )  # fmt: skip


def consent(status: pl.Expr, consent_in_writing: pl.Expr) -> pl.Expr:
    """AMMR Art. 67(4): "consent_given", "no_consent" (a beneficiary without written consent) or
    "consent_not_needed" (an applicant), as a polars expression over two columns."""
    beneficiary = status.fill_null("applicant") == "beneficiary"
    return (
        pl.when(~beneficiary)
        .then(pl.lit("consent_not_needed"))
        .when(consent_in_writing.fill_null(False))
        .then(pl.lit("consent_given"))
        .otherwise(pl.lit("no_consent"))
    )
