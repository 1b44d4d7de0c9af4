"""Small hand-made inputs for the cycle tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from migralex.cycle.provenance import Result
from migralex.cycle.reference_key import reference_key

#: A date on which every solidarity and offset parameter is in force.
ON = dt.date(2026, 12, 31)


def key_of(pop: dict[str, int], gdp: dict[str, int], on: dt.date = ON) -> Result:
    """The reference key of hand-made population and GDP figures."""
    frame = pl.DataFrame(
        {"member_state": list(pop), "population": list(pop.values()), "gdp_eur": [gdp[k] for k in pop]}
    )
    return reference_key(frame, on=on)


@pytest.fixture
def four_key() -> Result:
    """AT, BE, DE 1/5 each and FR 2/5: population and GDP in the same proportions."""
    return key_of({"AT": 10, "BE": 10, "DE": 10, "FR": 20}, {"AT": 100, "BE": 100, "DE": 100, "FR": 200})
