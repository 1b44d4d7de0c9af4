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
  Art. 34 (dependent persons; rules/responsibility/art34_dependants.py): where the case records
  the dependency as established (`family[].dependency_established`) with a child, sibling or parent
  who meets the other conditions of Art. 34(1) (family ties before the arrival, able to take care,
  the wish expressed in writing), Art. 34 points to one Member State, and where that is the
  benefitting Member State, which "can be determined as the Member State responsible", the
  applicant is not eligible, whatever the criteria of Arts 25-33 name (the reading: "can be
  determined" under Art. 34 suffices). The applicant is present in the benefitting Member State, so:
  - the person legally resident in the benefitting Member State: Art. 34(1) keeps them together
    there (criterion `dependants`), whatever the applicant's health - Art. 34(2) and its health
    exception concern only a person "legally resident in a Member State other than the one where the
    applicant is present", and no travel is needed;
  - the person legally resident in another Member State: Art. 34(2) names that State, so Art. 34
    does not make the applicant ineligible - "unless the applicant's health prevents him or her from
    travelling to that Member State for a significant period of time"
    (`applicant.health_prevents_travel`): then "the Member State responsible shall be the Member
    State where the applicant is present", the benefitting Member State, without the obligation to
    bring that person to its territory, and the applicant is not eligible (criterion
    `dependants_unable_to_travel`; also, the applicant could not travel to a Member State of
    relocation either).
  Where the dependency is not established it is reported as a check, not decided (a human finding):
  for a person in the benefitting Member State, and, where the applicant's health prevents travel,
  for a person in another Member State.
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
from migralex.rules.responsibility import art34_dependants
from migralex.rules.responsibility.common import per_case_any
from migralex.rules.responsibility.hierarchy import decide_responsibility

#: Deciding criteria of Arts 25-28 (not 25(5)) that make the benefitting State responsible (67(5)).
FAMILY_CRITERIA = ("uam_family", "uam_relative", "protection_family", "applicant_family", "family_procedure")
CHECK_34 = "AMMR Art. 34: a dependent person in the benefitting Member State"
CHECK_34_2 = (
    "AMMR Art. 34(2): a dependent person in another Member State, the applicant's health preventing"
    " travel there"
)
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
    rows = art34_dependants.person_rows(batch) & (fam.ms == state[fam.case])
    if established:
        rows &= fam.dependency
    return per_case_any(rows, fam.case, batch.n)


def by_article_34(batch: CaseBatch, benefitting: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case, AMMR Art. 34 with the dependency established names the benefitting Member State: under
    34(1) (the person lives there), under 34(2) (elsewhere, the applicant unable to travel); and per
    case the 34(2) check (such a person elsewhere, the applicant unable to travel, not established)."""
    fam = batch.family
    rows = art34_dependants.person_rows(batch) & art34_dependants.unable_to_travel(batch, benefitting)
    here = dependants_in(batch, benefitting, established=True)
    away = per_case_any(rows & fam.dependency, fam.case, batch.n) & ~here
    check = per_case_any(rows & ~fam.dependency, fam.case, batch.n)
    return here, away, check


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
    here, away, check_away = by_article_34(batch, benefitting)
    by_dependency = (here | away) & ~by_family  # Art. 34(1), or 34(2) with the health exception
    criterion = np.where(
        by_dependency, np.where(here, "dependants", "dependants_unable_to_travel"), criterion
    )
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
            "check": pl.Series(_check(dependants_here, check_away, ~threat & ~by_family).tolist(),
                               dtype=pl.Utf8).replace("", None),
        }
    )  # fmt: skip


def _check(here: np.ndarray, away: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """The Art. 34 check to make per case ("" none): 34(1) in the benefitting State first, then 34(2)."""
    return np.where(open_ & here, CHECK_34, np.where(open_ & away, CHECK_34_2, ""))


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
