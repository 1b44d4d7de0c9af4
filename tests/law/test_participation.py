"""law/participation.yaml: checked at load (quotes in the recitals, agreements, readings, coverage)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from migralex.countries import DUBLIN_STATES
from migralex.errors import LawDataError
from migralex.law.params import params
from migralex.law.participation import binds, bound_mask, load_participation, participation, why

SHIPPED = resources.files("migralex.law").joinpath("participation.yaml").read_text("utf-8")


def test_the_shipped_table_loads_and_names_the_agreements() -> None:
    table = participation()
    assert table.agreements["dk_dublin"].oj == "OJ L 66, 8.3.2006, p. 38"
    assert set(table.states) == {"DK", "IE", "CH", "IS", "LI", "NO"}


@pytest.mark.parametrize(
    ("state", "act", "part", "bound"),
    [
        ("DK", "APR", None, False),
        ("DK", "RCD", None, False),
        ("DK", "AMMR", "Part III", True),
        ("DK", "AMMR", "Part IV", False),  # solidarity: not among Parts III, V and VII
        ("DK", "CFMR", "Art. 12", True),
        ("DK", "CFMR", "Art. 11", False),
        ("CH", "AMMR", "Part III", True),
        ("CH", "APR", None, False),
        ("CH", "SR", None, True),
        ("IE", "APR", None, True),
        ("IE", "SR", None, False),
        ("IT", "APR", None, True),
    ],
)
def test_who_is_bound(state: str, act: str, part: str | None, bound: bool) -> None:
    assert binds(state, act, part=part) is bound


def test_readings_switch_the_entries() -> None:
    p = params().overlay({"participation.reading.ireland": "recitals"}, label="t")
    assert not binds("IE", "APR", p) and binds("IE", "APR")
    assert "recital 106" in str(why("IE", "APR", p))


def test_eurodac_of_the_agreement_states_is_a_reading() -> None:
    """The Dublin agreements cover Eurodac; the 2024 acceptances are not verified (default)."""
    assert not binds("CH", "EURODAC") and not binds("DK", "EURODAC")
    p = params().overlay({"participation.reading.agreement_states_eurodac": "agreements"}, label="t")
    assert all(binds(s, "EURODAC", p) for s in ("DK", "CH", "IS", "NO", "LI"))
    arts_1_6 = "Arts 1 to 6 insofar as they concern the derogations in Articles 12 and 13"
    assert binds("DK", "CFMR", part=arts_1_6)


def test_bound_mask_over_codes() -> None:
    codes = np.array([DUBLIN_STATES.index(s) for s in ("DK", "AT", "CH")] + [-1])
    assert bound_mask("APR", codes).tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('its application", confidence: TEXT}', 'its entirety", confidence: TEXT}', "quote not found"),
        ("via: dk_dublin, recital: 90", "via: nothing, recital: 90", "'via' must name an agreement"),
        ("option: opted_in", "option: perhaps", "is not an option"),
        ("confidence: TEXT}", "confidence: SURE}", "unknown confidence"),
        ("{state: CH, act: URF, binds: none", "{state: CH, act: URF, binds: maybe", "binds must be one of"),
    ],
)
def test_a_broken_table_is_refused_naming_the_entry(old: str, new: str, message: str) -> None:
    assert old in SHIPPED
    with pytest.raises(LawDataError, match=message):
        load_participation(SHIPPED.replace(old, new, 1))


def test_an_associated_state_must_list_every_act() -> None:
    lines = [ln for ln in SHIPPED.splitlines() if not ln.startswith("  - {state: LI, act: URF")]
    with pytest.raises(LawDataError, match="LI: an associated State is bound by nothing unless listed"):
        load_participation("\n".join(lines))


def test_every_option_of_a_reading_has_its_entry() -> None:
    lines = [ln for ln in SHIPPED.splitlines() if "act: QR" not in ln or "option: recitals" not in ln]
    with pytest.raises(LawDataError, match="one entry per option"):
        load_participation("\n".join(lines))


def test_the_cli_lists_who_is_bound() -> None:
    from typer.testing import CliRunner

    from migralex.law.commands import app

    result = CliRunner().invoke(app, ["participation", "--state", "CH", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["act"]: r for r in json.loads(result.output)}
    assert rows["AMMR"]["binds"] == "parts" and rows["APR"]["binds"] == "none"
    assert "OJ L 53, 27.2.2008, p. 5" in rows["AMMR"]["via"]
