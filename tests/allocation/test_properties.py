"""Property tests: every hard constraint holds on random batches; nobody is dropped (AMMR Art. 67)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migralex.allocation import PLACED, REASONS, MatchResult, match_batch
from migralex.allocation.check import violations
from migralex.cycle.apportionment import apportion

STATES = ["AT", "BE", "DE", "FR", "IT", "PT"]


@st.composite
def batches(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[str, int]]:
    n = draw(st.integers(0, 30))
    states = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=5, unique=True))
    places = {s: draw(st.integers(0, 8)) for s in states}
    person = st.fixed_dictionaries(
        {
            "family_group": st.one_of(st.none(), st.sampled_from(["f1", "f2", "f3", "f4"])),
            "status": st.sampled_from(["applicant", "beneficiary"]),
            "eligible": st.booleans(),
            "consent": st.booleans(),
            "vulnerable": st.booleans(),
            "links": st.lists(st.sampled_from(STATES), max_size=2, unique=True),
            "nationality": st.sampled_from(["SY", "AF", "ER", "BD", "XK"]),
            "benefitting": st.one_of(st.none(), st.sampled_from(STATES)),
        }
    )
    rows = draw(st.lists(person, min_size=n, max_size=n))
    frame = pl.DataFrame(
        [{"person_id": f"p{i}", **row} for i, row in enumerate(rows)],
        schema={
            "person_id": pl.String, "family_group": pl.String, "status": pl.String, "eligible": pl.Boolean,
            "consent": pl.Boolean, "vulnerable": pl.Boolean, "links": pl.List(pl.String),
            "nationality": pl.String, "benefitting": pl.String,
        },
    )  # fmt: skip
    return frame, places


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.sampled_from(["milp", "greedy"]))
def test_hard_constraints_hold_and_nobody_is_dropped(
    batch: tuple[pl.DataFrame, dict[str, int]], method: str
) -> None:
    frame, places = batch
    result = match_batch(frame, places, method=method)
    assert violations(frame, places, result.assignments) == dict.fromkeys(
        ["capacity", "family_unity", "eligibility", "consent", "benefitting_state", "unanswered",
         "answered_twice", "unknown_person"], 0,
    )  # fmt: skip
    table = result.assignments
    assert table.height == frame.height
    assert table["reason"].null_count() == 0 and set(table["reason"]) <= set(REASONS)
    placed = table["member_state"].is_not_null()
    assert table.filter(placed)["reason"].is_in(PLACED).all()
    assert not table.filter(~placed)["reason"].is_in(PLACED).any()
    assert result.relocated == sum(result.placed.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_milp_is_lexicographically_no_worse_than_greedy(batch: tuple[pl.DataFrame, dict[str, int]]) -> None:
    frame, places = batch
    milp = match_batch(frame, places)
    greedy = match_batch(frame, places, method="greedy")
    assert milp.status == "optimal"
    assert (milp.relocated, milp.links_honoured) >= (greedy.relocated, greedy.links_honoured)


ORDERS = [("relocated", "links", "vulnerable", "fair_share"), ("vulnerable", "links")]


def _lp_and_milp(
    frame: pl.DataFrame, places: dict[str, int], order: tuple[str, ...]
) -> tuple[MatchResult, MatchResult]:
    """The batch without families matched by the LP path (milp.unimodular) and by the MILP path forced."""
    from migralex.allocation import milp
    from migralex.allocation.params import MatchParams

    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("family_group"))
    params = MatchParams(order=order)
    lp = match_batch(frame, places, params)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(milp, "unimodular", lambda problem: False)
        mip = match_batch(frame, places, params)
    return lp, mip


def _assert_same_tiers(lp: MatchResult, mip: MatchResult) -> None:
    assert lp.status == mip.status == "optimal"
    assert [s["tier"] for s in lp.stages] == [s["tier"] for s in mip.stages]
    # the MILP's deviation columns carry HiGHS's feasibility tolerance (e.g. -1.999999 for -2)
    want = [s["objective"] for s in mip.stages]
    assert [s["objective"] for s in lp.stages] == pytest.approx(want, abs=1e-4)
    assert all(s["gap"] == 0.0 for s in lp.stages)


def _own_deviation(frame: pl.DataFrame, places: dict[str, int], result: MatchResult) -> int:
    """Art. 67(4) measured on the answer alone: persons without links (to a Member State of this batch)
    placed per Member State against the largest-remainder shares of the places left after the
    persons with links placed there."""
    states = sorted(places)
    here = pl.col("links").list.set_intersection(pl.lit(states, dtype=pl.List(pl.String))).list.len() > 0
    table = frame.select("person_id", here.alias("linked")).join(result.assignments, on="person_id")
    linked = [table.filter((pl.col("member_state") == s) & pl.col("linked")).height for s in states]
    unlinked = [table.filter((pl.col("member_state") == s) & ~pl.col("linked")).height for s in states]
    left = [max(places[s] - n, 0) for s, n in zip(states, linked, strict=True)]
    if sum(unlinked) == 0 or sum(left) == 0:
        return sum(unlinked)
    _, shares = apportion(left, sum(unlinked))
    return sum(abs(u - t) for u, t in zip(unlinked, shares, strict=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.sampled_from(ORDERS))
def test_lp_on_the_unimodular_model_reaches_the_milp_optimum_of_every_tier(
    batch: tuple[pl.DataFrame, dict[str, int]], order: tuple[str, ...]
) -> None:
    """Without families the tiers are solved as LPs (milp.unimodular); each tier's optimum is the
    MILP's, found with the MILP path forced on the same batch; fair sharing is the deviation of
    each answer from its own shares."""
    lp, mip = _lp_and_milp(batch[0], batch[1], order)
    _assert_same_tiers(lp, mip)
    if "fair_share" in order and lp.stages:  # scored against the answer's own Art. 67(4) shares
        for result in (lp, mip):
            assert -result.stages[3]["objective"] == pytest.approx(_own_deviation(*batch, result), abs=1e-4)


# Found by the property above (2 batches in 2,000, seed 2), reduced to the persons who can be placed.
# Tiers 1-3 have two optima each, which differ in where a person with links goes (1: p7 to AT or IT,
# both linked; 2: p9, barred from AT and without a place in BE, to PT or DE). The Art. 67(4) shares
# were read from whichever optimum the solver returned, so the LP and the MILP scored fair sharing
# against different targets (1: LP 0, MILP -2; 2: LP -2, MILP 0) and the persons with links could
# still move afterwards (the answer then deviated from its own shares by another amount).
REGRESSIONS = [
    (
        {"person_id": ["p1", "p4", "p5", "p7"], "vulnerable": [True, False, True, True],
         "links": [["DE", "BE"], [], ["PT"], ["AT", "IT"]], "benefitting": [None, "AT", "FR", None]},
        {"IT": 8, "PT": 8, "AT": 8, "FR": 3, "BE": 4},
    ),
    (
        {"person_id": ["p9", "p13"], "vulnerable": [False, True], "links": [["BE"], []],
         "benefitting": ["AT", "DE"]},
        {"PT": 1, "AT": 7, "FR": 0, "BE": 0, "DE": 8},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("columns", "places"), REGRESSIONS)
def test_the_fair_share_tier_does_not_depend_on_which_optimum_of_the_tiers_above_was_found(
    columns: dict[str, list[object]], places: dict[str, int]
) -> None:
    frame = pl.DataFrame(
        columns,
        schema={"person_id": pl.String, "vulnerable": pl.Boolean, "links": pl.List(pl.String),
                "benefitting": pl.String},
    )  # fmt: skip
    lp, mip = _lp_and_milp(frame, places, ("relocated", "links", "vulnerable", "fair_share"))
    _assert_same_tiers(lp, mip)
    for result in (lp, mip):  # the tier is the deviation of the answer from its own Art. 67(4) shares
        assert -result.stages[-1]["objective"] == pytest.approx(
            _own_deviation(frame, places, result), abs=1e-4
        )
