"""Writing a cycle to a folder: JSON, CSV and a self-contained HTML report with inline SVG charts.

The report has no network resources: the charts and the map of Europe are SVG generated here
(the map from `data/europe_paths.json`, see data/SOURCE.md); the page and the methods section are
`templates/report.html` and `templates/methods.html`.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import polars as pl

from migralex import __version__
from migralex.cycle.members import NOT_BOUND
from migralex.cycle.projection import BANDS
from migralex.cycle.provenance import Result, Source
from migralex.cycle.summary import CycleRun, parameter_rows, summarise
from migralex.errors import InvalidInput

#: Pressure-score classes (upper bounds; 1 = Union average) and their fills.
SCORE_CLASSES = (
    (0.5, "#f1eef6"),
    (1.0, "#d0d1e6"),
    (1.5, "#fdbb84"),
    (2.5, "#e34a33"),
    (float("inf"), "#99000d"),
)
SCORE_LABELS = ("< 0.5", "0.5-1", "1-1.5", "1.5-2.5", "≥ 2.5")
NOT_IN_SET, OUTSIDE, SEA = "#e3e6ea", "#f4f5f6", "#dfeaf3"
SMALL = ("MT", "LU", "CY")

#: Files written by `write_cycle` (name → what it holds).
FILES = {
    "summary.json": "everything, with provenance (cycle_summary)",
    "indicators.csv": "AMMR Art. 9(3)(a) indicators per Member State",
    "nationalities.csv": "top citizenships of applicants per Member State",
    "pressure.csv": "pressure score, rank and candidates (analyst's aid)",
    "classification.csv": "pressure, risk and significant situation by the rules of AMMR Arts 2, 10, 11",
    "fair_shares.csv": "reference key and fair shares of the pool",
    "capacity.csv": "adequate capacity and annual maxima",
    "route_allocation.csv": "Frontex routes split among Member States",
    "border_list.csv": "nationalities with a recognition rate at or below the threshold",
    "report.html": "the self-contained report",
}


def esc(value: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def fmt(value: Any, digits: int = 0) -> str:
    """A cell: thousands separators and `digits` decimals for numbers, `yes` for true, blank for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return esc(value)


def table(frame: pl.DataFrame, columns: Mapping[str, tuple[str, int]]) -> str:
    """An HTML table of `frame`: column → (header, decimals)."""
    head = "".join(f"<th>{esc(label)}</th>" for label, _ in columns.values())
    rows = []
    for row in frame.iter_rows(named=True):
        cells = []
        for column, (_, digits) in columns.items():
            value = row[column]
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(
                f'<td class="num">{fmt(value, digits)}</td>' if numeric else f"<td>{fmt(value)}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "".join(rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def bar_chart(
    labels: Sequence[str], values: Sequence[float], title: str, label: Callable[[float], str], colour: str
) -> str:
    """A horizontal bar chart as inline SVG."""
    width, left, right, bar, gap, top = 640, 44, 90, 16, 4, 30
    height = top + len(values) * (bar + gap) + 10
    peak = max(values, default=0.0) or 1.0
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}"><text x="{left}" y="18" font-weight="600">{esc(title)}</text>'
    ]
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y, w, text = top + i * (bar + gap), max(0.0, value / peak * span), esc(label(value))
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{esc(name)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}">'
            f"<title>{esc(name)}: {text}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 12}">{text}</text>'
        )
    return "".join(parts) + "</svg>"


@cache
def europe() -> dict[str, Any]:
    """The shipped map geometry (view box, SVG paths by ISO code, capital markers)."""
    text = resources.files("migralex.cycle").joinpath("data/europe_paths.json").read_text("utf-8")
    return dict(json.loads(text))


def score_colour(score: float | None) -> str:
    """The fill of a pressure score (grey where there is none)."""
    if score is None:
        return NOT_IN_SET
    return next(colour for bound, colour in SCORE_CLASSES if score < bound)


