"""`POST /v1/cases/returns`: after a rejection, the return decision (APR Art. 37), the return border
procedure (RBPR Art. 4(2)) and the period for voluntary departure (RBPR Art. 4(5); Return Directive
Art. 7, SECONDARY) - `migralex.rules.returns`, the same answer as `migralex decide returns`.

A field that is wrong gives 422 in the app's error shape naming it (`outcome`, `member_state`, ...).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from migralex.api.errors import ERRORS_413, ERRORS_422
from migralex.cases.codes import MEMBER_STATES
from migralex.rules.returns import OUTCOMES, PROCEDURES, decide_returns

router = APIRouter(prefix="/v1/cases", tags=["cases"])

MemberState = Literal[MEMBER_STATES]  # type: ignore[valid-type]
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]
Procedure = Literal[PROCEDURES]  # type: ignore[valid-type]
#: A date as the engine reads it (the engine checks the calendar and the range, naming the field).
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]
#: The largest batch answered at once.
MAX_DECISIONS = 1_000  # larger batches: `migralex decide returns` (a file, no JSON-schema errors per item)


class Decision(BaseModel):
    """One decision on an application (the fields of `migralex.rules.returns`, docs/returns.md)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=200)
    member_state: MemberState = Field(description="The Member State that decided (ISO code)")
    decision_date: IsoDate = Field(description="The day of the decision (1950-2150)")
    outcome: Outcome = Field(description="The decision on the application")
    procedure: Procedure = Field("regular", description="The procedure it was taken in")
    prior_return_decision: StrictBool = False
    voluntary_departure_requested: StrictBool = False
    risk_of_absconding: StrictBool = False
    security_risk: StrictBool = False
    crisis: StrictBool = False
    right_to_remain_end: IsoDate | None = Field(None, description="The day the right to remain ends")


class ReturnsBody(BaseModel):
    """A batch of decisions."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "decisions": [
                        {"id": "a", "member_state": "IT", "decision_date": "2026-09-01",
                         "outcome": "unfounded", "procedure": "border", "right_to_remain_end": "2026-09-01",
                         "voluntary_departure_requested": True}
                    ]
                }
            ]
        },
    )  # fmt: skip

    decisions: list[Decision] = Field(min_length=1, max_length=MAX_DECISIONS)


@router.post(
    "/returns",
    summary="Return decision, return border procedure and voluntary departure after a rejection",
    responses={**ERRORS_413, **ERRORS_422},
)
def returns(
    body: ReturnsBody,
    trace: Annotated[bool, Query(description="Add the rules examined")] = True,
) -> list[dict[str, Any]]:
    """APR Art. 37, RBPR Art. 4(2) and (5), Return Directive Art. 7(1) and (4): one answer per decision."""
    rows = [d.model_dump() for d in body.decisions]
    return decide_returns(rows).answers(trace=trace)


def warm_up() -> None:
    """Nothing to load ahead (the parameters load on first use)."""
