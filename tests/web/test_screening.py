"""The Screening page in Chromium: a screening in progress with its elements, queries, hit and clock."""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from migralex.api import ApiSettings, create_app
from migralex.registry.crypto import Keyring
from migralex.registry.service import Registry
from migralex.registry.store import Store
from migralex.screening.access import Staff
from migralex.screening.connectors.simulated import Behaviour, simulated_systems
from migralex.screening.service import ScreeningService
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

STATE: dict[str, str] = {}


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app over a throw-away registry holding one screening in progress (overrides conftest's)."""
    folder = Path(tempfile.mkdtemp(prefix="migralex-screening-web-"))
    registry = Registry(Store.open(f"sqlite:///{folder / 'r.sqlite3'}", Keyring.from_master(b"w" * 32)))
    behaviours = {name: Behaviour(0.0, 80.0, 0.1) for name in simulated_systems()}
    behaviours["sis"] = Behaviour(1.0, 80.0, 0.1)
    svc = ScreeningService(registry.store, simulated_systems(4, behaviours))
    STATE["border"] = svc.create_token("IT", "border", "web test")
    STATE["medical"] = svc.create_token("IT", "medical", "web test")
    border, medical = Staff("st_web", "IT", "border"), Staff("st_webm", "IT", "medical")
    event = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=1)
    svc.start(border, "LMP-WEB-1", "disembarkation", event, {"name": "Amina Rahman"})
    svc.health(medical, "LMP-WEB-1", needs_care=False, isolation=False, no_further_check=True, notes="ok")
    svc.check(border, "LMP-WEB-1")
    port = free_port()
    app = create_app(ApiSettings(registry=lambda: registry))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    registry.store.dispose()


def test_screening_page_shows_elements_hit_and_clock_by_role(page: Any) -> None:
    page.goto("/screening?id=LMP-WEB-1")
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Screening"
    page.fill("#token", STATE["border"])
    page.click("#open")
    page.wait_for_selector("#checks-table table tbody tr")
    assert page.locator("#checks-table tbody tr").count() == 5
    checks = page.inner_text("#checks-table")
    assert "to_verify" in checks and "SR Art. 8(5)(e), Arts 15-16" in checks
    assert "sis" in page.inner_text("#hits-table") and "to_verify" in page.inner_text("#hits-table")
    assert page.locator("#queries-table tbody tr").count() == 9
    assert "h" in page.inner_text("#clock-line") and "left" in page.inner_text("#clock-line")
    assert "SR Art. 8(3)" in page.inner_text("#summary-line")
    assert "LMP-WEB-1" in page.inner_text("#list-table")
    screenshot(page, "screening")
    page.fill("#token", STATE["medical"])
    page.click("#open")
    page.wait_for_function(
        "() => /purpose limitation/.test(document.querySelector('#queries-table').textContent)"
    )
    assert page.locator("#checks-table tbody tr").count() == 1
    page.fill("#token", "st_000.forged")
    page.click("#open")
    page.wait_for_selector("#errors .error")
