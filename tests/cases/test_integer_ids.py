"""Integer `id` arrays in a `CaseBatch` (the simulator numbers its persons): the engine answers them
as it answers string ids, writes them as decimal strings, and `from_frames` keeps them integers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from migralex.cases.batch import CaseBatch
from migralex.cases.synthetic import generate
from migralex.decide import decide
from migralex.errors import InvalidInput
from migralex.rules.procedure import Context

CONTEXT = Context(recognition_rates={"SY": 0.9, "AF": 0.6, "BD": 0.05, "IQ": 0.3, "TR": 0.2, "MA": 0.1})


def _with_ids(batch: CaseBatch, ids: np.ndarray) -> CaseBatch:
    return replace(batch, applicants=replace(batch.applicants, id=ids))


@pytest.fixture(scope="module")
def numbered() -> tuple[CaseBatch, CaseBatch]:
    batch = generate(3000, seed=7)
    numbers = np.random.default_rng(7).permutation(batch.n).astype(np.int64) + 5_000_000_000  # > int32
    return _with_ids(batch, numbers), _with_ids(batch, np.array([str(i) for i in numbers], dtype=object))


def test_integer_ids_are_answered_like_their_decimal_strings(numbered: tuple[CaseBatch, CaseBatch]) -> None:
    ints, strings = numbered
    a, b = decide(ints, CONTEXT, with_trace=True), decide(strings, CONTEXT, with_trace=True)
    for i in range(0, ints.n, 97):
        assert a.answer(i, trace=True) == b.answer(i, trace=True)
        assert a.answer(i)["id"] == str(int(ints.applicants.id[i]))
    for x, y in (
        (a.responsibility.to_polars(), b.responsibility.to_polars()),
        (a.responsibility.flags_frame(), b.responsibility.flags_frame()),
        (a.procedure.to_polars(), b.procedure.to_polars()),
        (a.deadlines.to_polars(), b.deadlines.to_polars()),
    ):
        assert x.equals(y)
    assert a.responsibility.to_polars()["id"].dtype == pl.Utf8
    assert (a.responsibility.criteria() == "family_procedure").sum() > 0  # Art. 28 groups with int ids


def test_take_and_case_dict_keep_integer_ids(numbered: tuple[CaseBatch, CaseBatch]) -> None:
    ints, _ = numbered
    sub = ints.take(np.array([10, 3]))
    assert sub.applicants.id.dtype == np.int64
    assert sub.applicants.id.tolist() == [int(ints.applicants.id[10]), int(ints.applicants.id[3])]
    assert sub.case_dict(0)["id"] == str(int(ints.applicants.id[10]))


def test_frames_keep_integer_ids(numbered: tuple[CaseBatch, CaseBatch]) -> None:
    ints, _ = numbered
    frames = ints.to_frames()
    assert frames["applicants"]["id"].dtype == pl.Int64
    again = CaseBatch.from_frames(**frames)
    assert again.applicants.id.dtype == np.int64
    assert np.array_equal(again.applicants.id, ints.applicants.id)
    strings = CaseBatch.from_frames(frames["applicants"].with_columns(pl.col("id").cast(pl.Utf8)))
    assert strings.applicants.id.dtype == object and strings.applicants.id[0] == str(ints.applicants.id[0])


@pytest.mark.parametrize(
    ("ids", "path", "reason"),
    [
        (pl.Series("id", [1, 2, 1]), "applicants.id[0]", "unique"),
        (pl.Series("id", ["a", None, "b"]), "applicants.id[1]", "null"),
        (pl.Series("id", [1.0, 2.0, 3.0]), "applicants.id", "strings or integers"),
    ],
)
def test_frames_reject_bad_ids(ids: pl.Series, path: str, reason: str) -> None:
    apps = pl.DataFrame(
        {
            "registration.member_state": ["DE"] * 3,
            "registration.date": ["2026-08-01"] * 3,
            "applicant.nationality": ["AF"] * 3,
        }
    ).with_columns(ids)
    with pytest.raises(InvalidInput, match=reason) as info:
        CaseBatch.from_frames(apps)
    assert info.value.path == path
