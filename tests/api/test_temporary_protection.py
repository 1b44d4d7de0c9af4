"""GET /v1/temporary-protection/stock: the shipped Eurostat stock, with its basis; bad input is a 422."""

from __future__ import annotations

import polars as pl
from fastapi.testclient import TestClient

from migralex.data import load


def test_stock_rows_match_the_shipped_table(client: TestClient) -> None:
    r = client.get(
        "/v1/temporary-protection/stock", params={"member_state": ["PL", "CZ"], "since": "2025-01"}
    )
    assert r.status_code == 200
    body = r.json()
    shipped = load("temporary_protection").filter(
        pl.col("country").is_in(["PL", "CZ"]), pl.col("month") >= pl.date(2025, 1, 1)
    )
    assert len(body["rows"]) == shipped.height
    got = {(row["member_state"], row["month"]): row["beneficiaries"] for row in body["rows"]}
    for row in shipped.iter_rows(named=True):
        assert got[(row["country"], f"{row['month']:%Y-%m}")] == row["beneficiaries"]
    assert "9(3)(a)(xv)" in body["basis"]
    assert "Directive 2001/55/EC" in body["quote"]


def test_latest_gives_one_row_per_member_state(client: TestClient) -> None:
    rows = client.get("/v1/temporary-protection/stock", params={"latest": True}).json()["rows"]
    states = [row["member_state"] for row in rows]
    assert len(states) == len(set(states)) > 20
    assert abs(sum(r["share_of_union"] for r in rows if r["month"] == rows[-1]["month"]) - 1.0) < 0.2


def test_bad_month_is_a_422_naming_the_field(client: TestClient) -> None:
    r = client.get("/v1/temporary-protection/stock", params={"since": "2025-13"})
    assert r.status_code == 422
    assert "since" in r.text
    r = client.get("/v1/temporary-protection/stock", params={"member_state": "XX"})
    assert r.status_code == 422
    assert "member_state" in r.text
