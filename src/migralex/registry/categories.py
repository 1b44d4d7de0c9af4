"""The registry's categories, their data elements, comparison rules, actions and roles (policy.yaml).

The structure of Regulation (EU) 2024/1358 is data: `policy.yaml` lists each category of person
(Arts 15, 18, 20, 22, 23, 24, 26), the data its article allows (Arts 17, 19, 21, 22–24, 26), the
categories it is compared with (Arts 27, 28), the additional data it takes (Arts 16, 17(2), 25,
30, 31) and the roles that may touch it (Arts 1(1), 40, 48(2)(g)). Numbers come from `params()`.
A category may be governed by another act (`act:`; the SIS alerts on return of Regulation (EU)
2018/1860): its citations name that act, and where the act's text is not shipped they are tagged
SECONDARY, carry no quote and say where the words come from (`note`). A citation of an act whose
text is shipped is always TEXT with a quote (checked against the text by tests/registry/test_policy.py).
The vectorised functions here (transmission deadlines, retention, minimum age) are pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from migralex.errors import InvalidInput, LawDataError, UnknownReference
from migralex.law import LegalRef, ParameterSet, compare, params
from migralex.law.dates import add_years_clamped, age_on
from migralex.law.texts import TEXT_FILES

#: Confidence tags of a policy citation: the words are quoted from the shipped text, or the act's
#: text is not shipped and the reference comes from a secondary reading (legal-spec.md §0.1).
CITATION_CONFIDENCE = ("TEXT", "SECONDARY")


class Category(StrEnum):
    """The categories of persons whose biometric data Eurodac takes."""

    applicant = "applicant"
    admission_registered = "admission_registered"
    admission_granted = "admission_granted"
    admission_refused = "admission_refused"
    admission_discontinued = "admission_discontinued"
    national_resettlement = "national_resettlement"
    irregular_crossing = "irregular_crossing"
    illegal_stay = "illegal_stay"
    sar_disembarkation = "sar_disembarkation"
    temporary_protection = "temporary_protection"
    return_alert = "return_alert"


class Role(StrEnum):
    """Roles of the authorities that call the registry."""

    asylum = "asylum"
    border = "border"
    return_ = "return"
    law_enforcement = "law_enforcement"
    operator = "operator"


@dataclass(frozen=True)
class Citation:
    """A pinpoint reference with the words of the article it relies on."""

    ref: LegalRef
    quote: str | None = None
    confidence: str = "TEXT"
    note: str | None = None

    def cite(self) -> str:
        """`Eurodac Art. 27(1)`."""
        return self.ref.cite()


@dataclass(frozen=True)
class CategoryRule:
    """What the Regulation says about one category of person."""

    key: Category
    title: str
    act: str
    collection: Citation
    data: Citation
    elements: frozenset[str]
    required: frozenset[str]
    recorded: bool
    reference_digit: str | None
    reference_ref: Citation | None
    transmission: str | None
    technical_extension: str | None
    sudden_influx_extension: str | None
    retention: str | None
    compared: bool
    compared_with: frozenset[Category]
    compared_with_if_marked: frozenset[Category]
    comparison: Citation
    citizenship_erasure: bool
    actions: frozenset[str]
    #: The ground of automatic erasure at the end of `retention` (None: Eurodac Art. 29(10)).
    expiry: Citation | None = None


@dataclass(frozen=True)
class ActionRule:
    """An additional datum or status change and where the law provides it."""

    key: str
    basis: Citation
    notify: str | None
    erases: bool = False


@dataclass(frozen=True)
class RoleRule:
    """What one role may register, compare, record and read, for which purposes."""

    key: Role
    title: str
    purposes: tuple[Citation, ...]
    register: frozenset[Category]
    compare: frozenset[str]
    actions: frozenset[str]
    read: frozenset[Category]
    verify_hits: bool
    operations: frozenset[str]


@dataclass(frozen=True)
class Policy:
    """The whole registry policy."""

    categories: Mapping[Category, CategoryRule]
    actions: Mapping[str, ActionRule]
    roles: Mapping[Role, RoleRule]
    access: Mapping[str, Citation]
    le_conditions: Mapping[str, Citation]
    law_enforcement: Mapping[str, Citation]
    le_compared_with: frozenset[Category]
    excluded_tp_decisions: frozenset[str]
    excluded_tp_ref: Citation
    own_data_comparison: Citation
    facial_comparison: Citation
    hit_verification: Citation
    linking: Citation
    elements: Mapping[str, str]
    all_citations: tuple[tuple[str, Citation], ...]
    return_check: Citation
    return_check_compared_with: frozenset[Category]
    return_measures: Mapping[str, tuple[str, Citation]]

    def category(self, key: str, *, field: str = "category") -> CategoryRule:
        """The rule of one category; an unknown name is an error naming the field."""
        try:
            return self.categories[Category(key)]
        except ValueError:
            raise InvalidInput(field, f"unknown category {key!r}; one of {', '.join(Category)}") from None

    def role(self, key: str) -> RoleRule:
        """The rule of one role."""
        try:
            return self.roles[Role(key)]
        except ValueError:
            raise InvalidInput("role", f"unknown role {key!r}; one of {', '.join(Role)}") from None


def _citation(raw: Mapping[str, Any], act: str, where: str, found: list[tuple[str, Citation]]) -> Citation:
    """A citation of `act` (or of the act it names): TEXT with a quote where the act's text is
    shipped, SECONDARY without a quote (and with a `note` saying where it comes from) where not."""
    if not isinstance(raw, Mapping) or "article" not in raw:
        raise LawDataError(f"registry/policy.yaml: {where}: expected {{article, paragraph, point, quote}}")
    act = str(raw.get("act", act))
    confidence = str(raw.get("confidence", "TEXT"))
    if confidence not in CITATION_CONFIDENCE:
        raise LawDataError(
            f"registry/policy.yaml: {where}: confidence one of {', '.join(CITATION_CONFIDENCE)}"
        )
    shipped = act in TEXT_FILES
    if confidence == "TEXT" and not (shipped and raw.get("quote")):
        raise LawDataError(
            f"registry/policy.yaml: {where}: a TEXT citation quotes the shipped text of its act"
            + ("" if shipped else f" ({act} is not shipped: tag it SECONDARY with a note)")
        )
    if confidence == "SECONDARY" and (shipped or raw.get("quote") or not raw.get("note")):
        raise LawDataError(
            f"registry/policy.yaml: {where}: a SECONDARY citation is of an act whose text is not "
            "shipped, has no quote (nothing to check it against) and a note saying where it comes from"
        )
    ref = LegalRef(
        act,
        str(raw["article"]),
        str(raw["paragraph"]) if raw.get("paragraph") is not None else None,
        raw.get("point"),
    )
    c = Citation(ref, raw.get("quote"), confidence, raw.get("note"))
    found.append((where, c))
    return c


def _categories(names: Any, where: str) -> frozenset[Category]:
    try:
        return frozenset(Category(n) for n in names or ())
    except ValueError as exc:
        raise LawDataError(f"registry/policy.yaml: {where}: {exc}") from None


def _action(key: str, body: Mapping[str, Any], act: str, found: list[tuple[str, Citation]]) -> ActionRule:
    return ActionRule(
        key, _citation(body, act, f"actions.{key}", found), body.get("notify"), bool(body.get("erases"))
    )


def _category(
    key: str,
    body: Mapping[str, Any],
    raw: Mapping[str, Any],
    policy_act: str,
    actions: Mapping[str, ActionRule],
    found: list[tuple[str, Citation]],
) -> CategoryRule:
    """One category; its own `act` (default: the policy's) for its citations. Only the policy's act
    (Eurodac) has reference digits (Art. 37(4)); another act's category has none."""
    w = f"categories.{key}"
    act = str(body.get("act", policy_act))
    unknown_elements = set(body["elements"]) - set(raw["elements"])
    unknown_actions = set(body["actions"]) - set(actions)
    if unknown_elements or unknown_actions:
        raise LawDataError(f"registry/policy.yaml: {w}: unknown {unknown_elements or unknown_actions}")
    required = frozenset(body.get("required") or ())
    if required - set(body["elements"]):
        raise LawDataError(f"registry/policy.yaml: {w}: required elements must be elements")
    if (act == policy_act) != ("reference_digit" in body and "reference_ref" in body):
        raise LawDataError(
            f"registry/policy.yaml: {w}: a reference digit and its article for every {policy_act} "
            "category (Art. 37(4)), none for a category of another act"
        )
    has_ref = "reference_ref" in body
    return CategoryRule(
        key=Category(key),
        title=body["title"],
        act=act,
        collection=_citation(body["collection"], act, f"{w}.collection", found),
        data=_citation(body["data"], act, f"{w}.data", found),
        elements=frozenset(body["elements"]),
        required=required,
        recorded=bool(body["recorded"]),
        reference_digit=str(body["reference_digit"]) if has_ref else None,
        reference_ref=_citation(body["reference_ref"], act, f"{w}.reference_ref", found) if has_ref else None,
        transmission=body.get("transmission"),
        technical_extension=body.get("technical_extension"),
        sudden_influx_extension=body.get("sudden_influx_extension"),
        retention=body.get("retention"),
        compared=bool(body["compared"]),
        compared_with=_categories(body["compared_with"], w),
        compared_with_if_marked=_categories(body.get("compared_with_if_marked"), w),
        comparison=_citation(body["comparison"], act, f"{w}.comparison", found),
        citizenship_erasure=bool(body["citizenship_erasure"]),
        actions=frozenset(body["actions"]),
        expiry=_citation(body["expiry"], act, f"{w}.expiry", found) if "expiry" in body else None,
    )


def _policy_categories(
    raw: Mapping[str, Any],
    act: str,
    actions: Mapping[str, ActionRule],
    known: set[str],
    found: list[tuple[str, Citation]],
) -> dict[Category, CategoryRule]:
    """Every category, exactly once, with parameters that exist and a retention if recorded."""
    cats: dict[Category, CategoryRule] = {}
    for key, body in raw["categories"].items():
        w = f"categories.{key}"
        rule = _category(key, body, raw, act, actions, found)
        for name in (
            rule.transmission,
            rule.technical_extension,
            rule.sudden_influx_extension,
            rule.retention,
        ):
            if name is not None and name not in known:
                raise LawDataError(f"registry/policy.yaml: {w}: unknown parameter {name}")
        if rule.recorded and rule.retention is None:
            raise LawDataError(f"registry/policy.yaml: {w}: a recorded category needs a retention parameter")
        cats[rule.key] = rule
    if set(cats) != set(Category):
        raise LawDataError(f"registry/policy.yaml: categories must be exactly {', '.join(Category)}")
    return cats


def _check_notifications(actions: Mapping[str, ActionRule], known: set[str]) -> None:
    """An action that notifies names a parameter that exists (its time limit)."""
    for a in actions.values():
        if a.notify is not None and a.notify not in known:
            raise LawDataError(f"registry/policy.yaml: actions.{a.key}: unknown parameter {a.notify}")


def _role(
    key: str,
    body: Mapping[str, Any],
    act: str,
    actions: Mapping[str, ActionRule],
    found: list[tuple[str, Citation]],
) -> RoleRule:
    """One role: its purposes cited, the categories it registers and reads, only defined actions."""
    w = f"roles.{key}"
    bad = set(body["actions"]) - set(actions)
    if bad:
        raise LawDataError(f"registry/policy.yaml: {w}: unknown actions {sorted(bad)}")
    return RoleRule(
        key=Role(key),
        title=body["title"],
        purposes=tuple(
            _citation(p, act, f"{w}.purposes[{i}]", found) for i, p in enumerate(body["purposes"])
        ),
        register=_categories(body["register"], w),
        compare=frozenset(body["compare"]),
        actions=frozenset(body["actions"]),
        read=_categories(body["read"], w),
        verify_hits=bool(body["verify_hits"]),
        operations=frozenset(body.get("operations") or ()),
    )


def load_policy(text: str, ps: ParameterSet | None = None) -> Policy:
    """Parse and check a policy document: categories exist, parameters exist, actions are defined."""
    raw = yaml.safe_load(text)
    act = str(raw["act"])
    ps = ps or params()
    known = set(ps)
    found: list[tuple[str, Citation]] = []
    actions = {key: _action(key, body, act, found) for key, body in raw["actions"].items()}
    cats = _policy_categories(raw, act, actions, known, found)
    _check_notifications(actions, known)
    roles: dict[Role, RoleRule] = {}
    for key, body in raw["roles"].items():
        roles[Role(key)] = _role(key, body, act, actions, found)
    le = raw["law_enforcement"]
    rc = raw["return_check"]
    return Policy(
        categories=cats,
        actions=actions,
        roles=roles,
        access={k: _citation(v, act, f"access.{k}", found) for k, v in raw["access"].items()},
        le_conditions={
            k: _citation(v, act, f"law_enforcement.conditions.{k}", found)
            for k, v in le["conditions"].items()
        },
        law_enforcement={
            k: _citation(v, act, f"law_enforcement.{k}", found)
            for k, v in le.items()
            if k not in ("conditions", "compared_with")
        },
        le_compared_with=_categories(le["compared_with"], "law_enforcement"),
        excluded_tp_decisions=frozenset(raw["excluded_tp_decisions"]["decisions"]),
        excluded_tp_ref=_citation(raw["excluded_tp_decisions"]["ref"], act, "excluded_tp_decisions", found),
        own_data_comparison=_citation(raw["own_data_comparison"], act, "own_data_comparison", found),
        facial_comparison=_citation(raw["facial_comparison"], act, "facial_comparison", found),
        hit_verification=_citation(raw["hit_verification"], act, "hit_verification", found),
        linking=_citation(raw["linking"], act, "linking", found),
        elements=dict(raw["elements"]),
        all_citations=tuple(found),
        return_check=_citation(rc["basis"], act, "return_check.basis", found),
        return_check_compared_with=_categories(rc["compared_with"], "return_check"),
        return_measures={
            k: (str(v["text"]), _citation(v["ref"], act, f"return_check.measures.{k}", found))
            for k, v in rc["measures"].items()
        },
    )


@cache
def policy() -> Policy:
    """The shipped registry policy (checked on first use)."""
    text = resources.files("migralex.registry").joinpath("policy.yaml").read_text("utf-8")
    return load_policy(text)


# --- vectorised rules -----------------------------------------------------------------------


def category_applies(category: CategoryRule, on: dt.date, ps: ParameterSet | None = None) -> bool:
    """Does the category's collection article apply on `on`? (Art. 26 only from 12 June 2029, Art. 63(2)).

    The first date is that of the category's transmission (or retention) parameter.
    """
    ps = ps or params()
    name = category.transmission or category.retention
    if name is None:
        return True
    try:
        ps[name].value_at(on)
    except UnknownReference:
        return False
    return True


def _hours(ps: ParameterSet, name: str, on: np.ndarray) -> np.ndarray:
    p = ps[name]
    values = p.at(on).astype(np.int64)
    if p.unit == "days":
        return values * 24
    if p.unit != "hours":
        raise LawDataError(f"{name}: expected hours or days, got {p.unit}")
    return values


def transmission_deadlines(
    category: CategoryRule,
    event_at: np.ndarray,
    *,
    technical_problem: np.ndarray,
    sudden_influx: np.ndarray,
    custody_release_at: np.ndarray,
    health_grounds_ended_at: np.ndarray,
    ps: ParameterSet | None = None,
) -> np.ndarray:
    """Latest transmission time of each dataset of one category (`datetime64[s]`, NaT if none).

    Arts 15(1), 18(2), 20(1), 22(2), 23(2), 24(2), 26(2): the limit runs from the event; serious
    technical problems extend it (Arts 15(2), 22(6), 23(5), 24(5), 26(4)), a sudden influx extends
    it for disembarked persons (Art. 24(6)); persons in custody for longer are transmitted before
    release (Art. 22(4)); after health grounds, within the health-grounds limit (Art. 15(2)).
    """
    ps = ps or params()
    event_at = np.asarray(event_at, dtype="datetime64[s]")
    if category.transmission is None:
        return np.full(event_at.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    days = event_at.astype("datetime64[D]")
    limit = _hours(ps, category.transmission, days)
    if category.technical_extension is not None:
        limit = limit + np.where(technical_problem, _hours(ps, category.technical_extension, days), 0)
    if category.sudden_influx_extension is not None:
        limit = limit + np.where(sudden_influx, _hours(ps, category.sudden_influx_extension, days), 0)
    deadline = event_at + limit.astype("timedelta64[h]")
    custody = np.asarray(custody_release_at, dtype="datetime64[s]")
    if category.key is Category.irregular_crossing:
        in_custody = ~np.isnat(custody) & (custody > deadline)
        deadline = np.where(in_custody, custody, deadline)
    health = np.asarray(health_grounds_ended_at, dtype="datetime64[s]")
    after_health = ~np.isnat(health)
    if after_health.any():
        health_limit = _hours(ps, "eurodac.transmission.health_grounds", days).astype("timedelta64[h]")
        deadline = np.where(after_health, np.maximum(deadline, health + health_limit), deadline)
    return deadline


def retention_until(
    category: CategoryRule,
    transmitted: np.ndarray,
    *,
    tp_decision_in_force: np.ndarray | None = None,
    tp_ended: np.ndarray | None = None,
    ps: ParameterSet | None = None,
) -> np.ndarray:
    """Last day each dataset may be stored (`datetime64[D]`; NaT while temporary protection lasts).

    Art. 29(1)–(8): N years from the date the biometric data were transmitted. Art. 29(9): one year
    from the entry into force of the Council Implementing Decision, "extended every year for the
    duration of the temporary protection": the first anniversary of the decision on or after the
    end of the protection (NaT while it has not ended).
    """
    ps = ps or params()
    days = np.asarray(transmitted, dtype="datetime64[D]")
    if category.retention is None:
        return np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    years = ps[category.retention].at(days).astype(np.int64)
    if category.key is not Category.temporary_protection:
        return add_years_clamped(days, years)
    if tp_decision_in_force is None or tp_ended is None:
        raise InvalidInput(
            "tp_decision", "temporary protection needs the Council decision's dates (Art. 29(9))"
        )
    start = np.asarray(tp_decision_in_force, dtype="datetime64[D]")
    ended = np.asarray(tp_ended, dtype="datetime64[D]")
    over = np.isnat(ended)
    end = np.where(over, start, ended)
    whole = age_on(start, end)  # completed years from the decision to the end of protection
    needed = np.where(add_years_clamped(start, whole) >= end, whole, whole + 1)
    out = add_years_clamped(start, np.maximum(needed, years))
    return np.where(over, np.datetime64("NaT"), out)


def biometrics_may_be_taken(
    date_of_birth: np.ndarray, taken_on: np.ndarray, age_uncertain: np.ndarray, ps: ParameterSet | None = None
) -> np.ndarray:
    """Is each person old enough for biometric data (at least six, Arts 15(1), 18, 20, 22–24, 26)?

    A child whose age is uncertain and unproven is treated as under six (Art. 14(1)).
    """
    ps = ps or params()
    taken = np.asarray(taken_on, dtype="datetime64[D]")
    dob = np.asarray(date_of_birth, dtype="datetime64[D]")
    p = ps["eurodac.biometrics_minimum_age"]
    known = ~np.isnat(dob)
    age = np.where(known, age_on(np.where(known, dob, taken), taken), 0)
    old_enough = compare(age, p.boundary, p.at(taken).astype(np.int64))
    return old_enough & known & ~np.asarray(age_uncertain, dtype=bool)


def is_minor(date_of_birth: np.ndarray, on: np.ndarray, ps: ParameterSet | None = None) -> np.ndarray:
    """Was each person a minor on a date (Art. 2(1)(z), statistics of Art. 12(1)(f))?"""
    ps = ps or params()
    on = np.asarray(on, dtype="datetime64[D]")
    dob = np.asarray(date_of_birth, dtype="datetime64[D]")
    p = ps["eurodac.minor_age"]
    known = ~np.isnat(dob)
    age = age_on(np.where(known, dob, on), on)
    return known & compare(age, p.boundary, p.at(on).astype(np.int64))
