"""A page whose capability is not in the build says so in its #unavailable note (`ML.unavailable`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: Page → (its capability, text of the note, the control it disables or None).
PAGES = {
    "/early-warning": ("forecast", "Forecasting (migralex.forecast) is not available", "#go"),
    "/relocation": ("relocations", "Relocation matching (migralex.allocation) is not available", "#match"),
    "/scenarios": ("simulations", "The simulator (migralex.sim) is not available", "#run"),
    "/readmission": ("readmission", "The readmission indicators (migralex.readmission) are not", "#go"),
    "/screening": ("screening", "The screening (migralex.screening) is not available", "#open"),
    "/solidarity": ("cycle", "The annual cycle (migralex.cycle) is not available", None),
    "/pathways": ("return_rates", "The return rates (migralex.data.returns) are not", "#returns-go"),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_a_missing_capability_is_said_and_its_control_disabled(page: Any, path: str) -> None:
    capability, text, control = PAGES[path]

    def health(route: Any) -> None:
        body = json.loads(route.fetch().text())
        body["capabilities"][capability] = False
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/v1/health", health)
    page.goto(path)
    note = page.locator("#unavailable")
    note.wait_for(state="visible", timeout=20_000)
    assert text in note.inner_text()
    if control:
        assert page.locator(control).is_disabled()
