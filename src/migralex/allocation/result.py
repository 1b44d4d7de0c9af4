"""The answer for a batch: one row per person (Member State or none, reason, article), and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from migralex.allocation.reasons import REASONS, article_of


@dataclass(frozen=True)
class MatchResult:
    """Per-person assignments, totals per Member State against pledges, and the solver's report."""

    assignments: pl.DataFrame
    pledged: dict[str, int]
    placed: dict[str, int]
    method: str
    gap: float
    status: str
    stages: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def relocated(self) -> int:
        """Persons given a Member State of relocation."""
        return int(self.assignments["member_state"].is_not_null().sum())

    @property
    def unplaced(self) -> int:
        """Persons not relocated in this batch (each with its reason)."""
        return int(self.assignments["member_state"].is_null().sum())

    @property
    def links_honoured(self) -> int:
        """Persons relocated to a Member State they have meaningful links with (Art. 67(3))."""
        return int(self.assignments["link_honoured"].sum())

    def totals(self) -> list[dict[str, Any]]:
        """Per Member State of relocation: places pledged, used and open."""
        return [
            {"member_state": ms, "pledged": n, "used": self.placed.get(ms, 0),
             "open": n - self.placed.get(ms, 0)}
            for ms, n in self.pledged.items()
        ]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The whole answer as JSON values."""
        return {
            "relocated": self.relocated,
            "unplaced": self.unplaced,
            "links_honoured": self.links_honoured,
            "method": self.method,
            "gap": self.gap,
            "status": self.status,
            "stages": self.stages,
            "totals": self.totals(),
            "assignments": self.assignments.to_dicts(),
            "reasons": REASONS,
            "params": self.params,
        }


def assignments(
    person_id: pl.Series,
    states: list[str],
    state_of_person: np.ndarray,
    reason: np.ndarray,
    links: np.ndarray,
    score: np.ndarray,
) -> pl.DataFrame:
    """The per-person table; `state_of_person` is -1 where not placed."""
    placed = state_of_person >= 0
    col = np.where(placed, state_of_person, 0)
    rows = np.arange(len(state_of_person))
    link_honoured = placed & (links[rows, col] if links.size else np.zeros(len(rows), bool))
    person_score = np.where(placed, score[rows, col] if score.size else 0.0, np.nan)
    ms = np.asarray([*states, None], dtype=object)[np.where(placed, state_of_person, len(states))]
    articles = {code: article_of(code) for code in REASONS}
    return pl.DataFrame(
        {
            "person_id": person_id,
            "member_state": pl.Series(ms.tolist(), dtype=pl.String),
            "reason": pl.Series(list(reason), dtype=pl.String),
            "article": pl.Series(list(reason), dtype=pl.String).replace_strict(articles, default=None),
            "link_honoured": link_honoured,
            "integration_score": pl.Series(person_score, dtype=pl.Float64).fill_nan(None),
        }
    )
