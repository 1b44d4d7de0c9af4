"""The temporary-protection stock (tp.stock, `migralex tp stock`) and where it counts in the cycle."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from migralex.cli import app
from migralex.cycle.summary import cycle_summary
from migralex.data import load
from migralex.errors import InvalidInput
from migralex.law.texts import article
from migralex.tp.stock import QUOTE, make_query, stock


def test_the_quote_is_the_words_of_ammr_article_9_3_a_xv() -> None:
    assert article("AMMR", 9).contains(QUOTE)
    assert article("AMMR", 10).contains("cumulative effect of current and previous annual arrivals")


def test_stock_is_the_shipped_table_with_per_capita_computed_here() -> None:
    frame = stock(make_query(["CZ"], since="2024-01", until="2024-03"))
    shipped = load("temporary_protection").filter(
        pl.col("country") == "CZ", pl.col("month").is_between(pl.date(2024, 1, 1), pl.date(2024, 3, 1))
    )
    assert frame["beneficiaries"].to_list() == shipped.sort("month")["beneficiaries"].to_list()
    pop = load("population").filter(pl.col("country") == "CZ", pl.col("year") == 2024)["population"][0]
    assert frame["per_100k"][0] == pytest.approx(frame["beneficiaries"][0] * 100_000 / pop)
    assert set(frame["month"]) == {"2024-01", "2024-02", "2024-03"}


def test_union_shares_of_a_month_add_up_to_one() -> None:
    month = stock(make_query(since="2024-06", until="2024-06"))
    assert month["share_of_union"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"since": "2024/01"}, "since"),
        ({"since": "2025-01", "until": "2024-01"}, "since"),
        ({"member_states": ["ZZ"]}, "ZZ"),
    ],
)
def test_bad_query_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        make_query(**kwargs)


def test_cumulative_arrivals_include_the_stock_art_10_3() -> None:
    rows = {r["member_state"]: r for r in cycle_summary(2025)["indicators"]["rows"]}
    pl_row = rows["PL"]
    assert pl_row["temporary_protection"] > 500_000
    assert pl_row["cumulative_arrivals"] >= pl_row["temporary_protection"]
    columns = cycle_summary(2025)["indicators"]["columns"]
    assert columns["temporary_protection_per_100k"]["basis"] == "AMMR Art. 9(3)(a)(xv)"


def test_cli_table_csv_json_and_bad_input() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["tp", "stock", "--latest", "-m", "PL", "-m", "DE"], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    assert max(len(line) for line in table.output.splitlines()) <= 80
    assert "Beneficiaries" in table.output and "9(3)(a)(xv)" in table.output
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["tp", "stock", "--latest", "--format", "csv"]).stdout))
    )
    assert len({r["member_state"] for r in rows}) == len(rows) >= 26
    data = json.loads(
        runner.invoke(app, ["tp", "stock", "-m", "DE", "--since", "2025-03", "--format", "json"]).stdout
    )
    assert [r["month"] for r in data] == ["2025-03"]
    bad = runner.invoke(app, ["tp", "stock", "--until", "March"])
    assert bad.exit_code == 2 and "until" in bad.output and "Traceback" not in bad.output
