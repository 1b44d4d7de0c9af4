"""`/v1/cycle/...`: the annual cycle (a shell over `migralex.cycle`; no calculation here).

GET /v1/cycle/{year} is `migralex.cycle.summary.cycle_summary`, cached per year and options.
POST /v1/cycle/{year}/solidarity is the what-if of the dashboard: the reference key of the member
set, the pool of the given size, the fair shares (`cycle_reference_key`, `pool_size`,
`fair_shares`) and, when pledges are given, the pledges against them with the deductions and
offsets they trigger (`parse_pledges`, `evaluate_pledges`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from migralex.api.errors import ERRORS_404, ERRORS_413, ERRORS_422
from migralex.cycle.members import explicit_members
from migralex.cycle.offsets import evaluate_pledges
from migralex.cycle.pledges import parse_pledges
from migralex.cycle.pool import fair_shares, pool_size
from migralex.cycle.provenance import Result
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.summary import cycle_summary
from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput, MigralexError, UnknownReference
from migralex.law import params
from migralex.wording import in_plain_words

router = APIRouter(prefix="/v1/cycle", tags=["cycle"])

#: Parameter whose first date is the first cycle the law knows (AMMR Art. 85 applies the cycle early).
FIRST_CYCLE_PARAMETER = "ammr.reading.reference_key_members"

#: A Member State code as the JSON Schema can say it (which codes exist is checked by the engine).
MsCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]

Year = Annotated[int, Path(ge=2000, le=2100, description="Cycle year (the Commission's acts of 15 October)")]


class CycleIndex(BaseModel):
    """The cycle years that the shipped data support."""

    years: list[int] = Field(examples=[[2024, 2025, 2026]])
    default_year: int = Field(description="The latest year that can be computed")
    unavailable: dict[str, str] = Field(description="Other candidate years and why they cannot be computed")


class CycleSummary(BaseModel):
    """The whole annual cycle: indicators, pressure, pool and fair shares, capacity, the ≤ 20 % list.

    Each section is a table (`rows`) with the provenance of its columns (`columns`: description,
    legal basis, formula, inputs, data sources), aggregate `figures` and `notes`.
    """

    model_config = ConfigDict(extra="allow")

    cycle: dict[str, Any]
    disclaimer: str
    indicators: dict[str, Any]
    pressure: dict[str, Any]
    solidarity: dict[str, Any]
    capacity: dict[str, Any]
    border_list: dict[str, Any]
    parameters: list[dict[str, Any]]


class PledgeIn(BaseModel):
    """One Member State's pledge (AMMR Art. 57(1)) and what it implemented (Art. 63(5))."""

    model_config = ConfigDict(extra="forbid")

    relocations: int = Field(0, ge=0, le=10_000_000)
    financial_eur: int = Field(0, ge=0, le=10**13)
    alternative_eur: int = Field(0, ge=0, le=10**13)
    implemented_relocations: int | None = Field(None, ge=0, le=10_000_000)


class DeductionIn(BaseModel):
    """A deduction granted by Council act (Art. 61(4), 62(5))."""

    model_config = ConfigDict(extra="forbid")

    fraction: float = Field(gt=0, le=1)
    article: str = Field("61", pattern="^6[12]$")


class SolidarityWhatIf(BaseModel):
    """A what-if on the Annual Solidarity Pool: its size, the member set, and pledges."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "relocations": 40000,
                    "member_set": None,
                    "pledges": {"DE": {"relocations": 3000}, "FR": {"financial_eur": 100000000}},
                    "benefitting": ["IT"],
                    "reconvened_forum": False,
                }
            ]
        },
    )

    relocations: int | None = Field(None, gt=0, le=10_000_000, description="Pool size in relocations")
    financial_eur: int | None = Field(None, gt=0, le=10**13, description="Pool size in euro")
    member_set: list[MsCode] | None = Field(
        None,
        min_length=2,
        max_length=27,
        description="Member States in the reference key (default: the law's reading)",
    )
    pledges: dict[MsCode, PledgeIn] | None = Field(None, max_length=27, description="Member State → pledge")
    benefitting: list[MsCode] = Field(default_factory=list, max_length=27)
    reconvened_forum: bool = False
    deductions: dict[MsCode, DeductionIn] = Field(default_factory=dict, max_length=27)


class SolidarityAnswer(BaseModel):
    """The pool, the fair shares and (with pledges) the pledge evaluation with its offsets."""

    year: int
    pool_year: int
    pool: dict[str, Any]
    fair_shares: dict[str, Any]
    pledges: dict[str, Any] | None = Field(
        description="Pledges, deductions and offsets (AMMR Arts 57, 60-63)"
    )


_lock = threading.Lock()
_outcomes: dict[tuple[Any, ...], dict[str, Any] | MigralexError] = {}


def _cached(key: tuple[Any, ...], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Compute once per key (the cycle is deterministic); errors are remembered too."""
    with _lock:
        if key not in _outcomes:
            try:
                _outcomes[key] = compute()
            except MigralexError as exc:
                _outcomes[key] = exc
            if len(_outcomes) > 64:
                del _outcomes[next(iter(_outcomes))]
        outcome = _outcomes[key]
    if isinstance(outcome, MigralexError):
        raise outcome
    return outcome


