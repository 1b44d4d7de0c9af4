"""The channelling context: validation, and the default rates from the shipped decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migralex.errors import InvalidInput
from migralex.rules.procedure import Context


def test_from_dict_normalises_and_validates() -> None:
    ctx = Context.from_dict({"recognition_rates": {"sy": 0.9, "stateless": 0.5}, "crisis_derogation": True})
    assert ctx.recognition_rates == {"SY": 0.9, "stateless": 0.5} and ctx.crisis_derogation
    for raw, path in [
        ({"recognition_rates": {"SY": 1.5}}, "context.recognition_rates.SY"),
        ({"recognition_rates": {"SY": "high"}}, "context.recognition_rates.SY"),
        ({"recognition_rates": {"XX": 0.1}}, "context.recognition_rates.XX"),
        ({"crisis_derogation": "yes"}, "context.crisis_derogation"),
        ({"weather": "fine"}, "context.weather"),
    ]:
        with pytest.raises(InvalidInput) as info:
            Context.from_dict(raw)
        assert info.value.path == path


def _data_available() -> bool:
    try:
        from migralex.data import load

        load("decisions")
    except Exception:
        return False
    return True


needs_data = pytest.mark.skipif(not _data_available(), reason="shipped decision data not available")


@needs_data
def test_default_context_uses_latest_year(tmp_path: Path) -> None:
    from migralex.context import latest_decision_year, load_context

    f = tmp_path / "ctx.json"
    f.write_text(json.dumps({"crisis_derogation": True}))
    ctx = load_context(f)
    assert ctx.crisis_derogation and ctx.recognition_rates
    assert str(latest_decision_year()) in ctx.rates_source
    assert all(0 <= r <= 1 for r in ctx.recognition_rates.values())
    given = tmp_path / "given.json"
    given.write_text(json.dumps({"recognition_rates": {"SY": 0.9}}))
    assert load_context(given).recognition_rates == {"SY": 0.9}


@needs_data
def test_unknown_year_is_an_error() -> None:
    from migralex.context import default_recognition_rates

    with pytest.raises(InvalidInput, match="no decision data"):
        default_recognition_rates(1900)


def test_border_state_of_the_member_states_is_validated() -> None:
    ctx = Context.from_dict(
        {
            "border_capacity_reached": ["it", "EL"],
            "annual_maximum_reached": [],
            "instrumentalisation": {"member_states": ["PL", "LT"], "option": "cease"},
        }
    )
    assert ctx.border_capacity_reached == ("IT", "GR") and ctx.annual_maximum_reached == ()
    assert ctx.instrumentalisation is not None
    assert ctx.instrumentalisation.member_states == ("PL", "LT") and ctx.instrumentalisation.option == "cease"
    assert Context.from_dict({"instrumentalisation": None}).instrumentalisation is None
    for raw, path in [
        ({"border_capacity_reached": "IT"}, "context.border_capacity_reached"),
        ({"border_capacity_reached": ["IT", "CH"]}, "context.border_capacity_reached[1]"),
        ({"annual_maximum_reached": ["XX"]}, "context.annual_maximum_reached[0]"),
        ({"annual_maximum_reached": {"IT": True}}, "context.annual_maximum_reached"),
        ({"instrumentalisation": ["PL"]}, "context.instrumentalisation"),
        ({"instrumentalisation": {"member_states": ["PL"]}}, "context.instrumentalisation.option"),
        ({"instrumentalisation": {"option": "exclude"}}, "context.instrumentalisation.member_states"),
        (
            {"instrumentalisation": {"member_states": ["PL"], "option": "detain"}},
            "context.instrumentalisation.option",
        ),
        (
            {"instrumentalisation": {"member_states": ["TR"], "option": "exclude"}},
            "context.instrumentalisation.member_states[0]",
        ),
        (
            {"instrumentalisation": {"member_states": ["PL"], "option": "exclude", "days": 90}},
            "context.instrumentalisation.days",
        ),
    ]:
        with pytest.raises(InvalidInput) as info:
            Context.from_dict(raw)
        assert info.value.path == path, raw


def test_a_context_built_in_python_is_validated_too() -> None:
    assert Context(border_capacity_reached=["el"]).border_capacity_reached == ("GR",)
    with pytest.raises(InvalidInput) as info:
        Context(annual_maximum_reached=("NO",))
    assert info.value.path == "context.annual_maximum_reached[0]"


@needs_data
def test_the_border_state_survives_the_default_rates(tmp_path: Path) -> None:
    from migralex.context import load_context

    f = tmp_path / "ctx.json"
    state = {
        "border_capacity_reached": ["IT"],
        "annual_maximum_reached": ["GR"],
        "instrumentalisation": {"member_states": ["PL"], "option": "exclude"},
        "safe_countries_of_origin": ["BD"],
    }
    f.write_text(json.dumps(state))
    ctx = load_context(f)
    assert ctx.recognition_rates and "computed from the shipped" in ctx.rates_source
    assert ctx.border_capacity_reached == ("IT",) and ctx.annual_maximum_reached == ("GR",)
    assert ctx.instrumentalisation is not None and ctx.instrumentalisation.member_states == ("PL",)
    assert ctx.safe_countries_of_origin == ("BD",)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"border_capacity_reached": ["Italy"]}))
    with pytest.raises(InvalidInput) as info:
        load_context(bad)
    assert info.value.path == "context.border_capacity_reached[0]"
