"""PLEDGES.json: validation with the JSON path of the bad field."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from migralex.cycle.pledges import parse_pledges, read_pledges
from migralex.errors import InvalidInput


def test_a_full_document_is_read() -> None:
    p = parse_pledges(
        {
            "cycle_year": 2025,
            "reference_relocations": 30000,
            "reconvened_forum": True,
            "benefitting": ["EL"],
            "pledges": {"DE": {"relocations": 10, "financial_eur": 5.0, "implemented_relocations": 4}},
            "deductions": {"DE": {"fraction": 0.25, "article": "62"}},
        }
    )
    assert p.benefitting == ("GR",)
    assert p.pledges["DE"].financial_eur == 5 and p.pledges["DE"].alternative_eur == 0
    assert p.deductions["DE"].fraction == Fraction(1, 4)


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({}, "$.pledges"),
        ({"pledges": {}, "extra": 1}, "$.extra"),
        ({"pledges": {"XX": {}}}, "$.pledges.XX"),
        ({"pledges": {"NO": {}}}, "$.pledges.NO"),
        ({"pledges": {"GR": {}, "EL": {}}}, "$.pledges.EL"),
        ({"pledges": {"DE": {"relocations": -1}}}, "$.pledges.DE.relocations"),
        ({"pledges": {"DE": {"relocations": 1.5}}}, "$.pledges.DE.relocations"),
        ({"pledges": {"DE": {"relocations": True}}}, "$.pledges.DE.relocations"),
        ({"pledges": {"DE": {"relocatons": 1}}}, "$.pledges.DE.relocatons"),
        (
            {"pledges": {"DE": {"relocations": 1, "implemented_relocations": 2}}},
            "$.pledges.DE.implemented_relocations",
        ),
        ({"pledges": {"DE": {}}, "deductions": {"DE": {"fraction": 0}}}, "$.deductions.DE.fraction"),
        (
            {"pledges": {"DE": {}}, "deductions": {"DE": {"fraction": 1, "article": "63"}}},
            "$.deductions.DE.article",
        ),
        ({"pledges": {}, "deductions": {"DE": {"fraction": 1}}}, "$.deductions.DE"),
        ({"pledges": {}, "benefitting": "IT"}, "$.benefitting"),
        ({"pledges": {}, "benefitting": ["IT", "IT"]}, "$.benefitting"),
        ({"pledges": {}, "reconvened_forum": "yes"}, "$.reconvened_forum"),
        ({"pledges": {}, "reference_relocations": 0}, "$.reference_relocations"),
    ],
)
def test_errors_name_the_json_path(doc, path) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_pledges(doc)
    assert err.value.path == path


def test_file_errors_name_the_file(tmp_path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_pledges(bad)
    bad.write_text(json.dumps({"pledges": {"DE": {"relocations": -2}}}), "utf-8")
    with pytest.raises(InvalidInput, match=r"p\.json: \$\.pledges\.DE\.relocations"):
        read_pledges(bad)
    with pytest.raises(InvalidInput, match="no such file"):
        read_pledges(tmp_path / "missing.json")
