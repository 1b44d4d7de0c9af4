"""`/v1/cases/state` and `/v1/cases/status`: a case's timeline on a day, and a caseload's.

A shell over `migralex.rules.case_state` (docs/api.md, "The state of a case on a day"): the body is
one case (or a list) in the case format v2, validated by the format's models; `as_of` is the day.
`state` answers who is responsible and why, every AMMR Arts 37-46 and Art. 67(9)-(11) limit with
its status, the shifts of responsibility and what is due next; `status` answers, for a list of
cases, what is due in the next `days` days, what lapsed and which cases changed responsibility.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from migralex.api.cases import Regime
from migralex.api.errors import ERRORS_413, ERRORS_422
from migralex.api.limits import check_case_count
from migralex.cases.format import Case
from migralex.law.params import params
from migralex.rules.crisis import derogations
from migralex.rules.remedy_period import national_periods

router = APIRouter(prefix="/v1/cases", tags=["cases"])


class RunsFrom(BaseModel):
    """The event a limit runs from."""

    event: int | None = Field(description="Index in `events`; null for the registration or a silence")
    type: str | None = Field(examples=["take_charge_request"])
    date: str | None
    text: str = Field(description="The event in the law's terms")


class BoundOut(BaseModel):
    """One end of a window the law gives as a range (AMMR Art. 43(2): one to three weeks)."""

    date: str | None = Field(description="Its last day (AMMR Art. 75)")
    period: str | None = Field(examples=["1 week"])
    status: str = Field(description="running, met or lapsed on `as_of`, measured against this end")
    headline: bool = Field(description="This end is the limit's `date` (reading ammr.reading.remedy_period)")
    text: str


class LimitOut(BaseModel):
    """One time limit of the case, dated from its events, with its status on `as_of`."""

    name: str = Field(examples=["transfer"])
    variant: str = Field(examples=["default"])
    status: str = Field(description="running, met, lapsed, suspended or ended")
    date: str | None = Field(description="The last day (AMMR Art. 75, holidays of `member_state`)")
    member_state: str | None = Field(description="The Member State that must act")
    runs_from: RunsFrom
    met_by: int | None = Field(description="Index of the event that met the limit")
    period: str | None = Field(examples=["6 months"])
    legal_basis: str = Field(examples=["AMMR Art. 46(1)"])
    consequence: str | None = Field(description="What follows when it passes, in the law's words")
    consequence_basis: str | None = Field(examples=["AMMR Art. 46(2)"])
    note: str | None = None
    bounds: dict[str, BoundOut] | None = Field(
        default=None,
        description="`earliest` and `latest`: both ends of the law's window where the national period is not"
        " given (AMMR Art. 43(2))",
    )


class ShiftOut(BaseModel):
    """A change of responsibility caused by a lapsed limit."""

    date: str
    from_: str | None = Field(alias="from")
    to: str | None
    legal_basis: str
    reason: str


class FlagOut(BaseModel):
    """Something the state answer signals, with its article (e.g. `uam_late_request`)."""

    kind: str
    legal_basis: str = Field(examples=["AMMR Art. 39(1), fourth subparagraph"])
    reason: str


class StateAnswer(BaseModel):
    """The state of a case on a day (`migralex.rules.case_state.case_state`)."""

    id: str
    as_of: str
    regime: str | None
    responsible_member_state: str | None = Field(description="Responsible (or determining) now")
    legal_basis: str
    reason: str
    flags: list[FlagOut]
    shifts: list[ShiftOut]
    limits: list[LimitOut]
    next_due: LimitOut | None
    determined_member_state: str | None = Field(description="The Member State the criteria designate")
    determined_legal_basis: str


class DueOut(BaseModel):
    """A limit of a caseload's case."""

    id: str
    name: str
    variant: str
    date: str | None
    member_state: str | None
    status: str
    legal_basis: str
    consequence_basis: str
    earliest: str | None = Field(default=None, description="The window's first end (AMMR Art. 43(2))")
    latest: str | None = Field(default=None, description="The window's last end (AMMR Art. 43(2))")


