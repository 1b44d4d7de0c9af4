"""The shipped real data as tidy, validated tables: `load(name)` and `catalog()`."""

from __future__ import annotations

from migralex.data.catalog import DatasetInfo, catalog, info
from migralex.data.load import load, table_names

__all__ = ["DatasetInfo", "catalog", "info", "load", "table_names"]
