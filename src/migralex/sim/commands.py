"""`migralex simulate`: a shell over `migralex.sim.run_scenario` (no model logic here)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from migralex.countries import EU27
from migralex.errors import MigralexError
from migralex.sim.results import BREACHES, SimulationResult
from migralex.sim.scenario import scenario_names
from migralex.sim.stages import METRICS
from migralex.tables import Column, Format, print_table, write_rows


def register(app: typer.Typer) -> None:
    """Mount `simulate` on the `migralex` command."""
    app.command("simulate")(simulate_command)


console = Console()
err = Console(stderr=True)


SIM_COLUMNS = (
    Column("member_state", "Member State"),
    Column("arrivals", "Arrivals", "int"),
    Column("applications", "Applications", "int"),
    Column("border_procedure_peak", "Border procedure peak", "int"),
    Column("adequate_capacity", "Adequate capacity", "int"),
    Column("transfers_out", "Transfers out", "int"),
    Column("transfers_in", "Transfers in", "int"),
    Column("relocations_out", "Relocations out", "int"),
    Column("relocations_in", "Relocations in", "int"),
    Column("return_decisions", "Return decisions", "int"),
    Column("returns", "Returns", "int"),
    Column("breaches", "Time limits missed", "int"),
)


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per Member State and one for the Union ("EU"); breaches summed over their kinds."""
    rows = []
    for ms, entry in [*[(ms, summary["member_states"][ms]) for ms in EU27], ("EU", summary["union"])]:
        row: dict[str, Any] = {"member_state": ms}
        for c in SIM_COLUMNS[1:-1]:
            row[c.key] = entry.get(c.key, entry.get(f"{c.key}_sum"))
        breaches = entry["breaches"].values()
        row["breaches"] = sum(v["median"] if isinstance(v, dict) else v for v in breaches)
        rows.append(row)
    return rows


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV rows: a banded figure becomes three columns (`x` = median, `x_p5`, `x_p95`)."""
    flat = []
    for row in rows:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, dict):
                out |= {key: value["median"], f"{key}_p5": value["p5"], f"{key}_p95": value["p95"]}
            else:
                out[key] = value
        flat.append(out)
    return flat


def _print_summary(summary: dict[str, Any]) -> None:
    """The summary as tables that fit the terminal, and what "time limits missed" counts."""
    title = f"{summary['scenario']}: {summary['start']} + {summary['days']} days, {summary['runs']} run(s)"
    title += ", median [5–95 %]" if summary["runs"] > 1 else ""
    print_table(console, summary_rows(summary), SIM_COLUMNS, title)
    console.print(
        "Time limits missed: persons whose step came later than the law allows, summed over the kinds"
        " (--format json gives each kind):"
    )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for kind in BREACHES:
        grid.add_row("•", METRICS[kind])
    console.print(grid)
    if summary.get("adequate_capacity_note"):
        console.print(summary["adequate_capacity_note"])
    from migralex.sim.returns import print_returns  # after the return decision (sim/returns.py)

    print_returns(console, summary)
    if "temporary_protection_end" in summary:
        _print_tp_end(summary["temporary_protection_end"])
    if "resettled" in summary["union"]:
        _print_resettled(summary)


def _print_tp_end(section: dict[str, Any]) -> None:
    """The transitions at the end of temporary protection (`sim.tp_end`), whole population."""
    from migralex.sim.tp_end import summary_rows as tp_rows

    columns = (
        Column("member_state", "Member State"),
        Column("international_protection", "Asylum", "int"),
        Column("national_permit", "National permit", "int"),
        Column("return", "Return", "int"),
        Column("onward_movement", "Onward", "int"),
        Column("no_recorded_status", "No status", "int"),
    )
    title = f"End of temporary protection on {section['end_date']} (stock {section['stock_month']})"
    print_table(console, tp_rows(section), columns, title)
    console.print(f"Basis: {section['basis']}. The shares are assumptions (see the scenario file).")
    if "accounting" in section:  # the simulated applications: registered, or waiting for registration
        acc = section["accounting"]
        rows = [{"member_state": ms, **v} for ms, v in acc["member_states"].items()]
        acc_columns = (
            Column("member_state", "Member State"),
            Column("simulated", "Applications in the run", "int"),
            Column("registered", "Registered", "int"),
            Column("waiting_registration", "Waiting for registration", "int"),
        )
        title = "Applications at the end of temporary protection: registered (APR Art. 27) or waiting"
        print_table(console, [*rows, {"member_state": "EU", **acc["union"]}], acc_columns, title)


def _print_resettled(summary: dict[str, Any]) -> None:
    """Resettled persons of the run (`sim.resettlement`): per Member State, not applications."""
    rows = [{"member_state": ms, "resettled": e["resettled"]} for ms, e in summary["member_states"].items()]
    rows = [
        r for r in rows if (r["resettled"]["median"] if isinstance(r["resettled"], dict) else r["resettled"])
    ]
    columns = (Column("member_state", "Member State"), Column("resettled", "Resettled", "int"))
    title = "Resettled persons arriving with protection decided (not applications)"
    print_table(
        console, [*rows, {"member_state": "EU", "resettled": summary["union"]["resettled"]}], columns, title
    )
    console.print(summary["figures"]["resettled"])


def _outside(scenario: str, days: int) -> list[str]:
    """Shocks and crises of the scenario that start after the run's last day."""
    from migralex.sim.scenario import events_outside, load_scenario

    try:
        return events_outside(load_scenario(scenario), days)
    except MigralexError:
        return []


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


def _export_persons(result: SimulationResult, out: Path, seed: int, n: int) -> None:
    """`n` applicants of the run drawn with `seed`, written as cases and outcomes (`_write_persons`)."""
    chosen = np.random.default_rng(seed).choice(
        result.applicants(), size=min(n, len(result.applicants())), replace=False
    )
    _write_persons(out, result.export_persons(np.sort(chosen)))


def _warn_outside(scenario: str, days: int) -> None:
    """A warning on stderr for each shock or crisis that starts after the run's last day."""
    for warning in _outside(scenario, days):
        err.print(f"[bold yellow]warning:[/] {warning}")


def _show(summary: dict[str, Any], fmt: Format, written: dict[str, Path] | None) -> None:
    """The summary as JSON, CSV or tables; with tables, the files written (`--out`)."""
    if fmt is Format.json:
        console.print_json(json.dumps(summary, ensure_ascii=False))
    elif fmt is Format.csv:
        write_rows(_flat(summary_rows(summary)), fmt)
    else:
        _print_summary(summary)
        if written is not None:
            console.print(f"written: {', '.join(str(p) for p in written.values())}")


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
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json (the summary)")] = Format.table,
    export_persons: Annotated[
        int, typer.Option(help="with --out, one run: N simulated persons as cases (persons.jsonl), outcomes")
    ] = 0,
) -> None:
    """Follow every applicant through the Pact, day by day; a year in seconds, with uncertainty."""
    from migralex.sim.montecarlo import run_scenario  # numba and the data load only when simulating

    started = time.perf_counter()

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
            _export_persons(result, out, seed, export_persons)
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    summary = result.summary()
    _warn_outside(scenario, summary["days"])
    _show(summary, fmt, result.paths if out is not None else None)
    if not err.is_terminal:
        err.print(
            f"{summary['runs']} run(s) of {summary['days']} days in {time.perf_counter() - started:.1f} s"
        )
