"""Legal examples of the case timeline (tests/rules/examples_timeline/*.yaml): each cites its article.

A file has `article`, `source`, a `base` case (format v2) and `examples`; each example has `name`,
`source` (the words of the article: each passage in single quotes is checked against the
article cited before it by the loader shared with tests/rules/test_examples.py), `as_of`,
`events` (the case's events), optional `case` (merged into the base), optional `crisis` (the
CFMR Art. 12 derogation: `true` for every Member State concerned, or the authorisations per
Member State and period, `[{member_state, from, to}]`; also at file level), optional
`appeal_period` (the national periods of AMMR Art. 43(2), `{MS: days}`), optional `params`
(a parameter overlay, e.g. a reading) and `expect`:
`limits` maps a limit name to the fields that must match (`date`, `status`, `variant`,
`member_state`; `bounds`: null, or per end of the law's window, `earliest`/`latest`, the fields
that must match - `date`, `status`, `headline`, `period`), `absent` lists limits that must not
run, `responsible_member_state`, `legal_basis`, `flags` (the exact list of flag kinds), `shifts`
(the exact list of {from, to, date}), `error` ({path, contains}: the case or the timeline is
refused, e.g. a transfer after its time limit with no extension).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migralex.errors import InvalidInput
from migralex.law.params import params
from migralex.rules.case_state import case_timeline
from tests.rules.examples_loader import check_quotes, load, merge

EXAMPLES = Path(__file__).parent / "examples_timeline"


@pytest.mark.parametrize(
    ("doc", "ex"),
    load(EXAMPLES, {"article", "source", "base", "examples"}, {"name", "source", "as_of", "expect"}),
)
def test_timeline_example(doc: dict[str, Any], ex: dict[str, Any]) -> None:
    check_quotes(ex["source"])
    case = merge(doc["base"], ex.get("case", {}))
    case["events"] = ex.get("events", [])
    expect = ex["expect"]
    p = params().overlay(ex["params"], label="example") if ex.get("params") else None
    crisis = ex.get("crisis", doc.get("crisis", False))
    national = ex.get("appeal_period")  # AMMR Art. 43(2): national periods, {MS: days}
    if "error" in expect:
        with pytest.raises(InvalidInput) as exc:
            case_timeline([case], str(ex["as_of"]), params=p, crisis=crisis, appeal_period=national).check(0)
        assert exc.value.path == expect["error"]["path"]
        assert expect["error"]["contains"] in exc.value.reason
        return
    tl = case_timeline([case], str(ex["as_of"]), params=p, crisis=crisis, appeal_period=national)
    answer = tl.answer(0)
    limits = {x["name"]: x for x in answer["limits"]}
    for name, want in expect.get("limits", {}).items():
        assert name in limits, (name, answer)
        want = dict(want)
        if "bounds" in want:
            _check_bounds(limits[name], want.pop("bounds"))
        got = {k: limits[name][k] for k in want}
        assert got == {k: str(v) if k == "date" else v for k, v in want.items()}, (name, limits[name])
    for name in expect.get("absent", []):
        assert name not in limits, (name, limits[name])
    for key in ("responsible_member_state", "legal_basis"):
        if key in expect:
            assert answer[key] == expect[key], answer
    if "flags" in expect:
        assert [x["kind"] for x in answer["flags"]] == expect["flags"], answer["flags"]
    if "shifts" in expect:
        got_shifts = [{k: s[k] for k in ("from", "to", "date")} for s in answer["shifts"]]
        assert got_shifts == [{**s, "date": str(s["date"])} for s in expect["shifts"]], answer["shifts"]


def _check_bounds(limit: dict[str, Any], want: dict[str, Any] | None) -> None:
    """The ends of a window (AMMR Art. 43(2)): null - none shown; else per end the fields that must match."""
    if want is None:
        assert "bounds" not in limit, limit
        return
    assert set(limit.get("bounds", {})) == set(want), limit
    for bound, fields in want.items():
        got = {k: limit["bounds"][bound][k] for k in fields}
        assert got == {k: str(v) if k == "date" else v for k, v in fields.items()}, (bound, limit["bounds"])
