"""`/v1/cases/...`: one case or a list, in the case format; answers with legal basis and trace.

A shell over the case engine: the body is validated by the case format's own models
(`migralex.cases.format.Case`, unknown fields are errors), the cases of one request form one batch
(so AMMR Art. 28 sees the family members registered together), and the answers are the engine's
(`migralex.rules`), in the order of the request. One case in, one answer out; a list in, a list out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from migralex.api.errors import ERRORS_413, ERRORS_422
from migralex.api.limits import check_case_count
from migralex.cases.format import Case
from migralex.context import default_context
from migralex.decide import decide
from migralex.errors import InvalidInput
from migralex.rules.crisis import derogations
from migralex.rules.procedure import Context, channel
from migralex.rules.responsibility.hierarchy import decide_responsibility
from migralex.web import STATIC_DIR

router = APIRouter(prefix="/v1/cases", tags=["cases"])


class TraceStep(BaseModel):
    """One rule examined, in order."""

    rule: str = Field(examples=["AMMR Art. 25(2)"])
    outcome: str = Field(description="applies, not_applicable or excluded")
    reason: str


class Flag(BaseModel):
    """An advisory or blocking flag: something the engine cannot decide alone."""

    flag: str
    rule: str
    blocking: bool
    candidates: list[Any] = Field(default_factory=list)
    reason: str


class ResponsibilityAnswer(BaseModel):
    """The Member State responsible for examining the application (AMMR Part III / Dublin III)."""

    id: str
    responsible_member_state: str | None = Field(description="ISO code; null when blocked or not modelled")
    legal_basis: str = Field(examples=["AMMR Art. 25(2)"])
    regime: str = Field(examples=["AMMR"])
    flags: list[Flag]
    trace: list[TraceStep] | None = None


class ProcedureAnswer(BaseModel):
    """The procedure: border (mandatory), border_optional, accelerated or regular (APR, CFMR)."""

    id: str
    procedure: str | None = Field(
        description="null where Directive 2013/32/EU applies (not modelled) or where the APR does not"
        " bind the State of registration (Denmark, CH, IS, LI, NO: the legal basis says why)"
    )
    mandatory_grounds: list[str]
    accelerated_grounds: list[str]
    exemptions: list[str]
    legal_basis: str = Field(examples=["APR Art. 45(1) with Art. 43(1)(b)"])
    recognition_rate: float | None
    flags: list[Flag]
    trace: list[TraceStep] | None = None


class DeadlineOut(BaseModel):
    """One time limit: its date where the event that starts it is known, else the rule to count it."""

    name: str = Field(examples=["lodging"])
    date: str | None = Field(description="ISO date; null when the starting event is not dated yet")
    legal_basis: str = Field(examples=["APR Art. 28(1)"])
    period: str | None = Field(None, examples=["21 days"])
    runs_from: str | None = Field(None, examples=["the registration of the application"])
    latest: str | None = Field(None, description="The latest possible date where the start is bounded")
    note: str | None = None


class DeadlinesAnswer(BaseModel):
    """The time limits that run for the case (SR, APR, AMMR, RBPR, RCD; CFMR in a crisis)."""

    id: str
    deadlines: list[DeadlineOut]


def _examples() -> dict[str, Any]:
    """The shipped example cases as OpenAPI examples (the same ones as the dashboard's)."""
    import json

    raw = json.loads((STATIC_DIR / "examples" / "cases.json").read_text("utf-8"))["examples"]
    out: dict[str, Any] = {e["case"]["id"]: {"summary": e["label"], "value": e["case"]} for e in raw}
    out["batch"] = {"summary": "Two cases in one request", "value": [raw[0]["case"], raw[1]["case"]]}
    return out


CasesBody = Annotated[
    Case | list[Case],
    Body(
        description="One case, or a list of cases (one batch), in the case format v1",
        openapi_examples=_examples(),
    ),
]
WithTrace = Annotated[bool, Query(description="Include the trace of the rules examined")]
Crisis = Annotated[
    bool, Query(description="A mass-arrival crisis with the CFMR Art. 11 derogations authorised")
]
CrisisIn = Annotated[
    list[str] | None,
    Query(
        description="A Member State authorised to derogate from the time limits (CFMR Art. 12) as"
        " MS:FROM:TO, e.g. GR:2026-09-01:2026-11-30; repeat for each State and period"
    ),
]
Regime = Annotated[
    Literal["AMMR", "DUBLIN_III"] | None,
    Query(
        description="Force the regime (a scenario: 'what would the Pact / Dublin III say?') instead of"
        " deriving it from the dates (AMMR Art. 84(2), APR Art. 79(3)); the answer says it was forced"
    ),
]
CapacityReached = Annotated[
    str | None,
    Query(
        description="Member States (comma-separated ISO codes) whose adequate capacity is reached and"
        " notified (APR Arts 47(2), 48): ground 42(1)(j) no longer makes the border procedure mandatory",
        examples=["IT,GR"],
    ),
]
MaximumReached = Annotated[
    str | None,
    Query(
        description="Member States whose annual maximum is reached and authorised (APR Arts 47(3), 50):"
        " grounds 42(1)(c) and (j) no longer make the border procedure mandatory",
        examples=["IT"],
    ),
]


@lru_cache(maxsize=2)
def _base_context(crisis: bool) -> Context:
    """The channelling context: recognition rates from the shipped decision data (latest year)."""
    return default_context(crisis_derogation=crisis)


def _states(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip()) if raw else ()


def _context(crisis: bool, capacity: str | None = None, maximum: str | None = None) -> Context:
    """The shipped context with the border-procedure state of the Member States given in the query."""
    base = _base_context(crisis)
    if not capacity and not maximum:
        return base
    try:
        return replace(
            base, border_capacity_reached=_states(capacity), annual_maximum_reached=_states(maximum)
        )
    except InvalidInput as exc:
        where = "border_capacity_reached" if "border_capacity" in exc.path else "annual_maximum_reached"
        raise InvalidInput(f"query.{where}", exc.reason) from None


def warm_up() -> None:
    """Load the recognition rates and run the engine once, so the first request is not the slow one."""
    context = _base_context(False)
    example = _examples()
    case = next(iter(example.values()))["value"]
    list(decide_responsibility([case], with_trace=True).answers(True))
    list(decide([case], context).deadlines.answers())


def _cases(request: Request, body: Case | list[Case]) -> list[Case]:
    cases = body if isinstance(body, list) else [body]
    check_case_count(request, len(cases))
    return cases


def _shape(body: Case | list[Case], answers: Iterator[dict[str, Any]]) -> Any:
    return list(answers) if isinstance(body, list) else next(answers)


#: Batches up to this size are answered on the event loop (a few milliseconds of CPU: no thread hop);
#: bigger ones in a worker thread, so that the server keeps answering while they run.
INLINE_CASES = 16


async def _run(
    request: Request, body: Case | list[Case], answer: Callable[[list[Case]], Iterator[dict[str, Any]]]
) -> Any:
    cases = _cases(request, body)
    if not cases:
        return []
    if len(cases) <= INLINE_CASES:
        return _shape(body, answer(cases))
    return await run_in_threadpool(lambda: _shape(body, answer(cases)))


@router.post(
    "/responsibility",
    summary="Which Member State is responsible",
    response_model=ResponsibilityAnswer | list[ResponsibilityAnswer],
    response_model_exclude_unset=True,
    responses={**ERRORS_413, **ERRORS_422},
)
async def responsibility(
    request: Request, body: CasesBody, trace: WithTrace = True, regime: Regime = None
) -> Any:
    """The criteria of AMMR Part III (Dublin III for applications registered before 1 July 2026), in
    their hierarchy: the responsible Member State, the provision that designates it, flags, trace."""
    return await _run(
        request,
        body,
        lambda cases: decide_responsibility(cases, with_trace=trace, regime=regime).answers(trace),
    )


@router.post(
    "/procedure",
    summary="Which procedure applies",
    response_model=ProcedureAnswer | list[ProcedureAnswer],
    response_model_exclude_unset=True,
    responses={**ERRORS_413, **ERRORS_422},
)
async def procedure(
    request: Request,
    body: CasesBody,
    trace: WithTrace = True,
    crisis_derogation: Crisis = False,
    regime: Regime = None,
    border_capacity_reached: CapacityReached = None,
    annual_maximum_reached: MaximumReached = None,
) -> Any:
    """Border (APR Art. 45 mandatory, Art. 44 optional), accelerated (Art. 42) or regular procedure, with
    the grounds, the exemptions (Art. 53) and the recognition rate used (shipped decision data)."""
    context = _context(crisis_derogation, border_capacity_reached, annual_maximum_reached)
    return await _run(request, body, lambda cases: channel(cases, context, regime=regime).answers(trace))


@router.post(
    "/deadlines",
    summary="Which time limits run, to which date",
    response_model=DeadlinesAnswer | list[DeadlinesAnswer],
    response_model_exclude_unset=True,
    responses={**ERRORS_413, **ERRORS_422},
)
async def deadlines(
    request: Request,
    body: CasesBody,
    crisis_derogation: Crisis = False,
    regime: Regime = None,
    border_capacity_reached: CapacityReached = None,
    annual_maximum_reached: MaximumReached = None,
    crisis_in: CrisisIn = None,
) -> Any:
    """Each time limit with its date (AMMR Art. 75 / APR Art. 73 calculus, the Member State's public
    holidays), or, where the starting event is not dated yet, the period and the event it runs from;
    `crisis_in`: the CFMR Art. 12 authorisations per Member State and period."""
    context = _context(crisis_derogation, border_capacity_reached, annual_maximum_reached)
    crisis = derogations(False, crisis_in)

    return await _run(
        request, body, lambda cases: decide(cases, context, regime=regime, crisis=crisis).deadlines.answers()
    )
