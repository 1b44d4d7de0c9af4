"""The fast lane of /v1/cases/*: byte for byte FastAPI's answers, and FastAPI's own handling of the rest."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from migralex.api import ApiSettings, create_app
from migralex.api.app import front_of
from migralex.api.cases import router
from migralex.api.fastlane import FastLane, Front, lane_of
from migralex.api.guards import CSP, SECURITY_HEADERS, HostPolicy
from migralex.web import STATIC_DIR

EXAMPLES = [e["case"] for e in json.loads((STATIC_DIR / "examples" / "cases.json").read_text())["examples"]]
ROUTES = ("responsibility", "procedure", "deadlines")
QUERIES = (
    "",
    "?trace=false",
    "?trace=1",
    "?crisis_derogation=true&regime=AMMR",
    "?regime=DUBLIN_III",
    "?border_capacity_reached=IT,GR&annual_maximum_reached=IT",
    "?crisis_in=DE:2026-09-01:2026-12-31&crisis_in=IT:2026-10-01:2026-11-30",
    "?regime=PACT",
    "?trace=maybe",
    "?border_capacity_reached=IT,XX",
    "?crisis_in=bad",
    "?unknown=1",
)
BAD = {**EXAMPLES[0], "registration": {"member_state": "XX", "date": "2026-02-30"}, "colour": "blue"}
IMPOSSIBLE = json.loads(json.dumps(EXAMPLES[1]))
IMPOSSIBLE["documents"][0]["valid_until"] = "2020-01-01"
BODIES: dict[str, bytes] = {
    "case": json.dumps(EXAMPLES[0]).encode(),
    "list": json.dumps(EXAMPLES).encode(),
    "empty list": b"[]",
    "invalid field": json.dumps(BAD).encode(),
    "impossible facts": json.dumps(IMPOSSIBLE).encode(),
    "not json": b'{"id": ',
    "not an object": b"3",
    "no body": b"",
    "nan": b'{"id": NaN}',
}
Clients = tuple[TestClient, TestClient]


@pytest.fixture(scope="module")
def clients() -> Iterator[Clients]:
    """The same app with the lane and without it."""
    with (
        TestClient(create_app(ApiSettings(offload_workers=0))) as lane,
        TestClient(create_app(ApiSettings(offload_workers=0, fast_lane=False))) as plain,
    ):
        yield lane, plain


def _same(clients: Clients, url: str, body: bytes, content_type: str) -> None:
    lane, plain = (c.post(url, content=body, headers={"content-type": content_type}) for c in clients)
    assert lane.status_code == plain.status_code, url
    assert lane.content == plain.content, url
    assert sorted(lane.headers.multi_items()) == sorted(plain.headers.multi_items()), url


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("query", QUERIES)
def test_the_lane_answers_byte_for_byte_as_fastapi(clients: Clients, route: str, query: str) -> None:
    for body in BODIES.values():
        _same(clients, f"/v1/cases/{route}{query}", body, "application/json")


@pytest.mark.parametrize("route", ROUTES)
def test_every_example_and_other_content_types_answer_the_same(clients: Clients, route: str) -> None:
    for case in EXAMPLES:
        body = json.dumps(case, ensure_ascii=False).encode()
        _same(clients, f"/v1/cases/{route}", body, "application/json")
    for content_type in ("text/plain", "application/json; charset=utf-8", "application/merge-patch+json"):
        _same(clients, f"/v1/cases/{route}", BODIES["case"], content_type)


def test_the_case_routes_have_a_lane() -> None:
    laned = {r.path for r in router.routes if isinstance(r, APIRoute) and lane_of(r) is not None}
    assert laned == {f"/v1/cases/{r}" for r in ROUTES}


class _Downstream:
    """The app behind the lane: records what reaches it, answers 599."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.bodies.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _call(lane: FastLane, path: str, body: bytes, query: bytes = b"", host: bytes = b"localhost") -> int:
    """Status of one POST through the lane alone (the app in the scope gives the settings)."""
    return _exchange(lane, path, body, query, host)[0]["status"]


