"""Helpers for the simulator tests: hand-built kernel inputs for a handful of persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from migralex.countries import EU27
from migralex.law import params
from migralex.sim.kernel import KernelInputs
from migralex.sim.stages import BEHAVIOUR_SCALARS, PATH_APPLY, PROC_REGULAR, REQ_NONE
from migralex.sim.timelimits import deadline_table

START = dt.date(2027, 1, 1)
MS = {ms: i for i, ms in enumerate(EU27)}

#: Behaviour that makes every step certain unless a test changes it.
CERTAIN = {
    "lodging_mean_days": 1.0,
    "request_in_time": 1.0,
    "request_time_fraction": 0.5,
    "reply_time_fraction": 0.5,
    "acceptance_take_charge": 1.0,
    "acceptance_take_back": 1.0,
    "transfer_completion": 1.0,
    "absconding_before_transfer": 0.0,
    "transfer_time_fraction": 0.5,
    "absconding_hazard_per_day": 0.0,
    "reapplication": 0.0,
    "reapplication_mean_days": 30.0,
    "appeal_border": 0.0,
    "appeal_accelerated": 0.0,
    "appeal_regular": 0.0,
    "appeal_success": 0.0,
    "appeal_mean_days": 100.0,
    "border_appeal_mean_days": 20.0,
    "return_in_border_procedure": 0.0,
    "return_effective": 0.0,
    "return_mean_days": 30.0,
    "return_window_days": 30.0,
    "relocation_completion": 1.0,
    "relocation_time_fraction": 0.5,
    "notify_capacity_reached": 1.0,
    "annual_maximum_authorisation_days": 0.0,
    "max_reapplications": 1.0,
    "relocation_confirmation_exceptional": 0.0,
}


def tiny_inputs(n: int, days: int = 200, **overrides: Any) -> KernelInputs:
    """`n` persons applying directly in Italy on day 0, regular procedure, ample capacity; every
    field (person or Member State) can be overridden, behaviour through `behaviour={...}`."""
    behaviour = {**CERTAIN, **overrides.pop("behaviour", {})}
    n_ms = len(EU27)
    it = MS["IT"]
    person = {
        "arr_day": np.zeros(n, np.int32),
        "first_ms": np.full(n, it, np.int8),
        "screen_day": np.full(n, -1, np.int32),
        "path": np.full(n, PATH_APPLY, np.int8),
        "app_ms": np.full(n, it, np.int8),
        "make_day": np.zeros(n, np.int32),
        "nat": np.zeros(n, np.int16),
        "resp": np.full(n, it, np.int8),
        "req_kind": np.full(n, REQ_NONE, np.int8),
        "proc_reg": np.full(n, PROC_REGULAR, np.int8),
        "proc_cap": np.full(n, PROC_REGULAR, np.int8),
        "proc_max": np.full(n, PROC_REGULAR, np.int8),
        "proc_ter": np.full(n, PROC_REGULAR, np.int8),
        "proc_crisis": np.full(n, PROC_REGULAR, np.int8),
        "proc_instr": np.full(n, PROC_REGULAR, np.int8),
        "instrumentalised": np.zeros(n, bool),
        "reloc_ok": np.zeros(n, bool),
        "init_stage": np.full(n, -1, np.int8),
        "init_deadline": np.full(n, 2**31 - 1, np.int32),
        "init_deadline2": np.full(n, 2**31 - 1, np.int32),
    }
    member_states = {
        "reg_cap": np.full(n_ms, 1000.0),
        "dec_cap": np.full(n_ms, 1000.0),
        "border_cap": np.full(n_ms, 1000, np.int64),
        "annual_max": np.full((n_ms, days), 100000, np.int64),
        "optional_use": np.zeros(n_ms),
        "reloc_quota": np.zeros(n_ms),
        "pledge": np.zeros(n_ms),
        "crisis": np.zeros((n_ms, days), np.int8),
        "year_start": np.zeros(days, bool),
    }
    fields = {**person, **member_states}
    for key, value in overrides.items():
        if key not in fields and key not in ("p_rec", "seed", "dl", "dest_cdf"):
            raise KeyError(key)
        fields[key] = value
    p_rec = fields.pop("p_rec", np.zeros((n_ms, 1), np.float32))
    seed = fields.pop("seed", np.uint64(7))
    dl = fields.pop("dl", deadline_table(params(), "pact", START, days))
    dest_cdf = fields.pop("dest_cdf", np.cumsum(np.full((1, n_ms), 1.0 / n_ms), axis=1))
    bp = np.array([behaviour[name] for name in BEHAVIOUR_SCALARS])
    return KernelInputs(n_days=days, seed=seed, dl=dl, p_rec=p_rec, dest_cdf=dest_cdf, bp=bp, **fields)


@pytest.fixture
def tiny() -> Any:
    """The `tiny_inputs` builder."""
    return tiny_inputs
