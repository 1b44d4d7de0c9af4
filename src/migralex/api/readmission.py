"""`/v1/readmission`: the visa suspension mechanism indicators per third country (Reg. 2018/1806 Art. 8).

An analyst's aid: the answer lists where a ground's thresholds are met and why; the decision to
suspend a visa exemption is the Commission's (Art. 8). Every answer carries that disclaimer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from migralex.api.errors import ERRORS_404, ERRORS_422
from migralex.readmission.triggers import report

router = APIRouter(prefix="/v1/readmission", tags=["readmission"])


@router.get(
    "", summary="Visa suspension mechanism indicators (Art. 8)", responses={**ERRORS_404, **ERRORS_422}
)
def readmission(
    year: Annotated[int, Query(ge=1900, le=2100, description="Year of the indicators (Y vs Y-1)")],
    all: Annotated[bool, Query(description="Every third country, not only those meeting a ground")] = False,
    min_applications: Annotated[int, Query(ge=0, description="Noise floor (not law)")] = 100,
    on: Annotated[
        dt.date | None, Query(description="Thresholds in force on this date (default today)")
    ] = None,
) -> dict[str, Any]:
    """Countries for which a ground is met: indicator, value, threshold, article; with the caveats."""
    return report(year, on=on, all_countries=all, min_applications=min_applications)


def warm_up() -> None:
    """Load the tables the indicators read."""
    report(2024)
