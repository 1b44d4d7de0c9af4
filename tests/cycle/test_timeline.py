"""Which years one cycle uses: pool year, indicator year, the capacity act in force (APR Art. 47(5))."""

from __future__ import annotations

import datetime as dt

import pytest

from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput


def test_pool_and_indicator_years() -> None:
    c = Cycle(2025)
    assert (c.pool_year, c.indicator_year) == (2026, 2024)
    assert c.proposal_date == dt.date(2025, 12, 31) and c.pool_end == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("year", "act", "years"),
    [
        (2024, 2024, (2021, 2023)),
        (2026, 2024, (2021, 2023)),
        (2027, 2027, (2024, 2026)),
        (2030, 2030, (2027, 2029)),
    ],
)
def test_capacity_act_every_three_years(year, act, years) -> None:
    assert Cycle(year).capacity_act_year() == act
    assert Cycle(year).capacity_years() == years


def test_no_capacity_act_before_2024() -> None:
    with pytest.raises(InvalidInput, match=r"47\(5\)"):
        Cycle(2023).capacity_act_year()
    with pytest.raises(InvalidInput, match="year"):
        Cycle(1999)
