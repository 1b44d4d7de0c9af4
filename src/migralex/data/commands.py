"""`migralex data ...`: list the shipped tables and show their rows."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape

from migralex.data.catalog import catalog, info
from migralex.data.load import load
from migralex.errors import MigralexError
from migralex.tables import Column, Format, print_table, write_rows

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")
console = Console()
err = Console(stderr=True)


class ListFormat(StrEnum):
    """Output formats of `data list`."""

    table = "table"
    csv = "csv"
    json = "json"


class ShowFormat(StrEnum):
    """Output formats of `data show`."""

    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: Exception) -> typer.Exit:
    """Print a migralex error in red on stderr and return the exit to raise."""
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


@app.command("list")
def list_command(fmt: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table) -> None:
    """List the shipped tables: publisher, coverage, rows and the main caveat."""
    entries = catalog()
    if fmt is ListFormat.json:
        typer.echo(json.dumps([asdict(entry) for entry in entries], indent=2, ensure_ascii=False))
        return
    if fmt is ListFormat.csv:
        write_rows([asdict(entry) for entry in entries], Format.csv)
        return
    rows = [asdict(entry) for entry in entries]
    print_table(console, rows, LIST_COLUMNS, "Shipped data (migralex data show NAME)")
    console.print("[bold]The main caveat of each table[/]")
    for entry in entries:
        console.print(f"• [bold]{entry.name}[/]: {escape(entry.caveats[0])}", highlight=False)


LIST_COLUMNS = (
    Column("name", "Name", max_width=27),
    Column("publisher", "Publisher", max_width=14),
    Column("coverage", "Coverage", max_width=16),
    Column("rows", "Rows", "int"),
)


@app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Table name (see `migralex data list`)")],
    limit: Annotated[int, typer.Option("--limit", min=0, help="Rows to show; 0 for all")] = 20,
    fmt: Annotated[ShowFormat, typer.Option("--format")] = ShowFormat.table,
) -> None:
    """Show the first rows of a table (as a table, CSV or JSON records)."""
    try:
        entry = info(name)
        frame = load(name)
    except MigralexError as exc:
        raise _fail(exc) from None
    rows = frame.head(limit) if limit else frame
    if fmt is ShowFormat.csv:
        typer.echo(rows.write_csv(), nl=False)
        return
    if fmt is ShowFormat.json:
        typer.echo(rows.write_json())
        return
    columns = [_show_column(name, rows[name].dtype) for name in rows.columns]
    codes = [c.key for c in columns if c.kind == "text" and rows[c.key].dtype.is_integer()]
    rows = rows.with_columns(pl.col(codes).cast(pl.String))  # a year is 2024, not 2,024
    title = f"{entry.name}: {entry.title}"
    print_table(console, rows.to_dicts(), columns, title, caption=_caption(entry.rows, rows.height))
    for caveat in entry.caveats:
        console.print(f"[dim]• {caveat}[/]")


def _show_column(name: str, dtype: Any) -> Column:
    """A column of a shipped table: numbers right-aligned with separators, years and codes as written."""
    if dtype == pl.Boolean:
        return Column(name, name, "bool")
    if dtype.is_integer() and ("year" in name or name in CODE_COLUMNS):
        return Column(name, name)
    if dtype.is_numeric():
        return Column(name, name, "number", 4 if dtype.is_float() else 1)
    return Column(name, name, max_width=24)


#: Integer columns that are codes, not quantities (written without thousands separators).
CODE_COLUMNS = {"m49", "month", "week", "day"}


def _caption(total: int, shown: int) -> str:
    """'first N of M rows' or 'all M rows'."""
    return f"all {total:,} rows" if shown == total else f"first {shown:,} of {total:,} rows"
