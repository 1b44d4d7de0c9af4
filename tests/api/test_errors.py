"""The common error shape: JSON paths of bad fields, 404 for unknown things, never a 500 for bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from migralex.api.errors import engine_path, json_path


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "cases", 0, "registration", "date"), "$.cases[0].registration.date"),
        (("body",), "$"),
        (("body", 3, "id"), "$[3].id"),
        (("query", "on"), "query.on"),
        (("path", "n"), "path.n"),
    ],
)
def test_pydantic_locations_become_json_paths(loc: tuple[int | str, ...], path: str) -> None:
    assert json_path(loc) == path


@pytest.mark.parametrize(
    ("reported", "path"),
    [
        ("registration.date", "$.registration.date"),
        ("family[0].relation", "$.family[0].relation"),
        ("[2].id", "$[2].id"),
        ("$.pledges.DE", "$.pledges.DE"),
        ("query.relocations", "query.relocations"),
        ("", "$"),
    ],
)
def test_engine_paths_are_anchored_at_the_body(reported: str, path: str) -> None:
    assert engine_path(reported) == path


def test_undecodable_body_is_422_not_400(client: TestClient) -> None:
    r = client.post(
        "/v1/cycle/2026/solidarity", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"] == [
        {"path": "$", "message": "the body is not valid JSON text (UTF-8)"}
    ]


def test_malformed_json_is_422_at_the_root(client: TestClient) -> None:
    r = client.post(
        "/v1/cycle/2026/solidarity", content=b'{"relocations": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["error"] == "invalid_input"


def test_unknown_route_and_method_keep_the_shape(client: TestClient) -> None:
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = client.delete("/v1/law/acts")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    r = client.request("OPTIONS", "/v1/simulations")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    assert client.put("/v1/law/acts").headers["allow"] == "GET"
