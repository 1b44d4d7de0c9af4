"""`/v1/resettlement`: URF Art. 9 admission deadlines, the Union Plan (Art. 8), the simulated inflow."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from migralex.api.errors import ERRORS_404, ERRORS_422
from migralex.countries import DUBLIN_STATES
from migralex.resettlement.service import deadlines_answer, inflow_answer, plan_answer

router = APIRouter(prefix="/v1/resettlement", tags=["resettlement"])

#: The Member States (and associated States) whose official holidays the calculus knows.
MemberState = Enum("MemberState", {code: code for code in DUBLIN_STATES}, type=str)  # type: ignore[misc]


@router.get("/deadlines", summary="Admission deadlines (URF Art. 9)", responses=ERRORS_422)
def deadlines(
    registered: Annotated[dt.date, Query(description="Date of registration")],
    member_state: Annotated[MemberState, Query(description="Member State admitting")],
    concluded: Annotated[dt.date | None, Query(description="Date of the conclusion")] = None,
) -> dict[str, Any]:
    """Conclusion (7 months, +3 extended, 1 month emergency) and entry (12 months) with their basis."""
    return deadlines_answer(registered, member_state.value, concluded)


@router.get("/plan", summary="The 2026-2027 Union Plan (URF Art. 8)")
def union_plan() -> dict[str, Any]:
    """Adopted total, participating Member States, sources; pledges where shipped (else said missing)."""
    return plan_answer()


@router.get(
    "/inflow",
    summary="Resettled persons per Member State in a scenario",
    responses={**ERRORS_404, **ERRORS_422},
)
def scenario_inflow(scenario: Annotated[str, Query()] = "resettlement-2026-2027") -> dict[str, Any]:
    """The simulator's resettlement inflow over a scenario's window."""
    return inflow_answer(scenario)


def warm_up() -> None:
    """Nothing heavy to warm."""