def _legend() -> str:
    """The map legend."""
    items = [(colour, f"score {text}") for (_, colour), text in zip(SCORE_CLASSES, SCORE_LABELS, strict=True)]
    items.append((NOT_IN_SET, "not bound by the AMMR (Denmark)"))
    parts = ['<g font-size="15"><text x="12" y="20" font-size="15">pressure score (1 = Union average)</text>']
    for i, (colour, text) in enumerate(items, start=1):
        y = 16 + i * 24
        parts.append(
            f'<rect x="12" y="{y - 12}" width="18" height="18" fill="{colour}" stroke="#555"/>'
            f'<text x="38" y="{y + 2}" font-size="15">{esc(text)}</text>'
        )
    y = 16 + (len(items) + 1) * 24
    return (
        "".join(parts) + f'<text x="12" y="{y}" font-size="15">● candidate for migratory pressure</text></g>'
    )


def pressure_map(scores: Mapping[str, float], marked: Iterable[str], members: Iterable[str]) -> str:
    """Choropleth of Europe by pressure score, with the pressure candidates marked, as inline SVG."""
    geo, members, marked = europe(), set(members), set(marked)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{geo["viewBox"]}" role="img" '
        'aria-label="Map of Europe coloured by pressure score">'
        f'<rect width="100%" height="100%" fill="{SEA}"/>'
    ]
    for code, path in geo["paths"].items():
        fill, tip = OUTSIDE, code
        if code in members:
            fill, tip = score_colour(scores.get(code)), f"{code}: score {scores.get(code, 0):.2f}"
        parts.append(
            f'<path d="{path}" fill="{fill}" stroke="#7a8591" stroke-width="0.5">'
            f"<title>{esc(tip)}</title></path>"
        )
    for code, (x, y) in geo["markers"].items():
        if code not in members:
            continue
        if code in SMALL:
            fill = score_colour(scores.get(code))
            parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{fill}" stroke="#333" stroke-width="0.8"/>')
        dx = 7 if code in SMALL else 0
        parts.append(
            f'<text x="{x + dx}" y="{y}" font-size="10">{code}{" ●" if code in marked else ""}</text>'
        )
    return "".join(parts) + _legend() + "</svg>"


def _sources(results: Iterable[Result]) -> list[Source]:
    """The distinct data sources of some results."""
    seen: dict[tuple[str, str], Source] = {}
    for result in results:
        for spec in result.columns.values():
            for s in spec.sources:
                seen.setdefault((s.table, s.rows), s)
        for figure in result.figures:
            for s in figure.sources:
                seen.setdefault((s.table, s.rows), s)
    return list(seen.values())


def _notes(items: Iterable[str]) -> str:
    """A list of notes, each once."""
    return '<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in dict.fromkeys(items)) + "</ul>"


def _template(name: str) -> Template:
    """A template of the report."""
    return Template(resources.files("migralex.cycle").joinpath(f"templates/{name}").read_text("utf-8"))


def _cards(run: CycleRun, candidates: int) -> str:
    """The headline figures."""
    pool, total = run.pool, int(run.capacity.frame["adequate_capacity"].sum())
    cards = [
        (
            f"Pool of {run.cycle.pool_year}",
            f"{pool.relocations:,} relocations",
            f"or EUR {pool.financial_eur:,}",
        ),
        ("Value of one relocation", f"EUR {float(pool.eur_per_relocation):,.0f}", "AMMR Art. 12(3)"),
        ("Adequate capacity (Union)", f"{total:,}", "APR Art. 46"),
        ("Pressure candidates", f"{candidates}", "analyst's aid, AMMR Art. 11"),
    ]
    inner = "".join(f'<div class="card">{esc(a)}<b>{esc(b)}</b>{esc(c)}</div>' for a, b, c in cards)
    return f'<div class="cards">{inner}</div>'


