"""The screening's HTTP API: roles by token, purpose limitation, errors with the field, the form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from migralex.registry.crypto import Keyring
from migralex.registry.store import Store
from migralex.screening.api import PREFIX, build_router
from migralex.screening.connectors.simulated import Behaviour, simulated_systems
from migralex.screening.service import ScreeningService

QUIET = {name: Behaviour(0.0, 50.0, 0.1) for name in simulated_systems()}
FORM = {
    "name": "Amina <b>Rahman</b>", "date_of_birth": "1994-03-14", "place_of_birth": "Sylhet", "gender": "F",
    "nationalities": ["BD"], "countries_of_residence": ["LY"], "languages": ["bn"],
    "identity_confirmed": False, "applied_for_protection": False, "family_in_member_states": ["DE"],
    "cooperated": True,
}  # fmt: skip


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """A client over a fresh service and one token per role and Member State."""
    svc = ScreeningService(
        Store.open(f"sqlite:///{tmp_path / 'r.sqlite3'}", Keyring.from_master(b"a" * 32)),
        simulated_systems(2, QUIET),
    )
    app = FastAPI()
    app.include_router(build_router(svc))
    heads = {
        name: {"Authorization": f"Bearer {svc.create_token(ms, role, name)}"}
        for name, ms, role in (
            ("border", "IT", "border"),
            ("medical", "IT", "medical"),
            ("de", "DE", "border"),
        )
    }
    with TestClient(app) as client:
        yield client, heads
    svc.store.dispose()


def test_a_screening_over_http(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, h = api
    body = {"id": "LMP-1", "reason": "disembarkation", "event_at": "2026-11-30T09:00:00", "form": FORM}
    r = c.post(PREFIX, json=body, headers=h["border"])
    assert r.status_code == 201 and r.json()["time_limit"]["last_day"] == "2026-12-07"
    assert c.post(f"{PREFIX}/LMP-1/completion", json={}, headers=h["border"]).status_code == 409
    health = {"needs_care": False, "isolation": False, "no_further_check": True, "notes": "fine"}
    assert c.post(f"{PREFIX}/LMP-1/health", json=health, headers=h["border"]).status_code == 403
    assert c.post(f"{PREFIX}/LMP-1/health", json=health, headers=h["medical"]).status_code == 200
    assert c.post(f"{PREFIX}/LMP-1/checks", headers=h["medical"]).status_code == 403
    assert (
        c.post(f"{PREFIX}/LMP-1/vulnerability", json={"indications": []}, headers=h["medical"]).status_code
        == 200
    )
    assert c.post(f"{PREFIX}/LMP-1/identity", json={"form": FORM}, headers=h["border"]).status_code == 200
    assert c.post(f"{PREFIX}/LMP-1/checks", headers=h["border"]).json()["gaps"] == []
    r = c.post(f"{PREFIX}/LMP-1/completion", json={}, headers=h["border"])
    assert r.status_code == 200 and r.json()["outcome"] == "return_procedure"
    assert c.get(f"{PREFIX}/LMP-1", headers=h["de"]).status_code == 404
    assert "form" not in c.get(f"{PREFIX}/LMP-1", headers=h["medical"]).json()
    page = c.get(f"{PREFIX}/LMP-1/form", params={"format": "html", "for_person": True}, headers=h["border"])
    assert (
        page.status_code == 200 and "&lt;b&gt;Rahman" in page.text and "[redacted, Art. 17(3)]" in page.text
    )
    listed = c.get(PREFIX, headers=h["border"]).json()
    assert [x["id"] for x in listed] == ["LMP-1"] and "name" not in listed[0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "x", "reason": "boat", "event_at": "2026-11-30T09:00:00"}, "reason"),
        ({"id": "x/y", "reason": "territory", "event_at": "2026-11-30T09:00:00"}, "id"),
        ({"id": "x", "reason": "territory", "event_at": "2026-11-30T09:00:00", "form": {"x": 1}}, "form.x"),
        ({"id": "x", "reason": "territory", "event_at": "2026-11-30T09:00:00", "extra": 1}, "extra"),
        (
            {"id": "x", "reason": "territory", "event_at": "2026-11-30T09:00:00", "held_hours": -1},
            "held_hours",
        ),
    ],
)
def test_bad_bodies_are_422_with_the_field(
    api: tuple[TestClient, dict[str, dict[str, str]]], body: dict[str, object], field: str
) -> None:
    c, h = api
    r = c.post(PREFIX, json=body, headers=h["border"])
    assert r.status_code == 422 and field in r.text


def test_no_token_no_screening(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, _ = api
    assert c.get(PREFIX).status_code == 401
    assert c.get(PREFIX, headers={"Authorization": "Bearer st_000.forged"}).status_code == 401
