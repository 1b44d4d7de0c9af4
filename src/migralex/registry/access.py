"""Who may do what: deny by default, purpose limitation by role, law-enforcement conditions.

A caller is an authority of one Member State with one role (policy.yaml `roles`). It may
register the categories its role lists, record the actions its role lists on datasets its own
Member State transmitted (Art. 40(3)), read its own Member State's datasets of the categories its
role lists (Art. 40(1)–(2), Art. 48(2)(g)), and read another Member State's dataset only as the
result of a comparison it made (Art. 40(1) second subparagraph, Art. 27(4)) until that hit is
found not to correspond (Art. 38(6)). Law-enforcement comparisons need a reasoned request meeting
every condition of Art. 33(1) (or the CIR route of Art. 33(2)); data of a child under 14 need
additional grounds (Art. 14(3)). Everything else is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from migralex.countries import normalise_member_state
from migralex.errors import InvalidInput, MigralexError, UnknownReference
from migralex.law import ParameterSet, compare, params
from migralex.law.dates import age_on
from migralex.registry.categories import Category, CategoryRule, Citation, Role, RoleRule, policy

#: Member-State code of an operator acting for the Union (eu-LISA).
EU_OPERATOR = "EU"


class AccessDenied(MigralexError, PermissionError):
    """The caller's role or Member State may not do this; `basis` cites the rule applied."""

    def __init__(self, reason: str, basis: str) -> None:
        super().__init__(f"{reason} ({basis})")
        self.reason = reason
        self.basis = basis


class NotVisible(UnknownReference):
    """No such dataset, or none this caller may see (the two are not distinguished)."""


class Unauthenticated(MigralexError, PermissionError):
    """No valid token."""


class Throttled(Unauthenticated):
    """Too many refused tokens from one client in a window: refused before any lookup (HTTP 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed authentications; retry in {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Caller:
    """An authenticated authority: token, Member State, role."""

    token_id: str
    member_state: str
    role: Role

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        if self.role is Role.operator and self.member_state == EU_OPERATOR:
            return  # the operator may be the Union's (eu-LISA, Art. 4) rather than a Member State's
        object.__setattr__(self, "member_state", normalise_member_state(self.member_state))

    @property
    def rule(self) -> RoleRule:
        """The role's rule."""
        return policy().roles[self.role]

    def purpose(self) -> str:
        """The purposes of the role, cited (`Eurodac Art. 1(1)(a); …`)."""
        return "; ".join(p.cite() for p in self.rule.purposes)


def may_register(caller: Caller, category: CategoryRule) -> None:
    """A role registers only its categories (its purposes, Art. 1(1); designation, Art. 40(2))."""
    if category.key not in caller.rule.register:
        raise AccessDenied(
            f"role {caller.role} may not register {category.key} datasets",
            policy().access["designation"].cite(),
        )


def may_compare(caller: Caller, kind: str) -> None:
    """Searches without registration: Art. 18(1) comparisons (asylum) and law enforcement."""
    if kind not in caller.rule.compare:
        raise AccessDenied(f"role {caller.role} may not make {kind} comparisons", _purpose_basis(caller))


def may_act(caller: Caller, dataset_ms: str, category: CategoryRule, action: str) -> None:
    """Only the Member State of origin amends its data (Art. 40(3)), as its role and the category allow."""
    p = policy()
    if dataset_ms != caller.member_state:
        raise AccessDenied(
            "only the Member State of origin may amend a dataset", p.access["only_origin_amends"].cite()
        )
    if action not in caller.rule.actions:
        raise AccessDenied(f"role {caller.role} may not record {action}", _purpose_basis(caller))
    if action not in category.actions:
        raise AccessDenied(
            f"{action} is not a datum of category {category.key}", p.actions[action].basis.cite()
        )


def may_operate(caller: Caller, operation: str) -> None:
    """Statistics, retention, audit and temporary-protection decisions: the operator only."""
    if operation not in caller.rule.operations:
        raise AccessDenied(
            f"role {caller.role} may not run {operation}", policy().access["authorisation"].cite()
        )


def read_scope(caller: Caller, dataset: Mapping[str, Any], hit_visible: bool) -> str:
    """`own` (own Member State, role's categories), `hit` (a comparison result) or refuse (NotVisible)."""
    if caller.role is Role.operator:
        raise NotVisible("the operator role has no access to personal data")
    if dataset["member_state"] == caller.member_state and Category(dataset["category"]) in caller.rule.read:
        return "own"
    if hit_visible:
        return "hit"
    raise NotVisible(f"dataset {dataset['id']} is not visible to {caller.member_state}/{caller.role}")


def _purpose_basis(caller: Caller) -> str:
    return caller.purpose() or policy().access["authorisation"].cite()


# --- law enforcement -------------------------------------------------------------------------

OFFENCES = ("terrorist", "serious")


