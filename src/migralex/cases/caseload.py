"""A caseload for the timeline, read column by column: JSON Lines or Parquet of cases in format v2.

`read_caseload(path)` reads the file with polars (no per-case Python objects) and returns the
batch (the applicants' columns) and the events (`EventTable`). Checked column-wise, each error
naming the case row and the field: the registration fields, the event codes (types, Member
States, outcomes, categories), events in date order and none before the registration, events
only in version 2. The per-event consistency rules of the case format (a reply after its request,
...) are those of `migralex.cases.format`; `strict=True` validates every case with the case
format's models instead (slower, every rule).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.json as pj

from migralex.cases.batch import CaseBatch
from migralex.cases.events import EventTable
from migralex.cases.format import parse_case
from migralex.errors import InvalidInput

SUFFIXES = (".jsonl", ".ndjson", ".parquet")
_EVENT = pa.struct(
    [(name, pa.bool_() if name in ("suspensive", "urgent") else pa.string()) for name in
     ("type", "date", "by", "to", "outcome", "category", "suspensive", "urgent", "reply_by",
      "urgent_ground", "ground_issued")]
)  # fmt: skip
#: The fields the timeline reads from a JSON Lines caseload (the others are not parsed: Arrow's
#: JSON reader with this schema is several times faster than inferring one).
_JSON_SCHEMA = pa.schema(
    [
        ("version", pa.int64()),
        ("id", pa.string()),
        (
            "registration",
            pa.struct([("member_state", pa.string()), ("date", pa.string()), ("place", pa.string())]),
        ),
        ("applicant", pa.struct([("nationality", pa.string())])),
        ("events", pa.list_(_EVENT)),
    ]
)
_APPLICANT = ("nationality",)


def _frame(path: Path) -> pl.DataFrame:
    if not path.exists():
        raise InvalidInput("cases", f"no such file: {path}")
    if path.suffix not in SUFFIXES:
        raise InvalidInput("cases", f"{path.name}: expected a .jsonl or .parquet file")
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(path)
        options = pj.ParseOptions(explicit_schema=_JSON_SCHEMA, unexpected_field_behavior="ignore")
        frame = pl.from_arrow(pj.read_json(path, parse_options=options))
    except (pl.exceptions.PolarsError, pa.ArrowException, OSError) as exc:
        raise InvalidInput("cases", f"{path.name}: cannot read it: {exc}") from None
    assert isinstance(frame, pl.DataFrame)
    return frame


def _applicants(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of the applicants table, flattened to the case format's dotted names."""
    for column in ("id", "registration", "applicant"):
        if column not in frame.columns:
            raise InvalidInput(column, "required field is missing (docs/case-format.md)")
    reg = frame["registration"].struct.unnest()
    cols = [frame["id"].cast(pl.String)]
    for name in reg.columns:
        cols.append(reg[name].alias(f"registration.{name}"))
    applicant = frame["applicant"].struct.unnest()
    for name in applicant.columns:
        if name in _APPLICANT:
            cols.append(applicant[name].alias(f"applicant.{name}"))
    out = pl.DataFrame(cols)
    if "registration.place" in out.columns:  # the case format's default where the field is left out
        out = out.with_columns(pl.col("registration.place").fill_null("territory"))
    if out.schema["registration.date"] != pl.Date:
        out = out.with_columns(pl.col("registration.date").str.to_date(strict=False))
        if out["registration.date"].null_count():
            row = int(out["registration.date"].is_null().arg_max() or 0)
            raise InvalidInput(f"[{row}].registration.date", "not an ISO 8601 date (YYYY-MM-DD)")
    return out


def _events(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per event: case (row), index (in its case), and the event's fields."""
    if "events" not in frame.columns:
        return pl.DataFrame(
            {"case": [], "index": [], "type": [], "date": []},
            schema={"case": pl.Int64, "index": pl.Int64, "type": pl.String, "date": pl.Date},
        )
    long = frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("case"), "events").explode("events")
    long = long.filter(pl.col("events").is_not_null())
    case = long["case"].to_numpy()
    first = np.r_[0, np.flatnonzero(np.diff(case)) + 1] if len(case) else np.zeros(0, np.int64)
    index = np.arange(len(case)) - np.repeat(first, np.diff(np.r_[first, len(case)]))
    long = long.with_columns(pl.Series("index", index, dtype=pl.Int64))
    events = long.select("case", "index", pl.col("events").struct.unnest())
    for column in ("date", "reply_by", "ground_issued"):
        if events.schema.get(column) == pl.String:
            events = events.with_columns(pl.col(column).str.to_date(strict=False))
    return events


def _check_order(batch: CaseBatch, events: EventTable, version: np.ndarray) -> None:
    """Events only in version 2, in date order, none before the registration."""
    has = np.bincount(events.case, minlength=batch.n) > 0
    bad = np.flatnonzero(has & (version != 2))
    if len(bad):
        raise InvalidInput(f"[{int(bad[0])}].version", 'a case with events is version 2 (give "version": 2)')
    if np.isnat(events.date).any():
        k = int(np.flatnonzero(np.isnat(events.date))[0])
        raise InvalidInput(
            f"[{int(events.case[k])}].events[{int(events.index[k])}].date", "not an ISO 8601 date"
        )
    early = events.date < batch.applicants.reg_date[events.case]
    same = np.r_[False, events.case[1:] == events.case[:-1]]
    back = same & np.r_[False, events.date[1:] < events.date[:-1]]
    for mask, rule in (
        (early, "is before the registration"),
        (back, "is before the event before it (events are in date order)"),
    ):
        if mask.any():
            k = int(np.flatnonzero(mask)[0])
            raise InvalidInput(
                f"[{int(events.case[k])}].events[{int(events.index[k])}]", f"{events.date[k]} {rule}"
            )


def _strict(path: Path) -> tuple[CaseBatch, EventTable]:
    """Every case validated by the case format's models (all the rules, one case at a time)."""
    if path.suffix == ".parquet":
        raise InvalidInput("cases", "--strict reads JSON Lines (one case a line)")
    if not path.exists():
        raise InvalidInput("cases", f"no such file: {path}")
    cases = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(parse_case(line))
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc.path}", exc.reason) from None
    return CaseBatch.from_cases(cases), EventTable.from_cases(cases)


def read_caseload(path: str | Path, strict: bool = False) -> tuple[CaseBatch, EventTable]:
    """The batch and the events of a `.jsonl` or `.parquet` caseload (see the module docstring)."""
    p = Path(path)
    if strict:
        return _strict(p)
    frame = _frame(p)
    batch = CaseBatch.from_frames(_applicants(frame))
    events = _events(frame)
    try:
        table = EventTable.from_polars(events)
    except InvalidInput as exc:
        row = exc.path.split("]")[0].removeprefix("events[")
        k = int(row) if row.isdigit() else 0
        case, index = int(events["case"][k]), int(events["index"][k])
        raise InvalidInput(f"[{case}].events[{index}]{exc.path.split(']', 1)[1]}", exc.reason) from None
    version = frame["version"].fill_null(1).to_numpy() if "version" in frame.columns else np.ones(batch.n)
    _check_order(batch, table, version)
    return batch, table
