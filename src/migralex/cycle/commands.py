"""`migralex solidarity [offsets]`, `migralex capacity`, `migralex cycle`: shells over `migralex.cycle`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from migralex.cycle.capacity import capacity, parse_years
from migralex.cycle.offsets import evaluate_pledges
from migralex.cycle.pledges import read_pledges
from migralex.cycle.pool import fair_shares, pool_size
from migralex.cycle.pressure import load_settings
from migralex.cycle.provenance import Result, jsonable
from migralex.cycle.reference_key import cycle_reference_key
from migralex.cycle.report import FILES, write_cycle
from migralex.cycle.summary import assess_situation, run_cycle
from migralex.cycle.timeline import Cycle
from migralex.data import load
from migralex.errors import InvalidInput, MigralexError
from migralex.law.params import params
from migralex.tables import Column, Format, cell, print_table
from migralex.wording import in_plain_words

console = Console()
err = Console(stderr=True)

SOLIDARITY_COLUMNS = (
    Column("member_state", "Member State"),
    Column("population", "Population", "int"),
    Column("gdp_eur", "GDP (EUR million)", "eur_million", 0),
    Column("share", "Key share", "share"),
    Column("relocations", "Fair share: relocations", "int"),
    Column("financial_eur", "or EUR", "int"),
)
CAPACITY_COLUMNS = (
    Column("member_state", "Member State"),
    Column("irregular_crossings", "Irregular crossings", "int"),
    Column("sar_arrivals", "SAR arrivals", "int"),
    Column("refusals_of_entry", "Refusals of entry", "int"),
    Column("adequate_capacity", "Adequate capacity", "int"),
)
OFFSET_COLUMNS = (
    Column("member_state", "Member State"),
    Column("fair_share_relocations", "Fair share (relocations)", "int"),
    Column("pledged_relocations", "Pledged relocations", "int"),
    Column("pledged_value_eur", "Pledged value (EUR million)", "eur_million"),
    Column("meets_fair_share", "Meets fair share", "bool"),
    Column("relocations_to_implement", "To implement", "int"),
    Column("may_offer_offsets", "May offer offsets", "bool"),
    Column("mandatory_offsets", "Mandatory offsets", "int"),
    Column("offsets_after_year", "Offsets after the year", "int"),
)


def _fail(exc: Exception) -> typer.Exit:
    """Print a migralex error in red on stderr and return the exit to raise."""
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


def _ordered(frame: pl.DataFrame, first: tuple[str, ...]) -> pl.DataFrame:
    """`frame` with the `first` columns first, then the others."""
    head = [c for c in first if c in frame.columns]
    return frame.select(*head, *[c for c in frame.columns if c not in head])


def _emit(
    result: Result, columns: tuple[Column, ...], fmt: Format, extra: dict[str, Any], title: str
) -> None:
    """Print a result as JSON (with provenance), CSV (all columns) or tables (the main columns) and notes."""
    frame = _ordered(result.frame, tuple(c.key for c in columns))
    if fmt is Format.json:
        typer.echo(json.dumps(jsonable({**extra, **result.to_dict(), "rows": frame.to_dicts()}), indent=1))
        return
    if fmt is Format.csv:
        typer.echo(frame.write_csv(), nl=False)
        return
    print_table(console, frame.to_dicts(), columns, title)
    _bullets(in_plain_words(note) for note in dict.fromkeys(result.notes))


def _bullets(lines: Iterable[str], prefix: str = "•") -> None:
    """Notes with a hanging indent (wrapped lines start under the text, not at the margin)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row(prefix, escape(line))
    console.print(grid)


