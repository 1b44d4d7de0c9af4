"""Scenarios: YAML files overlaid on the baseline, validated strictly (unknown keys are errors).

A scenario file has up to five parts: `law` (legal parameters, applied with
`ParameterSet.overlay`), `behaviour` (behavioural numbers, each a fixed value or a `low`–`high`
range drawn once per Monte-Carlo run, each with its source or stated assumption), `shocks` (extra
arrivals: where, when, how many), `crises` (CFMR situations switched on for a Member State and a
period) and `solidarity` (benefitting Member States). Every scenario but the baseline `extends`
another (the baseline by default); the overlay replaces only the keys it names. Scenarios are data,
never code forks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from migralex.countries import EU27, normalise, normalise_member_state
from migralex.errors import InvalidInput, UnknownReference
from migralex.law import ParameterSet, params
from migralex.sim.stages import BEHAVIOUR_SCALARS, CRISES

SCENARIO_DIR = "scenarios"


class Value(BaseModel):
    """A behavioural number: `value`, or a range `low`–`high` (uniform, drawn per run)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float | None = None
    low: float | None = None
    high: float | None = None
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_number(cls, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise ValueError("expected a number or {value|low,high, source}, got a boolean")
        return {"value": raw} if isinstance(raw, (int, float)) else raw

    @model_validator(mode="after")
    def _one_form(self) -> Value:
        has_range = self.low is not None or self.high is not None
        if (self.value is None) == (not has_range):
            raise ValueError("give either `value` or both `low` and `high`")
        if has_range and (self.low is None or self.high is None or self.low > self.high):
            raise ValueError("a range needs `low` ≤ `high`")
        return self

    def draw(self, rng: np.random.Generator | None) -> float:
        """The value for one run (the middle of the range when no generator is given)."""
        if self.value is not None:
            return float(self.value)
        assert self.low is not None and self.high is not None
        if rng is None:
            return (self.low + self.high) / 2
        return float(rng.uniform(self.low, self.high))


class _Overridable(BaseModel):
    """A behavioural number with a `default` and overrides by key (written flat in YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Value
    overrides: dict[str, Value] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, raw: Any) -> Any:
        if isinstance(raw, Mapping) and "overrides" not in raw:
            raw = dict(raw)
            default = raw.pop("default", None)
            return {"default": default, "overrides": raw}
        return raw


class PerMemberState(_Overridable):
    """A behavioural number per Member State: `default` and overrides by ISO code."""

    @field_validator("overrides")
    @classmethod
    def _codes(cls, v: dict[str, Value]) -> dict[str, Value]:
        return {normalise_member_state(k, field=k): val for k, val in v.items()}

    def draw(self, rng: np.random.Generator | None) -> np.ndarray:
        """One value per Member State (EU27 order)."""
        base = self.default.draw(rng)
        return np.array([self.overrides[ms].draw(rng) if ms in self.overrides else base for ms in EU27])


class PerRoute(_Overridable):
    """A behavioural number per Frontex route: `default` and overrides by route name."""

    def draw(self, rng: np.random.Generator | None) -> dict[str, float]:
        """One value per named route and the `default` for the others."""
        return {"default": self.default.draw(rng), **{k: v.draw(rng) for k, v in self.overrides.items()}}


def _v(value: float, source: str) -> Value:
    return Value(value=value, source=source)


class Behaviour(BaseModel):
    """Behavioural parameters (not law): each a number or range with its source in baseline.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # arrivals and the synthetic population
    arrival_volume: Value
    persons_per_detection: PerRoute
    apply_at_arrival: PerMemberState
    move_on: PerMemberState
    screening_days_mean: Value
    travel_days_mean: Value
    direct_applications_growth: Value
    airport_share: Value
    visa_own_share: Value
    visa_other_share: Value
    family_elsewhere_share: Value
    family_at_destination_share: Value
    unaccompanied_share_of_minors: Value
    vulnerable_share: Value
    security_threat_share: Value
    misled_share: Value
    backlog_share: Value
    backlog_appeal_share: Value
    # capacities and national practice
    registration_capacity_factor: PerMemberState
    decision_capacity_factor: PerMemberState
    optional_border_use: PerMemberState
    relocation_pledge_share: Value
    relocation_eligible_share: Value
    # the kernel's scalars (stages.BEHAVIOUR_SCALARS)
    lodging_mean_days: Value
    request_in_time: Value
    request_time_fraction: Value
    reply_time_fraction: Value
    acceptance_take_charge: Value
    acceptance_take_back: Value
    transfer_completion: Value
    absconding_before_transfer: Value
    transfer_time_fraction: Value
    absconding_hazard_per_day: Value
    reapplication: Value
    reapplication_mean_days: Value
    appeal_border: Value
    appeal_accelerated: Value
    appeal_regular: Value
    appeal_success: Value
    appeal_mean_days: Value
    border_appeal_mean_days: Value
    return_in_border_procedure: Value
    return_effective: Value
    return_mean_days: Value
    return_window_days: Value
    relocation_completion: Value
    relocation_time_fraction: Value
    notify_capacity_reached: Value
    annual_maximum_authorisation_days: Value
    max_reapplications: Value
    relocation_confirmation_exceptional: Value

    def draw(self, rng: np.random.Generator | None) -> Drawn:
        """Every parameter's value for one run (ranges drawn from `rng`; their middle without one)."""
        return Drawn({name: getattr(self, name).draw(rng) for name in type(self).model_fields})


class Drawn(dict[str, Any]):
    """The behavioural values of one run: floats, arrays per Member State, dicts per route."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def kernel_scalars(self) -> np.ndarray:
        """The kernel's behavioural vector (stages.BEHAVIOUR_SCALARS order)."""
        return np.array([self[name] for name in BEHAVIOUR_SCALARS], dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: arrays per Member State as {ms: value}."""
        out: dict[str, Any] = {}
        for k, v in self.items():
            out[k] = dict(zip(EU27, map(float, v), strict=True)) if isinstance(v, np.ndarray) else v
        return out


class ReturnsBehaviour(BaseModel):
    """The returns stage's behaviour (`migralex.sim.returns`), each value with its source in baseline.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mutual_recognition: bool = False
    effective_rate: PerMemberState
    nationality_factor: dict[str, Value] = Field(default_factory=dict)
    #: Factors per Member State and nationality on the Union rate (`sim.return_rates`): "shipped" (the
    #: table of data/return_rates.csv), a CSV path with its columns, or None (no factors at all: the Union
    #: rate everywhere, whatever `rate_window`).
    rate_table: str | None = None
    #: First and last year whose Member State / EU27 ratios of the Eurostat table `returns` are averaged
    #: into the per-Member-State factors (`sim.return_rates.table_factors`); None: the CSV's rows only.
    rate_window: tuple[int, int] | None = (2022, 2024)
    voluntary_share: Value
    absconding: Value
    apprehension: Value
    reapplication: Value
    new_procedure_completion: Value

    @field_validator("rate_window")
    @classmethod
    def _window(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError(f"returns.rate_window: first year {v[0]} after last year {v[1]}")
        return v

    @field_validator("nationality_factor")
    @classmethod
    def _nationalities(cls, v: dict[str, Value]) -> dict[str, Value]:
        return {normalise(k, field=f"returns.nationality_factor.{k}"): val for k, val in v.items()}


class Shock(BaseModel):
    """Extra arrivals: `arrivals` persons over `days` days from `start` in `member_state`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member_state: str
    start: dt.date
    days: int = Field(ge=1)
    arrivals: int = Field(ge=0)
    route: str = Field(description="Frontex route whose nationality mix the arrivals have")
    border_type: Literal["land", "sea"] = "sea"
    instrumentalised: bool = False

    @field_validator("member_state")
    @classmethod
    def _ms(cls, v: str) -> str:
        return normalise_member_state(v, field="member_state")


class Crisis(BaseModel):
    """A CFMR situation (Art. 1(4)) with its derogations authorised for a Member State and period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member_state: str
    kind: Literal["mass_arrivals", "instrumentalisation", "force_majeure"]
    start: dt.date
    days: int = Field(ge=1)

    @field_validator("member_state")
    @classmethod
    def _ms(cls, v: str) -> str:
        return normalise_member_state(v, field="member_state")

    @property
    def code(self) -> int:
        """The kernel's crisis code."""
        return CRISES.index(self.kind)


class Solidarity(BaseModel):
    """The Annual Solidarity Pool as the scenario assumes it (AMMR Arts 57-58)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    benefitting: tuple[str, ...] = ()
    pool_relocations: int | None = Field(default=None, ge=0)
    #: The act that set the pool, when `pool_relocations` is an adopted figure (an input, cited).
    pool_act: str | None = None
    #: How the week's candidates meet the places (`sim.relocation.MATCHERS`).
    matching: Literal["milp", "greedy", "pro_rata"] = "milp"

    @field_validator("benefitting")
    @classmethod
    def _codes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalise_member_state(ms, field="benefitting") for ms in v)


class Resettlement(BaseModel):
    """Resettled persons as an inflow per Member State from a Union Plan (URF Art. 8; sim/resettlement.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan: str = "union-2026-2027"
    completion: float = Field(default=1.0, ge=0.0, le=1.0, description="share of the pledges admitted")
    completion_source: str = "assumption: every pledge admitted"


class TemporaryProtectionEnd(BaseModel):
    """The end of temporary protection (`migralex.sim.tp_end`): the stock's shares, each with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    end_parameter: str = Field(default="tp.ukraine.end_date", description="dated parameter of the end date")
    stock_month: dt.date | None = Field(default=None, description="month of the stock (default: latest)")
    stock_change: Value = Field(description="stock at the end date / stock of stock_month")
    international_protection: Value
    national_permit: Value
    # `return` is a Python keyword: the YAML key is `return`, the attribute `return_`.
    return_: Value = Field(alias="return")
    onward_movement: Value
    lead_days: int = Field(default=30, ge=0, le=365, description="applications begin this long before")
    spread_days: int = Field(default=180, ge=1, le=730, description="and spread over this long after it")

    def draw_share(self, name: str, rng: np.random.Generator | None) -> float:
        """One share for one run (`return` is read from `return_`)."""
        return float(getattr(self, "return_" if name == "return" else name).draw(rng))


class Scenario(BaseModel):
    """A complete, validated scenario (after the overlays are merged)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    extends: str | None = None
    start: dt.date
    days: int = Field(ge=1, le=3 * 366)
    regime: Literal["pact", "dublin_iii"] = "pact"
    arrivals_year: int = Field(description="Frontex year whose monthly arrivals drive the run")
    arrivals_source: Literal["observed", "forecast"] = Field(
        default="observed",
        description="observed: the Frontex detections of arrivals_year; forecast: a draw per run from"
        " the forecast made at the end of the year before arrivals_year (migralex.forecast)",
    )
    calibration_year: int = Field(description="Eurostat year of applications by Member State and nationality")
    scale: float = Field(default=1.0, gt=0.0, le=1.0, description="share of the population simulated")
    law: dict[str, Any] = Field(default_factory=dict)
    behaviour: Behaviour
    shocks: tuple[Shock, ...] = ()
    crises: tuple[Crisis, ...] = ()
    solidarity: Solidarity = Solidarity()
    returns: ReturnsBehaviour | None = Field(default=None, description="the returns stage (sim/returns.py)")
    resettlement: Resettlement | None = None
    temporary_protection_end: TemporaryProtectionEnd | None = None
    safe_countries_of_origin: tuple[str, ...] = Field(
        default=(), description="the Union list of safe countries of origin (APR Arts 61-62) for channelling"
    )

    @field_validator("safe_countries_of_origin")
    @classmethod
    def _countries(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalise(c, field="safe_countries_of_origin") for c in v)

    def parameters(self) -> ParameterSet:
        """The legal parameters with the scenario's `law` overlay (errors name the parameter)."""
        base = params()
        return base.overlay(self.law, label=f"scenario {self.name}.law") if self.law else base

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with top-level fields changed (validated again), e.g. `days`, `scale`."""
        return load_dict({**self.model_dump(mode="json"), **changes}, f"scenario {self.name}")


def scenario_names() -> list[str]:
    """The shipped scenarios."""
    folder = resources.files("migralex.sim").joinpath(SCENARIO_DIR)
    return sorted(f.name.removesuffix(".yaml") for f in folder.iterdir() if f.name.endswith(".yaml"))


def _read(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text, where = path.read_text("utf-8"), str(path)
    else:
        name = str(name_or_path)
        if name not in scenario_names():
            raise UnknownReference(f"no scenario {name!r}; the scenarios are: {', '.join(scenario_names())}")
        folder = resources.files("migralex.sim").joinpath(SCENARIO_DIR)
        text, where = folder.joinpath(f"{name}.yaml").read_text("utf-8"), f"scenario {name}"
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(where, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidInput(where, "expected a mapping at the top level")
    return raw, where


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay `over` on `base`: mappings merge key by key (law, behaviour, solidarity), others replace."""
    out = dict(base)
    for key, value in over.items():
        if key in ("law", "behaviour", "solidarity", "returns") and isinstance(value, Mapping):
            out[key] = {**(base.get(key) or {}), **value}
        else:
            out[key] = value
    return out


def resolve(name_or_path: str | Path, _seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    """The merged raw mapping of a scenario (its `extends` chain applied) and where it came from."""
    raw, where = _read(name_or_path)
    parent = raw.get("extends", None if raw.get("name") == "baseline" else "baseline")
    if parent is None:
        return raw, where
    if parent in _seen:
        raise InvalidInput(f"{where}.extends", f"circular: {' → '.join((*_seen, str(parent)))}")
    base, _ = resolve(parent, (*_seen, str(parent)))
    return _merge(base, raw), where


def load_dict(raw: Mapping[str, Any], where: str) -> Scenario:
    """Validate a merged scenario mapping; errors name the key (`behaviour.transfer_completion`)."""
    try:
        scenario = Scenario.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"] if p not in ("function-after[_one_form(), Value]",))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key (not a scenario field; check the spelling)"
        raise InvalidInput(f"{where}: {path}", message) from None
    scenario.parameters()  # the law overlay must name real parameters with valid values
    return scenario


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name, or a YAML file, merged over what it extends and validated."""
    raw, where = resolve(name_or_path)
    return load_dict(raw, where)


def events(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's shocks and crises as dated events (for marking charts): start, end, label."""
    out: list[dict[str, Any]] = []
    for s in scenario.shocks:
        end = s.start + dt.timedelta(days=s.days - 1)
        label = f"{s.arrivals:,} extra arrivals in {s.member_state} ({s.route}, {s.border_type})"
        out.append({"start": s.start.isoformat(), "end": end.isoformat(), "label": label, "kind": "shock"})
    for c in scenario.crises:
        end = c.start + dt.timedelta(days=c.days - 1)
        label = f"crisis ({c.kind.replace('_', ' ')}) in {c.member_state}"
        out.append({"start": c.start.isoformat(), "end": end.isoformat(), "label": label, "kind": "crisis"})
    return out


def events_outside(scenario: Scenario, days: int) -> list[str]:
    """Warnings for the shocks and crises that start after the last simulated day of a `days`-day run."""
    last = scenario.start + dt.timedelta(days=days - 1)
    return [
        f"{e['label']} starts on {e['start']}, after the last simulated day ({last.isoformat()}):"
        f" it is not in this run of {days} days (the scenario's own length is {scenario.days} days)"
        for e in events(scenario)
        if dt.date.fromisoformat(e["start"]) > last
    ]
