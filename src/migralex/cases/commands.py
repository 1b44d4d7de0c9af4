"""`migralex cases status CASES --as-of D [--days N] [--format table|json|csv] [--ics FILE]` and
`migralex cases state CASES --as-of D [--explain]`.

A shell over `migralex.rules.case_state`: reads a caseload (JSON Lines or Parquet of cases in the
case format v2, `migralex.cases.caseload`), dates every limit from the events, and prints what is
due in the next N days, what lapsed and which cases changed responsibility. `--ics` also writes
the limits due as an iCalendar file. `state` prints the state of each case (the answer of
`POST /v1/cases/state`, or a readable text with `--explain`); every case is checked by the case
format's models, and a transfer after its time limit without an extension is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console

from migralex.errors import InvalidInput, MigralexError
from migralex.rules.crisis import CrisisLike
from migralex.rules.crisis import derogations as crisis_input
from migralex.tables import Column, print_table, write_rows
from migralex.tables import Format as TableFormat

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")
err = Console(stderr=True)


class Format(StrEnum):
    """Output formats of `cases status`."""

    table = "table"
    json = "json"
    csv = "csv"


def _json(out: dict[str, pl.DataFrame], as_of: dt.date, days: int) -> str:
    body = {
        k: [{c: (str(v) if isinstance(v, dt.date) else v) for c, v in r.items()} for r in f.to_dicts()]
        for k, f in out.items()
    }
    return json.dumps({"as_of": as_of.isoformat(), "days": days, **body}, ensure_ascii=False, indent=1)


def _csv(out: dict[str, pl.DataFrame]) -> str:
    frames = [
        f.with_columns(pl.all().cast(pl.String)).select(pl.lit(k).alias("section"), pl.all())
        for k, f in out.items()
    ]
    return pl.concat(frames, how="diagonal").write_csv()


LIMIT_COLUMNS = (
    Column("id", "Case"),
    Column("name", "Time limit", max_width=16),
    Column("date", "Last day"),
    Column("member_state", "Member State"),
    Column("legal_basis", "Legal basis", max_width=16),
)
SHIFT_COLUMNS = (
    Column("id", "Case"),
    Column("date", "Shifted on"),
    Column("from", "From"),
    Column("to", "To"),
    Column("legal_basis", "Legal basis", max_width=16),
)
STATE_COLUMNS = (
    Column("id", "Case"),
    Column("responsible_member_state", "Responsible"),
    Column("legal_basis", "Legal basis", max_width=16),
    Column("next_due", "Next limit due", max_width=12),
    Column("next_due_date", "Last day"),
    Column("determined_member_state", "Criteria designate"),
    Column("reason", "Why", max_width=40),
)
SHOWN = 200


def _table(out: dict[str, pl.DataFrame], as_of: dt.date, days: int) -> None:
    """The three sections as tables that fit the terminal (plain headers; at most 200 rows each)."""
    console = Console()
    titles = {
        "due": f"Due from {as_of} to {as_of + dt.timedelta(days=days)}",
        "lapsed": f"Lapsed on {as_of}",
        "shifted": "Responsibility shifted by a lapsed limit",
    }
    for key, frame in out.items():
        title = f"{titles[key]} ({frame.height})"
        if frame.is_empty():
            console.print(f"{title}: none")
            continue
        rows = [
            {**r, "name": str(r.get("name") or "").replace("_", " ")} for r in frame.head(SHOWN).to_dicts()
        ]
        print_table(console, rows, SHIFT_COLUMNS if key == "shifted" else LIMIT_COLUMNS, title)
        if frame.height > SHOWN:
            console.print(f"the first {SHOWN} of {frame.height}; --format csv gives them all")


CRISIS_IN_HELP = (
    "A Member State authorised to derogate (CFMR Art. 12), as MS:FROM:TO, e.g. GR:2026-09-01:2026-11-30;"
    " repeat for each State and period"
)


APPEAL_PERIOD_HELP = (
    "The national period to lodge a remedy against a transfer decision (AMMR Art. 43(2): one to three"
    " weeks), as MS:DAYS, e.g. DE:14; repeat for each State (default: the law's window)"
)


def derogations(crisis: bool, crisis_in: list[str] | None) -> CrisisLike:
    """`--crisis` (every Member State concerned) or the `--crisis-in MS:FROM:TO` authorisations."""
    try:
        return crisis_input(crisis, crisis_in, field="--crisis-in")
    except InvalidInput as exc:
        raise MigralexError(f"{exc.path}: {exc.reason}") from None


def _periods(appeal_period: list[str] | None) -> list[str] | None:
    """`--appeal-period MS:DAYS` entries, named as the option in errors (AMMR Art. 43(2))."""
    from migralex.law.params import params
    from migralex.rules.remedy_period import national_periods

    try:
        national_periods(appeal_period, params(), field="--appeal-period")
    except InvalidInput as exc:
        raise MigralexError(f"{exc.path}: {exc.reason}") from None
    return appeal_period


@app.command("status")
def status_command(
    cases: Annotated[Path, typer.Argument(help="Caseload: .jsonl (one case a line) or .parquet, format v2")],
    as_of: Annotated[str, typer.Option("--as-of", help="The day (YYYY-MM-DD)")],
    days: Annotated[int, typer.Option("--days", min=0, help="Limits due within this many days")] = 30,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write the limits due as iCalendar")] = None,
    crisis: Annotated[bool, typer.Option("--crisis", help="The CFMR Art. 12 derogation applies")] = False,
    crisis_in: Annotated[list[str] | None, typer.Option("--crisis-in", help=CRISIS_IN_HELP)] = None,
    appeal_period: Annotated[
        list[str] | None, typer.Option("--appeal-period", help=APPEAL_PERIOD_HELP)
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Check every case with the case format's models")
    ] = False,
) -> None:
    """What is due, what lapsed, which cases changed responsibility (AMMR Arts 37-46, 67)."""
    from migralex.cases.caseload import read_caseload
    from migralex.cases.ics import write_ics
    from migralex.rules.case_state import case_timeline, caseload_status

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise typer.BadParameter(
            f"not an ISO 8601 date (YYYY-MM-DD): {as_of!r}", param_hint="--as-of"
        ) from None
    try:
        batch, events = read_caseload(cases, strict=strict)
        derogation = derogations(crisis, crisis_in)
        national = _periods(appeal_period)
        timeline = case_timeline(batch, day, events=events, crisis=derogation, appeal_period=national)
        out = caseload_status(timeline, days)
        if ics is not None:
            written = write_ics(out["due"], day, ics)
            err.print(f"{written} deadline(s) written to {ics}")
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    if fmt is Format.json:
        sys.stdout.write(_json(out, day, days) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(_csv(out))
    else:
        _table(out, day, days)


def _explain(state: dict[str, object]) -> str:
    """A readable state: who is responsible and why, then each limit with its status."""
    lines = [
        f"{state['id']} on {state['as_of']}: responsible {state['responsible_member_state'] or 'none'}"
        f" [{state['legal_basis']}] - {state['reason']}"
    ]
    if state.get("determined_member_state"):
        lines.append(
            f"  the criteria designate {state['determined_member_state']} [{state['determined_legal_basis']}]"
        )
    for shift in state["shifts"]:  # type: ignore[attr-defined]
        lines.append(f"  shift on {shift['date']}: {shift['from']} -> {shift['to']} [{shift['legal_basis']}]")
    for lim in state["limits"]:  # type: ignore[attr-defined]
        lines.append(
            f"  {lim['name']}: {lim['status']}, last day {lim['date'] or '-'} ({lim['member_state']}),"
            f" {lim['period']} from {lim['runs_from']['text']} [{lim['legal_basis']}]"
        )
        if lim["status"] == "lapsed" and lim["consequence"]:
            lines.append(f"    -> {lim['consequence']} [{lim['consequence_basis']}]")
    due = state["next_due"]
    lines.append(f"  next due: {due['name']} on {due['date']}" if due else "  next due: nothing running")  # type: ignore[index]
    return "\n".join(lines)


@app.command("state")
def state_command(
    cases: Annotated[
        Path, typer.Argument(help="Cases in the case format v2: .json (one or a list) or .jsonl")
    ],
    as_of: Annotated[str, typer.Option("--as-of", help="The day (YYYY-MM-DD)")],
    explain: Annotated[bool, typer.Option("--explain", help="Readable text instead of JSON lines")] = False,
    crisis: Annotated[bool, typer.Option("--crisis", help="The CFMR Art. 12 derogation applies")] = False,
    crisis_in: Annotated[list[str] | None, typer.Option("--crisis-in", help=CRISIS_IN_HELP)] = None,
    appeal_period: Annotated[
        list[str] | None, typer.Option("--appeal-period", help=APPEAL_PERIOD_HELP)
    ] = None,
    fmt: Annotated[
        TableFormat,
        typer.Option("--format", help="json: one JSON answer a line; table or csv: one row a case"),
    ] = TableFormat.json,
) -> None:
    """The state of each case on a day: who is responsible and why, every limit and its status."""
    from migralex.rules.case_state import case_state

    try:
        dt.date.fromisoformat(as_of)
    except ValueError:
        raise typer.BadParameter(
            f"not an ISO 8601 date (YYYY-MM-DD): {as_of!r}", param_hint="--as-of"
        ) from None
    try:
        raw = cases.read_text("utf-8") if cases.exists() else None
        if raw is None:
            raise MigralexError(f"no such file: {cases}")
        items = (
            [json.loads(x) for x in raw.splitlines() if x.strip()]
            if cases.suffix != ".json"
            else json.loads(raw)
        )
        items = items if isinstance(items, list) else [items]
        crisis_input = derogations(crisis, crisis_in)
        answers = case_state(items, as_of, crisis=crisis_input, appeal_period=_periods(appeal_period))
    except (MigralexError, json.JSONDecodeError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    if fmt is not TableFormat.json and not explain:
        rows = [_state_row(a) for a in answers]
        if fmt is TableFormat.csv:
            write_rows(rows, fmt, STATE_COLUMNS)
        else:
            shown = [{**r, "next_due": (r["next_due"] or "").replace("_", " ")} for r in rows]
            print_table(Console(), shown, STATE_COLUMNS, f"The state of each case on {as_of}")
        return
    for answer in answers:
        sys.stdout.write((_explain(answer) if explain else json.dumps(answer, ensure_ascii=False)) + "\n")


def _state_row(state: dict[str, Any]) -> dict[str, Any]:
    """One case's state as a row: who is responsible, on what basis, the next limit due."""
    due = state.get("next_due") or {}
    return {
        **{c.key: state.get(c.key) for c in STATE_COLUMNS},
        "next_due": due.get("name"),
        "next_due_date": due.get("date"),
    }


def register(root: typer.Typer) -> None:
    """Mount `cases` on the `migralex` command."""
    root.add_typer(
        app, name="cases", help="Caseloads in the case format v2: the state of every case on a day."
    )
