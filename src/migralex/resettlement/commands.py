"""`migralex resettlement`: URF Art. 9 admission deadlines, the Union Plan, the simulated inflow."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from migralex.errors import MigralexError
from migralex.law.commands import fail
from migralex.law.dates import parse_date
from migralex.resettlement.service import deadlines_answer, inflow_answer, plan_answer
from migralex.tables import Column, Format, print_table, write_rows

console = Console(width=80)
app = typer.Typer(
    help="Resettlement (URF, Reg. 2024/1350): deadlines, Union Plan, inflow.", no_args_is_help=True
)

DEADLINE_COLUMNS = [
    Column("deadline", "Deadline"),
    Column("date", "Last day"),
    Column("runs_from", "Runs from"),
    Column("basis", "Basis"),
]


PLAN_LABELS = {
    "plan": "Plan",
    "basis": "Basis",
    "start": "From",
    "end": "To",
    "adopted_total": "Adopted total (persons)",
    "member_states_participating": "Member States taking part",
    "proposed_total": "Commission proposal (persons)",
    "source": "Source",
}


@app.command("deadlines")
def deadlines_command(
    registered: Annotated[str, typer.Option("--registered", help="Date of registration (ISO)")],
    member_state: Annotated[str, typer.Option("--member-state", "-m", help="Member State admitting")],
    concluded: Annotated[
        str | None, typer.Option("--concluded", help="Date of the conclusion, for the entry deadline")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
) -> None:
    """Admission procedure time limits (URF Art. 9(9), (10), (20))."""
    try:
        answer = deadlines_answer(
            parse_date(registered, field="--registered"),
            member_state,
            parse_date(concluded, field="--concluded") if concluded else None,
        )
    except MigralexError as exc:
        raise fail(exc) from None
    _emit(answer, answer["deadlines"], DEADLINE_COLUMNS, fmt, "URF Art. 9 admission deadlines")


@app.command("plan")
def plan_command(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """The 2026-2027 Union Resettlement and Humanitarian Admission Plan as shipped (URF Art. 8)."""
    answer = plan_answer()
    rows = [{"item": label, "value": answer[key]} for key, label in PLAN_LABELS.items()]
    _emit(answer, rows, [Column("item", "Item"), Column("value", "Value", max_width=56)], fmt, "Union Plan")


@app.command("inflow")
def inflow_command(
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Scenario with a resettlement block")] = (
        "resettlement-2026-2027"
    ),
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Resettled persons per Member State over a scenario's window (sim/resettlement.py)."""
    try:
        answer = inflow_answer(scenario)
    except MigralexError as exc:
        raise fail(exc) from None
    cols = [Column("member_state", "Member State"), Column("resettled", "Resettled", "int")]
    _emit(answer, answer["member_states"], cols, fmt, "Resettled persons")


def _emit(
    answer: dict[str, Any], rows: list[dict[str, Any]], cols: list[Column], fmt: Format, title: str
) -> None:
    if fmt is Format.json:
        typer.echo(json.dumps(answer, indent=1, ensure_ascii=False, default=str))
        return
    if fmt is Format.csv:
        write_rows(rows, fmt, cols)
        return
    print_table(console, rows, cols, title)
    for note in answer.get("notes", []):
        console.print(f"[dim]{note}[/]", highlight=False)


def register(root: typer.Typer) -> None:
    """Mount `resettlement` on the `migralex` command."""
    root.add_typer(app, name="resettlement")
