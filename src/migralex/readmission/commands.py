"""`migralex readmission --year Y`: the countries for which a visa-suspension ground is met, and why."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from migralex.errors import MigralexError
from migralex.law.commands import fail
from migralex.law.dates import parse_date
from migralex.readmission.triggers import report
from migralex.tables import Column, Format, print_table, write_rows

console = Console(width=80)

COLUMNS = [
    Column("citizenship", "Code"),
    Column("name", "Country", max_width=18),
    Column("visa_status", "Visa"),
    Column("applications", "Applications", "int"),
    Column("change", "Change", "percent"),
    Column("recognition_rate", "Recognition rate", "percent"),
    Column("trigger_met", "Ground met", "bool"),
]


def _reason_lines(row: dict[str, Any]) -> list[str]:
    lines = []
    for r in row["reasons"]:
        if r["met"] is None:
            continue
        value = "n/a" if r["value"] is None else f"{r['value']:.1%}"
        mark = "met" if r["met"] else "not met"
        lines.append(
            f"  {row['citizenship']}: {r['indicator']} {value}, threshold {r['threshold']}"
            f" ({r['article']}) - {mark}"
        )
    return lines


def readmission_command(
    year: Annotated[int, typer.Option("--year", "-y", help="Year of the indicators (applications Y vs Y-1)")],
    all_countries: Annotated[
        bool, typer.Option("--all", help="Every third country, not only those meeting a ground")
    ] = False,
    min_applications: Annotated[
        int, typer.Option("--min-applications", min=0, help="Noise floor (an analyst's choice, not law)")
    ] = 100,
    on: Annotated[
        str | None, typer.Option("--on", help="Thresholds in force on this date (default today)")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
) -> None:
    """Visa suspension mechanism indicators (Reg. 2018/1806 Art. 8): an analyst's aid."""
    try:
        when = parse_date(on, field="--on") if on else None
        answer = report(year, on=when, all_countries=all_countries, min_applications=min_applications)
    except MigralexError as exc:
        raise fail(exc) from None
    rows = answer["countries"]
    if fmt is Format.json:
        typer.echo(json.dumps(answer, indent=1, ensure_ascii=False, default=str))
        return
    if fmt is Format.csv:
        write_rows(rows, fmt, [*COLUMNS, Column("rate_year", "Rate year"), Column("why", "Why")])
        return
    what = "every third country" if all_countries else "countries meeting a ground"
    print_table(console, rows, COLUMNS, f"Readmission leverage {year}: {what}", key=2)
    console.print(f"Thresholds in force on {answer['thresholds_on']}.", highlight=False)
    if not rows:
        console.print(
            f"No visa-exempt country meets a ground in {year} ({answer['visa_exempt_assessed']} assessed)."
        )
    for row in rows if not all_countries else []:
        for line in _reason_lines(row):
            console.print(line, highlight=False, soft_wrap=True)
    for note in [answer["disclaimer"], *answer["notes"]]:
        console.print(f"[dim]{note}[/]", highlight=False)


def register(root: typer.Typer) -> None:
    """Mount `readmission` on the `migralex` command."""
    root.command("readmission")(readmission_command)
