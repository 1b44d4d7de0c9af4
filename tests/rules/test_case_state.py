"""The state of a case on a day: one code path for one case and a caseload; answers and tables agree."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.cases.format import parse_case
from migralex.errors import InvalidInput
from migralex.rules.case_state import case_timeline, caseload_status

EXAMPLES = Path(__file__).parents[2] / "examples" / "cases" / "timeline.jsonl"


def _cases() -> list[dict]:
    return [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]


def test_batch_and_single_cases_give_the_same_answers() -> None:
    cases = _cases()
    batch = case_timeline(cases, "2027-03-01")
    for i, case in enumerate(cases):
        assert case_timeline([case], "2027-03-01").answer(0) == batch.answer(i)


def test_events_after_the_day_asked_are_not_known() -> None:
    case = _cases()[0]
    early = case_timeline([case], "2026-10-05").answer(0)
    assert {x["name"] for x in early["limits"]} == {"take_charge_request", "take_charge_reply"}
    assert early["next_due"]["name"] == "take_charge_reply"  # the request was sent on 1 October
    assert early["responsible_member_state"] == "DE"


def test_the_table_has_one_row_per_limit_in_the_answers() -> None:
    cases = _cases()
    tl = case_timeline(cases, "2027-03-01")
    frame = tl.limits_frame()
    assert frame.height == sum(len(tl.answer(i)["limits"]) for i in range(len(cases)))
    silence = [c["id"] for c in cases].index("tl-silence")
    row = frame.filter((frame["case"] == silence) & (frame["name"] == "transfer")).row(0, named=True)
    assert str(row["date"]) == "2027-07-05" and row["status"] == "running" and row["member_state"] == "FR"


def test_caseload_status_lists_due_lapsed_and_shifted() -> None:
    tl = case_timeline(_cases(), "2027-04-13")
    out = caseload_status(tl, days=120)
    assert "tl-silence" in out["due"]["id"].to_list()
    assert ("tl-take-charge", "transfer") in zip(out["lapsed"]["id"], out["lapsed"]["name"], strict=True)
    shifted = out["shifted"].row(0, named=True)
    assert (shifted["id"], shifted["from"], shifted["to"], str(shifted["date"])) == (
        "tl-take-charge", "GR", "DE", "2027-04-13",
    )  # fmt: skip


def test_a_bad_day_is_an_error_naming_as_of() -> None:
    with pytest.raises(InvalidInput) as exc:
        case_timeline(_cases(), "2027-02-30")
    assert exc.value.path == "as_of"


DAYS = st.integers(min_value=0, max_value=500)


@settings(max_examples=30, deadline=None)
@given(first=DAYS, second=DAYS)
def test_a_met_limit_stays_met_and_a_lapsed_one_stays_lapsed(first: int, second: int) -> None:
    """Monotony: what was met or lapsed on a day is still so on any later day (same events)."""
    cases = _cases()
    start = np.datetime64("2026-09-01")
    a, b = sorted((first, second))
    early, late = (case_timeline(cases, start + np.timedelta64(d, "D")) for d in (a, b))
    for name, lim in early.limits.items():
        before, after = lim.status(early.as_of), late.limits[name].status(late.as_of)
        for code in (1, 2):  # met, lapsed
            was = before == code
            assert (after[was] == code).all(), (name, a, b)


def test_late_transfer_check_names_the_event() -> None:
    case = parse_case(_cases()[0]).model_dump(mode="json")
    case["events"].append({"type": "transfer_carried_out", "date": "2027-05-03", "by": "DE", "to": "GR"})
    tl = case_timeline([case], "2027-06-01")
    with pytest.raises(InvalidInput, match="no imprisoned or absconded event") as exc:
        tl.check(0)
    assert exc.value.path == "events[4]"
