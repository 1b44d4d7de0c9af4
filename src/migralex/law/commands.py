"""`migralex law ...`, `migralex deadline` and `migralex overview`: shells over `migralex.law`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from migralex.errors import MigralexError
from migralex.law.acts import acts, governing_regime, resolve_act
from migralex.law.dates import parse_date
from migralex.law.params import params
from migralex.law.participation import table_rows
from migralex.law.texts import act_label, article, search
from migralex.law.timelimits import deadline
from migralex.tables import Column, print_table, write_rows
from migralex.tables import Format as TableFormat

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")
console = Console()
err = Console(stderr=True)


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def fail(exc: Exception) -> typer.Exit:
    """Print a migralex error in red on stderr and return the exit to raise."""
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


@app.command("acts")
def acts_command(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """List the acts with CELEX, ELI and date of application."""
    rows = [
        {
            "act": a.key,
            "title": a.title,
            "celex": a.celex,
            "eli": a.eli,
            "applies_from": a.applies_from.isoformat(),
            "applies_until": a.applies_until.isoformat() if a.applies_until else None,
        }
        for a in acts()
    ]
    if fmt is TableFormat.csv:
        write_rows(rows, fmt)
        return
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="Acts", show_lines=False)
    for col in ("act", "celex", "applies from", "title"):
        table.add_column(col, style="bold cyan" if col == "act" else None)
    for r in rows:
        until = f" – {r['applies_until']}" if r["applies_until"] else ""
        table.add_row(r["act"], r["celex"], f"{r['applies_from']}{until}", r["title"])
    console.print(table)


PARTICIPATION_COLUMNS = (
    Column("state", "State"),
    Column("act", "Act"),
    Column("binds", "Bound by", max_width=16),
    Column("why", "Why (legal basis)", max_width=38),
)


@app.command("participation")
def participation_command(
    state: Annotated[str | None, typer.Option("--state", help="One State, e.g. DK, IE, CH")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
) -> None:
    """Who is bound by which act: Denmark, Ireland, CH, IS, LI, NO (law/participation.yaml)."""
    try:
        rows = table_rows(state=state)
    except MigralexError as exc:
        raise fail(exc) from None
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if fmt is TableFormat.csv:
        write_rows(rows, fmt)
        return
    shown = [{**r, "binds": ", ".join(r["parts"]) if r["binds"] == "parts" else r["binds"]} for r in rows]
    title = "Who is bound (every other Member State: by every act)"
    print_table(console, shown, PARTICIPATION_COLUMNS, title)


@app.command("show")
def show_command(
    act: Annotated[
        str,
        typer.Argument(help="Act: AMMR, APR, SR, CFMR, RBPR, RCD, QR, URF, Eurodac, Dublin III"),
    ],
    number: Annotated[str, typer.Argument(help="Article number")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Print one article with its title."""
    try:
        a = article(act, number)
    except MigralexError as exc:
        raise fail(exc) from None
    if fmt is Format.json:
        typer.echo(
            json.dumps(
                {
                    "act": a.act,
                    "article": a.number,
                    "title": a.title,
                    "text": a.text,
                    "official": a.official,
                },
                indent=2,
            )
        )
        return
    body = a.text.split("\n", 1)[1] if a.text.startswith(a.title) and "\n" in a.text else a.text
    note = "" if a.official else "\n\n[italic]Summary by migralex, not the official text.[/]"
    console.print(Panel(body.strip() + note, title=f"[bold]{a.citation}[/] — {a.title}", expand=False))


SEARCH_COLUMNS = (
    Column("citation", "Article"),
    Column("title", "Title", max_width=20),
    Column("snippet", "Where the words are", max_width=36),
)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words to find, e.g. "20 months"')],
    act: Annotated[str | None, typer.Option("--act", help="Search one act only")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
) -> None:
    """Find articles by their text."""
    try:
        hits = search(query, act)
    except (MigralexError, ValueError) as exc:
        raise fail(exc) from None
    rows = [
        {
            "act": h.article.act,
            "article": h.article.number,
            "citation": h.article.citation,
            "title": h.article.title,
            "matches": h.matches,
            "snippet": h.snippet,
        }
        for h in hits
    ]
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if fmt is TableFormat.csv:
        write_rows(rows, fmt)
        return
    if not hits:
        console.print(f"No article contains {query!r}.")
        raise typer.Exit(code=1)
    print_table(console, rows, SEARCH_COLUMNS, f"Articles containing {query!r}")


