"""A transparent pressure score and ranking of the Member States: an analyst's aid to AMMR Arts 10-11.

score = Σ w_i × min(relative_i, cap) / Σ w_i, where relative_i is the Member State's indicator
per inhabitant divided by the Union's (1 = Union average) and the weights and cap are analyst
settings (`settings.yaml`), not law. Candidates are marked for "migratory pressure" (score, or
the SAR rule of Art. 11(3)), "risk of migratory pressure" (score or growth) and "significant
migratory situation" (five-year cumulative arrivals, Art. 10(3)). The legal determination is the
Commission's implementing decision (Art. 11), which also weighs the qualitative information of
Art. 10(2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from migralex.cycle.classification import Rules, parse_rules
from migralex.cycle.indicators import PER_CAPITA
from migralex.cycle.provenance import Column, Figure, Result
from migralex.errors import InvalidInput

#: Classification methods: the rules on the AMMR definitions (classification.py) or the weighted score.
METHODS = ("rules", "score")
DISCLAIMER = (
    "Analyst's aid, not a legal determination: whether a Member State is under migratory pressure, "
    "at risk of it or facing a significant migratory situation is decided by the Commission's "
    "implementing decision (AMMR Art. 11), on the Report (Art. 9) and the information of Art. 10, "
    "much of which (reception capacity, returns, cooperation of third countries, unauthorised "
    "movements, the Member State's own assessment) is not in the shipped data."
)


@dataclass(frozen=True)
class Settings:
    """The analyst settings of the score and the candidate thresholds."""

    weights: Mapping[str, float]
    ratio_cap: float
    pressure_score: float
    sar_per_100k: float
    risk_score: float
    risk_growth: float
    cumulative_relative: float
    source: str
    method: str = "rules"
    rules: Rules | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "method": self.method,
            "rules": self.rules.to_dict() if self.rules else None,
            "weights": dict(self.weights),
            "ratio_cap": self.ratio_cap,
            "pressure": {
                "score_at_least": self.pressure_score,
                "sar_arrivals_per_100k_at_least": self.sar_per_100k,
            },
            "risk": {"score_at_least": self.risk_score, "applications_growth_at_least": self.risk_growth},
            "significant_situation": {"cumulative_relative_at_least": self.cumulative_relative},
        }


def _number(raw: Mapping[str, Any], key: str, where: str, positive: bool = False) -> float:
    """A number from the settings, checked."""
    if key not in raw:
        raise InvalidInput(f"{where}.{key}", "missing")
    value = raw[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value < 0
        or (positive and value == 0)
    ):
        raise InvalidInput(
            f"{where}.{key}", f"expected a {'positive' if positive else 'non-negative'} number, got {value!r}"
        )
    return float(value)


def _section(raw: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
    """A mapping section of the settings with only the `allowed` keys."""
    section = raw.get(key)
    if not isinstance(section, Mapping):
        raise InvalidInput(key, "expected a mapping")
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise InvalidInput(f"{key}.{unknown[0]}", f"unknown setting; allowed: {', '.join(sorted(allowed))}")
    return section


def parse_settings(raw: Any, source: str) -> Settings:
    """Validate the settings document (see settings.yaml); errors name the setting."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(source, "expected a YAML mapping")
    sections = {"version", "method", "rules", "score", "pressure", "risk", "significant_situation"}
    unknown = sorted(set(raw) - sections)
    if unknown:
        raise InvalidInput(f"{source}: {unknown[0]}", "unknown section")
    score = _section(raw, "score", {"weights", "ratio_cap"})
    weights = score.get("weights")
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidInput(f"{source}: score.weights", "expected a mapping of indicator → weight")
    for name in weights:
        if name not in PER_CAPITA:
            raise InvalidInput(
                f"{source}: score.weights.{name}", f"unknown indicator; one of {', '.join(PER_CAPITA)}"
            )
    checked = {name: _number(weights, name, "score.weights") for name in weights}
    if sum(checked.values()) <= 0:
        raise InvalidInput(f"{source}: score.weights", "the weights must not all be zero")
    # a settings file of the score alone (no `rules:`) keeps the score, as before the rules existed
    method = raw.get("method", "rules" if "rules" in raw else "score")
    if method not in METHODS:
        raise InvalidInput(f"{source}: method", f"{method!r} is not one of {', '.join(METHODS)}")
    try:
        rules = parse_rules(raw["rules"]) if "rules" in raw else None
    except InvalidInput as exc:
        raise InvalidInput(f"{source}: {exc.path}", exc.reason) from None
    if method == "rules" and rules is None:
        raise InvalidInput(f"{source}: rules", "method 'rules' needs a rules section")
    pressure = _section(raw, "pressure", {"score_at_least", "sar_arrivals_per_100k_at_least"})
    risk = _section(raw, "risk", {"score_at_least", "applications_growth_at_least"})
    significant = _section(raw, "significant_situation", {"cumulative_relative_at_least"})
    return Settings(
        weights=checked,
        ratio_cap=_number(score, "ratio_cap", "score", positive=True),
        pressure_score=_number(pressure, "score_at_least", "pressure"),
        sar_per_100k=_number(pressure, "sar_arrivals_per_100k_at_least", "pressure"),
        risk_score=_number(risk, "score_at_least", "risk"),
        risk_growth=_number(risk, "applications_growth_at_least", "risk"),
        cumulative_relative=_number(significant, "cumulative_relative_at_least", "significant_situation"),
        source=source,
        method=method,
        rules=rules,
    )