def _exchange(
    lane: FastLane, path: str, body: bytes, query: bytes = b"", host: bytes = b"localhost"
) -> list[MutableMapping[str, Any]]:
    """The messages sent by one POST through the lane alone."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [
            (b"host", host),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "app": create_app(ApiSettings(offload_workers=0)),
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    asyncio.run(lane(scope, receive, send))
    return sent


def test_the_lane_answers_successes_itself_and_hands_on_the_rest_with_their_body() -> None:
    downstream = _Downstream()
    lane = FastLane(downstream, routes=lambda: router.routes)
    case = BODIES["case"]
    assert _call(lane, "/v1/cases/deadlines", case) == 200 and downstream.bodies == []
    assert _call(lane, "/v1/cases/deadlines", case, b"regime=PACT") == 599
    assert _call(lane, "/v1/cases/procedure", BODIES["invalid field"]) == 599
    assert _call(lane, "/v1/cases/responsibility", BODIES["impossible facts"]) == 599
    assert _call(lane, "/v1/cases/other", case) == 599
    assert downstream.bodies == [case, BODIES["invalid field"], BODIES["impossible facts"], case]


def test_a_lane_failing_on_fastapi_internals_leaves_the_answer_to_fastapi(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a FastAPI release change the route internals the lane reads, the request is answered by
    FastAPI as without the lane (same status and bytes), not broken."""
    lane, plain = clients

    async def broken(*_: Any) -> bytes:
        raise AttributeError("'ModelField' object has no attribute 'validate'")

    monkeypatch.setattr("migralex.api.fastlane.Lane.answer", broken)
    body = BODIES["case"]
    headers = {"content-type": "application/json"}
    got = lane.post("/v1/cases/deadlines", content=body, headers=headers)
    want = plain.post("/v1/cases/deadlines", content=body, headers=headers)
    assert got.status_code == want.status_code == 200
    assert got.content == want.content


@pytest.mark.parametrize("route", ROUTES)
def test_the_guards_answer_the_same_with_the_lane_outside_them(route: str) -> None:
    """The lane sits outside the guards: a host not served (400), a body above the limit (413) and a
    body above the heavy threshold (a worker process's answer, here the app's: no workers) are still
    the guards' answers, byte for byte; a served host gets the lane's answer with the security headers."""
    url, body = f"/v1/cases/{route}", BODIES["case"]
    for settings, base in (
        ({}, "http://evil.example"),
        ({"max_body_bytes": len(body) - 1}, "http://localhost"),
        ({"heavy_body_bytes": len(body) - 1}, "http://localhost"),
        ({}, "http://localhost"),
    ):
        with (
            TestClient(create_app(ApiSettings(offload_workers=0, **settings)), base_url=base) as lane,
            TestClient(
                create_app(ApiSettings(offload_workers=0, fast_lane=False, **settings)), base_url=base
            ) as plain,
        ):
            _same((lane, plain), url, body, "application/json")


def test_the_lane_leaves_to_the_guards_other_hosts_and_large_bodies() -> None:
    """With a `Front`, the lane answers requests to a served host with at most `largest(path)` bytes,
    adding the security headers; it hands on the others (the guards behind it refuse them)."""
    downstream = _Downstream()
    case = BODIES["case"]
    front = Front(HostPolicy(("localhost",)), CSP.encode(), lambda path: len(case))
    lane = FastLane(downstream, routes=lambda: router.routes, front=front)
    answer = _exchange(lane, "/v1/cases/deadlines", case)
    names = [name for name, _ in answer[0]["headers"]]
    assert answer[0]["status"] == 200 and names[:2] == [b"content-length", b"content-type"]
    assert set(names[2:]) == {*SECURITY_HEADERS, b"content-security-policy"}
    assert _call(lane, "/v1/cases/deadlines", case, host=b"evil.example") == 599
    assert _call(lane, "/v1/cases/deadlines", case + b" ") == 599
    assert downstream.bodies == [case, case + b" "]


def test_the_lane_takes_no_body_the_offload_would_take() -> None:
    """Where worker processes answer heavy bodies, the lane answers none above the heavy threshold."""
    settings = ApiSettings(offload_workers=1, heavy_body_bytes=1000, max_body_bytes=5000)
    assert front_of(settings).largest("/v1/cases/deadlines") == 1000
    assert front_of(ApiSettings(offload_workers=0, max_body_bytes=5000)).largest("/v1/cases/x") == 5000
    assert front_of(ApiSettings(offload_workers=1, max_body_bytes=10)).largest("/v1/cases/x") == 10
