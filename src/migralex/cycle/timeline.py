"""The years of one annual cycle: which Council act, which data, which capacity period.

`cycle_year` Y is the year in which the Commission adopts, by 15 October, the Report (AMMR Art. 9(4)),
the Art. 11 decision and the proposal for the Annual Solidarity Pool "for the upcoming year"
(Art. 12(1)): the pool year is Y + 1. Legal parameters of the proposal are read on the last day of
Y (the Council act is adopted "before the end of each calendar year", Art. 57(1)); those of the
pool's implementation (offsets) on the last day of Y + 1 (pledges are implemented "before the end
of that year", Art. 60(3)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet, params


@dataclass(frozen=True)
class Cycle:
    """One annual migration management cycle."""

    year: int

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100:
            raise InvalidInput("year", f"expected a cycle year between 2000 and 2100, got {self.year}")

    @property
    def pool_year(self) -> int:
        """The year of the Annual Solidarity Pool proposed in this cycle (AMMR Art. 12(1))."""
        return self.year + 1

    @property
    def proposal_date(self) -> dt.date:
        """Date on which the proposal's parameters are read: the end of the cycle year (Art. 57(1))."""
        return dt.date(self.year, 12, 31)

    @property
    def pool_end(self) -> dt.date:
        """End of the pool year, by which pledges are implemented (AMMR Art. 60(3), 63(5))."""
        return dt.date(self.pool_year, 12, 31)

    @property
    def indicator_year(self) -> int:
        """The calendar year the annual indicators cover: the last full year before the Report."""
        return self.year - 1

    def capacity_act_year(self, parameters: ParameterSet | None = None) -> int:
        """Year of the latest APR Art. 47(5) implementing act adopted in or before the cycle year."""
        interval = (parameters or params())["apr.border.capacity_act_interval"]
        first = interval.values[0].start.year
        if self.year < first:
            raise InvalidInput("year", f"no adequate-capacity act before {first} (APR Art. 47(5))")
        step = int(interval.value_at(self.proposal_date).value)
        return first + (self.year - first) // step * step

    def capacity_years(self, parameters: ParameterSet | None = None) -> tuple[int, int]:
        """First and last data year of the capacity act in force: the years before its adoption."""
        ps = parameters or params()
        act = self.capacity_act_year(ps)
        n = int(ps.value("apr.border.capacity_reference_period", dt.date(act, 12, 31)))
        return act - n, act - 1
