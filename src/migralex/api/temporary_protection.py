"""`/v1/temporary-protection/...`: the stock of beneficiaries (a shell over `migralex.tp.stock`).

GET /v1/temporary-protection/stock: beneficiaries at the end of each month per Member State, per
100,000 inhabitants and as a share of the Union's stock (Eurostat migr_asytpsm), with the legal
basis under which the stock counts in the annual cycle (AMMR Art. 9(3)(a)(xv), Art. 10).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from migralex.api.errors import ERRORS_422
from migralex.tp.stock import BASIS, QUOTE, caveats, make_query, source, stock

#: A Member State code and a month as the JSON Schema can say them (which codes exist is checked by tp).
MsCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

router = APIRouter(prefix="/v1/temporary-protection", tags=["cycle"])


class StockOut(BaseModel):
    """Monthly stock rows with their source, legal basis and caveats."""

    rows: list[dict[str, Any]] = Field(
        description="month, member_state, beneficiaries, per_100k, share_of_union, flag, population_year"
    )
    source: str
    basis: str = Field(description="Where the stock counts in the cycle")
    quote: str = Field(description="The words of AMMR Art. 9(3)(a)(xv)")
    caveats: list[str]


@router.get(
    "/stock", summary="Beneficiaries of temporary protection", response_model=StockOut, responses=ERRORS_422
)
def stock_endpoint(
    member_state: Annotated[list[MsCode] | None, Query(description="ISO codes (default: EU27)")] = None,
    since: Annotated[str | None, Query(description="First month, YYYY-MM", pattern=MONTH)] = None,
    until: Annotated[str | None, Query(description="Last month, YYYY-MM", pattern=MONTH)] = None,
    latest: Annotated[bool, Query(description="Only each Member State's latest month")] = False,
) -> StockOut:
    """Beneficiaries at the end of each month (Eurostat migr_asytpsm; Ukrainians only)."""
    frame = stock(make_query(member_state, since, until, latest))
    return StockOut(rows=frame.to_dicts(), source=source(), basis=BASIS, quote=QUOTE, caveats=caveats())


def warm_up() -> None:
    """Read the shipped table once."""
    stock(make_query(latest_only=True))
