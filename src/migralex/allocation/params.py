"""Parameters of the matching: the order of the objective's tiers, the solver's limits, the score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from migralex.errors import InvalidInput

#: The tiers of the objective, each with its legal basis. The matching maximises them in the order
#: of `MatchParams.order` (lexicographically: a lower tier never costs a higher one anything).
TIERS: dict[str, dict[str, str]] = {
    "relocated": {
        "meaning": "persons relocated (pledged places used)",
        "act": "AMMR", "article": "57", "paragraph": "2",
    },
    "links": {
        "meaning": "persons relocated to a Member State with which they have meaningful links",
        "act": "AMMR", "article": "67", "paragraph": "3",
    },
    "vulnerable": {
        "meaning": "vulnerable persons relocated (first when places are scarce)",
        "act": "AMMR", "article": "67", "paragraph": "3",
    },
    "fair_share": {
        "meaning": "persons without links shared among the remaining Member States in proportion "
        "to the places left to each (largest remainder); the deviation is minimised",
        "act": "AMMR", "article": "67", "paragraph": "4",
    },
    "integration": {
        "meaning": "predicted integration score (an aid, not a right to choose)",
        "act": "AMMR", "article": "67", "paragraph": "3",
    },
}  # fmt: skip


#: Parameters no longer accepted, with the reason given to a caller who still sends them.
REMOVED: dict[str, str] = {
    "mip_rel_gap": "removed: every tier is solved to its optimum (HiGHS stops at an absolute gap "
    "below one unit of the lowest tier, with no relative gap); only time_limit stops a solve earlier",
}


@dataclass(frozen=True)
class MatchParams:
    """How a batch is matched (not law: the AMMR leaves the matching method to the Member States)."""

    #: Tiers of the objective, highest first (names of TIERS; a tier left out is not optimised).
    order: tuple[str, ...] = ("relocated", "links", "vulnerable", "fair_share", "integration")
    #: Wall-clock limit of the whole solve, seconds (split over the tiers as they run).
    time_limit: float = 10.0
    #: Year of the UNHCR stocks behind the integration score (the latest year at or before it).
    score_year: int = 2024
    #: Whether a family with one member who cannot be relocated stays together in the benefitting
    #: Member State ("together") - the reading of Art. 67(6) chosen here - or its eligible
    #: members are matched as a family without that member ("split").
    family_ineligible: str = "together"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check the names of the tiers and the limits."""
        for name in self.order:
            if name not in TIERS:
                raise InvalidInput("params.order", f"unknown tier {name!r}; tiers: {', '.join(TIERS)}")
        if "integration" in self.order and self.order[-1] != "integration":
            raise InvalidInput("params.order", "integration (an aid, not a right) can only be the last tier")
        if len(set(self.order)) != len(self.order):
            raise InvalidInput("params.order", "a tier is named twice")
        if not self.time_limit > 0:
            raise InvalidInput("params.time_limit", "must be > 0 seconds")
        if self.family_ineligible not in ("together", "split"):
            raise InvalidInput("params.family_ineligible", "must be 'together' or 'split'")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> MatchParams:
        """Parameters from a JSON/YAML mapping; unknown keys are an error naming the key."""
        names = {f.name for f in fields(cls)} - {"extra"}
        for key in raw:
            if key not in names:
                known = f"unknown parameter; known: {', '.join(sorted(names))}"
                raise InvalidInput(f"params.{key}", REMOVED.get(key, known))
        values = dict(raw)
        number = (int, float)
        kinds: dict[str, type | tuple[type, ...]] = {
            "order": list, "time_limit": number, "score_year": int,
            "family_ineligible": str,
        }  # fmt: skip
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, kinds[key]):
                raise InvalidInput(f"params.{key}", f"wrong type: {type(value).__name__}")
        if "order" in values:
            values["order"] = tuple(str(t) for t in values["order"])
        return replace(cls(), **values)

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON values."""
        return {
            f.name: list(getattr(self, f.name)) if f.name == "order" else getattr(self, f.name)
            for f in fields(self)
            if f.name != "extra"
        }
