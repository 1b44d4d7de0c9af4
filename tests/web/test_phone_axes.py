"""The case explainer's time axes at phone width (375 px) in Chromium: the deadline chart's dates and the
calendar strip's months are readable, not run together ("SepOctNovDec2027Feb", issue 14).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.test_case_answer import _example
from tests.web.test_dashboard import wait_for_chart
from tests.web.test_scenarios_marks import LABEL_BOXES, _overlaps

pytestmark = pytest.mark.browser

#: The month labels of the calendar strip: text and box.
MONTH_BOXES = """() => [...document.querySelectorAll('#calendar-strip .month')].map((m) => {
  const r = m.getBoundingClientRect();
  return { text: m.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom }; })"""


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, base_url=base_url, reduced_motion="reduce"
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def test_deadline_axis_and_calendar_months_do_not_run_together_on_a_phone(phone: Any) -> None:
    phone.goto(f"/cases?example={_example('tl-take-charge')}")
    phone.wait_for_selector("#headline")
    wait_for_chart(phone, "#calendar-chart")
    boxes = phone.evaluate(LABEL_BOXES, "#calendar-chart")
    dates = [b for b in boxes if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{2}", b["text"].strip())]
    assert len(dates) >= 2, [b["text"] for b in boxes]  # short dates on the axis, at least two
    assert not _overlaps(boxes), _overlaps(boxes)
    assert all(b["right"] <= 375 for b in dates)
    foot = phone.locator("#calendar-chart ~ .chart-foot").first
    assert "Source:" in foot.inner_text() and {"CSV", "PNG", "SVG"} <= set(
        foot.locator("button").all_inner_texts()
    )
    assert (
        "Time limits of the case"
        in phone.locator("#calendar-chart ~ .chart-foot, .chart-title").first.inner_text()
    )
    phone.wait_for_selector("#timeline[data-ready='true']", state="attached")
    months = phone.evaluate(MONTH_BOXES)
    assert len(months) >= 2 and not _overlaps(months), months
    screenshot(phone, "phone-case-deadlines")
