"""`migralex forecast [backtest|series]` and `migralex alerts`: shells over `migralex.forecast`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console

from migralex.errors import MigralexError
from migralex.tables import Column, Format, cell, print_table

console = Console()
err = Console(stderr=True)

app = typer.Typer(
    help="Forecasts with calibrated 80 %/95 % bands (Frontex routes, Italy, asylum applications).",
    no_args_is_help=False,
)


FORECAST_COLUMNS = (
    Column("series_id", "Series"),
    Column("ds", "Period"),
    Column("mean", "Forecast", "int"),
    Column("lo80", "80 % band low", "int"),
    Column("hi80", "80 % band high", "int"),
    Column("lo95", "95 % band low", "int"),
    Column("hi95", "95 % band high", "int"),
)
ALERT_COLUMNS = (
    Column("series_id", "Series"),
    Column("ds", "Period"),
    Column("observed", "Observed", "int"),
    Column("mean", "Forecast", "int"),
    Column("hi95", "95 % band high", "int"),
    Column("excess", "Above the band", "int"),
    Column("ratio", "Ratio to forecast", "number", 2),
    Column("cutoff", "Forecast made after"),
    Column("h", "Periods ahead", "int"),
    Column("history", "Last 6 observed", max_width=16),
)
SERIES_COLUMNS = (
    Column("series_id", "Series", max_width=32),
    Column("freq", "Frequency"),
    Column("label", "Label", max_width=28),
    Column("source", "Source table"),
    Column("parent", "Part of"),
)
BACKTEST_COLUMNS = (
    Column("horizon", "Months ahead"),
    Column("mase", "MASE / seasonal naive (median)", "number", 3),
    Column("smape", "sMAPE (median)", "number", 3),
)


SeriesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--series", "-s", help="Series id (repeat for several; default: all). See `forecast series`."
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Use only the data known at the end of YYYY-MM.")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


def _print_frame(frame: pl.DataFrame, fmt: Format, title: str, columns: tuple[Column, ...]) -> None:
    """A frame as JSON records, CSV or a table that fits the terminal (plain headers, numbers formatted)."""
    if fmt is Format.json:
        typer.echo(json.dumps(frame.to_dicts(), indent=1, default=str))
        return
    if fmt is Format.csv:
        flat = frame.with_columns(
            [
                pl.col(c).cast(pl.List(pl.String)).list.join(" ")
                for c, t in frame.schema.items()
                if t == pl.List
            ]
        )
        typer.echo(flat.write_csv(), nl=False)
        return
    if frame.is_empty():
        return
    print_table(console, [_readable(r) for r in frame.to_dicts()], columns, title)


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the terminal: a list (an alert's history) as its last six values."""
    return {k: " ".join(cell(x, "int") for x in v[-6:]) if isinstance(v, list) else v for k, v in row.items()}


@app.callback(invoke_without_command=True)
def forecast_command(
    ctx: typer.Context,
    series: SeriesOpt = None,
    horizon: Annotated[int, typer.Option("--horizon", help="Months ahead (1-36).")] = 12,
    as_of: AsOfOpt = None,
    model: Annotated[
        str, typer.Option("--model", help="snaive, ets, arima, theta or ensemble.")
    ] = "ensemble",
    fmt: FormatOpt = Format.table,
) -> None:
    """Forecast series `horizon` months ahead with calibrated 80 % and 95 % bands."""
    if ctx.invoked_subcommand is not None:
        return
    from migralex.forecast import forecast_series

    try:
        frame = forecast_series(series or None, as_of, horizon, model)
    except MigralexError as exc:
        raise _fail(exc) from exc
    _print_frame(frame, fmt, f"Forecast ({model}), as of {as_of or 'the latest data'}", FORECAST_COLUMNS)


@app.command("backtest")
def backtest_command(
    fmt: FormatOpt = Format.table,
    write_calibration: Annotated[
        bool, typer.Option("--write-calibration", help="Also write the package's calibration.json.")
    ] = False,
) -> None:
    """Rolling-origin back-test 2016-2025: MASE vs seasonal naive, sMAPE, coverage, Winkler, alerts."""
    from migralex.forecast import alerts, backtest

    summary = backtest.summary()
    summary["alerts"] = {k: v for k, v in alerts.surge_backtest().items() if k != "events"}
    if write_calibration:
        summary["calibration_file"] = str(backtest.write_calibration())
    if fmt is Format.json:
        typer.echo(json.dumps(summary, indent=1))
        return
    scores = backtest.skill(backtest.run_backtest().scores).filter(pl.col("model") == "ensemble")
    if fmt is Format.csv:
        typer.echo(scores.write_csv(), nl=False)
        return
    rows = [
        {"horizon": h, "mase": ratio, "smape": summary["smape"][h]}
        for h, ratio in summary["mase_ratio_vs_seasonal_naive"].items()
    ]
    title = f"Back-test: {summary['series']} monthly series, {summary['origins']} origins (ensemble)"
    print_table(console, rows, BACKTEST_COLUMNS, title)
    console.print(
        f"coverage of the 80 % band {summary['coverage_80']:.1%},"
        f" of the 95 % band {summary['coverage_95']:.1%}"
    )


@app.command("series")
def series_command(fmt: FormatOpt = Format.table) -> None:
    """The series that can be forecast: id, label, frequency, source table, parent in a hierarchy."""
    from migralex.forecast import catalogue

    frame = pl.DataFrame(
        [{"series_id": s.series_id, "freq": s.freq, "label": s.label, "source": s.source, "parent": s.parent}
         for s in catalogue().values()]
    )  # fmt: skip
    _print_frame(frame, fmt, "Series", SERIES_COLUMNS)


def alerts_command(
    as_of: AsOfOpt = None,
    series: SeriesOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Months (weeks for Italy) above the 95 % band of the forecast made the period before."""
    from migralex.forecast.alerts import alerts

    try:
        frame = alerts(as_of, series or None)
    except MigralexError as exc:
        raise _fail(exc) from exc
    _print_frame(
        frame, fmt, f"Alerts in the last 3 periods, as of {as_of or 'the latest data'}", ALERT_COLUMNS
    )
    if fmt is Format.table and frame.is_empty():
        console.print("no alert: every observation lies within the 95 % band of its forecast")


def register(root: typer.Typer) -> None:
    """Mount `forecast` and `alerts` on the `migralex` command."""
    root.add_typer(app, name="forecast")
    root.command("alerts")(alerts_command)