def _pressure_section(run: CycleRun) -> str:
    """Map, ranking and reasons."""
    ranked = run.pressure.frame.sort("rank")
    marked = ranked.filter(pl.col("pressure_candidate"))["member_state"].to_list()
    scores = dict(zip(ranked["member_state"], ranked["score"], strict=True))
    ranking = table(
        ranked,
        {
            "rank": ("#", 0),
            "member_state": ("MS", 0),
            "score": ("score", 2),
            "pressure_candidate": ("pressure", 0),
            "risk_candidate": ("risk", 0),
            "significant_situation_candidate": ("significant", 0),
        },
    )
    reasons = table(
        ranked.filter(pl.col("reasons") != ""), {"member_state": ("MS", 0), "reasons": ("reasons", 0)}
    )
    s = run.settings
    weights = ", ".join(f"{k} {v:g}" for k, v in s.weights.items())
    settings = (
        f"Score: weighted mean of the indicators per inhabitant relative to the Union, each capped at "
        f"{s.ratio_cap:g} (weights: {weights}). Pressure: score ≥ {s.pressure_score:g}, or SAR arrivals ≥ "
        f"{s.sar_per_100k:g} per 100,000 inhabitants (Art. 11(3)). Risk: score ≥ {s.risk_score:g} or "
        f"applications up {s.risk_growth:.0%}. Significant situation: five-year arrivals ≥ "
        f"{s.cumulative_relative:g} "
        f"× the Union's per inhabitant (Art. 10(3)). Settings: {s.source} (analyst settings, not law)."
    )
    return (
        '<section id="pressure"><h2>Migratory situation and pressure (AMMR Arts 9-11)</h2>'
        f'<div class="grid"><div>{pressure_map(scores, marked, ranked["member_state"])}</div>'
        f"<div>{ranking}</div></div><h3>Why</h3>{reasons}<p class=note>{esc(settings)}</p></section>"
    )


def band_chart(labels: Sequence[str], bands: Sequence[Sequence[float]], title: str) -> str:
    """Point projections with their 80 % (thick) and 95 % (thin) intervals, as inline SVG.

    `bands` holds, per label, (point, lower_80, upper_80, lower_95, upper_95).
    """
    width, left, right, row, top = 680, 260, 20, 22, 30
    height = top + len(labels) * row + 10
    peak = max((b[4] for b in bands), default=0.0) or 1.0
    span = width - left - right

    def x(value: float) -> float:
        return left + value / peak * span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}"><text x="8" y="18" font-weight="600">{esc(title)}</text>'
    ]
    for i, (name, (point, lo80, hi80, lo95, hi95)) in enumerate(zip(labels, bands, strict=True)):
        y = top + i * row + row / 2
        tip = f"{name}: {point:,.0f} (80 %: {lo80:,.0f}-{hi80:,.0f}; 95 %: {lo95:,.0f}-{hi95:,.0f})"
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(name)}</text>'
            f"<g><title>{esc(tip)}</title>"
            f'<line x1="{x(lo95):.1f}" x2="{x(hi95):.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#7a8591"/>'
            f'<rect x="{x(lo80):.1f}" y="{y - 5:.1f}" width="{max(x(hi80) - x(lo80), 1):.1f}" height="10" '
            'fill="#9ecae1"/>'
            f'<circle cx="{x(point):.1f}" cy="{y:.1f}" r="3.5" fill="#24527a"/></g>'
        )
    return "".join(parts) + "</svg>"


def _projection_section(run: CycleRun) -> str:
    """The projection for the coming year (AMMR Art. 9(3)(b)) with its bands, per route and Member State."""
    head = '<section id="projection"><h2>Projection for the coming year (AMMR Art. 9(3)(b))</h2>'
    projection = run.projection
    if projection is None:
        return f"{head}<p>{esc(run.projection_note)}</p></section>"
    routes = projection.routes.sort("projected", descending=True)
    label = (
        routes["route"]
        if "border_type" not in routes.columns
        else (routes["route"] + " (" + routes["border_type"] + ")")
    )
    chart = band_chart(
        list(label),
        [tuple(float(v) for v in r) for r in routes.select(BANDS).iter_rows()],
        f"Detections by route, {projection.period}: point, 80 % and 95 % intervals",
    )
    columns = {
        "member_state": ("MS", 0),
        "projected": ("projected", 0),
        "lower_80": ("80 % from", 0),
        "upper_80": ("80 % to", 0),
        "lower_95": ("95 % from", 0),
        "upper_95": ("95 % to", 0),
        "projected_applications": ("applicants, projected", 0),
        "projected_applications_upper": ("applicants, 80 % to", 0),
    }
    columns = {k: v for k, v in columns.items() if k in projection.member_states.columns}
    states = projection.member_states.sort("projected", descending=True)
    return (
        f'{head}<p>{esc(projection.source)}</p><div class="chart">{chart}</div>'
        f"{table(states, columns)}{_notes(projection.notes)}</section>"
    )


