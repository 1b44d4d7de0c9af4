"""`GET /v1/returns/rates`: one year's Eurostat rows with source and caveats; a year not held is a 422
naming `query.year`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from migralex.data.returns import return_rates


@pytest.fixture(scope="module")
def body(client: TestClient) -> dict:
    res = client.get("/v1/returns/rates", params={"year": 2023})
    assert res.status_code == 200, res.text
    return res.json()


def test_rows_are_the_tables_with_the_ratio(body: dict) -> None:
    expected = return_rates(2023, aggregates=True)
    assert body["year"] == 2023
    assert {r["member_state"] for r in body["rows"]} == set(expected.get_column("member_state").to_list())
    assert "EU27_2020" in {r["member_state"] for r in body["rows"]}
    for row in body["rows"]:
        assert row["return_rate"] == pytest.approx(row["returned"] / row["ordered_to_leave"])


def test_says_source_caveats_and_missing_member_states(body: dict) -> None:
    assert "migr_eiord" in body["source"] and "migr_eirtn" in body["source"] and "2023" in body["source"]
    assert any("cohort" in c for c in body["caveats"]) and any(
        "every destination" in c for c in body["caveats"]
    )
    present = {r["member_state"] for r in body["rows"]}
    assert body["missing_member_states"] and not present & set(body["missing_member_states"])
    assert "HU" in body["missing_member_states"] and "DE" not in body["missing_member_states"]


def test_default_is_the_latest_year(client: TestClient) -> None:
    body = client.get("/v1/returns/rates").json()
    assert body["year"] == max(body["years"])


@pytest.mark.parametrize("year", ["1990", "abc"])
def test_bad_year_is_422_naming_query_year(client: TestClient, year: str) -> None:
    res = client.get("/v1/returns/rates", params={"year": year})
    assert res.status_code == 422
    assert [d["path"] for d in res.json()["detail"]] == ["query.year"]
