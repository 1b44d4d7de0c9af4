"""The dashboard is served by the same app and needs nothing from outside (no CDN, no tile server)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from migralex.countries import EU27
from migralex.web import STATIC_DIR
from migralex.web.pages import HEAD_SLOT, NAV_SLOT, PAGES

LOCAL_REF = re.compile(r"""(?:src|href)="([^"]+)\"""")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_is_served_with_navigation_and_local_assets_only(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="en">' in html and 'aria-current="page"' in html
    for ref in LOCAL_REF.findall(html):
        if ref.startswith("#"):
            continue
        assert ref.startswith("/"), f"{path} references {ref} outside the app"
        assert client.get(ref).status_code == 200, f"{path}: {ref} is missing"


def test_own_scripts_and_styles_fetch_nothing_from_outside() -> None:
    files = STATIC_DIR.rglob("*")
    own = [p for p in files if p.suffix in {".js", ".css", ".html"} and "vendor" not in p.parts]
    assert own
    for file in own:
        text = file.read_text("utf-8")
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", text), f"{file.name} refers to the web"


def test_map_of_europe_has_every_member_state_including_malta() -> None:
    geo = json.loads((STATIC_DIR / "geo" / "europe.geo.json").read_text("utf-8"))
    codes = {f["properties"]["iso2"] for f in geo["features"]}
    assert set(EU27) <= codes
    eu = {f["properties"]["iso2"] for f in geo["features"] if f["properties"]["eu"]}
    assert eu == set(EU27)
    lon0, lat0, lon1, lat1 = geo["bbox"]
    for f in geo["features"]:
        for polygon in f["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                assert all(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in ring), f["id"]


def test_vendored_libraries_carry_licences_and_provenance() -> None:
    vendor = STATIC_DIR / "vendor"
    source = (vendor / "SOURCE.md").read_text("utf-8")
    assert "echarts 6." in source and "world-atlas 2." in source
    assert (vendor / "echarts" / "LICENSE").is_file() and (vendor / "world-atlas" / "LICENSE").is_file()
    assert (vendor / "echarts" / "echarts.min.js").stat().st_size > 500_000


def test_docs_page_uses_the_vendored_swagger_ui(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_health_lists_capabilities(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok"
    assert set(body["capabilities"]) == {
        "cases",
        "cycle",
        "simulations",
        "timeline",
        "relocations",
        "registry",
        "forecast",
        "returns",
        "readmission",
        "resettlement",
        "temporary_protection",
        "screening",
        "return_rates",
    }


def test_warm_up_fills_the_caches_in_the_background() -> None:
    import time

    from migralex.api import ApiSettings, create_app
    from migralex.api.cycle import _index

    _index.cache_clear()
    with TestClient(create_app(ApiSettings(warm_up=True))) as warm:
        deadline = time.monotonic() + 60
        while _index.cache_info().currsize == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _index.cache_info().currsize == 1
        assert warm.get("/v1/cycle").json()["years"]


def test_every_page_links_to_every_page(client: TestClient) -> None:
    for path in PAGES:
        html = client.get(path).text
        missing = [p for p in PAGES if f'href="{p}"' not in html]
        assert not missing, f"{path} does not link to {missing}"


def test_every_page_file_has_the_navigation_slot_and_no_hand_written_nav() -> None:
    for page in PAGES.values():
        html = (STATIC_DIR / page.file).read_text("utf-8")
        assert NAV_SLOT in html and "<nav" not in html, page.file


def test_navigation_marks_only_the_page_shown(client: TestClient) -> None:
    html = client.get("/relocation").text
    assert html.count('aria-current="page"') == 1
    assert '<a href="/relocation" aria-current="page">Relocation</a>' in html


def test_every_page_file_has_the_head_slot_and_no_hand_written_shared_head() -> None:
    for page in PAGES.values():
        html = (STATIC_DIR / page.file).read_text("utf-8")
        assert HEAD_SLOT in html and "<title>" not in html and "charset" not in html, page.file
        assert "/static/css/app.css" not in html, page.file


def test_head_is_filled_in_once_with_the_page_title(client: TestClient) -> None:
    for path, page in PAGES.items():
        html = client.get(path).text
        assert HEAD_SLOT not in html and html.count("<title>") == 1 and html.count('charset="utf-8"') == 1
        assert f"<title>{page.title or page.label} — migralex</title>" in html, path
        assert html.index('href="/static/css/app.css"') < html.index("/static/js/common.js"), path
    assert "<title>Readmission leverage — migralex</title>" in client.get("/readmission").text
