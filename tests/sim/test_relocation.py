"""Relocation in the simulator: the pool released week by week, the week's matching, the AMMR
Art. 67(9)-(11) timeline (sim/relocation.py, the kernel's relocation step)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.countries import EU27
from migralex.sim import kernel
from migralex.sim.relocation import WeekBatch, WeeklyPlan, match_milp, pro_rata, run_weekly
from migralex.sim.scenario import load_scenario
from migralex.sim.stages import (
    K_RELOC_CONFIRM,
    K_RELOC_CONFIRM_EXC,
    K_RELOC_TRANSFER,
    METRIC_NAMES,
    RELOCATION,
)
from tests.sim.conftest import MS, START, tiny_inputs

IT, DE, FR, ES = MS["IT"], MS["DE"], MS["FR"], MS["ES"]


def metric(out, name: str, ms: int | None = None) -> int:  # type: ignore[no-untyped-def]
    col = out.metrics[:, METRIC_NAMES.index(name)]
    return int(col.sum() if ms is None else col[ms])


def test_weeks_are_cut_at_the_new_year_and_the_pool_is_released_by_31_december() -> None:
    plan = WeeklyPlan(dt.date(2026, 12, 20), 30, np.ones(27), np.ones(27))
    segments = plan.segments()
    assert segments[:3] == [(0, 7), (7, 12), (12, 19)]  # 27-31 Dec, then weeks from 1 January
    assert plan.released(11) == 1.0 and plan.released(12) == 1 / 365
    mid = WeeklyPlan(dt.date(2026, 7, 1), 184, np.ones(27), np.ones(27))
    assert mid.released(183) == 1.0 and abs(mid.released(91) - 92 / 184) < 1e-12


def test_places_keep_the_share_of_later_weeks_and_unused_places_stay_open() -> None:
    pledge = np.zeros(27)
    pledge[DE] = 52.0
    plan = WeeklyPlan(dt.date(2027, 1, 1), 365, pledge, np.zeros(27))
    assert plan.places(6, pledge.copy())[DE] == 0  # 7/365 of 52 is below one place
    assert plan.places(13, pledge.copy())[DE] == 1
    assert plan.places(181, pledge.copy())[DE] == 25  # nothing used yet: all released places open
    left = pledge.copy()
    left[DE] = 30.0  # 22 used
    assert plan.places(181, left)[DE] == 3 and plan.places(364, left)[DE] == 30


def test_candidates_are_capped_per_benefitting_state_first_lodged_first() -> None:
    where = np.array([IT, ES, IT, IT, ES], np.int8)
    order = np.array([4, 3, 2, 1, 0])
    caps = np.zeros(27, np.int64)
    caps[IT], caps[ES] = 2, 1
    assert sorted(WeeklyPlan.candidates(where, order, caps).tolist()) == [2, 3, 4]


def _batch(benefitting: list[int], link: list[int] | None = None) -> WeekBatch:
    n = len(benefitting)
    return WeekBatch(
        np.arange(n, dtype=np.int64),
        np.array(benefitting, np.int8),
        np.zeros(n, np.int16),
        np.zeros(n, bool),
        np.array(link if link is not None else [-1] * n, np.int8),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([IT, ES, DE]), min_size=0, max_size=40),
    st.lists(st.integers(0, 6), min_size=27, max_size=27),
)
def test_pro_rata_respects_places_and_never_relocates_home(benefitting: list[int], places: list[int]) -> None:
    offered = np.array(places, np.int64)
    target = pro_rata(_batch(benefitting), offered)
    placed = target >= 0
    assert (np.bincount(target[placed], minlength=27) <= offered).all()
    assert not (target[placed] == np.array(benefitting, np.int8)[placed]).any()
    others = [offered.sum() - offered[b] for b in benefitting]
    assert placed.sum() >= min(len(benefitting), min(others, default=0))  # nobody left out needlessly


def test_the_matching_honours_a_meaningful_link_and_the_places() -> None:
    """The week's batch through migralex.allocation (AMMR Art. 67(3)): a family link to France wins."""
    places = np.zeros(27, np.int64)
    places[DE], places[FR] = 2, 1
    target = match_milp(_batch([IT, IT, IT, IT], link=[FR, -1, -1, -1]), places)
    assert target[0] == FR
    assert (target >= 0).sum() == 3 and (np.bincount(target[target >= 0], minlength=27) <= places).all()