def _classification_section(run: CycleRun) -> str:
    """The classification by the rules (AMMR Arts 2(24)-(25), 10(3), 11), with the ratios and reasons."""
    result = run.classification
    columns = {
        "member_state": ("MS", 0),
        "classification": ("classification", 0),
        "arrivals_ratio": ("arrivals ÷ fair share", 2),
        "applications_ratio": ("applications ÷ fair share", 2),
        "sar_ratio": ("SAR ÷ fair share", 2),
        "sar_months": ("SAR months", 0),
        "cumulative_ratio": ("cumulative ÷ fair share", 2),
        "projected_arrivals_ratio": ("projected ÷ fair share", 2),
        "reasons": ("why", 0),
    }
    return (
        '<section id="classification"><h2>Pressure, risk and significant situation: the rules '
        "(AMMR Arts 2(24)-(25), 10(3), 11)</h2>"
        f"{table(result.frame, columns)}{_notes(result.notes)}</section>"
    )


def _solidarity_section(run: CycleRun) -> str:
    """Key, fair shares, chart."""
    fair = run.fair_shares
    top = fair.frame.sort("share", descending=True)
    chart = bar_chart(
        list(top["member_state"]),
        [float(x) * 100 for x in top["share"]],
        "Share of the reference key (%), AMMR Art. 66",
        lambda v: f"{v:.2f} %",
        "#24527a",
    )
    columns = {
        "member_state": ("MS", 0),
        "population": ("population", 0),
        "gdp_eur": ("GDP (EUR)", 0),
        "share": ("share", 5),
        "relocations": ("fair share: relocations", 0),
        "financial_eur": ("or: EUR", 0),
    }
    return (
        f'<section id="solidarity"><h2>Annual Solidarity Pool {run.cycle.pool_year}: key and fair shares</h2>'
        f'<p>{esc(fair.notes[0])}.</p><div class="chart">{chart}</div>{table(top, columns)}'
        f"{_notes(fair.notes[1:])}</section>"
    )


def _capacity_section(run: CycleRun) -> str:
    """Capacities, maxima, chart."""
    cap = run.capacity
    ordered = cap.frame.sort("adequate_capacity", descending=True)
    total = int(cap.frame["adequate_capacity"].sum())
    chart = bar_chart(
        list(ordered["member_state"]),
        [float(x) for x in ordered["adequate_capacity"]],
        f"Adequate capacity (Σ = {total:,}), APR Art. 47(4)",
        lambda v: f"{v:,.0f}",
        "#c8553d",
    )
    maxima = {c: (c.replace("_", " from "), 0) for c in cap.frame.columns if c.startswith("max_")}
    columns = {
        "member_state": ("MS", 0),
        "irregular_crossings": ("irregular crossings", 0),
        "sar_arrivals": ("SAR added", 0),
        "refusals_of_entry": ("refusals", 0),
        "adequate_capacity": ("capacity", 0),
        **maxima,
    }
    first, last = run.capacity_years
    return (
        f'<section id="capacity"><h2>Adequate capacity for the border procedure, data {first}-{last}</h2>'
        f'<div class="chart">{chart}</div>{table(ordered, columns)}{_notes(cap.notes)}</section>'
    )


def _border_list_section(run: CycleRun) -> str:
    """The ≤ 20 % list."""
    bl = run.border_list
    title = f"Recognition rate of {bl.threshold:.0%} or lower (APR Art. 42(1)(j))"
    head = f'<section id="borderlist"><h2>{title}</h2>'
    if bl.status != "computed":
        return f"{head}<p>{esc(bl.note)}</p></section>"
    columns = {c: (c, 3 if c == "rate" else 0) for c in bl.frame.columns}
    text = f"{bl.note}; reading {bl.reading}; {bl.frame.height} nationalities."
    return f"{head}<p>{esc(text)}</p>{table(bl.frame, columns)}</section>"


