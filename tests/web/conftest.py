"""End-to-end fixtures: the app served by uvicorn on a free loopback port; Debian's Chromium via Playwright.

Chromium comes from the system (`apt-get install chromium`, done by scripts/services); Playwright's own
browser download is never used. Without Chromium the browser tests skip with a message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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

from migralex.api import create_app

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The dashboard served by uvicorn in a background thread; its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (skips when Chromium is not installed)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; scripts/services does it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page on a laptop-sized screen; fails the test on a JavaScript error, a failed or off-site
    request, or a 5xx answer."""
    # Reduced motion: the dashboard then draws charts without animation (screenshots show them whole).
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=base_url, reduced_motion="reduce"
    )
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def on_console(msg: Any) -> None:
        # A 4xx answer is the API rejecting input on purpose (shown in the page); anything else is a fault.
        if msg.type == "error" and not re.search(r"status of 4\d\d", msg.text):
            problems.append(f"console: {msg.text}")

    pg.on("console", on_console)
    pg.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    pg.on(
        "request",
        lambda req: (
            problems.append(f"off-site request: {req.url}")
            if not req.url.startswith((base_url, "data:", "blob:", "about:"))
            else None
        ),
    )
    yield pg
    context.close()
    assert not problems, "\n".join(problems)


def screenshot(page: Any, name: str, tmp_dir: Path | None = None) -> Path:
    """Save a full-page PNG: under docs/screenshots/ (for the README) when MIGRALEX_SCREENSHOTS=1,
    else in a temporary folder, so a test run does not rewrite tracked files."""
    folder = SCREENSHOTS if os.environ.get("MIGRALEX_SCREENSHOTS") == "1" else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"migralex-{name}.png" if folder != SCREENSHOTS else folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def explain_json(page: Any, case: dict[str, Any]) -> None:
    """Open the case explainer, paste `case` as JSON, apply it, and wait for the answer and its
    quoted articles."""
    page.goto("/cases")
    page.wait_for_selector("#case-form select[name='registration.member_state'] option", state="attached")
    page.click("#json-box summary")
    page.fill("#case-json", json.dumps(case))
    page.click("#json-apply")
    page.wait_for_selector("#headline")
    page.wait_for_selector("#sheet-articles[data-ready='true']", state="attached")
