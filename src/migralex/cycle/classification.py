"""Which Member States are under migratory pressure, at risk of it, or in a significant migratory
situation: transparent rules on the AMMR definitions (Arts 2(24), 2(25), 10(3), 11).

The Commission's method (Implementing Decision (EU) 2025/2323, recital 2) treats pressure as the
creation of disproportionate obligations on a Member State "taking into account the overall
migratory situation in the Union", and compares each Member State's situation with the Union's.
migralex reads "disproportionate" against the Pact's own measure of a proportionate share, the
reference key of Art. 66 (50 % population, 50 % GDP):

    ratio_x = (x of the Member State / x of the Union) / key share of the Member State

so 1 is exactly the Member State's fair share of the Union's x. With the thresholds of the rules
settings (`settings.yaml`, `rules:`; each states its source):

- pressure (Art. 2(24), 11(1)): arrivals (irregular crossings of the period) or applications
  above the threshold ratio;
- pressure from SAR (Art. 11(3)): disembarkations after SAR in at least `recurring_months` of the
  period's months ("recurring") and their ratio above the threshold ("of such a scale that they
  create disproportionate obligations");
- risk (Art. 11(1) "during the upcoming year"): not under pressure, and the projected arrivals or
  applications of the coming year (the forecast, `projected`) above the threshold ratio, or
  arrivals up by at least `growth` on the previous 12 months;
- significant migratory situation (Art. 2(25), 10(3)): not under pressure, and the cumulative
  arrivals (applications of the current and previous years + the temporary-protection stock)
  above the threshold ratio.

The Commission also weighs what the data do not hold (Art. 10(2)); the result is an aid, not the
decision. The weighted pressure score (`pressure.py`) is kept as the other method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from migralex.cycle.provenance import Column, Figure, Result
from migralex.cycle.sar import ROUTES, SAR_ROUTES
from migralex.errors import InvalidInput

#: Columns a projection of the coming year may have (`member_state` and at least one value).
PROJECTED = ("projected_arrivals", "projected_applications")
DENOMINATORS = ("reference_key", "population")
RISK_BANDS = ("point", "upper")


@dataclass(frozen=True)
class Rules:
    """The thresholds of the classification rules, with the source of each."""

    denominator: str
    pressure_arrivals: float
    pressure_applications: float
    sar_recurring_months: int
    sar_ratio: float
    risk_projected: float
    risk_band: str
    risk_growth: float
    significant_cumulative: float
    sources: Mapping[str, str]
    sar_routes: tuple[str, ...] = SAR_ROUTES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "denominator": self.denominator,
            "pressure": {
                "arrivals_ratio_above": self.pressure_arrivals,
                "applications_ratio_above": self.pressure_applications,
            },
            "sar": {
                "recurring_months_at_least": self.sar_recurring_months,
                "ratio_above": self.sar_ratio,
                "routes": list(self.sar_routes),
            },
            "risk": {
                "projected_ratio_above": self.risk_projected,
                "band": self.risk_band,
                "arrivals_growth_at_least": self.risk_growth,
            },
            "significant_situation": {"cumulative_ratio_above": self.significant_cumulative},
            "sources": dict(self.sources),
        }


def _value(raw: Mapping[str, Any], key: str, where: str) -> float:
    """A non-negative number of the rules settings."""
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidInput(f"rules.{where}.{key}", f"expected a non-negative number, got {value!r}")
    return float(value)


def _block(raw: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
    """One block of the rules settings, with its `source` and only the `allowed` keys."""
    block = raw.get(key)
    if not isinstance(block, Mapping):
        raise InvalidInput(f"rules.{key}", "expected a mapping")
    unknown = sorted(set(block) - allowed - {"source"})
    if unknown:
        raise InvalidInput(
            f"rules.{key}.{unknown[0]}", f"unknown setting; allowed: {', '.join(sorted(allowed))}"
        )
    if not isinstance(block.get("source"), str) or not block["source"].strip():
        raise InvalidInput(f"rules.{key}.source", "every block of rules states its source")
    return block


def parse_rules(raw: Any) -> Rules:
    """Validate the `rules:` section of the settings; errors name the setting."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("rules", "expected a mapping")
    unknown = sorted(set(raw) - {"denominator", "pressure", "sar", "risk", "significant_situation"})
    if unknown:
        raise InvalidInput(f"rules.{unknown[0]}", "unknown section")
    denominator = raw.get("denominator", "reference_key")
    if denominator not in DENOMINATORS:
        raise InvalidInput("rules.denominator", f"{denominator!r} is not one of {', '.join(DENOMINATORS)}")
    pressure = _block(raw, "pressure", {"arrivals_ratio_above", "applications_ratio_above"})
    sar = _block(raw, "sar", {"recurring_months_at_least", "ratio_above", "routes"})
    risk = _block(raw, "risk", {"projected_ratio_above", "band", "arrivals_growth_at_least"})
    significant = _block(raw, "significant_situation", {"cumulative_ratio_above"})
    band = risk.get("band", "point")
    if band not in RISK_BANDS:
        raise InvalidInput("rules.risk.band", f"{band!r} is not one of {', '.join(RISK_BANDS)}")
    months = _value(sar, "recurring_months_at_least", "sar")
    if not months.is_integer() or not 1 <= months <= 12:
        raise InvalidInput(
            "rules.sar.recurring_months_at_least", f"expected a whole number 1-12, got {months:g}"
        )
    blocks = {"pressure": pressure, "sar": sar, "risk": risk, "significant_situation": significant}
    routes = sar.get("routes", list(SAR_ROUTES))
    if not isinstance(routes, list) or not all(isinstance(r, str) for r in routes):
        raise InvalidInput("rules.sar.routes", "expected a list of Frontex route names")
    unknown = sorted(set(routes) - set(ROUTES))
    if unknown:
        raise InvalidInput(
            "rules.sar.routes", f"unknown route {unknown[0]!r}; the routes: {', '.join(ROUTES)}"
        )
    return Rules(
        denominator=str(denominator),
        pressure_arrivals=_value(pressure, "arrivals_ratio_above", "pressure"),
        pressure_applications=_value(pressure, "applications_ratio_above", "pressure"),
        sar_recurring_months=int(months),
        sar_ratio=_value(sar, "ratio_above", "sar"),
        risk_projected=_value(risk, "projected_ratio_above", "risk"),
        risk_band=str(band),
        risk_growth=_value(risk, "arrivals_growth_at_least", "risk"),
        significant_cumulative=_value(significant, "cumulative_ratio_above", "significant_situation"),
        sources={name: str(block["source"]) for name, block in blocks.items()},
        sar_routes=tuple(routes),
    )