def _indicator_section(run: CycleRun) -> str:
    """The Art. 9(3)(a) indicators."""
    indicators = run.indicators.result
    columns = {
        "member_state": ("MS", 0),
        "applications": ("applications", 0),
        "applications_per_100k": ("per 100k", 0),
        "applications_change": ("change", 2),
        "recognition_rate": ("recognition", 2),
        "irregular_crossings": ("crossings", 0),
        "refusals_of_entry": ("refusals", 0),
        "illegally_present": ("illegally present", 0),
        "temporary_protection": ("temporary protection", 0),
        "sar_arrivals": ("SAR", 0),
        "cumulative_arrivals_relative": ("5-year arrivals vs Union", 2),
    }
    periods = "; ".join(f"{k}: {v}" for k, v in run.indicators.periods.items())
    return (
        '<section id="indicators"><h2>Indicators (AMMR Art. 9(3)(a))</h2>'
        f"{table(indicators.frame, columns)}<p class=note>Periods: {esc(periods)}</p>"
        f"{_notes(indicators.notes)}</section>"
    )


def _methods_section(run: CycleRun) -> str:
    """Articles, parameters, readings, data sources and weaknesses."""
    rows = "".join(
        f"<tr><td><code>{esc(r['name'])}</code></td><td>{esc(r['value'])}</td>"
        f"<td>{esc(r['basis'])}</td><td>{esc(r['quote'] or '')}</td></tr>"
        for r in parameter_rows(run.parameters)
    )
    sources = "".join(
        f"<li><b>{esc(s.table)}</b> — {esc(s.publisher)}; rows: {esc(s.rows)}</li>"
        for s in _sources([run.fair_shares, run.capacity, run.indicators.result])
    )
    not_bound = "; ".join(f"{act}: {', '.join(codes)}" for act, codes in NOT_BOUND.items())
    return _template("methods.html").substitute(
        parameters=rows,
        overlays=esc(", ".join(run.parameters.overlays) or "none"),
        not_bound=esc(not_bound),
        sources=sources,
    )


def render_html(run: CycleRun) -> str:
    """The self-contained HTML report of a computed cycle."""
    c = run.cycle
    first, last = run.capacity_years
    candidates = int(run.pressure.frame["pressure_candidate"].sum())
    subtitle = (
        f"<p>Cycle {c.year}: Report, Art. 11 decision and proposal for the pool of {c.pool_year} (15 October "
        f"{c.year}); adequate capacity of the act of {c.capacity_act_year(run.parameters)} "
        f"(data {first}-{last}).</p><p>{run.fair_shares.frame.height} Member States in the reference key; "
        "computed from the shipped real data.</p>"
    )
    body = [
        f'<div class="notice">{esc(run.pressure.notes[0])}</div>',
        _cards(run, candidates),
        _classification_section(run),
        _projection_section(run),
        _pressure_section(run),
        _solidarity_section(run),
        _capacity_section(run),
        _border_list_section(run),
        _indicator_section(run),
        _methods_section(run),
    ]
    return _template("report.html").substitute(
        title=esc(f"EU annual migration management cycle {c.year} — migralex"),
        subtitle=subtitle,
        body="\n".join(body),
        version=esc(__version__),
    )


def write_cycle(run: CycleRun, out: Path | str) -> dict[str, Path]:
    """Write the cycle's files (FILES) into the folder `out`, all or none."""
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InvalidInput("out", f"{target} exists and is not a folder")
    allocation, listed = run.border_series.allocation, run.border_list.frame
    contents = {
        "summary.json": json.dumps(summarise(run), indent=1, ensure_ascii=False) + "\n",
        "indicators.csv": run.indicators.result.frame.write_csv(),
        "nationalities.csv": run.indicators.nationalities.write_csv(),
        "pressure.csv": run.pressure.frame.write_csv(),
        "classification.csv": run.classification.frame.write_csv(),
        "fair_shares.csv": run.fair_shares.frame.write_csv(),
        "capacity.csv": run.capacity.frame.write_csv(),
        "route_allocation.csv": allocation.write_csv() if allocation.height else "",
        "border_list.csv": listed.write_csv() if listed.height else "",
        "report.html": render_html(run),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cycle-", dir=target.parent))
    try:
        for name, text in contents.items():
            (staging / name).write_text(text, "utf-8")
        target.mkdir(exist_ok=True)
        for name in contents:
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: target / name for name in contents}
