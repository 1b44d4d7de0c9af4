"""Build `europe_paths.json` (SVG paths of Europe) from world-atlas `countries-50m.json`.

Usage (from the repository root, after `npm install world-atlas@2.0.2` in DIR):

    .venv/bin/python src/migralex/cycle/data/make_europe_paths.py \
        DIR/node_modules/world-atlas/countries-50m.json

Steps: decode the TopoJSON arcs; project every ring with a spherical Lambert azimuthal equal-area
projection centred on 10°E 52°N (the centre of EPSG:3035); clip to the window; simplify with
Douglas-Peucker; scale to a 1000-unit-wide view box; round to 0.1. Countries are keyed by ISO
alpha-2 (from their M49 code via the shipped `countries` table; Kosovo → XK, Northern Cyprus →
CY-N, drawn grey). `markers` are the projected capitals of the EU Member States (dots for the
smallest, which vanish at this scale).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import polars as pl

from migralex.data import load

CENTRE = (10.0, 52.0)
#: Window in projected units (metres on a sphere of radius R): Iceland to Cyprus, Portugal to the Volga.
R = 6_371_000.0
WINDOW = (-2_600_000.0, -1_950_000.0, 2_750_000.0, 2_350_000.0)
WIDTH = 1000.0
TOLERANCE = 4_000.0
NAMED = {"Kosovo": "XK", "N. Cyprus": "CY-N"}


def laea(lon: float, lat: float) -> tuple[float, float]:
    """Spherical Lambert azimuthal equal-area projection centred on CENTRE (y up)."""
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi1 = math.radians(CENTRE[1])
    k = math.sqrt(2 / (1 + math.sin(phi1) * math.sin(phi) + math.cos(phi1) * math.cos(phi) * math.cos(lam)))
    x = R * k * math.cos(phi) * math.sin(lam)
    y = R * k * (math.cos(phi1) * math.sin(phi) - math.sin(phi1) * math.cos(phi) * math.cos(lam))
    return x, y


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """The arcs of a quantised TopoJSON as lon/lat lists."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring stitched from arc indexes (~i = arc i reversed), shared end points dropped."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clipping of a ring to WINDOW."""
    x0, y0, x1, y1 = WINDOW
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: (x0, a[1] + (b[1] - a[1]) * (x0 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= x1, lambda a, b: (x1, a[1] + (b[1] - a[1]) * (x1 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= y0, lambda a, b: (a[0] + (b[0] - a[0]) * (y0 - a[1]) / (b[1] - a[1]), y0)),
        (lambda p: p[1] <= y1, lambda a, b: (a[0] + (b[0] - a[0]) * (y1 - a[1]) / (b[1] - a[1]), y1)),
    ]
    for inside, cross in edges:
        if not points:
            return []
        out = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        points = out
    return points


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification (iterative)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1.0
        best, index = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if (dx or dy) else math.hypot(px - ax, py - ay)
            if d > best:
                best, index = d, i
        if best > tol and index > 0:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(path: str) -> None:
    """Write europe_paths.json beside this script."""
    topo = json.loads(Path(path).read_text("utf-8"))
    arcs = decode_arcs(topo)
    m49 = {int(r["m49"]): r["country"] for r in load("countries").drop_nulls("m49").iter_rows(named=True)}
    x0, y0, x1, y1 = WINDOW
    scale = WIDTH / (x1 - x0)
    paths: dict[str, str] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        code = NAMED.get(name) or (m49.get(int(geometry["id"])) if geometry.get("id") else None)
        if not code:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts = []
        for polygon in polygons:
            for indexes in polygon:
                projected = clip([laea(lon, lat) for lon, lat in ring(indexes, arcs)])
                projected = simplify(projected, TOLERANCE)
                if len(projected) < 3:
                    continue
                svg = [(round((x - x0) * scale, 1), round((y1 - y) * scale, 1)) for x, y in projected]
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in svg) + "Z")
        if parts:
            paths[code] = "".join(parts)
    capitals = load("countries").filter(pl.col("eu")).drop_nulls("latitude")
    markers = {}
    for row in capitals.iter_rows(named=True):
        x, y = laea(row["longitude"], row["latitude"])
        markers[row["country"]] = [round((x - x0) * scale, 1), round((y1 - y) * scale, 1)]
    out = {
        "markers": dict(sorted(markers.items())),
        "source": "world-atlas 2.0.2 countries-50m.json (Natural Earth 1:50m, public domain); see SOURCE.md",
        "projection": f"spherical Lambert azimuthal equal-area centred on {CENTRE[0]}E {CENTRE[1]}N",
        "viewBox": f"0 0 {WIDTH:g} {round((y1 - y0) * scale, 1):g}",
        "paths": dict(sorted(paths.items())),
    }
    target = Path(__file__).with_name("europe_paths.json")
    target.write_text(json.dumps(out, separators=(",", ":")) + "\n", "utf-8")
    print(f"{target}: {len(paths)} countries, {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
