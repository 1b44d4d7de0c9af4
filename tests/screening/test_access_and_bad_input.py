"""Purpose limitation by role, Member State separation, and hostile input: refused, named, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from migralex.errors import InvalidInput
from migralex.registry.access import AccessDenied, NotVisible, Unauthenticated
from migralex.registry.models import audit_log, screenings
from migralex.screening.service import ScreeningService

from .conftest import DE_BORDER, IT_BORDER, IT_MEDICAL

EVENT = dt.datetime(2026, 11, 30, 9, 0)


def test_medical_staff_see_the_health_part_only_and_may_not_query(service: ScreeningService) -> None:
    service.start(IT_BORDER, "A-1", "disembarkation", EVENT, {"name": "Omar"})
    service.health(IT_MEDICAL, "A-1", needs_care=True, isolation=True, no_further_check=False, notes="TB?")
    seen = service.get(IT_MEDICAL, "A-1")
    assert seen["health"]["notes"] == "TB?"
    assert "form" not in seen and "queries" not in seen and "hits" not in seen
    with pytest.raises(AccessDenied):
        service.check(IT_MEDICAL, "A-1")
    with pytest.raises(AccessDenied):
        service.form(IT_MEDICAL, "A-1")


def test_border_staff_do_not_see_the_medical_notes_nor_record_the_health_check(
    service: ScreeningService,
) -> None:
    service.start(IT_BORDER, "A-2", "disembarkation", EVENT, {"name": "Omar"})
    service.health(IT_MEDICAL, "A-2", needs_care=True, isolation=False, no_further_check=False, notes="TB?")
    seen = service.get(IT_BORDER, "A-2")
    assert seen["health"] == {"needs_care": True, "isolation": False, "no_further_check": False}
    with pytest.raises(AccessDenied):
        service.health(IT_BORDER, "A-2", needs_care=False, isolation=False, no_further_check=True, notes=None)


def test_another_member_state_cannot_see_a_screening_and_the_refusal_is_audited(
    service: ScreeningService,
) -> None:
    service.start(IT_BORDER, "A-3", "disembarkation", EVENT, {"name": "Omar"})
    with pytest.raises(NotVisible):
        service.get(DE_BORDER, "A-3")
    with service.store.read() as conn:
        denied = (
            conn.execute(select(audit_log.c.action).where(audit_log.c.outcome == "denied")).scalars().all()
        )
    assert "screening_read" in denied


def test_a_token_is_needed(service: ScreeningService) -> None:
    token = service.create_token("IT", "medical", "nurse")
    assert service.authenticate(token).role == "medical"
    for bad in ("", "st_x.y", token + "x", "tk_abc.def", "st_" + "a" * 40 + ".x"):
        with pytest.raises(Unauthenticated):
            service.authenticate(bad)
    with pytest.raises(InvalidInput, match="role"):
        service.create_token("IT", "police", "x")


@pytest.mark.parametrize(
    ("reason", "event", "entries", "field"),
    [
        ("boat", EVENT, {}, "reason"),
        ("disembarkation", dt.datetime(2027, 1, 1), {}, "event_at"),
        ("disembarkation", EVENT, {"nam": "x"}, "form.nam"),
        ("disembarkation", EVENT, {"date_of_birth": "1990-02-30"}, "form.date_of_birth"),
        ("disembarkation", EVENT, {"date_of_birth": "2099-01-01"}, "form.date_of_birth"),
        ("disembarkation", EVENT, {"name": "x" * 600}, "form.name"),
        ("disembarkation", EVENT, {"name": "a\x00b"}, "form.name"),
        ("disembarkation", EVENT, {"applied_for_protection": "yes"}, "form.applied_for_protection"),
        ("disembarkation", EVENT, {"languages": "bn"}, "form.languages"),
        ("disembarkation", EVENT, {"family_in_member_states": ["XX"]}, "member_state"),
    ],
)
def test_hostile_input_is_refused_naming_the_field_and_nothing_is_written(
    service: ScreeningService, reason: str, event: dt.datetime, entries: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        service.start(IT_BORDER, "H-1", reason, event, entries)
    assert field in err.value.path
    with service.store.read() as conn:
        assert conn.execute(select(screenings.c.id)).all() == []


@pytest.mark.parametrize("sid", ["", "x" * 41, "a/b", "a b", "'; DROP TABLE screenings; --", "é"])
def test_bad_ids_are_refused(service: ScreeningService, sid: str) -> None:
    with pytest.raises(InvalidInput, match="id"):
        service.start(IT_BORDER, sid, "disembarkation", EVENT, {})


def test_a_screening_cannot_be_started_twice_or_changed_after_it_ended(service: ScreeningService) -> None:
    service.start(IT_BORDER, "A-4", "disembarkation", EVENT, {"name": "Omar"})
    with pytest.raises(InvalidInput, match="already exists"):
        service.start(IT_BORDER, "A-4", "disembarkation", EVENT, {"name": "Other"})
    service.complete(IT_BORDER, "A-4", entry_conditions_met=True)
    with pytest.raises(InvalidInput, match="already ended"):
        service.vulnerability(IT_BORDER, "A-4", [])
    with pytest.raises(InvalidInput, match="already ended"):
        service.complete(IT_BORDER, "A-4")


def test_unknown_hits_and_vulnerabilities_are_refused(service: ScreeningService) -> None:
    service.start(IT_BORDER, "A-5", "disembarkation", EVENT, {"name": "Omar"})
    with pytest.raises(InvalidInput, match="no hit"):
        service.verify(IT_BORDER, "A-5", "sis", "SIM-X", True)
    with pytest.raises(InvalidInput, match="indications"):
        service.vulnerability(IT_BORDER, "A-5", ["tired"])
