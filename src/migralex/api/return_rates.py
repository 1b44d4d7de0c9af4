"""`GET /v1/returns/rates`: ordered to leave, returned and their ratio per Member State and year.

A read-only shell over `migralex.data.returns.return_rates` (Eurostat migr_eiord / migr_eirtn, the
shipped table `returns`): the rows of one year, the Member States the table lacks, source and caveats.
A year the table does not hold is a 422 naming `query.year`.
"""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query

from migralex.api.errors import ERRORS_422
from migralex.countries import ASSOCIATED_STATES, EU27, name
from migralex.data.returns import SOURCE, return_rates
from migralex.errors import InvalidInput

router = APIRouter(prefix="/v1/returns", tags=["returns"])

#: What the ratio is and is not (docs/returns.md).
CAVEATS = [
    "returned / ordered to leave of the same year: persons returned in a year may have been ordered to"
    " leave in an earlier year, so this is not a cohort rate (it can exceed 1)",
    "returned counts every destination (c_dest=TOTAL: third countries and other Member States)",
    "citizenship: all third-country nationals (TOTAL); EU27_2020 is Eurostat's Union aggregate",
]


def _label(code: str) -> str:
    """A display name: the Union aggregate, or the country's name."""
    return "EU27 (Union aggregate)" if code == "EU27_2020" else name(code)


def rates_answer(year: int | None) -> dict[str, Any]:
    """One year's rows (default: the latest), the Member States without a row, source and caveats."""
    frame = return_rates(aggregates=True)
    years = sorted(frame.get_column("year").unique().to_list())
    chosen = years[-1] if year is None else year
    if chosen not in years:
        raise InvalidInput("query.year", f"no returns data for {chosen}; years {years[0]}-{years[-1]}")
    rows = frame.filter(pl.col("year") == chosen).sort("member_state")
    present = set(rows.get_column("member_state").to_list())
    rows = rows.with_columns(
        pl.col("member_state").replace_strict({c: _label(c) for c in present}).alias("name"),
        pl.col("member_state").is_in(list(ASSOCIATED_STATES)).alias("associated_state"),
    ).drop("citizenship")
    return {
        "year": chosen,
        "years": years,
        "rows": rows.to_dicts(),
        "missing_member_states": [code for code in EU27 if code not in present],
        "source": f"{SOURCE}, {chosen} (annual)",
        "caveats": CAVEATS,
    }


@router.get(
    "/rates", summary="Ordered to leave, returned and the ratio per Member State", responses=ERRORS_422
)
def rates(
    year: Annotated[int | None, Query(description="Year (default: the latest in the table)")] = None,
) -> dict[str, Any]:
    """Eurostat migr_eiord / migr_eirtn for one year: per Member State (and EU27), with source and caveats."""
    return rates_answer(year)


def warm_up() -> None:
    """Read the shipped table once."""
    return_rates()
