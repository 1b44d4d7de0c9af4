"""JSON shapes of the registry's API and CLI (pydantic): strict, bounded, no unknown fields.

Templates travel as URL-safe or standard base64 of little-endian float32 vectors (`encode_template`).
Every string, list and number is bounded, so an oversized or malformed payload is refused before
it reaches the registry (422); the registry then applies the law per category (also 422, with the
path of the field).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt

from migralex.errors import InvalidInput
from migralex.registry.access import LawEnforcementRequest
from migralex.registry.categories import Category
from migralex.registry.events import ACTIONS
from migralex.registry.registration import Submission

Text = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(min_length=1, max_length=64)]
Template = Annotated[str, Field(min_length=4, max_length=8192, pattern=r"^[A-Za-z0-9+/=_-]+$")]
Names = Annotated[list[Text], Field(max_length=20)]
ActionType = Annotated[str, Field(max_length=32, json_schema_extra={"enum": sorted(ACTIONS)})]


def _iso_text(value: Any) -> Any:
    """Dates and times travel as ISO 8601 text: a number (`0`, a Unix time) is not one."""
    if not isinstance(value, (str, dt.date)):
        raise ValueError("expected an ISO 8601 date or date-time text")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_text)]
DateTime = Annotated[dt.datetime, BeforeValidator(_iso_text)]
Bool = StrictBool


class Strict(BaseModel):
    """No unknown fields anywhere, no coercion (`0` is not a date, `1` not `true`)."""

    model_config = ConfigDict(extra="forbid")


class NamesIn(Strict):
    """Art. 17(1)(c): surnames, forenames, names at birth, previous names, aliases."""

    surnames: Names = []
    forenames: Names = []
    names_at_birth: Names = []
    previous_names: Names = []
    aliases: Names = []


class TravelDocumentIn(Strict):
    """Art. 17(1)(i): type, number, issuing country (three letters), expiry date."""

    type: ShortText | None = None
    number: ShortText | None = None
    issuing_country: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    expiry_date: Date | None = None


class IdentityIn(Strict):
    """The alphanumeric data of a dataset; which of them a category may hold is checked by the registry."""

    names: NamesIn | None = None
    nationalities: (
        Annotated[list[Annotated[str, Field(min_length=2, max_length=9)]], Field(max_length=20)] | None
    ) = None
    date_of_birth: Date | None = None
    place_of_birth: Text | None = None
    event_place: Text | None = None
    sex: Literal["F", "M", "X", "U"] | None = None
    travel_document: TravelDocumentIn | None = None
    document_scan: Text | None = None
    reference_number: ShortText | None = None
    operator_user_id: ShortText | None = None
    decision_date: Date | None = None
    refusal_grounds: Text | None = None
    protection_granted_date: Date | None = None
    tp_exclusion_ground: Bool | None = None
    tp_decision: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    # an alert on return (SIS Return Reg. Art. 4(1))
    return_decision_date: Date | None = None
    return_decision_reference: ShortText | None = None
    issuing_authority: ShortText | None = None
    voluntary_departure_end: Date | None = None
    decision_suspended: Bool | None = None
    entry_ban: Bool | None = None
    return_type: Literal["voluntary_departure", "removal"] | None = None
    public_security_threat: Bool | None = None


class SubmissionIn(Strict):
    """One dataset transmitted by a Member State."""

    transaction_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
    category: Category
    event_at: DateTime
    biometrics_taken_at: DateTime
    identity: IdentityIn
    fingerprint: Template | None = None
    face: Template | None = None
    age_uncertain: Bool = False
    technical_problem: Bool = False
    sudden_influx: Bool = False
    custody_release_at: DateTime | None = None
    health_grounds_ended_at: DateTime | None = None
    kind: Literal["registration", "transfer_arrival", "relocation_arrival"] = "registration"
    include_own: Bool = False

    def to_submission(self, where: str = "") -> Submission:
        """The registry's submission (templates decoded)."""
        return Submission(
            transaction_id=self.transaction_id,
            category=self.category.value,
            event_at=self.event_at,
            biometrics_taken_at=self.biometrics_taken_at,
            identity=self.identity.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
            fingerprint=decode_template(self.fingerprint, f"{where}fingerprint"),
            face=decode_template(self.face, f"{where}face"),
            age_uncertain=self.age_uncertain,
            technical_problem=self.technical_problem,
            sudden_influx=self.sudden_influx,
            custody_release_at=self.custody_release_at,
            health_grounds_ended_at=self.health_grounds_ended_at,
            kind=self.kind,
            include_own=self.include_own,
        )


