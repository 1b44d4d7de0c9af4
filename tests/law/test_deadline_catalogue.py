"""The deadline catalogue (law/deadlines.yaml) is checked at load like the parameters."""

from __future__ import annotations

import pytest

from migralex.errors import LawDataError, UnknownReference
from migralex.law import params
from migralex.law.deadlines import catalogue, load_catalogue, spec
from migralex.sim.stages import TIME_LIMITS
from migralex.sim.timelimits import REGIMES, parameter_names

GOOD = """
deadlines:
  take_charge_request:
    description: a request
    event: registration
    variants:
      default:
        basis: AMMR Art. 39(1)
        params: [ammr.time_limits.take_charge_request]
        runs_from: the registration
        consequence: "responsibility for examining the application for international protection
          shall lie with the Member State where the application was registered"
        consequence_basis: AMMR Art. 39(1)
"""


def test_shipped_catalogue_loads_and_every_parameter_exists() -> None:
    cat = catalogue()
    p = params()
    assert {"take_charge_request", "transfer", "take_back_confirmation", "relocation_transfer"} <= set(cat)
    for d in cat.values():
        for v in d.variants.values():
            assert v.params and all(n in p for n in v.params), (d.name, v.name)


def test_every_arts_39_46_limit_states_its_consequence() -> None:
    for name in ("take_charge_request", "take_charge_reply", "transfer", "take_back_confirmation"):
        for v in spec(name).variants.values():
            if (name, v.name) == ("take_back_confirmation", "crisis"):
                # CFMR Art. 12(3) covers points (a), (b), (d) only; AMMR Art. 41(4) names two weeks
                assert v.consequence is None and v.note and "12(3)" in v.note
                continue
            assert v.consequence and v.consequence_basis, (name, v.name)


def test_a_good_document_loads() -> None:
    cat = load_catalogue(GOOD, params())
    assert cat["take_charge_request"].variant("default").params == ("ammr.time_limits.take_charge_request",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("ammr.time_limits.take_charge_request]", "ammr.time_limits.nope]"), "unknown parameters"),
        (
            ("basis: AMMR Art. 39(1)", "basis: AMMR Art. 39(9)"),
            "take_charge_request.default: AMMR Art. 39(9)",
        ),
        (("basis: AMMR Art. 39(1)", "basis: AMMR Art. 999"), "has no Article 999"),
        (
            ("shall lie with the Member State where", "shall lie with the Member State in which"),
            "quote not found",
        ),
        (("        runs_from: the registration\n", ""), "take_charge_request.default: missing 'runs_from'"),
        (("    event: registration\n", ""), "take_charge_request: missing 'event'"),
        (("        params:", "        periods:"), "unknown keys ['periods']"),
    ],
)
def test_errors_name_the_entry_and_the_rule(change: tuple[str, str], message: str) -> None:
    bad = GOOD.replace(*change)
    assert bad != GOOD
    with pytest.raises(LawDataError, match=None) as exc:
        load_catalogue(bad, params())
    assert message in str(exc.value)


def test_parameters_of_different_units_cannot_add_up() -> None:
    bad = GOOD.replace(
        "[ammr.time_limits.take_charge_request]",
        "[ammr.time_limits.take_charge_request, ammr.time_limits.take_back_notification]",
    )
    with pytest.raises(LawDataError, match="different units"):
        load_catalogue(bad, params())


def test_unknown_variant_lists_the_variants() -> None:
    with pytest.raises(UnknownReference, match="after_hit"):
        spec("take_charge_request").variant("sideways")


@pytest.mark.parametrize("regime", REGIMES)
def test_simulator_limits_come_from_the_catalogue(regime: str) -> None:
    names = parameter_names(regime)
    assert set(TIME_LIMITS) <= set(names)
    cat_params = {n for d in catalogue().values() for v in d.variants.values() for n in v.params}
    assert all(set(ps) <= cat_params for ps in names.values())
    assert all(n in set(params()) for ps in names.values() for n in ps)
    want = "dublin3.time_limits.transfer" if regime == "dublin_iii" else "ammr.time_limits.transfer"
    assert names["transfer"] == (want,)
