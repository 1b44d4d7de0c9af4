"""`/v1/relocations`: matching persons to relocate with pledged places (AMMR Arts 57, 67).

POST /v1/relocations/match answers every person (Member State or none, reason, article), the
totals per Member State against pledges and the solver's gap - at once for a batch of up to
`SYNC_LIMIT` persons, otherwise as a background job in the app's job manager (202, poll
GET /v1/relocations/jobs/{id}, as for simulations). GET /v1/relocations/example gives a synthetic
batch drawn from the shipped data (for the dashboard and to try the endpoint).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from migralex.allocation import PROVENANCE, MatchParams, match_batch
from migralex.allocation.io import persons_from_records, places_from_json
from migralex.allocation.synthetic import RELOCATION_STATES, persons, pledges
from migralex.api.errors import ERRORS_404, ERRORS_413, ERRORS_422
from migralex.api.jobs import Busy, Job, JobManager, Progress
from migralex.errors import InvalidInput, UnknownReference

router = APIRouter(prefix="/v1/relocations", tags=["relocations"])

#: Batches above this many persons run in the background.
SYNC_LIMIT = 2000
#: The largest batch accepted at all.
MAX_PERSONS = 100_000


class MatchRequest(BaseModel):
    """Persons to relocate and places: the columns of `migralex.allocation` (docs/relocation.md)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "persons": [
                        {"person_id": "P1", "links": ["DE"], "nationality": "SY", "benefitting": "IT"},
                        {"person_id": "P2", "status": "beneficiary", "consent": True, "benefitting": "IT"},
                    ],
                    "places": {"DE": 1, "PT": 1},
                }
            ]
        },
    )

    persons: list[dict[str, Any]] = Field(description="One object per person (person_id required)")
    places: dict[str, Any] = Field(description='{"DE": 120, ...} or a PLEDGES.json document')
    method: str = Field("milp", pattern="^(milp|greedy)$")
    time_limit: float = Field(10.0, gt=0, le=120, description="Seconds for the solver")
    params: dict[str, Any] | None = Field(
        None, description="Matching parameters: order, family_ineligible, score_year (docs/relocation.md)"
    )


def _match(body: MatchRequest) -> dict[str, Any]:
    """The answer for a batch (the same as `migralex relocate --format json`)."""
    frame = persons_from_records(body.persons, where="$.persons")
    places = places_from_json(body.places)
    params = MatchParams.from_mapping({**(body.params or {}), "time_limit": body.time_limit})
    result = match_batch(frame, places, params, method=body.method)
    return {**result.to_dict(), "integration_score": PROVENANCE}


def _jobs(request: Request) -> JobManager:
    jobs: JobManager | None = getattr(request.app.state, "jobs", None)
    if jobs is None:
        raise HTTPException(503, "background jobs are not available in this build")
    return jobs


@router.post(
    "/match",
    summary="Match persons to pledged places",
    responses={202: {"description": "Queued as a background job"}, **ERRORS_413, **ERRORS_422},
)
def match(request: Request, response: Response, body: MatchRequest) -> dict[str, Any]:
    """One answer per person with its article, totals per Member State, the solver's gap; a batch
    of more than 2,000 persons is queued (202, `Location` of the job)."""
    if len(body.persons) > MAX_PERSONS:
        raise InvalidInput("$.persons", f"at most {MAX_PERSONS} persons per request")
    if len(body.persons) <= SYNC_LIMIT:
        return _match(body)
    persons_from_records(body.persons, where="$.persons")  # bad input is a 422 now, not a failed job
    places_from_json(body.places)

    def work(progress: Progress) -> dict[str, Any]:
        progress(0.0, f"matching {len(body.persons)} persons")
        return _match(body)

    try:
        job = _jobs(request).submit("relocation", {"persons": len(body.persons)}, work)
    except Busy as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": "10"}) from None
    response.status_code = 202
    response.headers["Location"] = f"/v1/relocations/jobs/{job.id}"
    return job.to_dict(with_result=False)


@router.get("/jobs/{job_id}", summary="Progress and result of a queued match", responses=ERRORS_404)
def get_job(request: Request, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """The job's state; with state `done`, the match."""
    job: Job | None = _jobs(request).get(job_id)
    if job is None or job.kind != "relocation":
        raise UnknownReference(f"no relocation job {job_id!r} (finished jobs are kept for a while)")
    return job.to_dict(with_result=True)


@router.get("/example", summary="A synthetic batch to relocate", responses=ERRORS_422)
def example(
    persons_n: Annotated[int, Query(alias="persons", ge=1, le=SYNC_LIMIT)] = 200,
    places_n: Annotated[int, Query(alias="places", ge=0, le=100_000)] = 150,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 1,
    benefitting: Annotated[str, Query(pattern="^[A-Z]{2}$")] = "IT",
) -> dict[str, Any]:
    """Persons drawn from the shipped data (nationalities by EU applications, links towards the
    diaspora) and places shared by population: a demo input, not statistics."""
    if benefitting not in RELOCATION_STATES:
        raise InvalidInput("benefitting", f"one of {', '.join(RELOCATION_STATES)}")
    frame = persons(persons_n, np.random.default_rng(seed), benefitting)
    states = [s for s in RELOCATION_STATES if s != benefitting]
    return {"persons": frame.to_dicts(), "places": pledges(places_n, states)}


def warm_up() -> None:
    """Nothing to load ahead (the shipped tables load on first use)."""
