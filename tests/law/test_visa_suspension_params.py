"""The visa suspension thresholds (law/params/visa_suspension.yaml): SECONDARY, with a source, dated."""

from __future__ import annotations

from migralex.law.acts import resolve_act
from migralex.law.params import params
from migralex.law.texts import article


def test_every_value_is_secondary_or_a_reading_and_names_its_source() -> None:
    visa = [p for name, p in params().items() if name.startswith("visa.suspension.")]
    assert len(visa) == 5
    for p in visa:
        for v in p.values:
            assert v.ref.act == "VISA_LIST" and v.ref.article == "8"
            if p.kind == "reading":
                assert v.confidence == "READING"
            else:
                assert v.confidence == "SECONDARY" and v.note and "[" in v.note, p.name


def test_thresholds_change_with_the_revision() -> None:
    p = params()
    assert p.value("visa.suspension.substantial_increase", "2025-11-16") == 0.5
    assert p.value("visa.suspension.substantial_increase", "2025-11-17") == 0.3
    assert p.value("visa.suspension.low_recognition_rate", "2026-01-01") == 0.2
    assert p["visa.suspension.substantial_increase"].boundary == "more_than"


def test_the_visa_list_index_is_not_the_official_text() -> None:
    assert resolve_act("2018/1806").key == "VISA_LIST"
    a = article("VISA_LIST", 8)
    assert not a.official and "suspension" in a.text.lower()


def test_urf_calculus_is_a_reading_with_both_options() -> None:
    p = params()["urf.reading.time_limit_calculus"]
    assert p.kind == "reading" and set(p.options) == {"roll_forward", "calendar"}
