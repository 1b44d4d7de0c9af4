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
