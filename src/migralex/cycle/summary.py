"""The whole annual cycle of one year, computed once and returned as JSON-ready data.

`run_cycle(year)` computes, for the cycle year Y (the Commission's acts of 15 October Y):
the Art. 9(3) indicators and the pressure ranking (AMMR Arts 9-11), the reference key and the
fair shares of the pool for Y + 1 (Arts 12, 57, 66), the adequate capacity of the APR Art. 47(5)
act in force (APR Arts 46-47) and the ≤ 20 % recognition-rate list (APR Art. 42(1)(j)).
`cycle_summary(year)` is the same as one dict (for GET /v1/cycle/{year} and the report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from migralex.cycle.border_series import BorderSeries
from migralex.cycle.capacity import capacity
from migralex.cycle.classification import classify
from migralex.cycle.indicators import IndicatorData, cycle_indicators
from migralex.cycle.members import members_for
from migralex.cycle.pool import PoolSize, fair_shares, pool_size
from migralex.cycle.pressure import DISCLAIMER, Settings, load_settings, pressure_ranking
from migralex.cycle.projection import Projection, cycle_projection
from migralex.cycle.provenance import Result, jsonable
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.timeline import Cycle
from migralex.law.params import ParameterSet, params

THRESHOLD = "apr.border.recognition_rate_threshold"
RATE_READING = "apr.reading.recognition_rate_denominator"

#: The legal parameters the cycle reads (listed with their articles in the output).
PARAMETERS = (
    "ammr.solidarity.pool_relocations_minimum",
    "ammr.solidarity.pool_financial_minimum",
    "ammr.solidarity.reference_key_population_weight",
    "ammr.solidarity.reference_key_gdp_weight",
    "ammr.reading.reference_key_members",
    "apr.border.union_adequate_capacity",
    "apr.border.capacity_reference_period",
    "apr.border.capacity_act_interval",
    "apr.border.annual_maximum_multiplier",
    "apr.reading.capacity_sar_arrivals",
    "apr.reading.capacity_members",
    THRESHOLD,
    RATE_READING,
)


@dataclass(frozen=True)
class BorderList:
    """The nationalities at or below the recognition-rate threshold (APR Art. 42(1)(j))."""

    status: str
    year: int | None
    threshold: float
    reading: str
    frame: pl.DataFrame
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "status": self.status,
            "year": self.year,
            "threshold": self.threshold,
            "reading": self.reading,
            "basis": "APR Art. 42(1)(j), Art. 45(1)",
            "rows": jsonable(self.frame.to_dicts()),
            "note": self.note,
        }


def recognition_border_list(cycle: Cycle, parameters: ParameterSet | None = None) -> BorderList:
    """APR Art. 42(1)(j): the ≤ 20 % list on the latest yearly data before the cycle year.

    Uses the case engine's `migralex.rules.recognition` and `migralex.context`; where they are not
    installed, the list is marked unavailable rather than computed twice.
    """
    ps = parameters or params()
    threshold_param = ps[THRESHOLD]
    on = max(cycle.proposal_date, threshold_param.values[0].start)
    threshold = float(threshold_param.value_at(on).value)
    reading = str(ps.value(RATE_READING, on))
    try:
        from migralex.context import default_recognition_rates
        from migralex.rules.recognition import border_list
    except ImportError as exc:
        return BorderList("unavailable", None, threshold, reading, pl.DataFrame(), f"not computed: {exc}")
    from migralex.data import load

    years = load("decisions").filter(pl.col("year") <= cycle.indicator_year)["year"]
    year = int(years.max())  # type: ignore[arg-type]
    rates = default_recognition_rates(year, ps)
    listed = border_list(rates, threshold, threshold_param.boundary)
    note = (
        f"Union-wide first-instance recognition rates of {year} (UNHCR decisions, the shipped substitute "
        "for Eurostat migr_asydcfsta), the latest year before the cycle; "
        "computed by migralex.rules.recognition"
    )
    return BorderList("computed", year, threshold, reading, listed, note)


@dataclass(frozen=True)
class Situation:
    """The migratory situation of one cycle: indicators, both classifications, the projection."""

    indicators: IndicatorData
    pressure: Result
    classification: Result
    projection: Projection | None
    projection_note: str


def assess_situation(
    cycle: Cycle,
    key: pl.DataFrame,
    settings: Settings,
    *,
    period: str = "report",
    projected: pl.DataFrame | None = None,
    forecast: bool = True,
) -> Situation:
    """AMMR Arts 9-11: indicators on the reference `period`, the rules and the score, the projection.

    `key` is the reference key (member_state, share) of the Member States bound by the AMMR.
    """
    members = members_for("bound_by_ammr")
    rules = settings.rules or load_settings().rules
    assert rules is not None  # the shipped settings have rules
    indicators = cycle_indicators(cycle, members, period=period, sar_routes=rules.sar_routes)
    projection, note = (
        cycle_projection(cycle, members, period) if forecast else (None, "no projection asked for")
    )
    if projected is None and projection is not None:
        projected = projection.for_classification()
    classification = classify(
        indicators.result.frame,
        key,
        rules,
        projected=projected,
        notes=(*indicators.result.notes[:1], *([] if projected is not None else [note])),
    )
    return Situation(
        indicators, pressure_ranking(indicators.result, settings), classification, projection, note
    )


@dataclass(frozen=True)
class CycleRun:
    """Every part of one annual cycle."""

    cycle: Cycle
    indicators: IndicatorData
    pressure: Result
    classification: Result
    projection: Projection | None
    projection_note: str
    pool: PoolSize
    fair_shares: Result
    capacity: Result
    border_series: BorderSeries
    capacity_years: tuple[int, int]
    border_list: BorderList
    settings: Settings
    parameters: ParameterSet


def run_cycle(
    year: int,
    *,
    member_set: str | Sequence[str] | None = None,
    relocations: int | None = None,
    financial_eur: int | None = None,
    population_year: int | None = None,
    gdp_year: int | None = None,
    capacity_years: tuple[int, int] | None = None,
    capacity_input: str | None = None,
    settings_path: str | None = None,
    period: str = "report",
    projected: pl.DataFrame | None = None,
    forecast: bool = True,
    parameters: ParameterSet | None = None,
) -> CycleRun:
    """Compute the annual cycle `year` (see the module docstring).

    The projection of the coming year (AMMR Art. 9(3)(b)) comes from `migralex.forecast` when
    `forecast` is true; it is the "risk" of Art. 11(1). `projected` (the coming year per Member
    State, `classification.check_projection`) replaces it in the classification.
    """
    ps = parameters or params()
    cycle = Cycle(year)
    settings = load_settings(settings_path)
    key = cycle_reference_key(
        cycle, member_set, population_year=population_year, gdp_year=gdp_year, parameters=ps
    )
    pool = pool_size(relocations, financial_eur, on=cycle.proposal_date, parameters=ps)
    years = capacity_years or cycle.capacity_years(ps)
    cap, series = capacity(years, input_csv=capacity_input, parameters=ps)
    ammr_key = key
    if not set(members_for("bound_by_ammr")) <= set(key.frame["member_state"]):
        ammr_key = cycle_reference_key(
            cycle, None, population_year=population_year, gdp_year=gdp_year, parameters=ps
        )
    situation = assess_situation(
        cycle, ammr_key.frame, settings, period=period, projected=projected, forecast=forecast
    )
    return CycleRun(
        cycle=cycle,
        indicators=situation.indicators,
        pressure=situation.pressure,
        classification=situation.classification,
        projection=situation.projection,
        projection_note=situation.projection_note,
        pool=pool,
        fair_shares=fair_shares(key, pool),
        capacity=cap,
        border_series=series,
        capacity_years=years,
        border_list=recognition_border_list(cycle, ps),
        settings=settings,
        parameters=ps,
    )


def parameter_summary(ps: ParameterSet) -> list[dict[str, Any]]:
    """The legal parameters the cycle reads, with their dated values and articles."""
    out = []
    for name in PARAMETERS:
        p = ps[name]
        values = [
            {"from": v.start.isoformat(), "value": v.value, "basis": v.ref.cite(), "quote": v.quote}
            for v in p.values
        ]
        out.append(
            {
                "name": name,
                "values": values,
                "unit": p.unit,
                "kind": p.kind,
                "description": p.description,
                "overlaid": p.overlaid,
            }
        )
    return out


def parameter_rows(ps: ParameterSet) -> list[dict[str, Any]]:
    """`parameter_summary` flattened to one row per dated value."""
    return [
        {
            "name": p["name"],
            "value": f"{v['value']} (from {v['from']})",
            "basis": v["basis"],
            "quote": v["quote"],
        }
        for p in parameter_summary(ps)
        for v in p["values"]
    ]


def summarise(run: CycleRun) -> dict[str, Any]:
    """One JSON-ready dict of a computed cycle."""
    c = run.cycle
    allocation = run.border_series.allocation
    return {
        "cycle": {
            "year": c.year,
            "pool_year": c.pool_year,
            "indicator_year": c.indicator_year,
            "reference_period": run.indicators.period,
            "acts": (
                f"Report (AMMR Art. 9(4)), Art. 11 decision and pool proposal (Art. 12(6)) due by "
                f"15 October {c.year}; Council act establishing the pool for {c.pool_year} before the end "
                f"of {c.year} (Art. 57(1))"
            ),
            "capacity_act_year": c.capacity_act_year(run.parameters),
            "capacity_years": list(run.capacity_years),
            "population_date": jsonable(run.fair_shares.figure("population_date").value),
            "gdp_year": run.fair_shares.figure("gdp_year").value,
            "indicator_periods": run.indicators.periods,
        },
        "disclaimer": DISCLAIMER,
        "indicators": {
            **run.indicators.result.to_dict(),
            "periods": run.indicators.periods,
            "nationalities": jsonable(run.indicators.nationalities.to_dicts()),
        },
        "pressure": {**run.pressure.to_dict(), "settings": run.settings.to_dict()},
        "classification": {**run.classification.to_dict(), "method": run.settings.method},
        "projection": run.projection.to_dict()
        if run.projection
        else {"status": "unavailable", "note": run.projection_note},
        "solidarity": {"pool": run.pool.to_dict(), **run.fair_shares.to_dict()},
        "capacity": {
            **run.capacity.to_dict(),
            "route_allocation": jsonable(allocation.to_dicts()) if allocation.height else [],
        },
        "border_list": run.border_list.to_dict(),
        "parameters": parameter_summary(run.parameters),
        "overlays": list(run.parameters.overlays),
    }


def cycle_summary(year: int, **options: Any) -> dict[str, Any]:
    """The whole annual cycle `year` as one JSON-ready dict (options as for `run_cycle`)."""
    return summarise(run_cycle(year, **options))
