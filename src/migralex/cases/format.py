"""The case format (docs/case-format.md) as pydantic v2 models: unknown fields are errors.

`parse_case(obj)` validates one case (a dict or a JSON string) and returns a `Case`; any problem
raises `InvalidInput` whose `path` is the JSON path of the offending field (`family[0].relation`)
and whose `reason` says what was wrong. Countries are normalised (`EL` → `GR`); Member State fields
accept the 27 Member States and the States associated with the Dublin rules (CH, IS, LI, NO:
law/participation.yaml); `relocated_to` only the 27 (relocation is AMMR Part IV, solidarity).
Besides the types, a few facts that cannot be true are rejected
(a visa without a type, a document valid until before it was valid from, a date of birth after the
registration): the engine never guesses what a contradictory case meant.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from migralex.cases.codes import (
    DOCUMENT_KINDS,
    ENTRY_KINDS,
    PLACES,
    RELATIONS,
    STATUSES,
    VISA_TYPES,
)
from migralex.cases.events import EVENT_TYPES, HIT_CATEGORIES, OUTCOMES, URGENT_GROUNDS, check_events
from migralex.countries import DUBLIN_STATES, EU27, STATELESS, normalise, not_a_third_country_national
from migralex.errors import InvalidInput

#: Codes already in normal form (the common case), checked by one dict lookup.
_MEMBER_STATES = {ms: ms for ms in DUBLIN_STATES} | {"EL": "GR"}


def _country(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a country code string, got {type(value).__name__}")
    try:
        return normalise(value)
    except InvalidInput as exc:
        raise ValueError(exc.reason) from None


def _member_state(value: Any) -> str:
    fast = _MEMBER_STATES.get(value) if isinstance(value, str) else None
    if fast is not None:
        return fast
    iso = _country(value)
    if iso not in DUBLIN_STATES:
        raise ValueError(
            f"{value!r} is neither an EU Member State nor a State associated with the Dublin rules"
            f" (one of {', '.join(DUBLIN_STATES)})"
        )
    return iso


def _eu_member_state(value: Any) -> str:
    iso = _member_state(value)
    if iso not in EU27:
        raise ValueError(
            f"{iso} is not an EU Member State: relocation (AMMR Part IV, solidarity) is among the Member"
            " States only"
        )
    why = not_in_relocation(iso)
    if why is not None:
        raise ValueError(why)
    return iso


def not_in_relocation(iso: str) -> str | None:
    """Why Member State `iso` takes no part in relocation: AMMR Part IV (solidarity, Arts 56-71 with
    the relocation procedure of Arts 67-68) does not bind it (law/participation.yaml; Denmark,
    AMMR recital 90 and Protocol No 22, under either reading); None where Part IV binds it."""
    from migralex.law.participation import binds, why

    if binds(iso, "AMMR", None, "Part IV"):
        return None
    return (
        f"{iso} takes no part in relocation: AMMR Part IV (solidarity, Arts 67-68) does not bind it"
        f" - {why(iso, 'AMMR')}"
    )


def _nationality(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == STATELESS:
        return STATELESS
    iso = _country(value)
    why = not_a_third_country_national(iso)
    if why is not None:
        raise ValueError(why)
    return iso


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), got a date-time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date string (YYYY-MM-DD), got {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None


Country = Annotated[str, BeforeValidator(_country)]
MemberState = Annotated[str, BeforeValidator(_member_state)]
EUMemberState = Annotated[str, BeforeValidator(_eu_member_state)]
Nationality = Annotated[str, BeforeValidator(_nationality)]
Date = Annotated[dt.date, BeforeValidator(_date)]

Place = Literal[PLACES]  # type: ignore[valid-type]
Relation = Literal[RELATIONS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
DocumentKind = Literal[DOCUMENT_KINDS]  # type: ignore[valid-type]
VisaType = Literal[VISA_TYPES]  # type: ignore[valid-type]
EntryKind = Literal[ENTRY_KINDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Registration(_Strict):
    """Where and when the application was first registered (AMMR Art. 24(2) freezes the facts then)."""

    member_state: MemberState
    date: Date
    place: Place = "territory"


class Applicant(_Strict):
    """The applicant's own situation."""

    date_of_birth: Date | None = None
    age_uncertain: bool = False
    unaccompanied: bool = False
    nationality: Nationality
    former_habitual_residence: Country | None = None
    security_threat: bool = False
    misled_authorities: bool = False
    vulnerable: bool = False
    subsequent_application: bool = False
    #: AMMR Art. 34(2) (Dublin III Art. 16(2)): the applicant's health prevents him or her from
    #: travelling to the Member State where a dependent child, sibling or parent is legally resident
    #: for a significant period of time - as found by the Member State; false = not found (default).
    health_prevents_travel: bool = False

    @model_validator(mode="after")
    def _habitual_residence_only_for_stateless(self) -> Applicant:
        if self.former_habitual_residence is not None and self.nationality != STATELESS:
            raise ValueError(
                "@former_habitual_residence: only for stateless persons (nationality 'stateless')"
            )
        return self


