"""The context of channelling (docs/case-format.md, "Context"): loading it and the default rates.

`load_context(path)` reads a context JSON file (validated by `Context.from_dict`: recognition rates,
crisis, safe countries, and per Member State the border-procedure state - `border_capacity_reached`,
`annual_maximum_reached`, `instrumentalisation`); when it gives no `recognition_rates`, the table is
computed from the shipped decision data for the latest year (`default_recognition_rates`), as the
case format says. This module does the I/O so that `migralex.rules` stays pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.rules.procedure import Context
from migralex.rules.recognition import recognition_rates


def _decisions() -> pl.DataFrame:
    from migralex.data import load

    return load("decisions")


def latest_decision_year() -> int:
    """The latest year of the shipped decision data ("latest available yearly", APR Art. 42(1)(j))."""
    return int(_decisions()["year"].max())  # type: ignore[arg-type]


def default_recognition_rates(year: int | None = None, params: ParameterSet | None = None) -> pl.DataFrame:
    """Union-wide first-instance recognition rates by citizenship from the shipped decision data
    (UNHCR's table standing in for Eurostat migr_asydcfsta), for `year` (default: the latest), with
    the denominator of the reading `apr.reading.recognition_rate_denominator`."""
    p = params or shipped_params()
    return _rates_for(year, p.reading("apr.reading.recognition_rate_denominator"))


def _rates_for(year: int | None, reading: str) -> pl.DataFrame:
    """`default_recognition_rates` with the denominator reading chosen."""
    decisions = _decisions()
    chosen = year if year is not None else int(decisions["year"].max())  # type: ignore[arg-type]
    available = sorted(set(decisions["year"].to_list()))
    if chosen not in available:
        raise InvalidInput("year", f"no decision data for {chosen} (years: {available[0]}–{available[-1]})")
    return recognition_rates(decisions, chosen, reading)


def rates_table(rates: pl.DataFrame) -> dict[str, float]:
    """{citizenship: rate} for the rows that have a rate (ISO codes; STLS → stateless)."""
    rows = rates.filter(pl.col("rate").is_not_null())
    out = dict(zip(rows["citizenship"].to_list(), rows["rate"].to_list(), strict=True))
    if "STLS" in out:
        out["stateless"] = out.pop("STLS")
    return {k: v for k, v in out.items() if len(k) == 2 or k == "stateless"}


def default_context(year: int | None = None, params: ParameterSet | None = None, **facts: Any) -> Context:
    """A context whose recognition rates come from the shipped data (latest year by default)."""
    reading = (params or shipped_params()).reading("apr.reading.recognition_rate_denominator")
    shipped = _shipped_context(year, reading)
    return replace(shipped, **facts) if facts else shipped


@cache
def _shipped_context(year: int | None, reading: str) -> Context:
    """The context of the shipped rates for `year` under the denominator `reading`, computed once:
    the shipped data do not change while the process runs (APR Art. 42(1)(j), "latest available")."""
    rates = _rates_for(year, reading)
    used = int(rates["year"][0]) if rates.height else year
    source = f"computed from the shipped first-instance decisions of {used}, reading {reading}"
    return Context(recognition_rates=MappingProxyType(rates_table(rates)), rates_source=source)


def resolve_context(raw: Mapping[str, Any] | Context | None, params: ParameterSet | None = None) -> Context:
    """A complete context: a given table is used as is; without one the shipped data fill it in."""
    if raw is None:
        return default_context(params=params)
    context = raw if isinstance(raw, Context) else Context.from_dict(raw)
    if context.recognition_rates is not None:
        return context
    shipped = default_context(params=params)
    return replace(context, recognition_rates=shipped.recognition_rates, rates_source=shipped.rates_source)


def load_context(path: str | Path | None, params: ParameterSet | None = None) -> Context:
    """Read a context JSON file (or none: the defaults) and complete it (`resolve_context`)."""
    if path is None:
        return resolve_context(None, params)
    p = Path(path)
    if not p.exists():
        raise InvalidInput("context", f"no such file: {p}")
    try:
        raw = json.loads(p.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput("context", f"{p.name}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(raw, dict):
        raise InvalidInput("context", f"{p.name}: a context is a JSON object")
    return resolve_context(raw, params)
