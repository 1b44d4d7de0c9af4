"""`/v1/simulations`: scenario runs of the population simulator, in the background, with progress.

POST starts `migralex.sim.run_scenario` in the app's job manager (one run at a time, a bounded
queue) and answers 202 with the job; GET /v1/simulations/{id} reports its progress and, once done,
the result: the simulator's summary, border-procedure occupancy against capacity per day (medians
and 5–95 % bands across runs, for the Union and per Member State) and the flows between stages.
Only shipped scenarios can be run (never a file path from a request).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, FastAPI, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from migralex.api.errors import ERRORS_404, ERRORS_413, ERRORS_422, ErrorBody, Responses
from migralex.api.jobs import Busy, Job, JobManager, Progress
from migralex.api.settings import ApiSettings
from migralex.errors import InvalidInput, MigralexError, UnknownReference
from migralex.sim.montecarlo import run_scenario
from migralex.sim.results import BAND_COLUMNS, SimulationResult, bands
from migralex.sim.scenario import events, events_outside, load_scenario, scenario_names
from migralex.sim.stages import STAGES

router = APIRouter(prefix="/v1/simulations", tags=["simulations"])

ERRORS_429: Responses = {
    429: {"model": ErrorBody, "description": "Too many simulations waiting; retry later"}
}


class ScenarioOut(BaseModel):
    """A shipped scenario."""

    name: str = Field(examples=["baseline"])
    description: str
    days: int
    scale: float = Field(description="Share of the population simulated")
    start: str
    events: list[dict[str, Any]] = Field(
        default_factory=list, description="Shocks and crises of the scenario: start, end (dates), label, kind"
    )


class SimulationRequest(BaseModel):
    """A scenario run: which scenario, how long, how many Monte-Carlo runs, from which seed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"scenario": "baseline", "days": 90, "runs": 5, "seed": 1, "scale": 0.1}]
        },
    )

    scenario: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="A name from /v1/simulations/scenarios"
    )
    days: int | None = Field(None, ge=1, le=3 * 366, description="Days simulated (default: the scenario's)")
    runs: int = Field(1, ge=1, le=200, description="Monte-Carlo runs (seeds spawned from `seed`)")
    seed: int = Field(0, ge=0, le=2**63 - 1, strict=True)
    scale: float | None = Field(
        None, gt=0, le=1, description="Share of the population (default: the scenario's)"
    )


class JobOut(BaseModel):
    """A simulation job: state, progress and, when done, the result."""

    id: str
    kind: str
    request: dict[str, Any]
    state: str = Field(description="queued, running, done or failed")
    progress: float = Field(ge=0, le=1)
    message: str
    submitted: str
    started: str | None
    finished: str | None
    error: str | None
    result: dict[str, Any] | None = Field(
        None, description="summary, occupancy (dates, union, member_states) and flows (union), when done"
    )


def install(app: FastAPI, settings: ApiSettings) -> None:
    """Give the app its job manager (stopped by the app's lifespan)."""
    app.state.jobs = JobManager(max_queued=settings.max_queued_simulations, kept=settings.kept_simulations)


def _jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


@lru_cache(maxsize=1)
def _scenarios() -> list[ScenarioOut]:
    out = []
    for name in scenario_names():
        s = load_scenario(name)
        out.append(
            ScenarioOut(
                name=name,
                description=s.description,
                days=s.days,
                scale=s.scale,
                start=s.start.isoformat(),
                events=events(s),
            )
        )
    return out


def warm_up() -> None:
    """Read the shipped scenarios once."""
    _scenarios()


def _series(q: np.ndarray) -> dict[str, list[float]]:
    """Bands (3, day) as {p5, median, p95} lists, rounded for the wire."""
    return {col: np.round(q[k], 2).tolist() for k, col in enumerate(BAND_COLUMNS)}


