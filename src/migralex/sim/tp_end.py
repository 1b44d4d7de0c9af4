"""The end of temporary protection: the stock of beneficiaries moves to other statuses.

Temporary protection for persons displaced from Ukraine (Implementing Decision (EU) 2022/382) ends
on the date of the parameter `tp.ukraine.end_date` (4 March 2027, Implementing Decision (EU)
2025/1460; SECONDARY). Directive 2001/55/EC Art. 17 lets a beneficiary lodge an application for
international protection at any time, and Art. 20 applies the general law on protection and
foreigners when temporary protection ends (the Directive's text is not shipped: cited, not quoted).

Per run, the scenario's shares (each a value or a `low`–`high` range with its source, drawn once per
run like every behavioural number) split each Member State's stock at the end date into:
applications for international protection, national residence permits, returns to Ukraine, onward
movement to another Member State, and the rest (no recorded status: left unobserved, irregular stay,
naturalised — the model does not tell them apart). The split is a multinomial draw per Member State
(vectorised over the 27). The applications join the simulated population as direct applications
(nationality UA) spread over the days around the end date, so the kernel registers, decides and
counts them like every other applicant; the other transitions are counted, not simulated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from migralex.countries import EU27
from migralex.data import load
from migralex.errors import InvalidInput

if TYPE_CHECKING:
    from migralex.sim.scenario import Scenario

#: The transitions, in the order of the arrays: name → description.
OUTCOMES: dict[str, str] = {
    "international_protection": "applications for international protection (Directive 2001/55/EC Art. 17)",
    "national_permit": "national residence permits (general law, Directive 2001/55/EC Art. 20)",
    "return": "returns to Ukraine",
    "onward_movement": "onward movement to another Member State",
    "no_recorded_status": "the rest: no recorded status (left unobserved, irregular stay, other)",
}
SHARES = tuple(OUTCOMES)[:-1]
BASIS = (
    "tp.ukraine.end_date (Council Implementing Decision (EU) 2025/1460, SECONDARY); "
    "Directive 2001/55/EC Arts 17, 20 (not shipped)"
)


@dataclass(frozen=True)
class Transitions:
    """One run's transitions: counts [ms, outcome] (whole population) and what it assumed."""

    counts: np.ndarray  # float64 [27, len(OUTCOMES)]
    end_date: dt.date
    stock_month: dt.date
    shares: dict[str, float]
    notes: tuple[str, ...]

    def info(self) -> dict[str, Any]:
        """JSON-ready description (for the summary)."""
        return {
            "end_date": self.end_date.isoformat(),
            "stock_month": f"{self.stock_month:%Y-%m}",
            "basis": BASIS,
            "outcomes": OUTCOMES,
            "shares": self.shares,
            "notes": list(self.notes),
        }


def stock_at(month: dt.date | None = None) -> tuple[np.ndarray, dt.date]:
    """Each Member State's stock in `month` (default: the latest shipped), EU27 order; 0 where none."""
    tp = load("temporary_protection").filter(
        pl.col("beneficiaries").is_not_null(), pl.col("country").is_in(EU27)
    )
    if month is not None:
        tp = tp.filter(pl.col("month") <= month)
    if tp.is_empty():
        raise InvalidInput("temporary_protection_end.stock_month", "no shipped stock up to that month")
    latest = tp.sort("month").group_by("country").last()
    by_ms = dict(zip(latest["country"], latest["beneficiaries"], strict=True))
    used: dt.date = latest["month"].max()  # type: ignore[assignment]
    return np.array([float(by_ms.get(ms, 0)) for ms in EU27]), used


def draw(scenario: Scenario, rng: np.random.Generator) -> Transitions:
    """The run's shares and the multinomial split of every Member State's stock (see the docstring)."""
    spec = scenario.temporary_protection_end
    assert spec is not None
    end = scenario.parameters().value(spec.end_parameter, scenario.start)
    stock, month = stock_at(spec.stock_month)
    change = spec.stock_change.draw(rng)
    shares = {name: spec.draw_share(name, rng) for name in SHARES}
    notes = [f"temporary-protection stock of {month:%Y-%m} × {change:.3f} held to the end date ({end})"]
    total = sum(shares.values())
    if total > 1.0:
        shares = {k: v / total for k, v in shares.items()}
        notes.append(f"the drawn shares added up to {total:.3f}: scaled down to 1")
    p = np.array([*shares.values(), max(0.0, 1.0 - sum(shares.values()))])
    n = np.round(stock * change).astype(np.int64)
    counts = rng.multinomial(n, p / p.sum()).astype(np.float64)
    return Transitions(counts, end, month, {k: round(v, 4) for k, v in shares.items()}, tuple(notes))


def applications(
    scenario: Scenario, t: Transitions, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Simulated applications (Member State index, day) from the transitions, at the run's scale."""
    spec = scenario.temporary_protection_end
    assert spec is not None
    k = tuple(OUTCOMES).index("international_protection")
    n = rng.binomial(t.counts[:, k].astype(np.int64), scenario.scale)
    ms = np.repeat(np.arange(len(EU27)), n).astype(np.int8)
    first = (t.end_date - scenario.start).days + 1 - spec.lead_days
    day = first + rng.integers(0, spec.lead_days + spec.spread_days, int(n.sum()))
    inside = (day >= 0) & (day < scenario.days)
    notes = []
    if not inside.all():
        notes.append(
            f"{int((~inside).sum())} simulated applications after the end of temporary protection fall"
            " outside the simulated days: left out of the run (still in the transitions table)"
        )
    return ms[inside], day[inside].astype(np.int32), notes


def summary_rows(section: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary's `temporary_protection_end` as rows: one per Member State with a stock, then "EU"."""
    rows = [{"member_state": ms, **v} for ms, v in section["member_states"].items() if _any(v)]
    return [*rows, {"member_state": "EU", **section["union"]}]


def _any(values: dict[str, Any]) -> bool:
    return any((v["median"] if isinstance(v, dict) else v) > 0 for v in values.values())


#: The accounting of the simulated applications at the end of the run (columns of `accounting`).
ACCOUNTING: dict[str, str] = {
    "simulated": "applications after the end of temporary protection that arrived within the run",
    "registered": "of which registered at least once (APR Art. 27)",
    "waiting_registration": "of which still in the registration queue, never registered, on the last day",
    "unaccounted": "of which in neither: must be 0 (the identity the tests pin)",
}


def accounting(
    tp_applicant: np.ndarray, app_ms: np.ndarray, arr_day: np.ndarray, stage: np.ndarray,
    reg_day: np.ndarray, n_days: int, n_ms: int,
) -> np.ndarray:  # fmt: skip
    """int64 [ms, ACCOUNTING]: simulated = registered + waiting_registration (+ unaccounted, 0);
    vectorised over the persons (Directive 2001/55/EC Art. 17: access to the asylum procedure)."""
    from migralex.sim.stages import REGISTRATION

    inside = tp_applicant & (arr_day >= 0) & (arr_day < n_days)
    registered = inside & (reg_day >= 0)
    waiting = inside & ~registered & (stage == REGISTRATION)
    columns = (inside, registered, waiting, inside & ~registered & ~waiting)
    return np.stack([np.bincount(app_ms[c], minlength=n_ms)[:n_ms] for c in columns], axis=1).astype(np.int64)
