"""Vendor the dashboard's front-end libraries and build the map of Europe (run once, offline afterwards).

Installs pinned packages from the npm registry into a temporary folder, copies ECharts' browser
bundle with its licences into `src/migralex/web/static/vendor/`, decodes world-atlas'
`countries-50m` TopoJSON to GeoJSON with topojson-client (Node), keeps the countries of Europe and
their Mediterranean neighbours, clips them to a rectangle around Europe and writes
`src/migralex/web/static/geo/europe.geo.json` with ISO 3166-1 alpha-2 codes. 50m rather than 110m:
110m has no Malta. Usage: `.venv/bin/python scripts/build_web_assets.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from migralex.countries import EU27
from migralex.data import load

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "migralex" / "web" / "static"
PACKAGES = {
    "echarts": "6.1.0",
    "world-atlas": "2.0.2",
    "topojson-client": "3.1.0",
    "swagger-ui-dist": "5.35.0",
}

#: Clip windows (lon_min, lat_min, lon_max, lat_max). Member States: from the Canaries and Cyprus to North
#: Cape. Other countries, drawn grey for context: a tighter window, so Russia and Türkiye end at 42°E.
WINDOW = (-25.0, 27.0, 45.0, 72.0)
CONTEXT_WINDOW = (-25.0, 34.0, 42.0, 71.5)
#: Neighbours shown (greyed) besides the countries of Europe.
NEIGHBOURS = ("TR",)
#: world-atlas features without an ISO numeric id; Northern Cyprus is drawn as part of Cyprus (EU territory).
UNCODED = {"Kosovo": "XK", "N. Cyprus": "CY"}
DECIMALS = 3

DECODE_JS = """
const tc = require("topojson-client");
const topo = require("world-atlas/countries-50m.json");
process.stdout.write(JSON.stringify(tc.feature(topo, topo.objects.countries)));
"""


def npm_install(folder: Path) -> None:
    """Install the pinned packages with npm into `folder`."""
    subprocess.run(["npm", "init", "-y"], cwd=folder, check=True, capture_output=True)
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    quiet = ["--no-audit", "--no-fund", "--ignore-scripts"]  # no install scripts (swagger-ui's telemetry)
    subprocess.run(["npm", "install", *quiet, *specs], cwd=folder, check=True)


def vendor_libraries(modules: Path) -> None:
    """Copy ECharts' minified browser bundle, Swagger UI (the offline /docs page) and their licences."""
    src, dst = modules / "echarts", STATIC / "vendor" / "echarts"
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    shutil.copy2(src / "dist" / "echarts.min.js", dst / "echarts.min.js")
    for name in ("LICENSE", "NOTICE"):
        shutil.copy2(src / name, dst / name)
    shutil.copytree(src / "licenses", dst / "licenses")
    shutil.copy2(modules / "zrender" / "LICENSE", dst / "licenses" / "LICENSE-zrender")
    shutil.copy2(modules / "tslib" / "LICENSE.txt", dst / "licenses" / "LICENSE-tslib")
    wa = STATIC / "vendor" / "world-atlas"
    wa.mkdir(parents=True, exist_ok=True)
    shutil.copy2(modules / "world-atlas" / "LICENSE", wa / "LICENSE")
    swagger = STATIC / "vendor" / "swagger-ui"
    if swagger.exists():
        shutil.rmtree(swagger)
    swagger.mkdir(parents=True)
    for name in (
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.LICENSE.txt",
        "swagger-ui.css",
        "LICENSE",
        "NOTICE",
    ):
        shutil.copy2(modules / "swagger-ui-dist" / name, swagger / name)


def clip_ring(ring: list[list[float]], window: tuple[float, float, float, float]) -> list[list[float]]:
    """Sutherland–Hodgman clipping of one closed ring against a rectangular window."""
    x0, y0, x1, y1 = window
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    ]
    points = ring[:-1] if ring and ring[0] == ring[-1] else ring
    if any(p[0] > 90 for p in points) and any(p[0] < -90 for p in points):  # crosses the antimeridian
        points = [[p[0] + 360, p[1]] if p[0] < 0 else p for p in points]
    for inside, cross in edges:
        if not points:
            break
        out: list[list[float]] = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        points = out
    rounded = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points]
    deduped = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    return [*deduped, deduped[0]] if len(deduped) >= 3 else []


def _at_x(a: list[float], b: list[float], x: float) -> list[float]:
    t = (x - a[0]) / (b[0] - a[0])
    return [x, a[1] + t * (b[1] - a[1])]