def _summary(
    year: int,
    relocations: int | None = None,
    financial_eur: int | None = None,
    period: str = "report",
    forecast: bool = False,
) -> dict[str, Any]:
    """cycle_summary; a year the data cannot support is 404, a bad option 422 (with its query path)."""
    try:
        return _cached(
            ("summary", year, relocations, financial_eur, period, forecast),
            lambda: notes_in_words(
                cycle_summary(
                    year,
                    relocations=relocations,
                    financial_eur=financial_eur,
                    period=period,
                    forecast=forecast,
                )
            ),
        )
    except InvalidInput as exc:
        if exc.path in ("relocations", "financial_eur"):
            raise InvalidInput(f"query.{exc.path}", exc.reason) from None
        raise UnknownReference(f"cycle {year} cannot be computed from the shipped data: {exc}") from None
    except UnknownReference as exc:
        raise UnknownReference(f"cycle {year} cannot be computed from the shipped data: {exc}") from None


@lru_cache(maxsize=1)
def _index() -> CycleIndex:
    first = params()[FIRST_CYCLE_PARAMETER].values[0].start.year
    years, unavailable = [], {}
    for year in range(first, dt.date.today().year + 2):
        try:
            _summary(year)
            years.append(year)
        except MigralexError as exc:
            unavailable[str(year)] = str(exc)
    if not years:
        raise UnknownReference(f"no cycle year can be computed from the shipped data: {unavailable}")
    return CycleIndex(years=years, default_year=years[-1], unavailable=unavailable)


def warm_up() -> None:
    """Compute the cycles of the years the data support (cached), so the dashboard's first map is quick."""
    _index()


@router.get("", summary="Cycle years available", response_model=CycleIndex)
def cycle_index() -> CycleIndex:
    """The cycle years from the first one the law knows to next year, and which the shipped data support."""
    return _index()


@router.get(
    "/{year}",
    summary="The annual cycle of one year",
    response_model=CycleSummary,
    responses={**ERRORS_404, **ERRORS_422},
)
def get_cycle(
    year: Year,
    relocations: Annotated[
        int | None, Query(gt=0, le=10_000_000, description="Pool size in relocations")
    ] = None,
    financial_eur: Annotated[int | None, Query(gt=0, le=10**13, description="Pool size in euro")] = None,
    period: Annotated[
        Literal["report", "calendar", "report_previous"],
        Query(
            description="Reference period: report (12 months to 30 June, AMMR Art. 9(1)), calendar (the "
            "year before), or report_previous (12 months to 30 June of the year before)"
        ),
    ] = "report",
    forecast: Annotated[
        bool,
        Query(
            description="Add the projection of the coming year (AMMR Art. 9(3)(b)) from the forecasts, "
            "which also feeds the risk rule; slower on first use"
        ),
    ] = False,
) -> dict[str, Any]:
    """Indicators (AMMR Art. 9(3)), pressure ranking (Arts 10-11, an analyst's aid), the pool and fair
    shares (Arts 12, 57, 66), adequate capacity (APR Arts 46-47) and the ≤ 20 % list (APR Art. 42(1)(j))."""
    return _summary(year, relocations, financial_eur, period, forecast)


def _fair_shares(year: int, body: SolidarityWhatIf) -> tuple[Cycle, Any, Result]:
    cycle = Cycle(year)
    members = explicit_members(body.member_set, field="$.member_set") if body.member_set is not None else None
    try:
        key = cycle_reference_key(cycle, members)
    except UnknownReference as exc:
        raise UnknownReference(f"cycle {year} cannot be computed from the shipped data: {exc}") from None
    try:
        pool = pool_size(body.relocations, body.financial_eur, on=cycle.proposal_date)
    except InvalidInput as exc:
        raise InvalidInput(f"$.{exc.path}", exc.reason) from None
    return cycle, pool, fair_shares(key, pool)


@router.post(
    "/{year}/solidarity",
    summary="What-if on the solidarity pool",
    response_model=SolidarityAnswer,
    responses={**ERRORS_404, **ERRORS_413, **ERRORS_422},
)
def solidarity_what_if(year: Year, body: SolidarityWhatIf) -> SolidarityAnswer:
    """Fair shares for a pool size and member set; with pledges, the deductions and responsibility
    offsets they trigger (AMMR Arts 12, 57, 60-63, 66)."""
    cycle, pool, fair = _fair_shares(year, body)
    evaluation = None
    if body.pledges is not None:
        raw = {
            "pledges": {ms: p.model_dump(exclude_none=True) for ms, p in body.pledges.items()},
            "benefitting": body.benefitting,
            "reconvened_forum": body.reconvened_forum,
            "deductions": {ms: d.model_dump() for ms, d in body.deductions.items()},
        }
        evaluation = evaluate_pledges(fair, pool, parse_pledges(raw), on=cycle.pool_end).to_dict()
    return SolidarityAnswer(
        year=cycle.year,
        pool_year=cycle.pool_year,
        pool=notes_in_words(pool.to_dict()),
        fair_shares=notes_in_words(fair.to_dict()),
        pledges=notes_in_words(evaluation) if evaluation is not None else None,
    )


def notes_in_words(value: Any) -> Any:
    """Every `notes` list (and `explanation` text) with readings in words: people never see code names."""
    if isinstance(value, dict):
        return {
            k: [in_plain_words(n) if isinstance(n, str) else n for n in v]
            if k == "notes" and isinstance(v, list)
            else notes_in_words(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [notes_in_words(v) for v in value]
    return value