class ShiftedOut(BaseModel):
    """A case of the caseload whose responsibility shifted."""

    id: str
    date: str
    from_: str = Field(alias="from")
    to: str
    legal_basis: str


class StatusAnswer(BaseModel):
    """A caseload on a day: due in the next days, lapsed, shifted."""

    as_of: str
    days: int
    due: list[DueOut]
    lapsed: list[DueOut]
    shifted: list[ShiftedOut]


AsOf = Annotated[dt.date | None, Query(description="The day (ISO date); default today")]
CrisisQ = Annotated[
    bool, Query(description="The CFMR Art. 12 derogation applies to every Member State concerned")
]
CrisisInQ = Annotated[
    list[str] | None,
    Query(
        description="A Member State authorised to derogate (CFMR Art. 12) as MS:FROM:TO, e.g."
        " GR:2026-09-01:2026-11-30; repeat for each State and period (excludes crisis_derogation)"
    ),
]
AppealPeriodQ = Annotated[
    list[str] | None,
    Query(
        description="The national period to lodge a remedy against a transfer decision (AMMR Art."
        " 43(2): one to three weeks) as MS:DAYS, e.g. DE:14; repeat for each State (default: the"
        " law's window)"
    ),
]
StateBody = Annotated[Case | list[Case], Body(description="One case or a list, in the case format v2")]
ListBody = Annotated[list[Case], Body(description="The cases of the caseload, in the case format v2")]


@router.post(
    "/state",
    summary="The state of a case on a day",
    response_model=StateAnswer | list[StateAnswer],
    response_model_by_alias=True,
    response_model_exclude_unset=True,
    responses={**ERRORS_413, **ERRORS_422},
)
async def state(
    request: Request,
    body: StateBody,
    as_of: AsOf = None,
    crisis_derogation: CrisisQ = False,
    crisis_in: CrisisInQ = None,
    regime: Regime = None,
    appeal_period: AppealPeriodQ = None,
) -> Any:
    """Who is responsible now and why, every limit dated from the events and its status, the shifts
    of responsibility a lapsed limit caused, what is due next (AMMR Arts 37-46, Art. 67(9)-(11))."""
    from migralex.rules.case_state import case_state

    cases = body if isinstance(body, list) else [body]
    check_case_count(request, len(cases))
    day = as_of or dt.date.today()
    crisis = derogations(crisis_derogation, crisis_in)
    national_periods(appeal_period, params())  # AMMR Art. 43(2): refused before any work
    if not cases:
        return []
    answers = await run_in_threadpool(case_state, cases, day, None, crisis, regime, appeal_period)
    return answers if isinstance(body, list) else answers[0]


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in frame.to_dicts()
    ]


@router.post(
    "/status",
    summary="A caseload on a day: due, lapsed, shifted",
    response_model=StatusAnswer,
    response_model_by_alias=True,
    responses={**ERRORS_413, **ERRORS_422},
)
async def status(
    request: Request,
    body: ListBody,
    as_of: AsOf = None,
    days: Annotated[int, Query(ge=0, le=3660, description="Limits due within this many days")] = 30,
    crisis_derogation: CrisisQ = False,
    crisis_in: CrisisInQ = None,
    regime: Regime = None,
    appeal_period: AppealPeriodQ = None,
) -> Any:
    """The same as `migralex cases status`: the limits due from `as_of` to `as_of + days`, the limits
    that lapsed, the cases whose responsibility shifted because a limit lapsed."""
    from migralex.rules.case_state import case_timeline, caseload_status

    check_case_count(request, len(body))
    day = as_of or dt.date.today()
    crisis = derogations(crisis_derogation, crisis_in)
    national_periods(appeal_period, params())  # AMMR Art. 43(2): refused before any work

    def work() -> dict[str, Any]:
        timeline = case_timeline(body, day, crisis=crisis, regime=regime, appeal_period=appeal_period)
        out = caseload_status(timeline, days)
        return {"as_of": day.isoformat(), "days": days, **{k: _rows(v) for k, v in out.items()}}

    return await run_in_threadpool(work)


def warm_up() -> None:
    """Load the deadline catalogue and the holiday tables once."""
    from migralex.law.deadlines import catalogue

    catalogue()
