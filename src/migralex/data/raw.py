"""Reading the raw source files: CSV records with their line numbers, and strict value parsing."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import polars as pl

from migralex.errors import DataValidationError

#: Internal columns that locate a tidy row in its raw file; dropped before a table is written.
FILE, LINE = "_file", "_line"

_INTEGER = r"^-?\d+(?:\.0+)?$"
_NUMBER = r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"


def read_text(path: Path) -> str:
    """The text of a raw file, gunzipped when its name ends in `.gz`."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8-sig")


def invalid(path: Path | str, line: int, reason: str) -> DataValidationError:
    """The error for a bad raw record: names the file and the line."""
    return DataValidationError(f"{path}, line {line}: {reason}")


def read_csv(path: Path) -> pl.DataFrame:
    """A CSV file as string columns plus the file and the first line of each record."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(reader)
    columns: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    start = reader.line_num + 1
    for record in reader:
        if len(record) != len(header):
            raise invalid(path, start, f"{len(record)} fields, the header has {len(header)}")
        for column, cell in zip(columns, record, strict=True):
            column.append(cell if cell != "" else None)
        lines.append(start)
        start = reader.line_num + 1
    frame = pl.DataFrame(
        {name: pl.Series(name, cells, dtype=pl.String) for name, cells in zip(header, columns, strict=True)}
    )
    return frame.with_columns(
        pl.lit(str(path), dtype=pl.Categorical).alias(FILE), pl.Series(LINE, lines, dtype=pl.Int32)
    )


def first_bad(frame: pl.DataFrame, ok: pl.Expr, column: str) -> None:
    """Raise naming the first row whose `column` is set but fails `ok`."""
    bad = frame.filter(pl.col(column).is_not_null() & ~ok)
    if bad.height:
        row = bad.row(0, named=True)
        raise invalid(row[FILE], row[LINE], f"column {column!r}: malformed value {row[column]!r}")


def integers(frame: pl.DataFrame, column: str) -> pl.Series:
    """The `column` of string cells parsed as Int64 (`12`, `12.0`; empty → null); malformed → error."""
    first_bad(frame, pl.col(column).str.contains(_INTEGER), column)
    return frame.get_column(column).cast(pl.Float64).cast(pl.Int64)


def numbers(frame: pl.DataFrame, column: str) -> pl.Series:
    """The `column` of string cells parsed as Float64 (empty → null); malformed → error."""
    first_bad(frame, pl.col(column).str.contains(_NUMBER), column)
    return frame.get_column(column).cast(pl.Float64)


def dates(frame: pl.DataFrame, column: str, fmt: str = "%Y-%m-%d") -> pl.Series:
    """The `column` of string cells parsed as dates with `fmt` (a month `%Y-%m` gives its 1st day)."""
    parse = pl.col(column) + "-01" if fmt == "%Y-%m" else pl.col(column)
    full = "%Y-%m-%d" if fmt == "%Y-%m" else fmt
    first_bad(frame, parse.str.to_date(full, strict=False).is_not_null(), column)
    return frame.select(parse.str.to_date(full)).to_series().alias(column)


def booleans(frame: pl.DataFrame, column: str) -> pl.Series:
    """The `column` of `1.0`/`0.0` (or `1`/`0`) cells as Boolean; anything else → error."""
    first_bad(frame, pl.col(column).is_in(["1", "0", "1.0", "0.0"]), column)
    return frame.get_column(column).cast(pl.Float64).cast(pl.Boolean)
