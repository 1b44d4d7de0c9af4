"""Bad data is rejected with an error naming the file and the row: at build time and at load time."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from migralex.data import load
from migralex.data.build import build_table
from migralex.data.eurostat import read_tabular_tsv
from migralex.data.load import read_table
from migralex.data.raw import read_csv
from migralex.errors import DataValidationError

EIRFS = "eurostat_migr_eirfs/migrants_refused_entry_at_the_border.csv"
HEADER = "DATAFLOW,LAST UPDATE,freq,border,unit,reason,citizen,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"


def refusal(geo: str, year: str, value: str, flag: str = "") -> str:
    """One record of the migr_eirfs SDMX-CSV file."""
    return f"ESTAT:MIGR_EIRFS$DEFAULTVIEW(1.0),,Annual,Total,Person,Total,Total,{geo},{year},{value},{flag},"


def write_refusals(root: Path, *records: str) -> Path:
    """A raw folder holding only a small migr_eirfs file."""
    path = root / EIRFS
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([HEADER, *records]) + "\n", "utf-8")
    return path


def test_a_good_small_file_builds(tmp_path: Path) -> None:
    write_refusals(tmp_path, refusal("Greece", "2020", "5"), refusal("Austria", "2020", "", "c"))
    table = build_table("refusals_of_entry", tmp_path)
    assert table.rows() == [("AT", False, 2020, None, "c"), ("GR", False, 2020, 5, None)]


def test_malformed_value_names_file_and_line(tmp_path: Path) -> None:
    path = write_refusals(tmp_path, refusal("Austria", "2020", "455"), refusal("Belgium", "2020", "4x5"))
    with pytest.raises(
        DataValidationError, match=r"line 3: column 'OBS_VALUE': malformed value '4x5'"
    ) as exc:
        build_table("refusals_of_entry", tmp_path)
    assert str(path) in str(exc.value)


def test_negative_count_names_file_and_line(tmp_path: Path) -> None:
    path = write_refusals(tmp_path, refusal("Austria", "2020", "455"), refusal("Belgium", "2020", "-5"))
    with pytest.raises(
        DataValidationError, match=r"line 3: column 'refusals' value -5 fails greater_than"
    ) as exc:
        build_table("refusals_of_entry", tmp_path)
    assert str(path) in str(exc.value)


def test_unknown_country_names_file_and_line(tmp_path: Path) -> None:
    write_refusals(tmp_path, refusal("Atlantis", "2020", "5"), refusal("Austria", "2020", "455"))
    with pytest.raises(
        DataValidationError,
        match=r"migrants_refused_entry_at_the_border\.csv, line 2: column 'country' value 'Atlantis'",
    ):
        build_table("refusals_of_entry", tmp_path)


def test_wrong_number_of_fields_names_the_line(tmp_path: Path) -> None:
    write_refusals(tmp_path, refusal("Austria", "2020", "455"), refusal("Belgium", "2020", "5") + ",extra")
    with pytest.raises(DataValidationError, match=r"line 3: 13 fields, the header has 12"):
        build_table("refusals_of_entry", tmp_path)


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    write_refusals(
        tmp_path,
        refusal("Greece", "2020", "5"),
        refusal("Austria", "2020", "1"),
        refusal("Greece", "2020", "7"),
    )
    with pytest.raises(DataValidationError, match=r"line 2: duplicate of line 4 \(country=GR, year=2020\)"):
        build_table("refusals_of_entry", tmp_path)


def test_bad_flag_names_the_line(tmp_path: Path) -> None:
    write_refusals(tmp_path, refusal("Greece", "2020", "5", "P!"))
    with pytest.raises(DataValidationError, match=r"line 2: column 'OBS_FLAG'"):
        build_table("refusals_of_entry", tmp_path)


def test_unknown_iso3_nationality_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "frontex_ibc_monthly" / "frontex_ibc_by_route_nationality_monthly.csv.gz"
    path.parent.mkdir(parents=True)
    text = "month,route,type,nat,n\n2009-01,Other,Sea,SYR,1\n2009-01,Other,Sea,XYZ,2\n"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(DataValidationError, match=r"\.csv\.gz, line 3: column 'citizenship' value 'XYZ'"):
        build_table("frontex_ibc", tmp_path)


def write_tsv(path: Path, *lines: str) -> Path:
    """A small bulk TSV in the migr_asyappctza layout, gzipped."""
    header = "freq,citizen,sex,unit,age,asyl_app,geo\\TIME_PERIOD\t2021 \t2022 "
    path.write_bytes(gzip.compress(("\n".join([header, *lines]) + "\n").encode()))
    return path


def test_tsv_cells_values_flags_and_missing(tmp_path: Path) -> None:
    path = write_tsv(
        tmp_path / "x.tsv.gz",
        "A,SY,T,PER,TOTAL,ASY_APP,EL\t12 \t: ",
        "A,UK,T,PER,TOTAL,NASY_APP,DE\t0 p\t: c",
    )
    frame = read_tabular_tsv(path)
    assert frame.select("citizen", "geo", "period", "value", "flag", "_line").rows() == [
        ("SY", "EL", "2021", 12, None, 2),
        ("UK", "DE", "2021", 0, "p", 3),
        ("SY", "EL", "2022", None, None, 2),
        ("UK", "DE", "2022", None, "c", 3),
    ]


def test_tsv_malformed_cell_names_the_line(tmp_path: Path) -> None:
    path = write_tsv(
        tmp_path / "x.tsv.gz", "A,SY,T,PER,TOTAL,ASY_APP,DE\t12 \t5 ", "A,SY,T,PER,TOTAL,ASY_APP,AT\t1 2\t3 "
    )
    with pytest.raises(
        DataValidationError, match=r"x\.tsv\.gz, line 3: column 'cell': malformed value '1 2'"
    ):
        read_tabular_tsv(path)


def test_tsv_ragged_line_names_the_line(tmp_path: Path) -> None:
    path = write_tsv(
        tmp_path / "x.tsv.gz", "A,SY,T,PER,TOTAL,ASY_APP,DE\t12 \t5 ", "A,SY,T,PER,TOTAL,DE\t1 \t3 "
    )
    with pytest.raises(DataValidationError, match=r"line 3: expected 7 key parts and 2 values"):
        read_tabular_tsv(path)


def test_tsv_negative_count_is_rejected_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "eurostat_migr_asyappctza"
    folder.mkdir()
    write_tsv(folder / "migr_asyappctza_tabular.tsv.gz", "A,SY,T,PER,TOTAL,ASY_APP,DE\t12 \t-5 ")
    with pytest.raises(DataValidationError, match=r"line 2: column 'applicants' value -5"):
        build_table("applications", tmp_path)


def test_csv_line_numbers_count_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,x\n', "utf-8")
    assert read_csv(path).get_column("_line").to_list() == [2, 4]


@pytest.fixture
def refusals(tmp_path: Path) -> tuple[pl.DataFrame, Path]:
    """The shipped refusals table and a path to write a tampered copy to."""
    return load("refusals_of_entry"), tmp_path / "refusals_of_entry.parquet"


def test_load_rejects_a_negative_count_naming_the_row(refusals: tuple[pl.DataFrame, Path]) -> None:
    frame, path = refusals
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(-1).otherwise(pl.col("refusals")).alias("refusals")
    ).write_parquet(path)
    with pytest.raises(
        DataValidationError, match=r"refusals_of_entry\.parquet, row 5: column 'refusals' value -1"
    ):
        read_table(path, "refusals_of_entry")


def test_load_rejects_an_unknown_country_naming_the_row(refusals: tuple[pl.DataFrame, Path]) -> None:
    frame, path = refusals
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("EL")).otherwise(pl.col("country")).alias("country")
    ).write_parquet(path)
    with pytest.raises(DataValidationError, match=r"row 7: column 'country' value 'EL' fails isin"):
        read_table(path, "refusals_of_entry")


def test_load_rejects_a_wrong_dtype_or_a_missing_column(refusals: tuple[pl.DataFrame, Path]) -> None:
    frame, path = refusals
    frame.with_columns(pl.col("year").cast(pl.Int32)).write_parquet(path)
    with pytest.raises(DataValidationError, match=r"refusals_of_entry\.parquet: column 'year'"):
        read_table(path, "refusals_of_entry")
    frame.drop("flag").write_parquet(path)
    with pytest.raises(DataValidationError, match=r"refusals_of_entry\.parquet"):
        read_table(path, "refusals_of_entry")


def test_load_accepts_the_untouched_table(refusals: tuple[pl.DataFrame, Path]) -> None:
    frame, path = refusals
    frame.write_parquet(path)
    assert read_table(path, "refusals_of_entry").equals(frame)