YearOpt = Annotated[
    int | None, typer.Option("--year", help="Cycle year Y: the Commission's acts of 15 October Y")
]
MemberSetOpt = Annotated[
    str | None,
    typer.Option(
        "--member-set", help="bound_by_ammr (default), eu27, or a comma-separated list of Member States"
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format")]

solidarity_app = typer.Typer(
    help="Reference key and fair shares of the Annual Solidarity Pool (AMMR Arts 12, 57, 66); offsets.",
    rich_markup_mode="rich",
)


@solidarity_app.callback(invoke_without_command=True)
def solidarity_command(
    ctx: typer.Context,
    year: YearOpt = None,
    relocations: Annotated[
        int | None, typer.Option(help="Relocations in the pool (default: the minimum)")
    ] = None,
    financial: Annotated[
        int | None, typer.Option(help="Euro in the pool (the ratio of Art. 12(3) is kept)")
    ] = None,
    member_set: MemberSetOpt = None,
    population_year: Annotated[int | None, typer.Option(help="Population on 1 January of this year")] = None,
    gdp_year: Annotated[int | None, typer.Option(help="GDP of this year")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Fair shares of the pool proposed in cycle --year (for the pool of the year after).

    --year Y is the year of the Commission proposal (15 October Y) for the pool of Y + 1; it uses
    the latest data available then: population on 1 January Y and GDP of Y - 1, or the latest
    shipped years before them (the output says which).
    """
    if ctx.invoked_subcommand is not None:
        return
    if year is None:
        raise _fail(InvalidInput("--year", "required (the cycle year, e.g. --year 2025)"))
    try:
        cycle = Cycle(year)
        key = cycle_reference_key(cycle, member_set, population_year=population_year, gdp_year=gdp_year)
        pool = pool_size(relocations, financial, on=cycle.proposal_date)
        result = fair_shares(key, pool)
    except MigralexError as exc:
        raise _fail(exc) from None
    extra = {
        "cycle_year": cycle.year,
        "pool_year": cycle.pool_year,
        "population_date": result.figure("population_date").value,
        "gdp_year": result.figure("gdp_year").value,
        "pool": pool.to_dict(),
    }
    _emit(result, SOLIDARITY_COLUMNS, fmt, extra, f"Fair shares of the pool for {cycle.pool_year}")


@solidarity_app.command("offsets")
def offsets_command(
    pledges: Annotated[Path, typer.Option("--pledges", help="PLEDGES.json (see docs/cycle.md)")],
    year: YearOpt = None,
    member_set: MemberSetOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Evaluate pledges against the fair shares: deductions and offsets (AMMR Arts 60-63), and why."""
    try:
        document = read_pledges(pledges)
        cycle_year = year or document.cycle_year
        if cycle_year is None:
            raise InvalidInput("--year", "give --year or cycle_year in the pledges file")
        cycle = Cycle(cycle_year)
        key = cycle_reference_key(cycle, member_set)
        pool = pool_size(document.reference_relocations, on=cycle.proposal_date)
        result = evaluate_pledges(fair_shares(key, pool), pool, document, on=cycle.pool_end)
    except MigralexError as exc:
        raise _fail(exc) from None
    extra = {"cycle_year": cycle.year, "pool_year": cycle.pool_year, "pool": pool.to_dict()}
    _emit(result, OFFSET_COLUMNS, fmt, extra, f"Pledges and offsets, pool of {cycle.pool_year}")
    if fmt is Format.table:
        console.print("\n[bold]Why, per Member State[/]")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for row in result.frame.select("member_state", "explanation").iter_rows(named=True):
            grid.add_row(row["member_state"], escape(in_plain_words(row["explanation"])))
        console.print(grid)
        console.print("\n[bold]The pool[/]")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for figure in result.figures:
            kind = "percent" if "threshold" in figure.name else "number"
            value = cell(jsonable(figure.value), kind, 0)
            grid.add_row(
                figure.name.replace("_", " ").capitalize(), f"{value} ({in_plain_words(figure.basis)})"
            )
        console.print(grid)


def default_capacity_years() -> tuple[int, int]:
    """The data years of the latest APR Art. 47(5) act whose three years the shipped data cover."""
    last = int(load("refusals_of_entry")["year"].max())  # type: ignore[arg-type]
    act = Cycle(last + 1).capacity_act_year()
    interval = int(params()["apr.border.capacity_act_interval"].values[-1].value)
    while Cycle(act).capacity_years()[1] > last:
        act -= interval
    return Cycle(act).capacity_years()


def capacity_command(
    years: Annotated[str | None, typer.Option("--years", help="Data years, e.g. 2021-2023")] = None,
    input_csv: Annotated[
        Path | None,
        typer.Option("--input", help="Official per-Member-State CSV instead of the derived series"),
    ] = None,
    member_set: Annotated[
        str | None, typer.Option("--member-set", help="bound_by_apr (default), eu27, or a list")
    ] = None,
    sar: Annotated[str | None, typer.Option("--sar", help="within_crossings (default) or added")] = None,
    rounding: Annotated[str, typer.Option(help="largest_remainder (adds up to 30,000) or nearest")] = (
        "largest_remainder"
    ),
    crossings: Annotated[
        str,
        typer.Option(
            "--crossings",
            help="frontex_split (default: Frontex routes split by Eurostat apprehensions) or dtm "
            "(IOM DTM arrivals for BG, CY, ES, GR, IT, MT)",
        ),
    ] = "frontex_split",
    fmt: FormatOpt = Format.table,
) -> None:
    """Adequate capacity and annual maxima of the border procedure (APR Arts 46-47)."""
    try:
        span = parse_years(years) if years else default_capacity_years()
        result, _ = capacity(
            span,
            input_csv=str(input_csv) if input_csv else None,
            member_set=member_set,
            sar_reading=sar,
            rounding=rounding,
            crossings=crossings,
        )
    except MigralexError as exc:
        raise _fail(exc) from None
    maxima = [c for c in result.frame.columns if c.startswith("max_")]
    columns = (*CAPACITY_COLUMNS, *[Column(c, f"Annual maximum {c[4:]}", "int") for c in maxima])
    _emit(result, columns, fmt, {"years": list(span)}, f"Adequate capacity, data {span[0]}-{span[1]}")


def cycle_command(
    year: Annotated[int, typer.Option("--year", help="Cycle year Y: the Commission's acts of 15 October Y")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into")],
    member_set: MemberSetOpt = None,
    relocations: Annotated[
        int | None, typer.Option(help="Relocations in the pool (default: the minimum)")
    ] = None,
    capacity_years: Annotated[
        str | None, typer.Option(help="Data years of the capacity (default: act in force)")
    ] = None,
    capacity_input: Annotated[
        Path | None, typer.Option(help="Official per-Member-State capacity CSV")
    ] = None,
    settings: Annotated[Path | None, typer.Option(help="Analyst settings YAML of the pressure score")] = None,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="Reference period of the indicators: report (12 months to 30 June, AMMR Art. 9(1)), "
            "calendar (the year before) or report_previous (12 months to 30 June of the year before)",
        ),
    ] = "report",
    forecast: Annotated[
        bool, typer.Option("--forecast/--no-forecast", help="Project the coming year with migralex.forecast")
    ] = True,
) -> None:
    """Write the whole annual cycle: indicators, pressure, pool, capacity, ≤ 20 % list, HTML report."""
    start = time.perf_counter()
    try:
        run = run_cycle(
            year,
            member_set=member_set,
            relocations=relocations,
            capacity_years=parse_years(capacity_years) if capacity_years else None,
            capacity_input=str(capacity_input) if capacity_input else None,
            settings_path=str(settings) if settings else None,
            period=period,
            forecast=forecast,
        )
        files = write_cycle(run, out)
    except MigralexError as exc:
        raise _fail(exc) from None
    elapsed = time.perf_counter() - start
    console.print(
        f"[bold]Cycle {year}[/] (pool of {run.cycle.pool_year}) written to {out} in {elapsed:.1f} s:"
    )
    for name, path in files.items():
        console.print(f"  {path}  [dim]{FILES[name]}[/]")
    if run.border_list.status != "computed":
        console.print(f"[yellow]≤ 20 % list: {run.border_list.note}[/]")


CLASSIFICATION_COLUMNS = (
    Column("member_state", "Member State"),
    Column("classification", "Situation", max_width=12),
    Column("arrivals_ratio", "Arrivals / fair share", "number", 2),
    Column("applications_ratio", "Applications / fair share", "number", 2),
    Column("sar_ratio", "SAR / fair share", "number", 2),
    Column("sar_months", "Months with SAR", "int"),
    Column("cumulative_ratio", "Cumulative / fair share", "number", 2),
)
SCORE_COLUMNS = (
    Column("rank", "Rank", "int"),
    Column("member_state", "Member State"),
    Column("score", "Score", "number", 2),
    Column("pressure_candidate", "Pressure candidate", "bool"),
    Column("risk_candidate", "Risk candidate", "bool"),
)


def pressure_command(
    year: Annotated[int, typer.Option("--year", help="Cycle year Y: the Commission's acts of 15 October Y")],
    period: Annotated[
        str,
        typer.Option(
            "--period", help="report (12 months to 30 June, AMMR Art. 9(1)), calendar or report_previous"
        ),
    ] = "report",
    method: Annotated[
        str | None,
        typer.Option("--method", help="rules (AMMR definitions) or score (default: the settings')"),
    ] = None,
    settings: Annotated[Path | None, typer.Option(help="Settings YAML (rules and score)")] = None,
    forecast: Annotated[
        bool, typer.Option("--forecast/--no-forecast", help="Risk from the projection of the coming year")
    ] = True,
    fmt: FormatOpt = Format.table,
) -> None:
    """Member States under migratory pressure, at risk, or in a significant situation (AMMR Arts 2, 10-11)."""
    try:
        if method not in (None, "rules", "score"):
            raise InvalidInput("--method", f"{method!r} is not one of rules, score")
        cycle = Cycle(year)
        chosen_settings = load_settings(settings)
        situation = assess_situation(
            cycle, cycle_reference_key(cycle).frame, chosen_settings, period=period, forecast=forecast
        )
    except MigralexError as exc:
        raise _fail(exc) from None
    chosen = method or chosen_settings.method
    result = situation.classification if chosen == "rules" else situation.pressure
    first = CLASSIFICATION_COLUMNS if chosen == "rules" else SCORE_COLUMNS
    extra = {"cycle_year": year, "method": chosen, "reference_period": situation.indicators.period}
    _emit(result, first, fmt, extra, f"Migratory situation, cycle {year} ({chosen}; {period} period)")


def register(app: typer.Typer) -> None:
    """Mount `solidarity`, `capacity`, `pressure` and `cycle` on the `migralex` command."""
    app.add_typer(solidarity_app, name="solidarity")
    app.command("capacity")(capacity_command)
    app.command("pressure")(pressure_command)
    app.command("cycle")(cycle_command)
