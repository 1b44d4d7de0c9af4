"""Tables for the terminal and for pipes: plain headers, formatted numbers, 80 columns, CSV and JSON.

A shell helper (no rule logic): every command that prints a table describes its columns once
(`Column`) and prints them with `print_table` (a terminal of any width: columns that do not fit go
to a continuation table that repeats the key column; no number is ever cut) or `write_rows`
(`--format csv|json`). See docs/style.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    """Output formats of a command that prints a table."""

    table = "table"
    csv = "csv"
    json = "json"


@dataclass(frozen=True)
class Column:
    """One column: the row key, its plain header, how its values are written (`kind`)."""

    key: str
    header: str
    kind: str = "text"  # text, int, number, percent (a fraction shown ×100), share, bool, eur_million
    digits: int = 1
    max_width: int = 40


def cell(value: Any, kind: str = "text", digits: int = 1) -> str:
    """A value as a reader expects it: 22,700 not 22700.0, yes/no not True/False, 2.41 % not 0.0241."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and "median" in value:
        low, median, high = (cell(value[k], kind, digits) for k in ("p5", "median", "p95"))
        return median if low == high == median else f"{median} [{low}–{high}]"
    if kind == "percent" and isinstance(value, int | float):
        return f"{value * 100:.{digits}f} %"
    if kind == "share" and isinstance(value, int | float):
        return f"{value * 100:.{max(digits, 3)}f} %"
    if kind == "eur_million" and isinstance(value, int | float):
        return f"{value / 1e6:,.{digits}f}"
    if isinstance(value, float):
        if kind == "int" or value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _numeric(column: Column) -> bool:
    return column.kind != "text"


def _width(column: Column, texts: Sequence[str]) -> int:
    """Width the column needs: its widest number (never cut), or its text up to `max_width`, or the
    longest word of its header (headers wrap between words)."""
    header_word = max((len(w) for w in column.header.split()), default=1)
    widest = max((len(t) for t in texts), default=0)
    if not _numeric(column):
        longest_word = max((len(w) for t in texts for w in t.split()), default=0)
        widest = max(min(widest, column.max_width), min(longest_word, column.max_width))
    return max(header_word, widest)


def _groups(widths: Sequence[int], key: int, total: int) -> list[list[int]]:
    """Column indexes per printed table: the `key` first columns repeated in each; each fits `total`."""
    cost = [w + 3 for w in widths]  # padding on both sides and the separator
    base = list(range(key))
    groups: list[list[int]] = []
    current = list(base)
    for i in range(key, len(widths)):
        if len(current) > key and sum(cost[j] for j in current) + cost[i] > total:
            groups.append(current)
            current = list(base)
        current.append(i)
    groups.append(current)
    return groups


def print_table(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    title: str,
    key: int = 1,
    caption: str | None = None,
) -> None:
    """Print `rows` in as many tables as the terminal needs (the first `key` columns in each)."""
    texts = [[cell(r.get(c.key), c.kind, c.digits) for c in columns] for r in rows]
    widths = [_width(c, [t[i] for t in texts]) for i, c in enumerate(columns)]
    groups = _groups(widths, key, console.width)
    for n, group in enumerate(groups, start=1):
        part = f" ({n}/{len(groups)})" if len(groups) > 1 else ""
        table = Table(
            title=title + part,
            caption=caption if n == len(groups) else None,
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            title_justify="left",
            caption_justify="left",
        )
        for i in group:
            c = columns[i]
            table.add_column(
                c.header, justify="right" if _numeric(c) else "left", width=widths[i], overflow="fold"
            )
        for t in texts:
            table.add_row(*[t[i] for i in group])
        console.print(table)


def write_rows(
    rows: Sequence[Mapping[str, Any]], fmt: Format, columns: Sequence[Column] | None = None
) -> None:
    """`--format csv` (header = the row keys, raw values) or `--format json` (a list of objects)."""
    keys = [c.key for c in columns] if columns else list(dict.fromkeys(k for r in rows for k in r))
    if fmt is Format.json:
        typer.echo(
            json.dumps([{k: r.get(k) for k in keys} for r in rows], indent=1, ensure_ascii=False, default=str)
        )
        return
    typer.echo(csv_text(rows, keys), nl=False)


def csv_text(rows: Sequence[Mapping[str, Any]], keys: Sequence[str] | None = None) -> str:
    """CSV of `rows` (header = `keys`, or every key in order of appearance); lists joined with "; "."""
    keys = list(keys) if keys else list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_value(r.get(k)) for k in keys})
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value
