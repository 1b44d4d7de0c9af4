"""Every shipped parameter: its reference exists, its quote is in the article, its value is in the quote."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from migralex.errors import InvalidInput, LawDataError, UnknownReference
from migralex.law.params import PERIOD_UNITS, ParameterSet, compare, load_parameter_file, params
from migralex.law.texts import TEXT_FILES, article

WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 12: "twelve", 15: "fifteen",
}  # fmt: skip

ALL = sorted(params().values(), key=lambda p: p.name)
VALUES = [(p, v) for p in ALL for v in p.values]


def number_forms(value: object, unit: str) -> list[str]:
    """The ways the Official Journal writes a value: digits, words, '20 %', '30 000', 'EUR 600 million'."""
    if unit == "ratio":
        return [f"{float(value) * 100:g} %"]
    if unit == "eur":
        return [f"EUR {int(value) // 1_000_000} million"]
    n = int(value)  # type: ignore[call-overload]
    forms = [str(n), f"{n:,}".replace(",", " ")]
    if n in WORDS:
        forms.append(WORDS[n])
    return forms


def test_there_are_parameters_for_every_pact_act() -> None:
    acts = {p.ref.act for p in ALL}
    assert {"AMMR", "APR", "SR", "RBPR", "RCD", "CFMR", "EURODAC", "QR", "URF", "DUBLIN_III"} <= acts


@pytest.mark.parametrize(("p", "v"), VALUES, ids=[f"{p.name}@{v.start}" for p, v in VALUES])
def test_reference_exists_and_quote_is_in_the_article(p, v) -> None:
    art = article(v.ref.act, v.ref.article)
    if v.ref.paragraph and art.paragraphs():
        assert art.has_paragraph(v.ref.paragraph), v.ref.cite()
    if v.ref.act in TEXT_FILES and p.kind != "reading":
        assert v.quote and art.contains(v.quote), f"{p.name}: quote not in {v.ref.cite()}"
        if v.ref.paragraph and art.paragraphs():
            para = art.paragraphs()[v.ref.paragraph]
            assert " ".join(v.quote.split()).lower() in " ".join(para.split()).lower(), (
                f"{p.name}: quote is in {v.ref.cite()} but not in paragraph {v.ref.paragraph}"
            )


@pytest.mark.parametrize(
    ("p", "v"),
    [(p, v) for p, v in VALUES if p.kind == "value" and v.ref.act in TEXT_FILES],
    ids=lambda x: getattr(x, "name", str(getattr(x, "start", ""))),
)
def test_the_value_is_what_the_quote_says(p, v) -> None:
    forms = number_forms(v.value, p.unit)
    quote = " ".join(v.quote.split())
    assert any(re.search(rf"(?<![\d\w]){re.escape(f)}(?![\d\w])", quote) for f in forms), (
        f"{p.name}: none of {forms} in {quote!r}"
    )


def test_strict_boundaries_are_what_the_quote_says() -> None:
    """A strict boundary needs the strict words in the text ('more than' / 'after'; 'less than' / 'below')."""
    words = {"more_than": ("more than", "after"), "less_than": ("less than", "below", "under")}
    for p, v in VALUES:
        if v.quote and p.boundary in words and p.kind == "value":
            assert any(w in v.quote.lower() for w in words[p.boundary]), f"{p.name}: {v.quote!r}"


def test_dates_are_strictly_increasing_and_not_before_application() -> None:
    for p in ALL:
        starts = [v.start for v in p.values]
        assert starts == sorted(set(starts))


def test_vectorised_lookup_follows_the_border_procedure_phase_in() -> None:
    m = params()["apr.border.annual_maximum_multiplier"]
    dates = np.array(
        ["2026-06-12", "2027-06-12", "2027-06-13", "2028-06-12", "2028-06-13", "2031-01-01"],
        dtype="datetime64[D]",
    )
    assert m.at(dates).tolist() == [2, 2, 3, 3, 4, 4]
    with pytest.raises(UnknownReference, match="applies from 2026-06-12"):
        m.at(["2026-06-11"])
    assert m.at(["2026-06-11", "2027-07-01"], before_first=0).tolist() == [0, 3]


def test_vectorised_lookup_on_a_million_dates_matches_the_scalar_one() -> None:
    rng = np.random.default_rng(7)
    dates = np.datetime64("2026-06-12") + rng.integers(0, 2000, 1_000_000).astype("timedelta64[D]")
    m = params()["apr.border.annual_maximum_multiplier"]
    out = m.at(dates)
    for d in dates[:50]:
        assert out[dates == d][0] == m.value_at(str(d)).value


def test_period_of_a_time_limit() -> None:
    p = params().period("ammr.time_limits.take_charge_request", "2026-09-01")
    assert (p.amount, p.unit) == (2, "months")
    with pytest.raises(InvalidInput, match="not a period unit"):
        params()["apr.border.recognition_rate_threshold"].period_at("2026-09-01")
    assert all(params()[n].unit in PERIOD_UNITS for n in params() if ".time_limits." in n)


def test_compare_implements_boundary_semantics() -> None:
    q = np.array([19, 20, 21])
    assert compare(q, "more_than", 20).tolist() == [False, False, True]
    assert compare(q, "at_least", 20).tolist() == [False, True, True]
    assert compare(q, "less_than", 20).tolist() == [True, False, False]
    assert compare(q, "at_most", 20).tolist() == [True, True, False]
    with pytest.raises(InvalidInput, match="unknown boundary"):
        compare(q, "roughly", 20)


# --- overlays ---------------------------------------------------------------------------


def test_overlay_replaces_a_value_and_records_itself() -> None:
    ps = params().overlay({"apr.border.recognition_rate_threshold": 0.05}, label="crisis")
    assert ps.value("apr.border.recognition_rate_threshold", "2026-09-01") == 0.05
    assert params().value("apr.border.recognition_rate_threshold", "2026-09-01") == 0.20
    assert ps.overlays == ("crisis",)
    assert ps["apr.border.recognition_rate_threshold"].overlaid


def test_overlay_with_dated_values_and_readings() -> None:
    ps = params().overlay(
        {
            "apr.border.annual_maximum_multiplier": [{"from": "2026-06-12", "value": 4}],
            "ammr.reading.offsets_cap": "total",
        }
    )
    assert ps.value("apr.border.annual_maximum_multiplier", "2026-07-01") == 4
    assert ps.value("ammr.reading.offsets_cap", "2026-07-01") == "total"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ammr.reading.offsets_cap": "half"}, "not one of gap, total"),
        ({"apr.border.recognition_rate_threshold": 1.5}, "between 0 and 1"),
        ({"apr.border.recognition_rate_threshold": "low"}, "expected a number"),
        ({"apr.time_limits.lodging": -1}, "must not be negative"),
        ({"no.such.parameter": 1}, "unknown parameter"),
    ],
)
def test_bad_overlays_name_what_is_wrong(change, message) -> None:
    with pytest.raises((InvalidInput, UnknownReference), match=message):
        params().overlay(change)


# --- validation of parameter files --------------------------------------------------------

GOOD = """
act: AMMR
parameters:
  t.window:
    description: test
    unit: months
    boundary: more_than
    values:
      - {from: 2026-07-01, value: 20, article: "33", paragraph: "1",
         quote: "registered more than 20 months after", confidence: TEXT}