class FamilyMember(_Strict):
    """A person related to the applicant, present in a Member State."""

    relation: Relation
    member_state: MemberState
    status: Status
    existed_before_arrival: bool = True
    consent_in_writing: bool = False
    first_substantive_decision_taken: bool = False
    can_take_care: bool = True
    date_of_birth: Date | None = None
    #: AMMR Art. 34(1): the applicant depends on this person's assistance or this person on the
    #: applicant's (pregnancy, new-born child, serious illness, severe disability or trauma, old
    #: age) - established by the Member State; false = not established (the default).
    dependency_established: bool = False


class Document(_Strict):
    """A residence document or a visa (AMMR Art. 2(13)–(14))."""

    kind: DocumentKind
    member_state: MemberState
    visa_type: VisaType | None = None
    issued_on_behalf_of: MemberState | None = None
    valid_from: Date
    valid_until: Date
    ended_early_on: Date | None = None
    fraud_after_issuance: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Document:
        if self.kind == "visa" and self.visa_type is None:
            raise ValueError("@visa_type: a visa needs visa_type (short_stay, long_stay or airport_transit)")
        if self.kind == "residence_document" and self.visa_type is not None:
            raise ValueError("@visa_type: visa_type is only for visas, not for a residence document")
        if self.kind == "residence_document" and self.issued_on_behalf_of is not None:
            raise ValueError("@issued_on_behalf_of: only for visas (Visa Code Art. 8 representation)")
        if self.valid_until < self.valid_from:
            raise ValueError(f"@valid_until: {self.valid_until} is before valid_from {self.valid_from}")
        if self.ended_early_on is not None and self.ended_early_on < self.valid_from:
            raise ValueError(f"@ended_early_on: {self.ended_early_on} is before valid_from {self.valid_from}")
        return self


class Diploma(_Strict):
    """A diploma or qualification obtained in a Member State (AMMR Art. 2(15))."""

    member_state: MemberState
    issued_on: Date
    study_months: int = Field(ge=0, le=1200)


class Entry(_Strict):
    """An entry into the territory of the Member States."""

    kind: EntryKind
    member_state: MemberState
    date: Date


EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
HitCategory = Literal[HIT_CATEGORIES]  # type: ignore[valid-type]
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]
UrgentGround = Literal[URGENT_GROUNDS]  # type: ignore[valid-type]


class Event(_Strict):
    """A procedural event (format version 2): type, date, the Member States acting (`by`) and
    addressed (`to`), and what it says; `migralex.cases.events.check_events` checks the list."""

    type: EventType
    date: Date
    by: MemberState | None = None
    to: MemberState | None = None
    outcome: Outcome | None = None
    category: HitCategory | None = None
    suspensive: bool | None = None
    urgent: bool = False
    reply_by: Date | None = None
    urgent_ground: UrgentGround | None = None
    ground_issued: Date | None = None
    note: str | None = None


#: The versions of the case format: 1 (the facts at registration), 2 (1 plus `events`).
FORMAT_VERSIONS = (1, 2)


