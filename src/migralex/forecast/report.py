"""The back-test as Markdown tables (for docs/forecast.md): `python -m migralex.forecast.report`."""

from __future__ import annotations

import polars as pl

from migralex.forecast import alerts, backtest, models

HORIZONS = (1, 3, 6, 12)


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if pct else f"{value:.2f}"


def per_series_table() -> str:
    """Ensemble MASE ratio to seasonal naive per monthly/weekly series and horizon, with coverage."""
    scores = backtest.skill(backtest.run_backtest().scores)
    ens = scores.filter(pl.col("model") == "ensemble", pl.col("freq") != "year")
    lines = [
        "| series | MASE ratio h=1 | h=3 | h=6 | h=12 | sMAPE h=1 | sMAPE h=12 | cover 80 % | cover 95 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sid in sorted(ens["series_id"].unique()):
        one = ens.filter(pl.col("series_id") == sid)
        weeks = one["freq"][0] == "week"
        hs = (1, 13, 26, 52) if weeks else HORIZONS
        ratio = [one.filter(pl.col("h") == h)["ratio"].first() for h in hs]
        smape = [one.filter(pl.col("h") == h)["smape"].first() for h in (hs[0], hs[-1])]
        cov = (one["coverage_80"].mean(), one["coverage_95"].mean())
        name = f"{sid} (weeks 1/13/26/52)" if weeks else sid
        cells = [*(_fmt(r) for r in ratio), *(_fmt(s, True) for s in smape), *(_fmt(c, True) for c in cov)]  # type: ignore[arg-type]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_model_table() -> str:
    """Median MASE ratio over the monthly series per model and horizon, and the annual series."""
    summary = backtest.summary()
    annual = {m: backtest.summary(m)["annual"]["mase_ratio_vs_seasonal_naive"]["1"] for m in models.MODELS}
    lines = ["| model | h=1 | h=3 | h=6 | h=12 | annual, 1 year |", "|---|---:|---:|---:|---:|---:|"]
    for m, ratios in summary["by_model"].items():
        lines.append(
            f"| {m} | " + " | ".join(_fmt(ratios[str(h)]) for h in HORIZONS) + f" | {_fmt(annual[m])} |"
        )
    return "\n".join(lines)


def alerts_table() -> str:
    """The alert back-test on the known surges, at the 95 % and the 80 % bound."""
    lines = []
    for bound in ("hi95", "hi80"):
        s = alerts.surge_backtest(bound)
        lines.append(
            f"Bound {bound}: recall {_fmt(s['recall'], True)} of {s['surges']} surges, precision"
            f" {_fmt(s['precision'], True)} ({s['alerts_on_surge_series']} alerts on those series,"
            f" {s['alerts_all_series']} on all series), median lead {s['median_lead_months']} month(s)."
        )
    lines += [
        "",
        "| surge | series | alerted (95 %) | first alert | lead (months) |",
        "|---|---|---|---|---:|",
    ]
    for e in alerts.surge_backtest("hi95")["events"]:
        lines.append(
            f"| {e['surge']} | {e['series_id']} | {'yes' if e['alerted'] else 'no'} |"
            f" {e['first_alert'] or '–'} | {e['lead_months'] if e['lead_months'] is not None else '–'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the summary JSON and the Markdown tables."""
    import json

    print(json.dumps(backtest.summary(), indent=1))
    print(by_model_table(), end="\n\n")
    print(per_series_table(), end="\n\n")
    print(alerts_table())


if __name__ == "__main__":
    main()
