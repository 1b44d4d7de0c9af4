"""Loading the shipped tables: Parquet files in `tables/`, validated on load and cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from migralex.data.schemas import SCHEMAS, validate
from migralex.errors import UnknownReference

#: Folder of the shipped Parquet tables (and their manifest).
TABLES = Path(__file__).resolve().parent / "tables"


def table_names() -> list[str]:
    """Names of every shipped table, in catalogue order."""
    return list(SCHEMAS)


def check_name(name: str) -> str:
    """Return `name` if it is a table; otherwise raise UnknownReference listing the tables."""
    if name not in SCHEMAS:
        raise UnknownReference(f"no table {name!r}; the tables are: {', '.join(table_names())}")
    return name


def read_table(path: Path, name: str) -> pl.DataFrame:
    """Read a Parquet file and check it against the schema of table `name` (not cached)."""
    frame = pl.read_parquet(path)
    validate(name, frame, lambda row: str(path) if row is None else f"{path}, row {row}")
    return frame


@cache
def load(name: str) -> pl.DataFrame:
    """The shipped table `name`, validated; cached, so later calls return the same frame."""
    return read_table(TABLES / f"{check_name(name)}.parquet", name)