def _relocation_inputs(n: int, exceptional: float, frac: float):  # type: ignore[no-untyped-def]
    quota, pledge = np.zeros(27), np.zeros(27)
    quota[IT], pledge[DE], pledge[FR] = 365.0 * 40, 365.0 * 3, 365.0 * 2
    behaviour = {"relocation_time_fraction": frac, "relocation_confirmation_exceptional": exceptional}
    return tiny_inputs(
        n, days=120, reloc_ok=np.ones(n, bool), reloc_quota=quota, pledge=pledge, dec_cap=np.zeros(27),
        behaviour=behaviour,
    )  # fmt: skip


def test_weekly_relocations_stay_within_the_places_released() -> None:
    """AMMR Art. 67: 5 places a day are pledged (3 DE, 2 FR); 60 candidates lodged in week 1."""
    out = run_weekly(_relocation_inputs(60, 0.0, 0.5), START, pro_rata)
    assert metric(out, "relocations_out", IT) == metric(out, "relocations_in") > 0
    assert metric(out, "relocations_in", DE) <= 3 * 120 and metric(out, "relocations_in", FR) <= 2 * 120
    assert metric(out, "relocations_in", MS["AT"]) == 0


def _last_day_in_relocation(out) -> int:  # type: ignore[no-untyped-def]
    return int(np.flatnonzero(out.counts[:, IT, RELOCATION])[-1])


def test_the_art_67_timeline_bounds_the_stay_in_relocation() -> None:
    """Placed after the first week (day 7): confirmation within 1 week, 2 in exceptional cases
    (67(9)); transfer within 4 weeks of the confirmation (67(11)); both sides of the bounds."""
    x = _relocation_inputs(20, 0.0, 1.0)
    dl = x.dl

    def bound(confirm_key: int) -> int:
        confirm_by = max(dl[confirm_key, c, 7] for c in (DE, FR))
        return int(dl[K_RELOC_TRANSFER, IT, confirm_by])

    normal = run_weekly(x, START, pro_rata)
    exceptional = run_weekly(_relocation_inputs(20, 1.0, 1.0), START, pro_rata)
    quick = run_weekly(_relocation_inputs(20, 0.0, 0.1), START, pro_rata)
    assert metric(normal, "relocations_out") == metric(exceptional, "relocations_out") == 20
    assert _last_day_in_relocation(quick) < 7 + 14 <= _last_day_in_relocation(normal) < bound(K_RELOC_CONFIRM)
    assert bound(K_RELOC_CONFIRM) <= _last_day_in_relocation(exceptional) < bound(K_RELOC_CONFIRM_EXC)


def test_without_quotas_weekly_and_single_pass_runs_are_bit_identical() -> None:
    x = tiny_inputs(
        40, days=90, arr_day=np.arange(40, dtype=np.int32) * 2, make_day=np.arange(40, dtype=np.int32) * 2
    )
    one = kernel.run_kernel(x)
    s = kernel.start(x)
    for first in range(0, 90, 7):
        assert kernel.run_days(x, s, first, min(first + 7, 90)) == kernel.OK
    weekly = kernel.outputs(s, kernel.OK)
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(one, weekly, strict=True))


def test_the_2026_pool_scenario_takes_the_council_act_as_input() -> None:
    scenario = load_scenario("pool-2026")
    assert scenario.solidarity.pool_relocations == 21000
    assert "2025/2642" in (scenario.solidarity.pool_act or "")
    assert scenario.start == dt.date(2026, 7, 1) and scenario.days == 184
    assert set(scenario.solidarity.benefitting) <= set(EU27)
