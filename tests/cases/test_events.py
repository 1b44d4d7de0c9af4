"""Case format version 2: the `events` list, its order and consistency (errors name the event)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from migralex.cases.events import EventTable
from migralex.cases.format import parse_case
from migralex.errors import InvalidInput

BASE: dict[str, Any] = {
    "version": 2,
    "id": "tl-1",
    "registration": {"member_state": "DE", "date": "2026-09-15"},
    "applicant": {"nationality": "SY"},
    "entries": [{"kind": "irregular_crossing", "member_state": "GR", "date": "2026-06-01"}],
    "events": [
        {
            "type": "eurodac_hit",
            "date": "2026-09-16",
            "by": "DE",
            "to": "GR",
            "category": "irregular_crossing",
        },
        {"type": "take_charge_request", "date": "2026-10-01", "by": "DE", "to": "GR"},
        {"type": "reply", "date": "2026-10-10", "by": "GR", "to": "DE", "outcome": "accepted"},
        {"type": "transfer_decision_notified", "date": "2026-10-20", "by": "DE"},
        {"type": "appeal_lodged", "date": "2026-10-25", "suspensive": True},
        {"type": "appeal_decided", "date": "2026-12-01", "outcome": "transfer_upheld"},
        {"type": "transfer_carried_out", "date": "2027-01-15", "by": "DE", "to": "GR"},
    ],
}


def _case(**changes: Any) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    case.update(changes)
    return case


def test_a_valid_timeline_parses_and_keeps_its_events() -> None:
    case = parse_case(_case())
    assert case.version == 2
    assert [e.type for e in case.events][:3] == ["eurodac_hit", "take_charge_request", "reply"]
    assert case.to_json_dict()["events"][2]["outcome"] == "accepted"


def test_version_1_is_still_accepted_and_written_as_version_1() -> None:
    v1 = {k: v for k, v in _case().items() if k not in ("version", "events")}
    case = parse_case(v1)
    assert case.version == 1 and case.events == []
    assert "events" not in case.to_json_dict() and "version" not in case.to_json_dict()


def test_events_need_version_2() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_case(_case(version=1))
    assert exc.value.path == "version"


def _broken(index: int, **changes: Any) -> dict[str, Any]:
    case = _case()
    case["events"][index] = {**case["events"][index], **changes}
    return case


@pytest.mark.parametrize(
    ("case", "path", "words"),
    [
        (_broken(2, date="2026-09-30"), "events[2]", "date order"),
        (_broken(1, date="2026-09-01"), "events[1]", "before the registration"),
        (_broken(2, to="FR"), "events[2]", "a reply needs an earlier take_charge_request"),
        (_broken(2, outcome=None), "events[2]", "needs 'outcome' accepted or rejected"),
        (_broken(1, to=None), "events[1]", "needs 'by' and 'to'"),
        (_broken(1, to="DE"), "events[1]", "same Member State"),
        (_broken(0, category=None), "events[0]", "needs 'category'"),
        (_broken(4, suspensive=None), "events[4]", "needs 'suspensive'"),
        (_broken(5, outcome="accepted"), "events[5]", "transfer_upheld or transfer_annulled"),
        (_broken(1, urgent=True, reply_by="2026-10-05"), "events[1]", "at least 1 week (AMMR Art. 39(2)"),
        (_broken(3, type="released"), "events[3]", "released needs an earlier imprisoned"),
        (_broken(6, date="2027-01-15", type="transfer_carried_out"), None, None),
        (_broken(3, type="absconded", by=None), "events[4]", "an appeal needs an earlier transfer_decision"),
        (_broken(1, colour="red"), "events[1].colour", "unknown field"),
    ],
)
def test_an_inconsistent_timeline_names_the_event_and_the_rule(
    case: dict[str, Any], path: str | None, words: str | None
) -> None:
    if path is None:
        parse_case(case)  # the unchanged event: still valid
        return
    with pytest.raises(InvalidInput) as exc:
        parse_case(case)
    assert exc.value.path == path, exc.value
    if words:
        assert words in exc.value.reason


def test_a_second_reply_to_one_request_is_an_error() -> None:
    case = _case()
    case["events"].insert(
        3, {"type": "reply", "date": "2026-10-11", "by": "GR", "to": "DE", "outcome": "rejected"}
    )
    with pytest.raises(InvalidInput, match="already answered by events") as exc:
        parse_case(case)
    assert exc.value.path == "events[3]"


def test_re_examination_follows_a_rejection_only() -> None:
    case = _case()
    request = {"type": "re_examination_request", "date": "2026-10-15", "by": "DE", "to": "GR"}
    case["events"] = [*case["events"][:3], request]
    with pytest.raises(InvalidInput, match="only a rejection can be re-examined"):
        parse_case(case)
    case["events"][2]["outcome"] = "rejected"
    case["events"].append(
        {"type": "re_examination_reply", "date": "2026-10-20", "by": "GR", "to": "DE", "outcome": "accepted"}
    )
    assert parse_case(case).events[-1].outcome == "accepted"


def test_no_take_charge_request_to_the_member_state_of_relocation() -> None:
    case = _case(
        events=[
            {"type": "relocation_information", "date": "2026-09-20", "by": "DE", "to": "PT"},
            {"type": "relocation_confirmed", "date": "2026-09-24", "by": "PT", "to": "DE"},
            {"type": "take_charge_request", "date": "2026-10-01", "by": "DE", "to": "PT"},
        ]
    )
    with pytest.raises(InvalidInput, match=r"Art\. 38\(1\)") as exc:
        parse_case(case)
    assert exc.value.path == "events[2]"


def test_relocation_confirmation_needs_the_information_first() -> None:
    case = _case(events=[{"type": "relocation_confirmed", "date": "2026-09-24", "by": "PT", "to": "DE"}])
    with pytest.raises(InvalidInput, match="relocation_information from DE to PT"):
        parse_case(case)


def test_event_table_round_trips_through_polars() -> None:
    cases = [parse_case(_case()), parse_case(_case(id="tl-2", events=BASE["events"][:2]))]
    table = EventTable.from_cases(cases)
    assert len(table) == 9
    back = EventTable.from_polars(table.to_polars().sample(fraction=1.0, shuffle=True, seed=1))
    assert back.case.tolist() == table.case.tolist() and back.index.tolist() == table.index.tolist()
    assert (back.date == table.date).all() and (back.outcome == table.outcome).all()


def test_event_table_rejects_unknown_codes_naming_the_row() -> None:
    frame = EventTable.from_cases([parse_case(_case())]).to_polars()
    frame = frame.with_columns(frame["type"].set(frame["index"] == 2, "telegram"))
    with pytest.raises(InvalidInput) as exc:
        EventTable.from_polars(frame)
    assert exc.value.path == "events[2].type"


def test_the_urgent_minimum_is_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """AMMR Art. 39(2) "at least one week" is read from `ammr.time_limits.urgent_reply_minimum`."""
    from migralex.cases import events
    from migralex.law.params import params

    ten_days = _broken(1, urgent=True, reply_by="2026-10-11", urgent_ground="return_decision")
    assert parse_case(ten_days).events[1].reply_by.isoformat() == "2026-10-11"
    two_weeks = params().overlay({"ammr.time_limits.urgent_reply_minimum": 2}, label="test")
    monkeypatch.setattr(events, "param", lambda name: two_weeks[name])
    with pytest.raises(InvalidInput) as exc:
        parse_case(ten_days)
    assert exc.value.path == "events[1]" and "at least 2 weeks" in exc.value.reason


def test_the_ground_of_an_urgent_request_needs_the_request_to_be_urgent() -> None:
    with pytest.raises(InvalidInput, match="reasons of an urgent request"):
        parse_case(_broken(1, urgent_ground="return_decision"))
    with pytest.raises(InvalidInput, match="'ground_issued' dates the 'urgent_ground'"):
        parse_case(_broken(1, urgent=True, ground_issued="2026-09-01"))


def test_a_return_decision_is_an_event_issued_by_one_member_state() -> None:
    """APR Art. 37: the return decision is issued by the Member State that rejected the application."""
    case = parse_case(_case(events=[{"type": "return_decision", "date": "2026-09-24", "by": "DE"}]))
    assert [e.type for e in case.events] == ["return_decision"]
    table = EventTable.from_cases([case]).to_polars()
    assert table["type"].to_list() == ["return_decision"]
    with pytest.raises(InvalidInput, match="return_decision needs 'by'"):
        parse_case(_case(events=[{"type": "return_decision", "date": "2026-09-24"}]))
    with pytest.raises(InvalidInput, match="return_decision needs 'by'"):
        parse_case(_case(events=[{"type": "return_decision", "date": "2026-09-24", "by": "DE", "to": "IT"}]))