class Relocation(_Strict):
    """What the engine needs about a relocation under AMMR Art. 67 (optional, with `relocated_to`)."""

    #: The benefitting Member State; null = the Member State of registration.
    benefitting: EUMemberState | None = None
    #: The benefitting Member State had been determined responsible before the relocation (Art. 68(3)).
    responsibility_determined: bool = False


class Case(_Strict):
    """One applicant's situation at the first registration of the application."""

    id: str = Field(min_length=1)
    registration: Registration
    applicant: Applicant
    family: list[FamilyMember] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    diplomas: list[Diploma] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)
    relocated_to: EUMemberState | None = None
    version: Literal[1, 2] = 1
    events: list[Event] = Field(default_factory=list)
    relocation: Relocation | None = None

    @model_validator(mode="after")
    def _events_in_version_2(self) -> Case:
        if self.events and self.version != 2:
            raise ValueError('@version: a case with events is version 2 (give "version": 2)')
        check_events(self.events, self.registration.date)
        return self

    @model_validator(mode="after")
    def _relocation_needs_a_state(self) -> Case:
        if self.relocation is not None and self.relocated_to is None:
            raise ValueError("@relocation: needs relocated_to (the Member State of relocation)")
        if self.relocation is not None and self.relocation.benefitting == self.relocated_to:
            raise ValueError(
                "@relocation.benefitting: the benefitting Member State cannot be the one of relocation"
            )
        benefitting = self.relocation.benefitting if self.relocation is not None else None
        if self.relocated_to is not None and benefitting is None:
            why = not_in_relocation(self.registration.member_state)
            if why is not None:
                raise ValueError(f"@registration.member_state: the benefitting Member State: {why}")
        return self

    @model_validator(mode="after")
    def _born_before_registration(self) -> Case:
        dob = self.applicant.date_of_birth
        if dob is not None and dob > self.registration.date:
            raise ValueError(
                f"@applicant.date_of_birth: {dob} is after the registration date {self.registration.date}"
            )
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The case as JSON-ready data in the case format (dates as ISO strings, defaults filled); a
        version 1 case is written without `version` and `events`, as version 1 defines it; the
        optional `relocation` object only when given."""
        exclude = {"version", "events"} if self.version == 1 else set()
        if self.relocation is None:
            exclude.add("relocation")
        return self.model_dump(mode="json", exclude=exclude or None)


def json_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a JSON path: ('family', 0, 'relation') → `family[0].relation`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not str(part).startswith(("function-", "literal[")):
            out += f".{part}" if out else str(part)
    return out or "$"


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown field {str(error['loc'][-1])!r} (not in the case format, docs/case-format.md)"
    if kind == "missing":
        return "required field is missing"
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")


def invalid_input(exc: ValidationError) -> InvalidInput:
    """The first pydantic error as `InvalidInput(path, reason)`; further errors are counted."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = json_path(tuple(first["loc"]))
    reason = _reason(first)
    if reason.startswith("@"):  # a cross-field check names the field it blames: "@field: reason"
        field, reason = reason[1:].split(": ", 1)
        path = field if path == "$" else f"{path}.{field}"
    if len(errors) > 1:
        more = ", ".join(json_path(tuple(e["loc"])) for e in errors[1:4])
        reason += f" (and {len(errors) - 1} more: {more}{', …' if len(errors) > 4 else ''})"
    return InvalidInput(path, reason)


def parse_case(obj: dict[str, Any] | str | bytes) -> Case:
    """Validate one case (a dict or JSON text); raise `InvalidInput` naming the offending field."""
    if isinstance(obj, (str, bytes)):
        try:
            return Case.model_validate_json(obj)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            if first["type"] == "json_invalid":
                raise InvalidInput(
                    "$", f"not valid JSON: {first['msg'].removeprefix('Invalid JSON: ')}"
                ) from None
            if first["type"] == "model_type" and not first["loc"]:
                raise InvalidInput("$", "a case is a JSON object") from None
            raise invalid_input(exc) from None
    if not isinstance(obj, dict):
        raise InvalidInput("$", f"a case is a JSON object, got {type(obj).__name__}")
    try:
        return Case.model_validate(obj)
    except ValidationError as exc:
        raise invalid_input(exc) from None