def _ratio(value: str, weight: str) -> pl.Expr:
    """(value / Σ value) / the Member State's weight in the denominator (0 where the Union has none)."""
    total = pl.col(value).fill_null(0).sum()
    return pl.when(total > 0).then(pl.col(value).fill_null(0) / total / pl.col(weight)).otherwise(0.0)


def check_projection(projected: pl.DataFrame) -> pl.DataFrame:
    """The projection of the coming year, checked: member_state + projected_arrivals and/or
    projected_applications, optional `_upper` bounds, non-negative, one row per Member State."""
    if "member_state" not in projected.columns:
        raise InvalidInput("projected.member_state", "the projection needs a member_state column")
    values = [c for c in projected.columns if c.removesuffix("_upper") in PROJECTED]
    if not any(c in PROJECTED for c in values):
        raise InvalidInput("projected", f"the projection needs one of {', '.join(PROJECTED)}")
    if projected["member_state"].is_duplicated().any():
        raise InvalidInput("projected.member_state", "a Member State is given twice")
    for column in values:
        if (projected[column].fill_null(0) < 0).any():
            raise InvalidInput(f"projected.{column}", "must not be negative")
    return projected.select("member_state", *values)


def _frame(
    indicators: pl.DataFrame, key: pl.DataFrame, projected: pl.DataFrame | None, rules: Rules
) -> pl.DataFrame:
    """The inputs of the rules, one row per Member State, with the ratios."""
    frame = indicators.select(
        "member_state",
        "population",
        pl.col("irregular_crossings").alias("arrivals"),
        "applications",
        pl.col("sar_arrivals").alias("sar_disembarkations"),
        "sar_months",
        "cumulative_arrivals",
        pl.col("irregular_crossings_change").alias("arrivals_change"),
    ).join(
        key.select("member_state", pl.col("share").cast(pl.Float64).alias("key_share")),
        on="member_state",
        how="left",
    )
    if frame["key_share"].is_null().any():
        missing = frame.filter(pl.col("key_share").is_null())["member_state"].to_list()
        raise InvalidInput("key", f"no reference-key share for {', '.join(missing)}")
    weight = (
        pl.col("key_share")
        if rules.denominator == "reference_key"
        else pl.col("population") / pl.col("population").sum()
    )
    frame = frame.with_columns(weight.alias("weight"))
    if projected is not None:
        frame = frame.join(check_projection(projected), on="member_state", how="left")
    for name in PROJECTED:
        for column in (name, f"{name}_upper"):
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.Float64).alias(column))
    suffix = "_upper" if rules.risk_band == "upper" else ""
    return frame.with_columns(
        _ratio("arrivals", "weight").alias("arrivals_ratio"),
        _ratio("applications", "weight").alias("applications_ratio"),
        _ratio("sar_disembarkations", "weight").alias("sar_ratio"),
        _ratio("cumulative_arrivals", "weight").alias("cumulative_ratio"),
        # the projected coming year against the Union's projected total
        *[
            pl.when(pl.col(f"{name}{suffix}").is_not_null())
            .then(pl.col(f"{name}{suffix}") / pl.col(name).fill_null(0).sum() / pl.col("weight"))
            .alias(f"{name}_ratio")
            for name in PROJECTED
        ],
    )