"""


def test_a_good_file_loads() -> None:
    assert load_parameter_file(GOOD, "test.yaml")["t.window"].values[0].value == 20


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('article: "33"', 'article: "99"', "AMMR has no Article 99"),
        ('paragraph: "1"', 'paragraph: "7"', "has paragraphs 1, 2, 3, not 7"),
        ("more than 20 months", "more than 21 months", "quote not found"),
        (
            '\n         quote: "registered more than 20 months after",',
            "",
            "'quote' from the article text is required",
        ),
        ("2026-07-01", "2024-01-01", r"before AMMR Art\. 33\(1\) applies"),
        ("unit: months", "unit: fortnights", "unknown unit"),
        ("boundary: more_than", "boundary: about", "unknown boundary"),
        ("confidence: TEXT", "confidence: SURE", "unknown confidence"),
        ('article: "33", ', "", "missing 'article'"),
        ("description: test", "description: test\n    colour: red", "unknown keys"),
        ("act: AMMR", "act: XYZ", "unknown act"),
    ],
)
def test_invalid_files_are_rejected_naming_file_and_parameter(old, new, message) -> None:
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises((LawDataError, UnknownReference), match=message) as info:
        load_parameter_file(text, "test.yaml")
    if isinstance(info.value, LawDataError) and "unknown act" not in message:
        assert "test.yaml: t.window" in str(info.value)


def test_unordered_dates_are_rejected() -> None:
    text = GOOD.replace(
        "confidence: TEXT}",
        'confidence: TEXT}\n      - {from: 2026-07-01, value: 21, article: "33", paragraph: "1",'
        ' quote: "registered more than 20 months after", confidence: TEXT}',
    )
    with pytest.raises(LawDataError, match="strictly increasing"):
        load_parameter_file(text, "test.yaml")


def test_parameter_set_lookup_errors_suggest_names() -> None:
    with pytest.raises(UnknownReference, match="similar"):
        params()["diploma_window"]
    assert isinstance(params(), ParameterSet)
    assert params().value("ammr.criteria.diploma_window", dt.date(2027, 1, 1)) == 6
