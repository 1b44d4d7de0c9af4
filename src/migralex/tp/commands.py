"""`migralex tp stock`: beneficiaries of temporary protection per Member State and month."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from migralex.errors import MigralexError
from migralex.tables import Column, Format, print_table, write_rows
from migralex.tp.stock import BASIS, caveats, make_query, source, stock

app = typer.Typer(no_args_is_help=True, help="Temporary protection (Directive 2001/55/EC).")
console = Console()
err = Console(stderr=True)

STOCK_COLUMNS = (
    Column("month", "Month"),
    Column("member_state", "Member State"),
    Column("beneficiaries", "Beneficiaries", "int"),
    Column("per_100k", "Per 100,000", "number", 0),
    Column("share_of_union", "Union share", "percent", 1),
    Column("flag", "Flag"),
)


@app.command("stock")
def stock_command(
    member_state: Annotated[
        list[str] | None, typer.Option("--member-state", "-m", help="ISO code (repeat; default: EU27)")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First month, YYYY-MM")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last month, YYYY-MM")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="Only each Member State's latest month")] = False,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Beneficiaries of temporary protection at the end of each month (Eurostat migr_asytpsm)."""
    try:
        frame = stock(make_query(member_state, since, until, latest))
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from None
    rows = frame.to_dicts()
    if fmt is not Format.table:
        write_rows(rows, fmt, [*STOCK_COLUMNS, Column("population_year", "Population year")])
        return
    print_table(console, rows, STOCK_COLUMNS, "Beneficiaries of temporary protection (end of month)")
    console.print(f"Source: {escape(source())}. Counts in the cycle as {BASIS}.", soft_wrap=False)
    for note in caveats():
        console.print(f"- {escape(note)}")
