"""`migralex simulate`: a shell over `migralex.sim.run_scenario` (no model logic here)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from migralex.countries import EU27
from migralex.errors import MigralexError
from migralex.sim.scenario import scenario_names


def register(app: typer.Typer) -> None:
    """Mount `simulate` on the `migralex` command."""
    app.command("simulate")(simulate_command)


console = Console()
err = Console(stderr=True)


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def _value(v: Any) -> str:
    if isinstance(v, dict):
        return f"{v['median']:,.0f} [{v['p5']:,.0f}–{v['p95']:,.0f}]"
    return f"{v:,.0f}"


def _table(summary: dict[str, Any]) -> Table:
    cols = ("arrivals", "applications", "border_procedure_peak", "adequate_capacity", "transfers_out",
            "transfers_in", "relocations_out", "relocations_in", "return_decisions", "returns")  # fmt: skip
    title = f"{summary['scenario']}: {summary['start']} + {summary['days']} days, {summary['runs']} run(s)"
    table = Table(title=title + (" — median [5–95 %]" if summary["runs"] > 1 else ""))
    table.add_column("MS")
    for c in (*cols, "breaches"):
        table.add_column(c.replace("_", " "), justify="right")
    rows = [(ms, summary["member_states"][ms]) for ms in EU27]
    for ms, entry in [*rows, ("EU", summary["union"])]:
        breaches = entry["breaches"]
        total = sum(v["median"] if isinstance(v, dict) else v for v in breaches.values())
        values = [_value(entry.get(c, entry.get(f"{c}_sum", 0))) for c in cols]
        table.add_row(ms, *values, f"{total:,.0f}")
    return table


def _write_persons(out: Path, persons: list[dict[str, Any]]) -> None:
    """persons.jsonl: one case a line, ready for `migralex decide`; persons-outcomes.jsonl: what happened."""
    with (
        (out / "persons.jsonl").open("w", encoding="utf-8") as cases,
        (out / "persons-outcomes.jsonl").open("w", encoding="utf-8") as outcomes,
    ):
        for person in persons:
            cases.write(json.dumps(person["case"], ensure_ascii=False) + "\n")
            outcome = {"id": person["case"]["id"], **person["simulated"]}
            outcomes.write(json.dumps(outcome, ensure_ascii=False) + "\n")


def simulate_command(
    scenario: Annotated[
        str, typer.Option("--scenario", "-s", help=f"one of {', '.join(scenario_names())}, or a YAML file")
    ] = "baseline",
    days: Annotated[int | None, typer.Option(help="days to simulate (default: the scenario's)")] = None,
    seed: Annotated[int, typer.Option(help="root seed (runs get SeedSequence(seed).spawn(runs))")] = 0,
    runs: Annotated[int, typer.Option(help="Monte-Carlo runs (medians and 5-95 % bands)")] = 1,
    scale: Annotated[float | None, typer.Option(help="share of the population simulated (0-1]")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: all cores)")] = None,
    dask: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT, or 'local'")] = None,
    out: Annotated[Path | None, typer.Option(help="write Parquet tables and summary.json here")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json (the summary)")] = Format.table,
    export_persons: Annotated[
        int, typer.Option(help="with --out, one run: N simulated persons as cases (persons.jsonl), outcomes")
    ] = 0,
) -> None:
    """Follow every applicant through the Pact, day by day; a year in seconds, with uncertainty."""
    from migralex.sim.montecarlo import run_scenario  # numba and the data load only when simulating

    try:
        with Progress(
            TextColumn("[bold]simulating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=runs == 1,
        ) as progress:
            task = progress.add_task("runs", total=runs)
            result = run_scenario(
                scenario,
                days=days,
                seed=seed,
                runs=runs,
                progress_callback=lambda done, total: progress.update(task, completed=done, total=total),
                scale=scale,
                workers=workers,
                dask=dask,
                out=out,
                keep_persons=export_persons > 0,
            )
        if export_persons and out is not None:
            chosen = np.random.default_rng(seed).choice(
                result.applicants(), size=min(export_persons, len(result.applicants())), replace=False
            )
            _write_persons(out, result.export_persons(np.sort(chosen)))
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    summary = result.summary()
    if fmt is Format.json:
        console.print_json(json.dumps(summary, ensure_ascii=False))
        return
    console.print(_table(summary))
    if out is not None:
        console.print(f"written: {', '.join(str(p) for p in result.paths.values())}")