@app.command("params")
def params_command(
    act: Annotated[str | None, typer.Option("--act", help="Only this act's parameters")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Show the value in force on this date")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
) -> None:
    """List the dated legal parameters with their references."""
    try:
        wanted = resolve_act(act).key if act else None
        date = parse_date(on, field="--on") if on else None
    except MigralexError as exc:
        raise fail(exc) from None
    rows = []
    for p in params().values():
        if wanted and p.ref.act != wanted:
            continue
        values = p.values
        if date is not None:
            values = tuple(v for v in values if v.start <= date)[-1:]
            if not values:
                continue
        for v in values:
            rows.append(
                {
                    "name": p.name,
                    "kind": p.kind,
                    "value": v.value,
                    "unit": p.unit,
                    "boundary": p.boundary,
                    "from": v.start.isoformat(),
                    "reference": v.ref.cite(),
                    "quote": v.quote,
                    "confidence": v.confidence,
                    "description": p.description,
                }
            )
    if fmt is TableFormat.csv:
        write_rows(rows, fmt)
        return
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    by_name = params()
    shown = []
    for r in rows:
        p = by_name[str(r["name"])]
        value = p.describe_value(next(v for v in p.values if v.start.isoformat() == r["from"]))
        bound = {"more_than": "> ", "at_least": "≥ ", "less_than": "< ", "at_most": "≤ "}.get(p.boundary, "")
        tag = PARAM_TAGS.get(str(r["confidence"]), "")
        shown.append({**r, "shown": f"{bound}{value}\nfrom {r['from']}", "basis": f"{r['reference']}{tag}"})
    caption = (
        "reading: migralex's reading of a text open to more than one (change it with --set NAME=VALUE); "
        "secondary: the act's text is not shipped, the value is from the secondary source named."
    )
    print_table(console, shown, PARAMS_COLUMNS, f"{len(rows)} dated legal parameters", caption=caption)


PARAMS_COLUMNS = (
    Column("name", "Parameter", max_width=30),
    Column("shown", "Value", max_width=17),
    Column("basis", "Legal basis", max_width=20),
)
#: How a value's confidence is shown after its reference (the act's own text: nothing added).
PARAM_TAGS = {"READING": " (reading)", "SECONDARY": " (secondary)"}


@app.command("regime")
def regime_command(
    registered: Annotated[str, typer.Option("--registered", help="Date of first registration")],
    lodged: Annotated[str | None, typer.Option("--lodged", help="Date of lodging")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Which regime governs a case (AMMR Art. 84(2); APR Art. 79(3))."""
    try:
        r = governing_regime(
            parse_date(registered, field="--registered"),
            parse_date(lodged, field="--lodged") if lodged else None,
        )
    except MigralexError as exc:
        raise fail(exc) from None
    data = {
        "responsibility": r.responsibility,
        "responsibility_basis": r.responsibility_basis,
        "procedure": r.procedure,
        "procedure_basis": r.procedure_basis,
    }
    if fmt is Format.json:
        typer.echo(json.dumps(data, indent=2))
        return
    console.print(f"[bold]Responsibility:[/] {act_label(r.responsibility)} — {r.responsibility_basis}")
    console.print(f"[bold]Procedure:[/] {r.procedure} — {r.procedure_basis}")


def deadline_command(
    start: Annotated[str, typer.Argument(help="Day of the event (ISO date)")],
    period: Annotated[
        str, typer.Argument(help="'N days', 'N working days', 'N weeks', 'N months', 'N years'")
    ],
    member_state: Annotated[str, typer.Option("--member-state", "-m", help="Member State concerned")],
    act: Annotated[str, typer.Option("--act", help="Act whose calculus applies: AMMR, APR or RBPR")] = "AMMR",
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Compute a time limit (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11) and say why."""
    try:
        d = deadline(parse_date(start, field="start"), period, member_state, act)
    except MigralexError as exc:
        raise fail(exc) from None
    if fmt is Format.json:
        typer.echo(json.dumps(d.to_dict()))
        return
    console.print(
        f"[bold green]{d.date.isoformat()}[/]  ({d.period} from {d.start.isoformat()}, {d.member_state})"
    )
    for step in d.reason.split("; "):
        console.print(f"  • {step}")


def overview_command() -> None:
    """The law and data overview: acts, parameters and shipped datasets."""
    from migralex.data import catalog

    console.rule("[bold]migralex[/] — the EU Pact on Migration and Asylum, executable")
    acts_command(TableFormat.table)
    ps = params()
    by_act: dict[str, int] = {}
    for p in ps.values():
        by_act[p.ref.act] = by_act.get(p.ref.act, 0) + 1
    console.print(
        f"[bold]{len(ps)}[/] dated legal parameters, each with act, article, paragraph and quote: "
        + ", ".join(f"{act_label(k)} {v}" for k, v in by_act.items())
    )
    from dataclasses import asdict

    from migralex.data.commands import LIST_COLUMNS

    print_table(console, [asdict(info) for info in catalog()], LIST_COLUMNS, "Shipped datasets")
    d = deadline("2026-08-31", "1 month", "IT")
    console.print(f'Example: [bold]migralex deadline 2026-08-31 "1 month" --member-state IT[/] → {d.date}')
    console.print(
        'Try: [bold]migralex law show AMMR 33[/], [bold]migralex law search "20 months"[/], '
        "[bold]migralex law params --act APR[/], [bold]migralex data list[/]"
    )