@dataclass(frozen=True)
class LawEnforcementRequest:
    """A reasoned electronic request (Art. 32(1)) with what Art. 51(2) says the log must show."""

    offence: str
    offence_type: str
    national_file_number: str
    necessity_grounds: str
    specific_case: str
    substantial_contribution_grounds: str
    requesting_official: str
    max_sentence_years: int | None = None
    national_databases_checked: bool = False
    prum_checked: bool = False
    prum_not_useful_grounds: str | None = None
    cir_indicated: bool = False
    urgent: bool = False
    child_grounds: str | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> LawEnforcementRequest:
        """Build from a JSON object; unknown fields are errors naming the field."""
        if not isinstance(raw, Mapping):
            raise InvalidInput("request", "expected an object")
        fields = set(cls.__dataclass_fields__)
        for key in raw:
            if key not in fields:
                raise InvalidInput(f"request.{key}", f"unknown field; fields: {', '.join(sorted(fields))}")
        try:
            return cls(**dict(raw))
        except TypeError as exc:
            raise InvalidInput("request", str(exc)) from None


def check_law_enforcement(
    request: LawEnforcementRequest, on: dt.date, ps: ParameterSet | None = None
) -> list[Citation]:
    """The verifying authority's check (Art. 32(1)): every condition of Art. 33(1) must be met.

    Returns the conditions met; raises AccessDenied listing every unmet one. The check is formal
    (the grounds are stated, the prior checks were made, the offence is serious enough): the
    judgment on the grounds stays with the verifying authority, whose decision is logged.
    """
    ps = ps or params()
    p = policy()
    cond = p.le_conditions
    unmet: list[str] = []
    if request.offence not in OFFENCES:
        raise InvalidInput("request.offence", f"one of {', '.join(OFFENCES)} (Art. 2(1)(o)–(p))")
    if request.offence == "serious":
        minimum = ps["eurodac.law_enforcement.serious_offence_minimum_sentence"]
        years = request.max_sentence_years
        if years is None or not compare(np.array([years]), minimum.boundary, minimum.value_at(on).value)[0]:
            unmet.append(
                f"a serious criminal offence is punishable by a maximum of at least "
                f"{minimum.describe_value(minimum.value_at(on))} ({minimum.ref.cite()})"
            )
    prior_ok = request.cir_indicated or (
        request.national_databases_checked
        and (request.prum_checked or bool(_filled(request.prum_not_useful_grounds)))
    )
    if not prior_ok:
        unmet.append(
            "prior check of national databases and Prüm AFIS, or CIR indication "
            f"({cond['prior_checks'].cite()}, "
            f"{p.law_enforcement['cir_shortcut'].cite()})"
        )
    for name, value in (
        ("necessity", request.necessity_grounds),
        ("specific_case", request.specific_case),
        ("substantial_contribution", request.substantial_contribution_grounds),
    ):
        if not _filled(value):
            unmet.append(f"{name.replace('_', ' ')} stated ({cond[name].cite()})")
    for name, value in (
        ("offence_type", request.offence_type),
        ("national_file_number", request.national_file_number),
        ("requesting_official", request.requesting_official),
    ):
        if not _filled(value):
            unmet.append(f"{name.replace('_', ' ')} given ({p.law_enforcement['logging'].cite()})")
    if unmet:
        raise AccessDenied(
            "law-enforcement conditions not met: " + "; ".join(unmet), p.law_enforcement["request"].cite()
        )
    return list(cond.values())


def _filled(value: str | None) -> bool:
    return isinstance(value, str) and len(value.strip()) >= 3


def child_data_withheld(
    date_of_birth: np.ndarray,
    taken_on: np.ndarray,
    search_on: dt.date,
    has_child_grounds: bool,
    ps: ParameterSet | None = None,
) -> np.ndarray:
    """Which candidates' data are withheld from a law-enforcement search (Art. 14(3)).

    A candidate is withheld when the person was a child under 14 (on the date the data were
    taken, on the date of the search, or either: reading `eurodac.reading.law_enforcement_child_age_on`)
    and the request gives no additional grounds. An unknown date of birth counts as a child.
    """
    ps = ps or params()
    if has_child_grounds:
        return np.zeros(len(date_of_birth), dtype=bool)
    limit = ps["eurodac.law_enforcement.child_age"]
    reading = ps.value("eurodac.reading.law_enforcement_child_age_on", search_on)
    dob = np.asarray(date_of_birth, dtype="datetime64[D]")
    taken = np.asarray(taken_on, dtype="datetime64[D]")
    search = np.full(dob.shape, np.datetime64(search_on, "D"))
    unknown = np.isnat(dob)
    safe = np.where(unknown, taken, dob)
    at_capture = compare(age_on(safe, taken), limit.boundary, limit.at(taken).astype(np.int64))
    at_search = compare(age_on(safe, search), limit.boundary, limit.at(search).astype(np.int64))
    child = {"either": at_capture | at_search, "at_capture": at_capture, "at_search": at_search}[reading]
    return child | unknown
