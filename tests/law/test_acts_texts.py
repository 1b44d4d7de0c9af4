"""The acts as data, the transitional rules, and the shipped article texts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from migralex.errors import UnknownReference
from migralex.law.acts import acts, governing_regime, procedure_regime, resolve_act, responsibility_regime
from migralex.law.refs import LegalRef
from migralex.law.texts import article, articles, search


def test_nine_pact_acts_with_identifiers() -> None:
    pact = {"AMMR", "APR", "RBPR", "URF", "SR", "EURODAC", "CFMR", "QR", "RCD"}
    by_key = {a.key: a for a in acts()}
    assert pact <= set(by_key)
    assert by_key["AMMR"].celex == "32024R1351" and by_key["RCD"].kind == "directive"
    for key in pact:
        a = by_key[key]
        assert a.eli.startswith("http://data.europa.eu/eli/") and a.celex.startswith("3202")
        if a.applies_from_ref:  # the date of application is what its article says
            assert a.applies_from_ref.article in {str(x.number) for x in articles(key)}


@pytest.mark.parametrize(
    ("key", "date"),
    [
        ("AMMR", "2026-07-01"),
        ("APR", "2026-06-12"),
        ("CFMR", "2026-07-01"),
        ("QR", "2026-07-01"),
        ("SR", "2026-06-12"),
        ("EURODAC", "2026-06-12"),
        ("RBPR", "2026-06-12"),
        ("URF", "2024-06-11"),
    ],
)
def test_dates_of_application(key, date) -> None:
    assert resolve_act(key).applies_from.isoformat() == date


def test_early_application_of_the_annual_cycle() -> None:
    ammr = resolve_act("AMMR")
    assert ammr.applies_on("12", dt.date(2025, 10, 15))
    assert not ammr.applies_on("33", dt.date(2026, 6, 30))
    assert ammr.applies_on("33", dt.date(2026, 7, 1))


def test_aliases_and_unknown_acts() -> None:
    assert resolve_act("dublin iii").key == "DUBLIN_III"
    assert resolve_act("2024/1348").key == "APR"
    assert resolve_act("urfa").key == "URF"
    with pytest.raises(UnknownReference, match="known acts: AMMR, APR"):
        resolve_act("Schengen")


def test_responsibility_regime_switches_on_registration_date() -> None:
    dates = np.array(["2026-06-30", "2026-07-01", "2026-07-02", "2014-01-01"], dtype="datetime64[D]")
    assert responsibility_regime(dates).tolist() == ["DUBLIN_III", "AMMR", "AMMR", "DUBLIN_III"]


def test_procedure_regime_switches_on_lodging_date() -> None:
    assert procedure_regime(["2026-06-11", "2026-06-12"]).tolist() == ["APD_2013", "APR"]


def test_governing_regime_explains_itself() -> None:
    r = governing_regime(dt.date(2026, 6, 30), dt.date(2026, 7, 10))
    assert (r.responsibility, r.procedure) == ("DUBLIN_III", "APR")
    assert "AMMR Art. 84(2)" in r.responsibility_basis and "APR Art. 79(3)" in r.procedure_basis
    r = governing_regime(dt.date(2026, 6, 10))
    assert r.procedure == "APD_2013" and "registration date used" in r.procedure_basis


def test_article_text_and_paragraphs() -> None:
    a = article("AMMR", 33)
    assert a.title == "Entry" and a.citation == "AMMR Art. 33"
    assert set(a.paragraphs()) == {"1", "2", "3"}
    assert "more than 20 months" in a.paragraphs()["1"]
    assert article("APR", "42").points("1") >= set("abcdefghij")


def test_unknown_article_lists_what_exists() -> None:
    with pytest.raises(UnknownReference, match="AMMR has no Article 86; it has Articles 1–85"):
        article("AMMR", 86)
    with pytest.raises(UnknownReference, match="must be an integer"):
        article("AMMR", "33a")


def test_dublin_iii_index_is_marked_unofficial() -> None:
    a = article("Dublin III", 13)
    assert not a.official and "12 months" in a.text


def test_search_finds_the_irregular_entry_window() -> None:
    hits = search("20 months")
    assert [h.article.citation for h in hits] == ["AMMR Art. 33"]
    assert "20 months" in hits[0].snippet
    assert {h.article.act for h in search("12 weeks")} >= {"APR", "RBPR"}
    assert search("12 weeks", act="RBPR")[0].article.act == "RBPR"
    with pytest.raises(ValueError, match="empty"):
        search("   ")


def test_legal_ref_cites_and_parses() -> None:
    ref = LegalRef("APR", "42", "1", "j")
    assert ref.cite() == "APR Art. 42(1)(j)"
    assert LegalRef.parse("APR Art. 42(1)(j)") == ref
    assert LegalRef("DUBLIN_III", "13", "1").cite() == "Dublin III Art. 13(1)"
    assert LegalRef("AMMR", "39", "1", subparagraph="second").cite() == "AMMR Art. 39(1), second subparagraph"
