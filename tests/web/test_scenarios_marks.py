"""Scenarios page in Chromium: a scenario's shocks are marked on the compare chart, and the labels of the
Sankey of flows neither overlap nor go missing (docs/style.md: events shaded and labelled on every time
chart; issue 14: "Sankey labels collide").
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_dashboard import wait_for_chart

pytestmark = pytest.mark.browser

#: The drawn text labels of a chart's SVG: their text and bounding boxes (only the visible ones).
LABEL_BOXES = """sel => [...document.querySelectorAll(sel + ' svg text')]
  .filter((t) => t.textContent.trim() && getComputedStyle(t).display !== 'none')
  .filter((t) => t.getAttribute('opacity') !== '0')
  .map((t) => { const r = t.getBoundingClientRect();
    return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom }; })"""


#: The Sankey's nodes: name and drawn box (x, y, width, height in the chart's coordinates).
SANKEY_NODES = """sel => {
  const chart = echarts.getInstanceByDom(document.querySelector(sel));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  return data.mapArray((i) => ({ name: data.getName(i), ...data.getItemLayout(i) }));
}"""


def _overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes intersect (by more than half a pixel either way)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > 0.5 and dy > 0.5:
                found.append((a["text"], b["text"]))
    return found


def test_compare_chart_marks_shocks_and_sankey_labels_do_not_overlap(page: Any) -> None:
    page.goto("/scenarios")
    page.wait_for_selector("#scenario option[value='lampedusa-surge']", state="attached")
    page.select_option("#scenario", "lampedusa-surge")
    page.fill("#days", "260")  # 1 January to 17 September 2027: the surge of 12 September is inside
    page.fill("#runs", "1")
    page.fill("#scale", "0.01")
    page.click("#run")
    page.wait_for_function(
        "() => (document.querySelector('#status').textContent || '').startsWith('lampedusa-surge: done')",
        timeout=400_000,
    )
    wait_for_chart(page, "#compare")
    page.wait_for_selector("#compare-table th:has-text('A: lampedusa-surge')")
    assert "A: 10,000 extra arrivals in IT" in page.inner_text("#compare")  # the shock, labelled
    assert "10,000 extra arrivals in IT" in page.inner_text("#occupancy")
    assert "12 September 2027" in (page.get_attribute("#compare", "aria-label") or "")
    wait_for_chart(page, "#sankey")
    nodes = page.evaluate(SANKEY_NODES, "#sankey")
    boxes = page.evaluate(LABEL_BOXES, "#sankey")
    assert len(boxes) >= len(nodes), f"stages {nodes}; labelled: {boxes}"
    assert not _overlaps(boxes), _overlaps(boxes)
