"""The back-test's scores, checked by hand on a tiny series."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from migralex.forecast.backtest import naive_scale, score_rows, skill


def test_naive_scale_is_the_running_mean_of_seasonal_differences() -> None:
    # season 2: differences |y_t - y_{t-2}| = |5-1|, |2-3|, |9-5| = 4, 1, 4
    obs = pl.DataFrame(
        {"series_id": "a", "ds": [date(2020, m, 1) for m in range(1, 6)], "y": [1.0, 3, 5, 2, 9]}
    )
    scale = naive_scale(obs, {"a": 2}).sort("cutoff")
    assert scale["scale"].to_list()[2:] == pytest.approx([4.0, 2.5, 3.0])
    assert scale["scale"].to_list()[:2] == [None, None]


def test_row_scores_by_hand() -> None:
    rows = pl.DataFrame(
        {
            "y": [10.0, 0.0, 30.0],
            "mean": [12.0, 0.0, 20.0],
            "lo80": [8.0, 0.0, 22.0],
            "hi80": [14.0, 1.0, 28.0],
            "lo95": [6.0, 0.0, 18.0],
            "hi95": [16.0, 2.0, 32.0],
            "scale": [2.0, 1.0, 5.0],
        }
    )
    out = score_rows(rows)
    assert out["ase"].to_list() == pytest.approx([1.0, 0.0, 2.0])
    # sMAPE = 2|y-f|/(|y|+|f|); 0 when both are 0
    assert out["smape"].to_list() == pytest.approx([4 / 22, 0.0, 20 / 50])
    assert out["in80"].to_list() == [1.0, 1.0, 0.0]
    assert out["in95"].to_list() == [1.0, 1.0, 1.0]
    # Winkler 80: width + (2/0.2)·excess, divided by the scale: (6)/2, (1)/1, (6 + 10·2)/5
    assert out["winkler80"].to_list() == pytest.approx([3.0, 1.0, 26 / 5])
    assert out["winkler95"].to_list() == pytest.approx([5.0, 2.0, 14 / 5])


def test_skill_is_the_ratio_to_the_seasonal_naive_mase() -> None:
    scores = pl.DataFrame(
        {
            "series_id": ["a", "a", "a", "a"],
            "h": [1, 1, 12, 12],
            "model": ["snaive", "ensemble", "snaive", "ensemble"],
            "mase": [2.0, 1.0, 1.0, 1.5],
        }
    )
    out = skill(scores).filter(pl.col("model") == "ensemble").sort("h")
    assert out["ratio"].to_list() == pytest.approx([0.5, 1.5])