def result_json(result: SimulationResult) -> dict[str, Any]:
    """What the dashboard shows of a run: the summary, occupancy with bands, the Union's flows."""
    from migralex.countries import EU27

    occupancy = result.occupancy()  # [run, day, ms]
    first = result.runs[0]
    capacity = result.adequate_capacity()  # [ms], the act's figures whatever the scale
    maximum = first.annual_max / first.scale  # [ms, day]
    per_ms = {}
    q_ms = bands(occupancy)  # (3, day, ms)
    for j, ms in enumerate(EU27):
        per_ms[ms] = _series(q_ms[:, :, j]) | {
            "adequate_capacity": float(capacity[j]),
            "annual_maximum": np.round(maximum[j], 2).tolist(),
        }
    run_scale = np.array([r.scale for r in result.runs])[:, None, None]
    union_flows = bands(result.stack("flows").sum(axis=1) / run_scale)  # (3, from, to)
    sources = (*STAGES, "arrival")
    flows = [
        {
            "source": sources[a],
            "target": STAGES[b],
            **{c: round(float(union_flows[k, a, b]), 2) for k, c in enumerate(BAND_COLUMNS)},
        }
        for a, b in zip(*np.nonzero(union_flows[2]), strict=True)
    ]
    return {
        "summary": result.summary(),
        "occupancy": {
            "dates": [str(d) for d in result.dates()],
            "union": _series(bands(occupancy.sum(axis=2)))
            | {
                "adequate_capacity": float(capacity.sum()),
                "annual_maximum": np.round(maximum.sum(axis=0), 2).tolist(),
            },
            "member_states": per_ms,
            "basis": "APR Art. 47(1) (adequate capacity; annual maximum, second subparagraph), Art. 48(1)",
        },
        "flows": {"union": flows, "stages": list(STAGES)},
        **_events(result),
    }


def _events(result: SimulationResult) -> dict[str, Any]:
    """The scenario's shocks and crises (to mark on time charts) and those the run does not reach."""
    try:
        scenario = load_scenario(result.scenario)
    except MigralexError:  # a scenario not shipped under that name
        return {"events": [], "warnings": []}
    return {"events": events(scenario), "warnings": events_outside(scenario, result.days)}


def _work(body: SimulationRequest) -> Any:
    def work(progress: Progress) -> dict[str, Any]:
        progress(0.0, "building the population")
        result = run_scenario(
            body.scenario,
            days=body.days,
            seed=body.seed,
            runs=body.runs,
            progress_callback=lambda done, total: progress(done / total, f"run {done} of {total} done"),
            scale=body.scale,
            executor_kind="serial",
        )
        return result_json(result)

    return work


@router.get("/scenarios", summary="The shipped scenarios", response_model=list[ScenarioOut])
def scenarios() -> list[ScenarioOut]:
    """The scenarios that can be run, with their default length and population share."""
    return _scenarios()


@router.post(
    "",
    summary="Start a scenario run",
    status_code=202,
    response_model=JobOut,
    responses={**ERRORS_413, **ERRORS_422, **ERRORS_429},
)
def start(request: Request, response: Response, body: SimulationRequest) -> dict[str, Any]:
    """Queue a run of a shipped scenario; poll GET /v1/simulations/{id} (its URL is in `Location`)."""
    settings: ApiSettings = request.app.state.settings
    if body.scenario not in scenario_names():
        raise InvalidInput(
            "$.scenario", f"unknown scenario {body.scenario!r}; known: {', '.join(scenario_names())}"
        )
    if body.days is not None and body.days > settings.max_simulation_days:
        raise InvalidInput("$.days", f"at most {settings.max_simulation_days} days per request")
    if body.runs > settings.max_simulation_runs:
        raise InvalidInput("$.runs", f"at most {settings.max_simulation_runs} runs per request")
    try:
        job = _jobs(request).submit("simulation", body.model_dump(), _work(body))
    except Busy as exc:
        from fastapi import HTTPException

        raise HTTPException(429, str(exc), headers={"Retry-After": "10"}) from None
    response.headers["Location"] = f"/v1/simulations/{job.id}"
    return job.to_dict(with_result=False)


@router.get("", summary="Simulation jobs", response_model=list[JobOut])
def list_jobs(request: Request) -> list[dict[str, Any]]:
    """Known jobs, newest first, without their results."""
    return [j.to_dict(with_result=False) for j in _jobs(request).list()]


@router.get("/{job_id}", summary="Progress and result of a run", response_model=JobOut, responses=ERRORS_404)
def get_job(request: Request, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """The job's state and progress; with state `done`, its result."""
    job: Job | None = _jobs(request).get(job_id)
    if job is None:
        raise UnknownReference(
            f"no simulation {job_id!r} (finished jobs are kept for a while, then forgotten)"
        )
    return job.to_dict(with_result=True)
