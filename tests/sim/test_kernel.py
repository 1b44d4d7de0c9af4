"""The daily engine on hand-built inputs: each legal mechanism alone, with certain behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from migralex.errors import InvalidInput
from migralex.sim.kernel import run_kernel
from migralex.sim.stages import (
    ACCELERATED,
    BORDER,
    CRISIS_MASS,
    K_REG,
    K_TRANSFER,
    K_TRANSFER_CRISIS,
    METRIC_NAMES,
    N_STAGES,
    PROC_BORDER,
    PROC_BORDER_OPTIONAL,
    REGULAR,
    REQ_TAKE_CHARGE,
)

from .conftest import MS, tiny_inputs

IT, DE, FR = MS["IT"], MS["DE"], MS["FR"]


def metric(out, name: str, ms: int | None = None) -> int:  # type: ignore[no-untyped-def]
    column = out.metrics[:, METRIC_NAMES.index(name)]
    return int(column.sum() if ms is None else column[ms])


def test_transfer_within_time_limit_moves_person_and_responsibility() -> None:
    x = tiny_inputs(1, resp=np.array([DE], np.int8), req_kind=np.array([REQ_TAKE_CHARGE], np.int8))
    out = run_kernel(x)
    assert metric(out, "requests", IT) == 1
    assert metric(out, "transfers_out", IT) == 1 and metric(out, "transfers_in", DE) == 1
    assert out.responsible[0] == DE and out.loc[0] == DE
    assert out.counts[-1, DE].sum() == 1


def test_transfer_failure_shifts_responsibility_after_the_time_limit() -> None:
    """AMMR Art. 46(2): not transferred within 6 months of acceptance → the requesting Member State."""
    x = tiny_inputs(
        1,
        days=400,
        resp=np.array([DE], np.int8),
        req_kind=np.array([REQ_TAKE_CHARGE], np.int8),
        behaviour={"transfer_completion": 0.0},
    )
    out = run_kernel(x)
    assert metric(out, "transfer_lapses", IT) == 1 and metric(out, "transfers_out") == 0
    assert out.responsible[0] == IT and out.loc[0] == IT
    # the examination starts only after the transfer time limit, counted from the acceptance
    assert out.decision_day[0] > x.dl[K_TRANSFER, IT, out.reg_day[0]]


def test_late_take_charge_request_keeps_responsibility() -> None:
    """AMMR Art. 39(1): a request not made in time leaves responsibility with the registering State."""
    x = tiny_inputs(
        1,
        resp=np.array([DE], np.int8),
        req_kind=np.array([REQ_TAKE_CHARGE], np.int8),
        behaviour={"request_in_time": 0.0},
    )
    out = run_kernel(x)
    assert metric(out, "requests_late", IT) == 1 and metric(out, "requests") == 0
    assert out.responsible[0] == IT


def test_transfers_to_a_member_state_in_crisis_are_suspended() -> None:
    """CFMR Art. 12: no transfer to the Member State in a mass-arrival crisis; the longer limit applies."""
    days = 500
    crisis = np.zeros((27, days), np.int8)
    crisis[DE] = CRISIS_MASS
    x = tiny_inputs(
        1,
        days=days,
        crisis=crisis,
        resp=np.array([DE], np.int8),
        req_kind=np.array([REQ_TAKE_CHARGE], np.int8),
    )
    out = run_kernel(x)
    assert metric(out, "transfers_out") == 0 and metric(out, "transfer_lapses", IT) == 1
    assert out.decision_day[0] > x.dl[K_TRANSFER_CRISIS, IT, out.reg_day[0]]


def test_registration_breaches_follow_the_time_limit_calculus() -> None:
    """APR Art. 27(1) with APR Art. 73: one registration a day, breaches after the computed last day."""
    x = tiny_inputs(10, reg_cap=np.full(27, 1.0))
    out = run_kernel(x)
    last_day = x.dl[K_REG, IT, 0]
    assert metric(out, "registration_breaches", IT) == sum(t > last_day for t in range(10))
    assert metric(out, "registration_breaches", IT) > 0


def _staggered(n: int, **kw):  # type: ignore[no-untyped-def]
    """Person k makes the application on day k and lodges the same day."""
    days = np.arange(n, dtype=np.int32)
    return tiny_inputs(
        n,
        arr_day=days,
        make_day=days,
        proc_reg=np.full(n, PROC_BORDER, np.int8),
        behaviour={"lodging_mean_days": 1e-6, **kw.pop("behaviour", {})},
        **kw,
    )


def test_adequate_capacity_relieves_ground_j_only() -> None:
    """APR Art. 48: notified at capacity, (j)-only cases leave the border procedure from the next
    day; cases on ground (c) stay mandatory."""
    n, cap = 20, 5
    proc_cap = np.where(np.arange(n) % 2 == 0, PROC_BORDER, PROC_BORDER_OPTIONAL).astype(np.int8)
    x = _staggered(n, border_cap=np.full(27, cap, np.int64), dec_cap=np.zeros(27), proc_cap=proc_cap)
    out = run_kernel(x)
    evens_after = sum(1 for k in range(cap, n) if k % 2 == 0)
    assert metric(out, "border_entries", IT) == cap + evens_after
    assert metric(out, "capacity_relief_days", IT) > 0
    assert (out.procedure[cap:][proc_cap[cap:] == PROC_BORDER_OPTIONAL] != PROC_BORDER).all()


def test_capacity_relief_is_inflow_outflow() -> None:
    """APR Art. 48(3): when decisions free places, occupancy stays below capacity: no relief."""
    n = 20
    x = _staggered(
        n,
        border_cap=np.full(27, 5, np.int64),
        proc_cap=np.full(n, PROC_BORDER_OPTIONAL, np.int8),
        p_rec=np.ones((27, 1), np.float32),
    )
    out = run_kernel(x)
    assert metric(out, "border_entries", IT) == n
    assert metric(out, "capacity_relief_days", IT) == 0


def test_annual_maximum_relieves_grounds_c_and_j_after_authorisation() -> None:
    """APR Art. 47(3), Art. 50: after the maximum and the Commission's act, only (f) stays mandatory."""
    n, maximum, auth = 20, 3, 2
    days = 200
    proc_max = np.where(np.arange(n) % 2 == 0, PROC_BORDER, PROC_BORDER_OPTIONAL).astype(np.int8)
    x = _staggered(
        n,
        annual_max=np.full((27, days), maximum, np.int64),
        proc_max=proc_max,
        p_rec=np.ones((27, 1), np.float32),
        behaviour={"annual_maximum_authorisation_days": auth},
    )
    out = run_kernel(x)
    relieved_from = (maximum - 1) + auth  # the maximum is reached at the end of day 2
    expected = relieved_from + sum(1 for k in range(relieved_from, n) if k % 2 == 0)
    assert metric(out, "border_entries", IT) == expected


