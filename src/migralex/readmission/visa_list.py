"""Annex II of Regulation (EU) 2018/1806: the third countries whose nationals are visa-exempt."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

#: The shipped transcription (a copy of data/raw/eu_visa_annex_ii/annex_ii.csv; see its SOURCE.md).
ANNEX_II = Path(__file__).resolve().parent / "data" / "annex_ii.csv"


@cache
def annex_ii() -> pl.DataFrame:
    """Annex II as a table: code, name, part, footnote, status (`exempt` or `suspended`)."""
    return pl.read_csv(ANNEX_II, schema_overrides={"footnote": pl.String, "part": pl.Int8})


def visa_status(codes: pl.Expr) -> pl.Expr:
    """`exempt`, `suspended` (Annex II, exemption suspended) or `required` (not in Annex II)."""
    table = annex_ii()
    mapping = dict(zip(table["code"].to_list(), table["status"].to_list(), strict=True))
    return codes.replace_strict(mapping, default="required", return_dtype=pl.String)
