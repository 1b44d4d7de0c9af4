"""Who is bound, as properties over random batches: a State the APR does not bind never gets an APR
procedure or an APR/RCD time limit, and the answer says why (law/participation.yaml)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migralex.rules.deadlines import deadlines
from migralex.rules.procedure import channel
from migralex.rules.responsibility.hierarchy import decide_responsibility
from tests.rules.test_properties import CONTEXT, batches

NOT_APR = ("DK", "CH", "IS", "LI", "NO")
APR_RCD_LIMITS = {"registration", "lodging", "border_procedure_end", "labour_market_access"}


@st.composite
def moved(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A random batch, each case registered in a State drawn among the special ones and two others."""
    cases = copy.deepcopy(draw(batches()))
    for c in cases:
        c["registration"]["member_state"] = draw(st.sampled_from([*NOT_APR, "IE", "DE"]))
        if c["registration"]["member_state"] in ("CH", "IS", "LI", "NO", "DK"):
            c.pop("relocated_to", None)
    return cases


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moved())
def test_no_apr_procedure_or_limit_where_the_apr_does_not_bind(cases: list[dict[str, Any]]) -> None:
    proc = channel(cases, CONTEXT)
    resp = decide_responsibility(cases)
    dl = deadlines(cases, proc, CONTEXT, responsibility=resp)
    for i, c in enumerate(cases):
        state, date = c["registration"]["member_state"], c["registration"]["date"]
        p, r = proc.answer(i), resp.answer(i)
        names = {d["name"] for d in dl.answer(i)["deadlines"]}
        if state in NOT_APR and date >= "2026-06-12":
            assert p["procedure"] is None and "not bound by the APR" in p["legal_basis"], p
            assert "act_not_binding" in {f["flag"] for f in p["flags"]}
            assert not names & APR_RCD_LIMITS, names
        if state in NOT_APR and r["regime"] == "AMMR":
            assert "recital" in r["legal_basis"], r  # the answer says through what the AMMR applies
        if state in ("IE", "DE"):
            assert "recital" not in r["legal_basis"] and "not bound" not in p["legal_basis"]