class BatchIn(Strict):
    """Up to 1,000 submissions registered in order, in one transaction."""

    submissions: Annotated[list[SubmissionIn], Field(min_length=1, max_length=1000)]


class ActionIn(Strict):
    """An action on a dataset (its fields depend on the type)."""

    type: ActionType
    member_state: Annotated[str, Field(min_length=2, max_length=2)] | None = None
    date: Date | None = None
    details: dict[str, Any] | None = Field(default=None, max_length=4)

    def payload(self) -> dict[str, Any]:
        """The fields given (the registry checks which the action needs)."""
        out: dict[str, Any] = {}
        if self.member_state is not None:
            out["member_state"] = self.member_state
        if self.date is not None:
            out["date"] = self.date.isoformat()
        return out


class RetakeIn(Strict):
    """Biometric data retaken because the first could not be compared (Art. 38(1))."""

    biometrics_taken_at: DateTime
    fingerprint: Template | None = None
    face: Template | None = None


class LawEnforcementIn(Strict):
    """A reasoned electronic request (Arts 32(1), 33(1), 51(2))."""

    offence: Literal["terrorist", "serious"]
    offence_type: Text
    national_file_number: ShortText
    necessity_grounds: Annotated[str, Field(max_length=2000)]
    specific_case: Annotated[str, Field(max_length=2000)]
    substantial_contribution_grounds: Annotated[str, Field(max_length=2000)]
    requesting_official: ShortText
    max_sentence_years: Annotated[StrictInt, Field(ge=0, le=200)] | None = None
    national_databases_checked: Bool = False
    prum_checked: Bool = False
    prum_not_useful_grounds: Annotated[str, Field(max_length=2000)] | None = None
    cir_indicated: Bool = False
    urgent: Bool = False
    child_grounds: Annotated[str, Field(max_length=2000)] | None = None

    def to_request(self) -> LawEnforcementRequest:
        """The registry's request."""
        return LawEnforcementRequest(**self.model_dump())


class SearchIn(Strict):
    """A comparison without registration."""

    kind: Literal["admission", "law_enforcement"]
    fingerprint: Template | None = None
    face: Template | None = None
    sex: Literal["F", "M", "X", "U"] | None = None
    include_own: Bool = False
    request: LawEnforcementIn | None = None


class ReturnCheckIn(Strict):
    """On apprehension: has another Member State issued a return decision? (SIS Return Reg. Art. 7(2))."""

    fingerprint: Template | None = None
    face: Template | None = None
    sex: Literal["F", "M", "X", "U"] | None = None
    include_own: Bool = False


class VerificationIn(Strict):
    """An expert's decision on a candidate (Art. 38(4)–(6))."""

    confirmed: Bool


class PurgeIn(Strict):
    """Erase what is due on a date (Art. 29(10))."""

    as_of: Date


class TPDecisionIn(Strict):
    """A Council implementing decision on temporary protection (Art. 29(9))."""

    reference: Annotated[str, Field(min_length=1, max_length=32)]
    entry_into_force: Date
    ended_on: Date | None = None


def encode_template(vector: np.ndarray) -> str:
    """Base64 of a float32 little-endian vector."""
    return base64.b64encode(np.ascontiguousarray(vector, dtype="<f4").tobytes()).decode("ascii")


def decode_template(text: str | None, field: str) -> np.ndarray | None:
    """Inverse of `encode_template` (standard or URL-safe base64); malformed input names the field."""
    if text is None:
        return None
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(field, "not base64") from None
    if len(raw) % 4:
        raise InvalidInput(field, "not a whole number of float32 values")
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