def classify(
    indicators: pl.DataFrame,
    key: pl.DataFrame,
    rules: Rules,
    *,
    projected: pl.DataFrame | None = None,
    notes: tuple[str, ...] = (),
) -> Result:
    """AMMR Arts 2(24)-(25), 10(3), 11: the rules (module docstring) on the indicators of one period.

    `indicators` has member_state, population, irregular_crossings, applications, sar_arrivals,
    sar_months, cumulative_arrivals and irregular_crossings_change; `key` member_state and share
    (AMMR Art. 66); `projected` (optional) the coming year per Member State (`check_projection`).
    """
    frame = _frame(indicators, key, projected, rules)
    above = {
        "arrivals": pl.col("arrivals_ratio") > rules.pressure_arrivals,
        "applications": pl.col("applications_ratio") > rules.pressure_applications,
    }
    sar = (pl.col("sar_months") >= rules.sar_recurring_months) & (pl.col("sar_ratio") > rules.sar_ratio)
    pressure = above["arrivals"] | above["applications"] | sar
    projected_rule = pl.any_horizontal(
        (pl.col(f"{n}_ratio") > rules.risk_projected).fill_null(False) for n in PROJECTED
    )
    growth = (pl.col("arrivals_change") >= rules.risk_growth).fill_null(False) & (pl.col("arrivals") > 0)
    risk = ~pressure & (projected_rule | growth)
    significant = ~pressure & (pl.col("cumulative_ratio") > rules.significant_cumulative)
    frame = frame.with_columns(
        above["arrivals"].alias("pressure_arrivals"),
        above["applications"].alias("pressure_applications"),
        sar.alias("pressure_sar"),
        pressure.alias("migratory_pressure"),
        projected_rule.alias("risk_projected"),
        growth.alias("risk_growth"),
        risk.alias("risk_of_migratory_pressure"),
        significant.alias("significant_migratory_situation"),
    )
    frame = frame.with_columns(
        pl.Series("classification", [_label(r) for r in frame.iter_rows(named=True)]),
        pl.Series("reasons", [_reasons(r, rules) for r in frame.iter_rows(named=True)]),
        pl.lit("AMMR Arts 2(24), 2(25), 10(3), 11").alias("legal_basis"),
    ).sort("member_state")
    return Result(
        "Migratory pressure, risk and significant migratory situation (rules, AMMR Arts 2, 10, 11)",
        frame,
        _columns(rules),
        _figures(frame),
        (*_notes(rules, projected is not None), *notes),
    )


def _label(row: Mapping[str, Any]) -> str:
    """The classification of one Member State, in the words of Art. 11(1)."""
    if row["migratory_pressure"]:
        only_sar = row["pressure_sar"] and not (row["pressure_arrivals"] or row["pressure_applications"])
        return "migratory pressure (SAR, Art. 11(3))" if only_sar else "migratory pressure"
    if row["risk_of_migratory_pressure"] and row["significant_migratory_situation"]:
        return "risk of migratory pressure; significant migratory situation"
    if row["risk_of_migratory_pressure"]:
        return "risk of migratory pressure"
    if row["significant_migratory_situation"]:
        return "significant migratory situation"
    return "none"


