"""The screening from start to referral: elements, hits, timeouts, the time limit (SR Arts 8-18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from migralex.registry import audit
from migralex.registry.models import audit_log, screenings
from migralex.rules.procedure import Context, decide_procedure
from migralex.rules.responsibility.hierarchy import decide_responsibility
from migralex.screening.connectors.simulated import Behaviour
from migralex.screening.export import case
from migralex.screening.record import Incomplete, ScreeningRecord
from migralex.screening.service import ScreeningService

from .conftest import FULL_FORM, IT_BORDER, IT_MEDICAL, QUIET, Clock, run_all_but_complete

EVENT = dt.datetime(2026, 11, 30, 9, 0)


def test_a_screening_with_every_element_done_refers_the_applicant(service: ScreeningService) -> None:
    service.start(IT_BORDER, "LMP-1", "disembarkation", EVENT, {"name": "Amina Rahman"})
    view = run_all_but_complete(service, "LMP-1")
    assert view["gaps"] == []
    done = service.complete(IT_BORDER, "LMP-1")
    assert (done["status"], done["outcome"], done["outcome_basis"]) == (
        "completed",
        "asylum_procedure",
        "SR Art. 18(2)",
    )
    assert done["time_limit"]["last_day"] == "2026-12-07"


def test_completion_before_the_time_limit_is_refused_while_elements_are_missing(
    service: ScreeningService,
) -> None:
    service.start(IT_BORDER, "LMP-2", "disembarkation", EVENT, {"name": "Omar"})
    with pytest.raises(Incomplete) as err:
        service.complete(IT_BORDER, "LMP-2")
    gaps = " ".join(err.value.gaps)
    assert "health (SR Art. 8(5)(a), Art. 12(1)): pending" in gaps
    assert "form: place_of_birth (SR Art. 17(1)(a))" in gaps
    assert service.get(IT_BORDER, "LMP-2")["status"] == "in_progress"


def test_at_the_time_limit_the_screening_ends_with_what_was_not_done(
    service: ScreeningService, clock: Clock
) -> None:
    service.start(IT_BORDER, "LMP-3", "disembarkation", EVENT, {"name": "Omar"})
    service.health(IT_MEDICAL, "LMP-3", needs_care=True, isolation=False, no_further_check=False, notes=None)
    clock.now = dt.datetime(2026, 12, 7, 23, 59)
    with pytest.raises(Incomplete):
        service.complete(IT_BORDER, "LMP-3")
    clock.now = dt.datetime(2026, 12, 8, 0, 0)
    ended = service.complete(IT_BORDER, "LMP-3")
    assert ended["status"] == "ended_at_time_limit"
    assert ended["outcome"] == "return_procedure"  # no application recorded: Art. 18(1)
    assert any(g.startswith("security") for g in ended["not_done"])
    assert any("applied_for_protection" in g for g in ended["not_done"])


def test_a_hit_goes_to_manual_verification_and_a_confirmed_security_hit_flags_the_case(
    make_service: Callable[..., ScreeningService],
) -> None:
    svc = make_service({**QUIET, "ecris_tcn": Behaviour(1.0, 50.0, 0.1)})
    svc.start(IT_BORDER, "LMP-4", "disembarkation", EVENT, {"name": "Omar"})
    view = run_all_but_complete(svc, "LMP-4")
    assert view["checks"]["security"]["status"] == "to_verify"
    hit = view["hits"][0]
    assert (hit["system"], hit["status"], hit["security"]) == ("ecris_tcn", "to_verify", True)
    with pytest.raises(Incomplete):
        svc.complete(IT_BORDER, "LMP-4")
    view = svc.verify(IT_BORDER, "LMP-4", "ecris_tcn", hit["reference"], True)
    assert view["security_flag"] is True and view["checks"]["security"]["status"] == "done"
    svc.complete(IT_BORDER, "LMP-4")
    with svc.store.read() as conn:
        raw = conn.execute(select(screenings.c.record).where(screenings.c.id == "LMP-4")).scalar_one()
        rec = ScreeningRecord.from_dict(__import__("json").loads(svc.keys.decrypt(raw, "screening:LMP-4")))
    c = case(rec)
    assert c["applicant"]["security_threat"] is True
    proc = next(iter(decide_procedure([c], Context.from_dict({"recognition_rates": {}})).answers()))
    assert "APR Art. 42(1)(f)" in proc["mandatory_grounds"]
    assert decide_responsibility([c]).answer(0)["legal_basis"] == "AMMR Art. 16(4)"


def test_a_discarded_hit_sets_no_flag(make_service: Callable[..., ScreeningService]) -> None:
    svc = make_service({**QUIET, "sis": Behaviour(1.0, 50.0, 0.1)})
    svc.start(IT_BORDER, "LMP-5", "disembarkation", EVENT, {"name": "Omar"})
    hit = run_all_but_complete(svc, "LMP-5")["hits"][0]
    view = svc.verify(IT_BORDER, "LMP-5", "sis", hit["reference"], False)
    assert view["security_flag"] is False and view["gaps"] == []
    form = svc.form(IT_BORDER, "LMP-5")
    assert ["SR Art. 17(1)(h)", "Database consultation resulted in a hit", False] in form["elements"]


def test_a_timeout_is_recorded_as_not_done_and_retried(make_service: Callable[..., ScreeningService]) -> None:
    svc = make_service({**QUIET, "europol": Behaviour(0.0, 60_000.0, 0.0)})  # always above the 2 s timeout
    svc.start(IT_BORDER, "LMP-6", "disembarkation", EVENT, {"name": "Omar"})
    view = run_all_but_complete(svc, "LMP-6")
    assert view["queries"]["europol"]["answer"] == "timeout"
    assert view["checks"]["security"]["status"] == "not_done"
    assert "Europol data did not answer within 2 s" in view["checks"]["security"]["not_done"]
    with pytest.raises(Incomplete, match="Europol data did not answer"):
        svc.complete(IT_BORDER, "LMP-6")
    svc.connectors["europol"].behaviour = Behaviour(0.0, 50.0, 0.0)  # type: ignore[attr-defined]
    again = svc.check(IT_BORDER, "LMP-6")
    assert again["queries"]["europol"]["answer"] == "no_hit" and again["gaps"] == []


def test_a_system_down_is_recorded_and_the_clock_keeps_running(
    make_service: Callable[..., ScreeningService], clock: Clock
) -> None:
    svc = make_service({**QUIET, "vis": Behaviour(0.0, 50.0, 0.1, availability=0.0)})
    svc.start(IT_BORDER, "LMP-7", "disembarkation", EVENT, {"name": "Omar"})
    first = run_all_but_complete(svc, "LMP-7")
    assert first["queries"]["vis"]["not_done"] == "Visa Information System unavailable; query to repeat"
    clock.now = dt.datetime(2026, 12, 5, 12, 0)
    later = svc.check(IT_BORDER, "LMP-7")
    assert later["clock"]["hours_left"] < first["clock"]["hours_left"]
    clock.now = dt.datetime(2026, 12, 8, 0, 0)
    ended = svc.complete(IT_BORDER, "LMP-7")
    assert ended["status"] == "ended_at_time_limit"
    assert any("Visa Information System unavailable" in g for g in ended["not_done"])


def test_every_call_is_in_the_registry_audit_chain(service: ScreeningService) -> None:
    service.start(IT_BORDER, "LMP-8", "disembarkation", EVENT, {"name": "Omar"})
    run_all_but_complete(service, "LMP-8")
    with service.store.read() as conn:
        actions = conn.execute(select(audit_log.c.action, audit_log.c.role)).all()
    assert ("screening_start", "screening_border") in actions
    assert ("screening_health", "screening_medical") in actions
    assert ("screening_check", "screening_border") in actions
    with service.store.read() as conn:
        assert audit.verify(conn, service.keys.audit_key).ok


def test_the_person_s_copy_redacts_the_database_hit(service: ScreeningService) -> None:
    service.start(IT_BORDER, "LMP-9", "disembarkation", EVENT, FULL_FORM)
    form = service.form(IT_BORDER, "LMP-9", for_person=True)
    assert ["SR Art. 17(1)(h)", "Database consultation resulted in a hit", "[redacted, Art. 17(3)]"] in form[
        "elements"
    ]
