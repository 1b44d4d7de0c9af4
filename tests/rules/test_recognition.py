"""Recognition rates (APR Art. 42(1)(j)) from a decisions table, and the ≤ 20 % list."""

from __future__ import annotations

import polars as pl
import pytest

from migralex.errors import InvalidInput
from migralex.rules.recognition import border_list, recognition_rates


def _decisions() -> pl.DataFrame:
    rows = [
        # year, country, citizenship, authority, stage, recognized, complementary, rejected, closed
        (2023, "DE", "AA", "G", "FI", 10, 10, 80, 100),
        (2023, "FR", "AA", "G", "FI", 0, 0, 100, 0),
        (2023, "DE", "AA", "G", "AR", 500, 0, 0, 0),  # appeal: not first instance
        (2023, "DE", "AA", "U", "FI", 500, 0, 0, 0),  # UNHCR mandate: not the determining authority
        (2023, "CH", "AA", "G", "FI", 500, 0, 0, 0),  # not a Member State
        (2022, "DE", "AA", "G", "FI", 500, 0, 0, 0),  # another year
        (2023, "IT", "BB", "G", "FI", 30, 20, 200, 0),
        (2023, "IT", "CC", "G", "FI", 30, 0, 50, 0),
        (2023, "IT", "UNK", "G", "FI", 0, 0, 10, 0),
        (2023, "IT", "PL", "G", "FI", 0, 0, 10, 0),
        (2023, "IT", "DD", "G", "FI", 0, 0, 0, 7),
    ]
    cols = [
        "year",
        "country",
        "citizenship",
        "authority",
        "stage",
        "recognized",
        "complementary",
        "rejected",
        "otherwise_closed",
    ]
    return pl.DataFrame(rows, schema=cols, orient="row")


def test_pooled_first_instance_rates() -> None:
    rates = recognition_rates(_decisions(), 2023).filter(pl.col("citizenship") == "AA")
    assert rates.select("granted", "rejected", "total").row(0) == (20, 180, 200)
    assert rates["rate"][0] == pytest.approx(0.1)  # pooled over DE and FR, not the mean of 20 % and 0 %


def test_denominator_reading() -> None:
    rates = recognition_rates(_decisions(), 2023, "decisions_incl_closed").filter(
        pl.col("citizenship") == "AA"
    )
    assert rates["total"][0] == 300 and rates["rate"][0] == pytest.approx(20 / 300)
    no_decisions = recognition_rates(_decisions(), 2023).filter(pl.col("citizenship") == "DD")
    assert no_decisions["rate"][0] is None


def test_border_list_is_at_most_the_threshold() -> None:
    rates = recognition_rates(_decisions(), 2023)
    listed = border_list(rates, 0.2)
    assert listed["citizenship"].to_list() == ["AA", "BB"]  # BB exactly 20 %; CC 37.5 % out
    assert "UNK" not in listed["citizenship"] and "PL" not in listed["citizenship"]


def test_bad_reading_and_columns() -> None:
    with pytest.raises(InvalidInput, match="not one of"):
        recognition_rates(_decisions(), 2023, "persons")
    with pytest.raises(InvalidInput, match="missing columns"):
        recognition_rates(_decisions().drop("stage"), 2023)


def test_member_states_reporting_only_combined_stages_count_as_first_instance() -> None:
    """UNHCR gives Austria only 'FA' (first instance + appeal): used unless strictly FI is asked."""
    extra = pl.DataFrame(
        [(2023, "AT", "AA", "G", "FA", 100, 0, 100, 0), (2023, "DE", "AA", "G", "FA", 900, 0, 0, 0)],
        schema=_decisions().columns,
        orient="row",
    )
    table = pl.concat([_decisions(), extra])
    aa = recognition_rates(table, 2023).filter(pl.col("citizenship") == "AA")
    assert aa.select("granted", "rejected").row(0) == (120, 280)  # AT's FA in; DE has FI so its FA is out
    strict = recognition_rates(table, 2023, combined_stage_fallback=False).filter(
        pl.col("citizenship") == "AA"
    )
    assert strict.select("granted", "rejected").row(0) == (20, 180)
