"""migralex.tables and migralex.wording: tables that fit and never cut a number; readings in words."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from migralex.tables import Column, cell, print_table
from migralex.wording import in_plain_words


def test_cells_are_written_as_people_write_numbers() -> None:
    assert cell(3000.0) == "3,000" and cell(22700.0, "int") == "22,700"
    assert cell(True) == "yes" and cell(False) == "no" and cell(None) == ""
    assert cell(0.024092, "share") == "2.409 %" and cell(0.5, "percent", 0) == "50 %"
    assert cell(484_223_000_000, "eur_million", 0) == "484,223"
    assert cell({"median": 10.0, "p5": 8.0, "p95": 12.0}) == "10 [8–12]"
    assert cell({"median": 10.0, "p5": 10.0, "p95": 10.0}) == "10"


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(min_value=40, max_value=160),
    values=st.lists(st.integers(min_value=0, max_value=10**12), min_size=6, max_size=6),
)
def test_tables_fit_any_width_and_keep_every_number_whole(width: int, values: list[int]) -> None:
    columns = [
        Column("ms", "Member State"),
        *[Column(f"c{i}", f"Column number {i}", "int") for i in range(6)],
    ]
    rows = [{"ms": "DE", **{f"c{i}": v for i, v in enumerate(values)}}]
    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None), rows, columns, "Title")
    text = out.getvalue()
    assert all(len(line) <= width for line in text.splitlines())
    for v in values:
        assert f"{v:,}" in text  # never cut, never wrapped
    assert text.count("DE") >= 1 and "…" not in text


def test_readings_are_said_in_words_with_their_article() -> None:
    text = in_plain_words("reading ammr.reading.offsets_cap = gap: 22,700.0 offsets")
    assert "ammr.reading" not in text and "offsets fill the gap" in text and "AMMR Art. 63(3)" in text
    assert "22,700 offsets" in text
    assert in_plain_words("no reading here, 0.5 and 3.05") == "no reading here, 0.5 and 3.05"
