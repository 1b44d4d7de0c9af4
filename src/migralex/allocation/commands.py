"""`migralex relocate`: a shell over `migralex.allocation` (no rule logic here)."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from migralex.allocation import PROVENANCE, REASONS, TIERS, MatchParams, match_batch
from migralex.allocation.demo import DemoSettings, run
from migralex.allocation.io import read_params, read_persons, read_places
from migralex.errors import MigralexError
from migralex.tables import Column, Format, print_table

console = Console()
err = Console(stderr=True)
DEMO_KEYS = ("relocated", "unplaced", "links_honoured_share", "hindsight_ratio", "greedy_ratio", "violations")
ASSIGNMENT_COLUMNS = (
    Column("person_id", "Person"),
    Column("member_state", "Member State"),
    Column("reason", "Reason", max_width=12),
    Column("article", "Legal basis", max_width=16),
    Column("link_honoured", "Link honoured", "bool"),
    Column("integration_score", "Integration score", "number", 2),
)
TOTAL_COLUMNS = (
    Column("member_state", "Member State"),
    Column("pledged", "Places pledged", "int"),
    Column("used", "Places used", "int"),
    Column("open", "Places open", "int"),
)
DEMO_COLUMNS = (Column("figure", "Figure", max_width=40), Column("value", "Value", "number", 3))


class Method(StrEnum):
    """Matching methods."""

    milp = "milp"
    greedy = "greedy"


def relocate_command(
    persons: Annotated[
        Path | None, typer.Argument(help="PERSONS.jsonl: one person to relocate per line")
    ] = None,
    places: Annotated[
        Path | None, typer.Option("--places", help='PLACES.json: {"DE": 120, ...} or a PLEDGES.json')
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the objective's tiers and the reasons")
    ] = False,
    method: Annotated[Method, typer.Option("--method")] = Method.milp,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the solver")] = 10.0,
    params_file: Annotated[
        Path | None,
        typer.Option("--params", help="JSON file of matching parameters (order, family_ineligible, ...)"),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="A year of weekly batches on a synthetic population")
    ] = False,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520)] = 52,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Match persons to relocate with the places pledged (AMMR Arts 57, 67): one answer per person."""
    try:
        params = replace(read_params(params_file) if params_file else MatchParams(), time_limit=time_limit)
        if demo:
            _demo(DemoSettings(weeks=weeks, seed=seed, params=params), fmt)
            return
        if persons is None or places is None:
            raise MigralexError("give PERSONS.jsonl and --places PLACES.json, or --demo")
        result = match_batch(read_persons(persons), read_places(places), params, method=method.value)
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    if fmt is Format.json:
        typer.echo(json.dumps({**result.to_dict(), "integration_score": PROVENANCE}, indent=1))
    elif fmt is Format.csv:
        typer.echo(result.assignments.write_csv(), nl=False)
    else:
        readable = [{**r, "reason": _words(r["reason"])} for r in result.assignments.rows(named=True)]
        _table(readable, ASSIGNMENT_COLUMNS, "Relocation: one answer per person")
        _table(result.totals(), TOTAL_COLUMNS, "Places per Member State of relocation (Art. 57(2))")
        console.print(
            f"relocated {result.relocated}, not relocated {result.unplaced}, links honoured "
            f"{result.links_honoured}; solver {result.method}: {result.status}, gap {result.gap:.2e}"
        )
        if explain:
            _explain(result.params)


def _demo(settings: DemoSettings, fmt: Format) -> None:
    """Print the demo's figures (JSON: exactly the six figures)."""
    figures = run(settings)
    if fmt is Format.json:
        typer.echo(json.dumps({k: figures[k] for k in DEMO_KEYS}))
        return
    rows = [{"figure": k, "value": figures[k]} for k in DEMO_KEYS]
    rows += [{"figure": k, "value": v} for k, v in figures["details"].items()]
    if fmt is Format.csv:
        typer.echo("figure,value\n" + "".join(f'{r["figure"]},"{r["value"]}"\n' for r in rows), nl=False)
        return
    readable = [
        {"figure": _words(r["figure"]) + (f": {_words(k)}" if k else ""), "value": v}
        for r in rows
        for k, v in (r["value"].items() if isinstance(r["value"], dict) else [("", r["value"])])
    ]
    _table(readable, DEMO_COLUMNS, f"Relocation demo: {settings.weeks} weekly batches, seed {settings.seed}")


def _table(rows: list[dict[str, Any]], columns: tuple[Column, ...], title: str) -> None:
    """Rows as a table that fits the terminal (plain headers, numbers formatted)."""
    if not rows:
        console.print(f"{title}: nothing")
        return
    print_table(console, rows, columns, title)


def _words(code: str) -> str:
    """A code name as words for the terminal (`link_not_honoured` -> `link not honoured`)."""
    return code.replace("_", " ")


def _explain(params: dict[str, Any]) -> None:
    """The tiers in their order, the reasons and the integration score's provenance."""
    for rank, tier in enumerate(params["order"], start=1):
        ref = TIERS[tier]
        console.print(f"{rank}. {tier}: {ref['meaning']} (AMMR Art. {ref['article']}({ref['paragraph']}))")
    for code, ref in REASONS.items():
        console.print(f"[dim]{code}[/]: {ref['meaning']} (AMMR Art. {ref['article']}({ref['paragraph']}))")
    console.print(f"[dim]integration score: {PROVENANCE['measure']}; {PROVENANCE['note']}[/]")


def register(app: typer.Typer) -> None:
    """Add `relocate` to the CLI."""
    app.command("relocate")(relocate_command)