def load_settings(path: Path | str | None = None) -> Settings:
    """The analyst settings: the shipped `settings.yaml`, or a file of the same shape."""
    if path is None:
        text, source = (
            resources.files("migralex.cycle").joinpath("settings.yaml").read_text("utf-8"),
            "settings.yaml",
        )
    else:
        try:
            text, source = Path(path).read_text("utf-8"), str(path)
        except FileNotFoundError:
            raise InvalidInput(str(path), "no such file") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(source, f"not valid YAML: {exc}") from None
    return parse_settings(raw, source)


def _scored(frame: pl.DataFrame, s: Settings) -> pl.DataFrame:
    """The weighted score of the relative indicators, each capped (the analyst settings, AMMR Arts 10-11)."""
    total_weight = sum(s.weights.values())
    parts = [
        (pl.col(f"{name}_relative").fill_null(0).clip(upper_bound=s.ratio_cap) * (w / total_weight)).alias(
            f"score_{name}"
        )
        for name, w in s.weights.items()
    ]
    return frame.select(
        "member_state",
        *[f"{name}_relative" for name in s.weights],
        "sar_arrivals_per_100k",
        "applications_change",
        "cumulative_arrivals_relative",
        *parts,
    ).with_columns(pl.sum_horizontal(f"score_{name}" for name in s.weights).alias("score"))


def _marked(out: pl.DataFrame, s: Settings) -> pl.DataFrame:
    """The candidates for pressure (score, or Art. 11(3) SAR), risk and a significant situation (10(3))."""
    sar_rule = pl.col("sar_arrivals_per_100k") >= s.sar_per_100k
    pressure = (pl.col("score") >= s.pressure_score) | sar_rule
    risk = ~pressure & (
        (pl.col("score") >= s.risk_score) | (pl.col("applications_change").fill_null(0) >= s.risk_growth)
    )
    significant = pl.col("cumulative_arrivals_relative").fill_null(0) >= s.cumulative_relative
    return (
        out.with_columns(
            pressure.alias("pressure_candidate"),
            risk.alias("risk_candidate"),
            significant.alias("significant_situation_candidate"),
            sar_rule.alias("sar_rule"),
        )
        .sort(["score", "member_state"], descending=[True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))
    )


