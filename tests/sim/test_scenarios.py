"""Scenario files: overlays on the baseline, strict validation, errors that name the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

from migralex.countries import EU27
from migralex.errors import InvalidInput, MigralexError
from migralex.law import add_period
from migralex.sim.engine import crisis_table
from migralex.sim.scenario import PerMemberState, PerRoute, Value, load_scenario, scenario_names
from migralex.sim.stages import K_BORDER, TIME_LIMITS
from migralex.sim.timelimits import deadline_table

REQUIRED = {"baseline", "lampedusa-surge", "relocation-half-pledged", "dublin-iii", "instrumentalisation"}


def write(tmp_path: Path, body: dict) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(body), "utf-8")
    return path


def test_required_scenarios_are_shipped_and_load() -> None:
    assert set(scenario_names()) >= REQUIRED
    for name in scenario_names():
        assert load_scenario(name).name == name


def test_every_baseline_value_states_its_source() -> None:
    behaviour = load_scenario("baseline").behaviour
    missing = []
    for name in type(behaviour).model_fields:
        field = getattr(behaviour, name)
        values = [field] if isinstance(field, Value) else [field.default, *field.overrides.values()]
        assert isinstance(field, (Value, PerMemberState, PerRoute))
        missing += [name for v in values if not (v.source and v.source.strip())]
    assert missing == []


def test_overlays_change_only_what_they_name() -> None:
    base, half = load_scenario("baseline"), load_scenario("relocation-half-pledged")
    assert half.behaviour.relocation_pledge_share.value == 0.5
    assert half.behaviour.transfer_completion == base.behaviour.transfer_completion
    crisis = load_scenario("lampedusa-surge-crisis")
    assert crisis.shocks == load_scenario("lampedusa-surge").shocks and len(crisis.crises) == 1
    assert load_scenario("dublin-iii").regime == "dublin_iii"


def test_unknown_behaviour_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "t", "behaviour": {"transfer_completon": 0.5}})
    with pytest.raises(InvalidInput, match=r"behaviour\.transfer_completon: unknown key"):
        load_scenario(path)


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="shockz"):
        load_scenario(write(tmp_path, {"name": "t", "shockz": []}))


def test_bad_range_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "t", "behaviour": {"return_effective": {"low": 0.3, "high": 0.1}}})
    with pytest.raises(InvalidInput, match=r"behaviour\.return_effective"):
        load_scenario(path)


def test_bad_member_state_in_a_shock_is_named(tmp_path: Path) -> None:
    shock = {
        "member_state": "XX",
        "start": "2027-03-01",
        "days": 1,
        "arrivals": 5,
        "route": "Central Mediterranean Route",
    }
    with pytest.raises(MigralexError, match="XX"):
        load_scenario(write(tmp_path, {"name": "t", "shocks": [shock]}))


def test_law_overlay_goes_through_the_parameter_set(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, {"name": "t", "law": {"apr.time_limits.border_procedure": 16}}))
    start = dt.date(2027, 1, 4)
    table = deadline_table(scenario.parameters(), "pact", start, 10)
    days = np.datetime64(start) + np.arange(10)
    expected = (add_period(days, "16 weeks", "IT") - np.datetime64(start)).astype(int)
    assert TIME_LIMITS[K_BORDER] == "border_procedure"
    assert (table[K_BORDER, EU27.index("IT")] == expected).all()


def test_unknown_law_parameter_is_named(tmp_path: Path) -> None:
    with pytest.raises(MigralexError, match=r"apr\.time_limits\.bordr"):
        load_scenario(write(tmp_path, {"name": "t", "law": {"apr.time_limits.bordr": 16}}))


def test_circular_extends_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        yaml.safe_dump({"name": "a", "extends": str(tmp_path / "b.yaml")}), "utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        yaml.safe_dump({"name": "b", "extends": str(tmp_path / "a.yaml")}), "utf-8"
    )
    with pytest.raises(InvalidInput, match="circular"):
        load_scenario(tmp_path / "a.yaml")


def test_crisis_longer_than_the_cfmr_allows_is_rejected(tmp_path: Path) -> None:
    """CFMR Art. 5(3): derogations apply for at most 12 months in total."""
    crisis = {"member_state": "IT", "kind": "mass_arrivals", "start": "2027-01-01", "days": 370}
    scenario = load_scenario(write(tmp_path, {"name": "t", "days": 400, "crises": [crisis]}))
    with pytest.raises(InvalidInput, match=r"crises\[0\]\.days"):
        crisis_table(scenario, scenario.parameters())
    ok = scenario.with_changes(crises=[crisis | {"days": 365}])
    assert (crisis_table(ok, ok.parameters()) > 0).sum() == 365


def test_unknown_scenario_lists_the_shipped_ones() -> None:
    with pytest.raises(MigralexError, match="baseline"):
        load_scenario("no-such-scenario")
