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


def test_malformed_json_is_located_by_line_and_column(client: TestClient) -> None:
    r = client.post(
        "/v1/cases/responsibility",
        content=b'{\n  "id": "a",\n  "registration": ,\n}',
        headers={"content-type": "application/json"},
    )
    [item] = r.json()["detail"]
    assert r.status_code == 422 and item["path"] == "$" and "line 3, column 19" in item["message"]


def test_too_many_cases_are_counted_in_cases_not_bytes() -> None:
    from migralex.api import ApiSettings, create_app

    case = {"registration": {"date": "2026-08-01", "member_state": "IT"}, "applicant": {"nationality": "SY"}}
    with TestClient(create_app(ApiSettings(max_cases=3))) as c:
        r = c.post("/v1/cases/responsibility", json=[dict(case, id=f"c{i}") for i in range(4)])
    assert r.status_code == 413 and r.json()["message"].endswith("limit of 3 cases")


def test_a_boolean_is_not_a_seed(client: TestClient) -> None:
    r = client.post("/v1/simulations", json={"scenario": "baseline", "seed": False})
    assert r.status_code == 422 and r.json()["detail"][0]["path"] == "$.seed"


def test_a_fixed_path_answers_405_before_a_parameterised_one_takes_it(client: TestClient) -> None:
    r = client.get("/v1/registry/datasets/batch")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and r.json()["error"] == "method_not_allowed"


def test_an_unexpected_error_is_a_json_500(monkeypatch) -> None:
    from migralex.api import create_app, law

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(law, "search", boom)
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        r = c.get("/v1/law/search", params={"q": "months"})
    assert r.status_code == 500 and r.json()["error"] == "internal_error" and "secret" not in r.text


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for path in ("/", "/v1/health", "/v1/nothing-here", "/static/favicon.svg"):
        h = client.get(path).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"], path
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
    assert (
        "'unsafe-inline'"
        not in client.get("/").headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )


def test_other_hosts_are_refused_by_default() -> None:
    from migralex.api import ApiSettings, create_app

    with TestClient(create_app(ApiSettings(allowed_hosts=("localhost", "127.0.0.1", "::1")))) as c:
        assert c.get("/v1/health").status_code == 400  # TestClient says Host: testserver
        assert c.get("/v1/health", headers={"host": "evil.example:8000"}).json()["error"] == "bad_host"
        assert c.get("/v1/health", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/v1/health", headers={"host": "[::1]:8000"}).status_code == 200


def test_the_default_hosts_are_localhost_only(monkeypatch) -> None:
    from migralex.api.settings import HOSTS_ENV, ApiSettings

    monkeypatch.delenv(HOSTS_ENV, raising=False)
    assert ApiSettings().allowed_hosts == ("localhost", "127.0.0.1", "::1")


def test_heavy_batches_are_answered_by_a_worker_process_and_bounded_per_client() -> None:
    from migralex.api import ApiSettings, create_app

    case = {"registration": {"date": "2026-08-01", "member_state": "IT"}, "applicant": {"nationality": "SY"}}
    batch = [dict(case, id=f"c{i}") for i in range(40)]
    inline = ApiSettings(offload_workers=0)
    offloaded = ApiSettings(heavy_body_bytes=1000, offload_workers=1)
    with TestClient(create_app(inline)) as a, TestClient(create_app(offloaded)) as b:
        expected = a.post("/v1/cases/responsibility", json=batch)
        got = b.post("/v1/cases/responsibility", json=batch)
        assert got.status_code == expected.status_code == 200 and got.json() == expected.json()
        assert b.app.state.offload.running  # type: ignore[attr-defined]
        assert b.post("/v1/cases/responsibility", json=batch[:1]).status_code == 200  # small: in-process
    busy = ApiSettings(heavy_body_bytes=1000, offload_workers=1, heavy_per_client=0)
    with TestClient(create_app(busy)) as c:
        r = c.post("/v1/cases/responsibility", json=batch)
        assert r.status_code == 429 and r.headers["retry-after"] == "1" and r.json()["error"] == "busy"