def _reasons(row: Mapping[str, Any], s: Settings) -> str:
    """Why one Member State is a candidate (AMMR Arts 10(3), 11(1), 11(3)), as a sentence."""
    why = []
    if row["score"] >= s.pressure_score:
        why.append(f"score {row['score']:.2f} ≥ {s.pressure_score:g} (pressure)")
    if row["sar_rule"]:
        why.append(
            f"SAR arrivals {row['sar_arrivals_per_100k']:.0f} per 100k ≥ {s.sar_per_100k:g} (Art. 11(3))"
        )
    if row["risk_candidate"]:
        if row["score"] >= s.risk_score:
            why.append(f"score {row['score']:.2f} ≥ {s.risk_score:g} (risk)")
        change = row["applications_change"]
        if change is not None and change >= s.risk_growth:
            why.append(f"applications {change:+.0%} (risk)")
    if row["significant_situation_candidate"]:
        why.append(
            f"5-year arrivals {row['cumulative_arrivals_relative']:.2f} × Union per inhabitant "
            f"≥ {s.cumulative_relative:g} (Art. 10(3))"
        )
    return "; ".join(why)


def _ranking_columns(s: Settings) -> dict[str, Column]:
    """The provenance of the score and candidate columns (AMMR Arts 10-11; analyst settings)."""
    total_weight = sum(s.weights.values())
    weights = " + ".join(
        f"{w / total_weight:.3g} × min({n}_relative, {s.ratio_cap:g})" for n, w in s.weights.items()
    )
    return {
        "score": Column(
            "pressure score (1 = Union average)",
            "AMMR Art. 10-11; analyst settings",
            weights,
            tuple(f"{n}_relative" for n in s.weights),
        ),
        "pressure_candidate": Column(
            "candidate: migratory pressure",
            "AMMR Art. 11(1), 11(3)",
            f"score ≥ {s.pressure_score:g} or SAR arrivals per 100k ≥ {s.sar_per_100k:g}",
            ("score", "sar_arrivals_per_100k"),
        ),
        "risk_candidate": Column(
            "candidate: risk of migratory pressure",
            "AMMR Art. 11(1)",
            f"not pressure and (score ≥ {s.risk_score:g} or applications change ≥ {s.risk_growth:g})",
            ("score", "applications_change"),
        ),
        "significant_situation_candidate": Column(
            "candidate: significant migratory situation",
            "AMMR Art. 10(3), 11(1)",
            f"cumulative_arrivals_relative ≥ {s.cumulative_relative:g}",
            ("cumulative_arrivals_relative",),
        ),
    }


def _ranking_figures(out: pl.DataFrame) -> tuple[Figure, ...]:
    """How many Member States are candidates of each kind (AMMR Arts 10(3), 11)."""
    return (
        Figure(
            "pressure_candidates",
            int(out["pressure_candidate"].sum()),
            "count",
            "AMMR Art. 11",
            "see columns",
        ),
        Figure("risk_candidates", int(out["risk_candidate"].sum()), "count", "AMMR Art. 11", "see columns"),
        Figure(
            "significant_situation_candidates",
            int(out["significant_situation_candidate"].sum()),
            "count",
            "AMMR Art. 10(3), 11",
            "see columns",
        ),
    )


def pressure_ranking(indicators: Result, settings: Settings | None = None) -> Result:
    """Score, rank and mark candidates (see the module docstring) from the Art. 9(3) indicators."""
    s = settings or load_settings()
    out = _marked(_scored(indicators.frame, s), s)
    reasons = [_reasons(row, s) for row in out.iter_rows(named=True)]
    out = out.with_columns(
        pl.Series("reasons", reasons), pl.lit("AMMR Arts 10-11 (analyst's aid)").alias("legal_basis")
    )
    notes = (DISCLAIMER, f"settings: {s.source}", *indicators.notes)
    return Result(
        "Migratory pressure: ranking and candidates (analyst's aid)",
        out,
        _ranking_columns(s),
        _ranking_figures(out),
        notes,
    )