def _reasons(row: Mapping[str, Any], r: Rules) -> str:
    """Why, with the figures and thresholds."""
    why = []
    if row["pressure_arrivals"]:
        why.append(
            f"arrivals {row['arrivals_ratio']:.2f} × fair share > {r.pressure_arrivals:g} (Art. 2(24))"
        )
    if row["pressure_applications"]:
        why.append(
            f"applications {row['applications_ratio']:.2f} × fair share > {r.pressure_applications:g} "
            "(Art. 2(24))"
        )
    if row["pressure_sar"]:
        why.append(
            f"SAR disembarkations in {row['sar_months']} months, {row['sar_ratio']:.2f} × fair share "
            f"> {r.sar_ratio:g} (Art. 11(3))"
        )
    if row["risk_of_migratory_pressure"]:
        for name in PROJECTED:
            value = row[f"{name}_ratio"]
            if value is not None and value > r.risk_projected:
                why.append(
                    f"{name.replace('_', ' ')} {value:.2f} × fair share > {r.risk_projected:g} (Art. 11(1))"
                )
        if row["risk_growth"]:
            why.append(f"arrivals {row['arrivals_change']:+.0%} on the previous 12 months (Art. 11(2))")
    if row["significant_migratory_situation"]:
        why.append(
            f"cumulative arrivals {row['cumulative_ratio']:.2f} × fair share > {r.significant_cumulative:g} "
            "(Art. 2(25), 10(3))"
        )
    return "; ".join(why)


def _columns(r: Rules) -> dict[str, Column]:
    """Provenance of the rule columns."""
    weight = "key share (AMMR Art. 66)" if r.denominator == "reference_key" else "population share"
    ratio = f"(x / Σ x over the Member States) / {weight}"
    return {
        "arrivals_ratio": Column(
            "arrivals relative to the fair share", "AMMR Art. 2(24)", ratio, ("arrivals", "weight")
        ),
        "applications_ratio": Column(
            "applications relative to the fair share", "AMMR Art. 2(24)", ratio, ("applications", "weight")
        ),
        "sar_ratio": Column(
            "SAR disembarkations relative to the fair share",
            "AMMR Art. 11(3)",
            ratio,
            ("sar_disembarkations", "weight"),
        ),
        "cumulative_ratio": Column(
            "cumulative arrivals relative to the fair share",
            "AMMR Art. 2(25), 10(3)",
            ratio,
            ("cumulative_arrivals", "weight"),
        ),
        "migratory_pressure": Column(
            "migratory pressure",
            "AMMR Art. 2(24), 11(1), 11(3)",
            f"arrivals_ratio > {r.pressure_arrivals:g} or applications_ratio > {r.pressure_applications:g} "
            f"or (sar_months ≥ {r.sar_recurring_months} and sar_ratio > {r.sar_ratio:g})",
            ("arrivals_ratio", "applications_ratio", "sar_months", "sar_ratio"),
        ),
        "risk_of_migratory_pressure": Column(
            "risk of migratory pressure during the upcoming year",
            "AMMR Art. 11(1), 11(2)",
            f"not pressure and (projected ratio ({r.risk_band}) > {r.risk_projected:g} "
            f"or arrivals_change ≥ {r.risk_growth:g})",
            ("projected_arrivals_ratio", "projected_applications_ratio", "arrivals_change"),
        ),
        "significant_migratory_situation": Column(
            "significant migratory situation",
            "AMMR Art. 2(25), 10(3)",
            f"not pressure and cumulative_ratio > {r.significant_cumulative:g}",
            ("cumulative_ratio",),
        ),
    }


def _figures(frame: pl.DataFrame) -> tuple[Figure, ...]:
    """How many Member States in each class."""
    counts = {
        "migratory_pressure": "AMMR Art. 11(1)",
        "pressure_sar": "AMMR Art. 11(3)",
        "risk_of_migratory_pressure": "AMMR Art. 11(1)",
        "significant_migratory_situation": "AMMR Art. 11(1), 2(25)",
    }
    return tuple(
        Figure(name, int(frame[name].sum()), "count", basis, f"Σ {name}") for name, basis in counts.items()
    )


def _notes(r: Rules, has_projection: bool) -> tuple[str, ...]:
    """The reading, the sources of the thresholds and what is missing."""
    notes = [
        "Rules on the definitions of AMMR Art. 2(24)-(25) and Art. 11(3); 'disproportionate' read as above a "
        "Member State's fair share of the Union's total ("
        + ("reference key, Art. 66" if r.denominator == "reference_key" else "population")
        + "); an aid, not the Commission's decision (Art. 10(2) information is not in the data)",
        *[f"{name}: {source}" for name, source in r.sources.items()],
    ]
    if not has_projection:
        notes.append("no projection of the coming year was given: risk rests on the trend of arrivals only")
    return tuple(notes)