def test_border_time_limit_authorises_entry() -> None:
    """APR Art. 51(2): no decision within 12 weeks → out of the border procedure, examination goes on."""
    n = 4
    x = tiny_inputs(n, days=150, proc_reg=np.full(n, PROC_BORDER, np.int8), dec_cap=np.zeros(27))
    out = run_kernel(x)
    assert metric(out, "border_breaches", IT) == n
    assert out.counts[-1, IT, BORDER] == 0 and out.counts[-1, IT, ACCELERATED] == n


def test_every_person_in_exactly_one_stage_and_flows_balance() -> None:
    """The conservation law, and the flows: entries minus exits of each stage = its final count."""
    rng = np.random.default_rng(3)
    n = 3000
    days = 300
    arr = np.sort(rng.integers(0, days, n)).astype(np.int32)
    x = tiny_inputs(
        n,
        days=days,
        arr_day=arr,
        make_day=arr,
        resp=rng.choice([IT, DE, FR], n).astype(np.int8),
        req_kind=np.full(n, REQ_TAKE_CHARGE, np.int8),
        proc_reg=rng.choice([PROC_BORDER, PROC_BORDER_OPTIONAL, 2, 3], n).astype(np.int8),
        dec_cap=np.full(27, 5.0),
        p_rec=np.full((27, 1), 0.4, np.float32),
        behaviour={
            "acceptance_take_charge": 0.6,
            "transfer_completion": 0.3,
            "absconding_before_transfer": 0.3,
            "absconding_hazard_per_day": 0.01,
            "reapplication": 0.5,
            "appeal_regular": 0.5,
            "appeal_success": 0.2,
            "return_effective": 0.3,
        },
    )
    out = run_kernel(x)
    present = np.cumsum(np.bincount(arr, minlength=days))
    assert (out.counts.sum(axis=(1, 2)) == present).all()
    net = out.flows.sum(axis=(0, 1)) - out.flows[:, :N_STAGES, :].sum(axis=(0, 2))
    assert (net == out.counts[-1].sum(axis=0)).all()
    assert metric(out, "reapplications") > 0 and metric(out, "transfer_abscondings") > 0


def test_same_seed_same_run_other_seed_other_run() -> None:
    rng = np.random.default_rng(5)
    n = 500
    kw = {"p_rec": np.full((27, 1), 0.5, np.float32), "behaviour": {"appeal_regular": 0.5}}
    a = run_kernel(tiny_inputs(n, **kw))
    b = run_kernel(tiny_inputs(n, **kw))
    c = run_kernel(tiny_inputs(n, seed=np.uint64(rng.integers(1, 2**62)), **kw))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(a.state, c.state)


def test_pending_stock_enters_on_day_zero() -> None:
    n = 10
    x = tiny_inputs(
        n, init_stage=np.full(n, REGULAR, np.int8), arr_day=np.full(n, -100, np.int32), dec_cap=np.zeros(27)
    )
    out = run_kernel(x)
    assert out.counts[0, IT, REGULAR] == n and metric(out, "arrivals") == 0


@pytest.mark.parametrize("field", ["resp", "reg_cap", "crisis"])
def test_inputs_of_the_wrong_shape_are_named(field: str) -> None:
    x = tiny_inputs(3)
    with pytest.raises(InvalidInput, match=rf"kernel\.{field}"):
        run_kernel(x._replace(**{field: getattr(x, field)[:1]}))


def test_nationality_codes_beyond_the_tables_are_rejected() -> None:
    x = tiny_inputs(3)
    with pytest.raises(InvalidInput, match=r"kernel\.nat"):
        run_kernel(x._replace(nat=np.full(3, 5, np.int16)))


def test_absconders_apply_again_elsewhere_by_their_nationality() -> None:
    """Secondary movements: where the nationality applies, never where the person absconded from
    (a nationality concentrated in Italy spreads over the others, with no spike next to Italy)."""
    n = 3000
    shares = np.full(27, 0.01 / 26)
    shares[IT] = 0.99
    x = tiny_inputs(
        n,
        days=300,
        dec_cap=np.zeros(27),
        dest_cdf=np.cumsum(shares)[None, :],
        behaviour={"absconding_hazard_per_day": 0.05, "reapplication": 1.0, "reapplication_mean_days": 5.0},
    )
    out = run_kernel(x)
    again = out.metrics[:, METRIC_NAMES.index("reapplications")]
    assert again[IT] == 0 and again.sum() > 0.9 * n
    others = np.delete(again, IT)
    assert others.max() < 2 * others.mean()
