"""Provenance of the cycle's numbers: every figure with its inputs, its article and its data rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import polars as pl

from migralex.errors import UnknownReference


def jsonable(value: Any) -> Any:
    """A value as plain JSON data: exact fractions as floats, dates as ISO strings, containers walked."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


@dataclass(frozen=True)
class Source:
    """Rows of a data table (a shipped `migralex.data` table or a user's input file)."""

    table: str
    rows: str
    publisher: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"table": self.table, "rows": self.rows, "publisher": self.publisher}


@dataclass(frozen=True)
class Column:
    """How a column of a result is obtained: meaning, legal basis, formula, the columns it uses."""

    description: str
    basis: str = ""
    formula: str = ""
    inputs: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "description": self.description,
            "basis": self.basis,
            "formula": self.formula,
            "inputs": list(self.inputs),
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Figure:
    """One number with what it was computed from, the article that says how, and the data rows."""

    name: str
    value: Any
    unit: str
    basis: str
    formula: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (exact fractions also given as text, e.g. `"1/3"`)."""
        out: dict[str, Any] = {
            "name": self.name,
            "value": jsonable(self.value),
            "unit": self.unit,
            "basis": self.basis,
            "formula": self.formula,
            "inputs": jsonable(self.inputs),
            "sources": [s.to_dict() for s in self.sources],
        }
        if isinstance(self.value, Fraction):
            out["exact"] = str(self.value)
        return out


@dataclass(frozen=True)
class Result:
    """A table of the cycle (one row per Member State) with the provenance of its columns."""

    title: str
    frame: pl.DataFrame
    columns: Mapping[str, Column]
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()
    key: str = "member_state"

    def figure(self, name: str) -> Figure:
        """The aggregate figure called `name`."""
        for f in self.figures:
            if f.name == name:
                return f
        raise UnknownReference(f"no figure {name!r}; figures: {', '.join(f.name for f in self.figures)}")

    def trace(self, key: str, column: str) -> Figure:
        """The value of `column` in the row of `key` (e.g. a Member State) with its inputs and basis."""
        if column not in self.columns:
            raise UnknownReference(f"no traced column {column!r}; columns: {', '.join(self.columns)}")
        rows = self.frame.filter(pl.col(self.key) == key)
        if rows.height != 1:
            raise UnknownReference(f"no row {self.key} = {key!r} in {self.title}")
        row = rows.row(0, named=True)
        spec = self.columns[column]
        return Figure(
            name=f"{column}[{key}]",
            value=row[column],
            unit=spec.description,
            basis=spec.basis,
            formula=spec.formula,
            inputs={name: row[name] for name in spec.inputs if name in row},
            sources=spec.sources,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: rows, the provenance of each column, aggregate figures and notes."""
        return {
            "title": self.title,
            "key": self.key,
            "rows": jsonable(self.frame.to_dicts()),
            "columns": {name: spec.to_dict() for name, spec in self.columns.items()},
            "figures": [f.to_dict() for f in self.figures],
            "notes": list(self.notes),
        }