def _at_y(a: list[float], b: list[float], y: float) -> list[float]:
    t = (y - a[1]) / (b[1] - a[1])
    return [a[0] + t * (b[0] - a[0]), y]


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def europe(world: dict) -> dict:
    """The European features of the decoded world, clipped, keyed by ISO alpha-2 code."""
    countries = load("countries")
    by_m49 = dict(zip(countries["m49"].to_list(), countries["country"].to_list(), strict=True))
    names = dict(zip(countries["country"].to_list(), countries["name"].to_list(), strict=True))
    european = set(countries.filter(pl.col("region") == "Europe")["country"].to_list())
    wanted = european | set(EU27) | set(NEIGHBOURS)
    merged: dict[str, list] = {}
    for feature in world["features"]:
        fid = feature.get("id")
        iso = by_m49.get(int(fid)) if fid and fid.isdigit() else UNCODED.get(feature["properties"]["name"])
        if iso not in wanted or feature["geometry"] is None:
            continue
        for polygon in polygons(feature["geometry"]):
            window = WINDOW if iso in EU27 else CONTEXT_WINDOW
            rings = [clip_ring(r, window) for r in polygon]
            if rings and rings[0]:
                merged.setdefault(iso, []).append([r for r in rings if r])
    features = [
        {
            "type": "Feature",
            "id": iso,
            "properties": {"iso2": iso, "name": names.get(iso, iso), "eu": iso in EU27},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        }
        for iso, polys in sorted(merged.items())
    ]
    missing = set(EU27) - set(merged)
    if missing:
        raise SystemExit(f"EU Member States missing from the map: {sorted(missing)}")
    return {"type": "FeatureCollection", "bbox": list(WINDOW), "features": features}


def write_source() -> None:
    """Write vendor/SOURCE.md naming each package, version, the files taken and the licence."""
    v = PACKAGES
    text = f"""# Vendored front-end assets

Installed from the npm registry and copied by `scripts/build_web_assets.py`; nothing is fetched at
run time.

- **echarts {v["echarts"]}** (Apache-2.0): `echarts/echarts.min.js` is the package's
  `dist/echarts.min.js`. Licence: `echarts/LICENSE`, `echarts/NOTICE`; the code it bundles from
  zrender (BSD-3-Clause), tslib (0BSD) and d3 (BSD-3-Clause) is covered by `echarts/licenses/`.
- **world-atlas {v["world-atlas"]}** (ISC, `world-atlas/LICENSE`; data: Natural Earth 1:50m, public
  domain): `../geo/europe.geo.json` is derived from its `countries-50m.json`.
- **topojson-client {v["topojson-client"]}** (ISC): used at build time only, to decode the TopoJSON.
- **swagger-ui-dist {v["swagger-ui-dist"]}** (Apache-2.0, `swagger-ui/LICENSE`, `swagger-ui/NOTICE`;
  bundled notices in `swagger-ui/swagger-ui-bundle.js.LICENSE.txt`): `swagger-ui-bundle.js` and
  `swagger-ui.css`, for the API's offline `/docs` page.

`europe.geo.json`: the countries of Europe plus {", ".join(NEIGHBOURS)}; Member States clipped to
longitude {WINDOW[0]}…{WINDOW[2]} and latitude {WINDOW[1]}…{WINDOW[3]}, other countries (grey context)
to {CONTEXT_WINDOW[0]}…{CONTEXT_WINDOW[2]} and {CONTEXT_WINDOW[1]}…{CONTEXT_WINDOW[3]}; coordinates
rounded to {DECIMALS} decimals; features keyed by ISO 3166-1 alpha-2 code (`XK` for Kosovo; Northern
Cyprus drawn as part of `CY`). Outermost regions outside the window (French overseas departments, the
Azores) are not drawn.
"""
    (STATIC / "vendor" / "SOURCE.md").write_text(text, "utf-8")


def main() -> None:
    """Install, vendor, convert."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        sys.exit("npm and node are needed to vendor the front-end assets")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        npm_install(folder)
        modules = folder / "node_modules"
        vendor_libraries(modules)
        decoded = subprocess.run(
            ["node", "-e", DECODE_JS], cwd=folder, check=True, capture_output=True, text=True
        ).stdout
    geo = europe(json.loads(decoded))
    (STATIC / "geo").mkdir(parents=True, exist_ok=True)
    (STATIC / "geo" / "europe.geo.json").write_text(json.dumps(geo, separators=(",", ":")), "utf-8")
    write_source()
    print(f"vendored echarts {PACKAGES['echarts']}; europe.geo.json: {len(geo['features'])} countries")


if __name__ == "__main__":
    main()
