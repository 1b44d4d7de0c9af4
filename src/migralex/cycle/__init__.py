"""The annual migration management cycle: indicators and pressure (AMMR Arts 9-11), the reference key
and fair shares of the Annual Solidarity Pool (Arts 12, 57, 66), pledges and offsets (Arts 60-63),
the adequate capacity of the border procedure (APR Arts 46-47). See docs/cycle.md."""

from migralex.cycle.capacity import adequate_capacity, annual_maximum, capacity
from migralex.cycle.offsets import evaluate_pledges
from migralex.cycle.pledges import parse_pledges, read_pledges
from migralex.cycle.pool import fair_shares, pool_size
from migralex.cycle.provenance import Column, Figure, Result, Source
from migralex.cycle.reference_key import cycle_reference_key, reference_key
from migralex.cycle.summary import cycle_summary, run_cycle
from migralex.cycle.timeline import Cycle

__all__ = [
    "Column", "Cycle", "Figure", "Result", "Source", "adequate_capacity", "annual_maximum", "capacity",
    "cycle_reference_key", "cycle_summary", "evaluate_pledges", "fair_shares", "parse_pledges", "pool_size",
    "read_pledges", "reference_key", "run_cycle",
]  # fmt: skip
