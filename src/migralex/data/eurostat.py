"""Eurostat file formats: the bulk "tabular" TSV and SDMX-CSV (1.0 and 2.0), values and flags."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from migralex.data.raw import FILE, LINE, first_bad, integers, invalid, read_csv, read_text

#: A TSV cell: an integer or `:` (not available), then optionally a flag such as `p`, `bep`.
_CELL = r"^(-?\d+|:) ?([a-z]*) *$"
_FLAG = r"^[a-z]+$"


def read_tabular_tsv(path: Path, keep: pl.Expr | None = None) -> pl.DataFrame:
    """A bulk TSV in long form: its dimensions (rows filtered by `keep`), period, value, flag, location."""
    lines = read_text(path).splitlines()
    header = lines[0].split("\t")
    dims = header[0].split("\\")[0].split(",")
    periods = [cell.strip() for cell in header[1:]]
    rows = pl.DataFrame({"raw": lines[1:]}).with_columns(
        pl.col("raw").str.split("\t").alias("cells"),
        pl.int_range(2, len(lines) + 1, dtype=pl.Int32).alias(LINE),
        pl.lit(str(path), dtype=pl.Categorical).alias(FILE),
    )
    wrong = rows.filter(
        (pl.col("cells").list.len() != len(header))
        | (pl.col("cells").list.first().str.count_matches(",") != len(dims) - 1)
    )
    if wrong.height:
        row = wrong.row(0, named=True)
        raise invalid(path, row[LINE], f"expected {len(dims)} key parts and {len(periods)} values")
    keys = pl.col("cells").list.first().str.split(",")
    wide = rows.select(
        *[keys.list.get(i).alias(dim) for i, dim in enumerate(dims)],
        *[pl.col("cells").list.get(i + 1).alias(period) for i, period in enumerate(periods)],
        FILE,
        LINE,
    )
    if keep is not None:
        wide = wide.filter(keep)
    long = wide.unpivot(index=[*dims, FILE, LINE], variable_name="period", value_name="cell")
    first_bad(long, pl.col("cell").str.contains(_CELL), "cell")
    number = pl.col("cell").str.extract(_CELL, 1)
    flag = pl.col("cell").str.extract(_CELL, 2)
    return long.select(
        *dims,
        "period",
        pl.when(number != ":").then(number).cast(pl.Int64).alias("value"),
        pl.when(flag != "").then(flag).alias("flag"),
        FILE,
        LINE,
    )


def read_sdmx_csv(path: Path) -> pl.DataFrame:
    """An SDMX-CSV file (1.0 or 2.0) as strings plus `value` (Int64 OBS_VALUE) and `flag` (OBS_FLAG)."""
    frame = read_csv(path)
    first_bad(frame, pl.col("OBS_FLAG").str.contains(_FLAG), "OBS_FLAG")
    return frame.with_columns(integers(frame, "OBS_VALUE").alias("value"), pl.col("OBS_FLAG").alias("flag"))
