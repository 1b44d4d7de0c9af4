"""The matching on arrays (`match_arrays`) is the matching of `match_batch`: the simulator's weekly
path gives the assignments of the table path; the integer largest remainder is `apportion`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.allocation import match_batch
from migralex.allocation.milp import largest_remainder
from migralex.countries import EU27
from migralex.cycle.apportionment import apportion
from migralex.sim.relocation import WeekBatch, match_milp

IT, ES, DE, FR, NL = (EU27.index(c) for c in ("IT", "ES", "DE", "FR", "NL"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(0, 200))
def test_integer_largest_remainder_is_apportion(weights: list[int], total: int) -> None:
    if sum(weights) == 0:
        return
    _, seats = apportion([Fraction(w) for w in weights], total)
    assert largest_remainder(np.array(weights), total).tolist() == seats


def _table(batch: WeekBatch, nat_codes: list[str | None]) -> pl.DataFrame:
    """The batch as `match_batch` reads it (each person alone, an applicant who consented)."""
    link = [
        [EU27[m]] if m >= 0 and m != b else []
        for m, b in zip(batch.link.tolist(), batch.benefitting.tolist(), strict=True)
    ]
    return pl.DataFrame({
        "person_id": batch.person.astype(str),
        "consent": np.ones(len(batch), bool),
        "vulnerable": batch.vulnerable,
        "links": pl.Series(link, dtype=pl.List(pl.String)),
        "nationality": pl.Series(nat_codes, dtype=pl.String),
        "benefitting": [EU27[b] for b in batch.benefitting.tolist()],
    })  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 60), st.sampled_from(["milp", "greedy"]))
def test_weekly_matching_on_arrays_is_match_batch(seed: int, n: int, method: str) -> None:
    from migralex.cases.codes import NATIONALITIES

    rng = np.random.default_rng(seed)
    nat = rng.choice([NATIONALITIES.index(c) for c in ("SY", "AF", "NG", "VE")], n).astype(np.int16)
    batch = WeekBatch(
        np.arange(100, 100 + n, dtype=np.int64),
        rng.choice([IT, ES], n).astype(np.int8),
        nat,
        rng.random(n) < 0.2,
        np.where(rng.random(n) < 0.4, rng.choice([IT, ES, DE, FR, NL], n), -1).astype(np.int8),
    )
    places = np.zeros(len(EU27), np.int64)
    places[[DE, FR, NL, ES]] = rng.integers(0, 12, 4)
    got = match_milp(batch, places, method=method)
    offered = {EU27[c]: int(places[c]) for c in np.flatnonzero(places > 0)}
    if not offered:
        assert (got == -1).all()
        return
    answers = match_batch(_table(batch, [NATIONALITIES[c] for c in nat]), offered, method=method).assignments
    want = [-1 if ms is None else EU27.index(ms) for ms in answers["member_state"].to_list()]
    assert got.tolist() == want
