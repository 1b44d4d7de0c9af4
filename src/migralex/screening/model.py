"""The vocabulary of the screening: why a person is screened, the elements, statuses and outcomes."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why the screening is performed (Art. 17(1)(c)): the cases of Arts 5 and 7."""

    apprehension = "apprehension"
    disembarkation = "disembarkation"
    border_crossing_point = "border_crossing_point"
    territory = "territory"


#: The article under which each reason puts a person in the screening.
REASON_BASIS: dict[Reason, str] = {
    Reason.apprehension: "SR Art. 5(1)(a)",
    Reason.disembarkation: "SR Art. 5(1)(b)",
    Reason.border_crossing_point: "SR Art. 5(2)",
    Reason.territory: "SR Art. 7(1)",
}

#: The registry category in which the screening registers the biometric data (Art. 8(5)(d)).
EURODAC_CATEGORY: dict[Reason, str] = {
    Reason.apprehension: "irregular_crossing",
    Reason.disembarkation: "sar_disembarkation",
    Reason.border_crossing_point: "irregular_crossing",
    Reason.territory: "illegal_stay",
}


class Element(StrEnum):
    """The elements of the screening (Art. 8(5))."""

    health = "health"
    vulnerability = "vulnerability"
    identity = "identity"
    biometrics = "biometrics"
    security = "security"


ELEMENT_BASIS: dict[Element, str] = {
    Element.health: "SR Art. 8(5)(a), Art. 12(1)",
    Element.vulnerability: "SR Art. 8(5)(b), Art. 12(3)",
    Element.identity: "SR Art. 8(5)(c), Art. 14",
    Element.biometrics: "SR Art. 8(5)(d), Art. 14(2)",
    Element.security: "SR Art. 8(5)(e), Arts 15-16",
}


class CheckStatus(StrEnum):
    """Where one element stands."""

    pending = "pending"
    done = "done"
    to_verify = "to_verify"  # a hit awaiting manual verification (Art. 16)
    not_done = "not_done"  # a timeout, a system down, missing input: recorded with why


class Status(StrEnum):
    """The screening's status."""

    in_progress = "in_progress"
    completed = "completed"  # every element done, referred (Art. 18)
    ended_at_time_limit = "ended_at_time_limit"  # Art. 18(5): ended with elements not done


class Outcome(StrEnum):
    """Where the person is referred (Art. 18) or why the screening ended earlier (Art. 5(3))."""

    asylum_procedure = "asylum_procedure"
    return_procedure = "return_procedure"
    refusal_of_entry = "refusal_of_entry"
    relocation = "relocation"
    entry_authorised = "entry_authorised"


OUTCOME_BASIS: dict[Outcome, str] = {
    Outcome.asylum_procedure: "SR Art. 18(2)",
    Outcome.return_procedure: "SR Art. 18(1)",
    Outcome.refusal_of_entry: (
        "SR Art. 18(1) (Regulation 2016/399 Art. 14; reading sr.referral_without_application)"
    ),
    Outcome.relocation: "SR Art. 18(3)",
    Outcome.entry_authorised: "SR Art. 5(3), second subparagraph",
}


class Vulnerability(StrEnum):
    """Indications the preliminary vulnerability check looks for (Art. 12(3)-(4))."""

    stateless = "stateless"
    minor = "minor"
    unaccompanied_minor = "unaccompanied_minor"
    torture_victim = "torture_victim"
    trafficking_victim = "trafficking_victim"
    special_reception_needs = "special_reception_needs"
    special_procedural_needs = "special_procedural_needs"
