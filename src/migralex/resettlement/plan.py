"""The Union Resettlement and Humanitarian Admission Plan (URF Art. 8) as shipped data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from migralex.countries import normalise_member_state
from migralex.errors import UnknownReference

#: The shipped plans (copies of data/raw/union_resettlement_plan_*/plan.yaml; see SOURCE.md there).
PLANS = {"union-2026-2027": Path(__file__).resolve().parent / "data" / "plan.yaml"}

#: Said wherever per-Member-State figures would be shown.
MISSING_PLEDGES = (
    "The Member States' pledges of the 2026-2027 Union Plan were not found in public material"
    " reachable when migralex was built: only the adopted total (10,430, 9 Member States) is shipped."
)


@dataclass(frozen=True)
class Plan:
    """A two-year Union Plan: period, adopted total, pledges per Member State (empty when unknown)."""

    name: str
    start: dt.date
    end: dt.date
    total: int
    participating: int
    source: str
    pledges: dict[str, int] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def pledges_known(self) -> bool:
        """Whether the per-Member-State pledges are shipped."""
        return bool(self.pledges)


@cache
def plan(name: str = "union-2026-2027") -> Plan:
    """One shipped Union Plan by name."""
    if name not in PLANS:
        raise UnknownReference(f"no Union Plan {name!r}; the plans are: {', '.join(PLANS)}")
    raw = yaml.safe_load(PLANS[name].read_text("utf-8"))
    pledges = {
        normalise_member_state(k, field="pledges"): int(v) for k, v in (raw.get("pledges") or {}).items()
    }
    return Plan(
        name=name,
        start=raw["period"]["start"],
        end=raw["period"]["end"],
        total=int(raw["adopted"]["total"]),
        participating=int(raw["adopted"]["member_states_participating"]),
        source=str(raw["adopted"]["source"]),
        pledges=pledges,
        raw=raw,
    )
