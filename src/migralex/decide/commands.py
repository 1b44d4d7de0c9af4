"""`migralex decide responsibility|procedure|deadlines CASES` and `migralex border-list`.

Each `decide` command reads a `.jsonl` file (one case a line; `-` for stdin) or a `.json` file
(one case or a list) and writes one JSON answer per line (stdout or `--out FILE`). `--trace` adds
the rules examined; `--explain` prints a readable explanation quoting the deciding article
instead. Invalid cases are reported on stderr as JSON lines ({line, id, error: {path, reason}});
the others are still answered, and the exit status is 1 when any was rejected (2 for a usage
error). `--set NAME=VALUE` changes a parameter or a reading for the run (a scenario overlay);
`--regime AMMR|DUBLIN_III` forces the regime instead of the dates (AMMR Art. 84(2), APR Art. 79(3)).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.markup import escape

from migralex.cases.io import ReadResult, read_cases
from migralex.decide.explain import explain_deadlines, explain_procedure, explain_responsibility
from migralex.errors import InvalidInput, MigralexError
from migralex.law.params import ParameterSet, params
from migralex.tables import Column, Format, csv_text, print_table, write_rows

if TYPE_CHECKING:
    from migralex.cases.batch import CaseBatch
    from migralex.context import Context
    from migralex.rules.deadlines import DeadlinesResult

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")
err = Console(stderr=True)

CasesArg = Annotated[
    Path, typer.Argument(help="Cases: .jsonl (one per line), .json (one or a list), - for stdin")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write the answers to this file instead of stdout")
]
TraceOpt = Annotated[bool, typer.Option("--trace", help="Add the trace of the rules examined")]
ExplainOpt = Annotated[bool, typer.Option("--explain", help="Readable explanation quoting the article")]


class AnswerFormat(StrEnum):
    """How `decide` writes its answers: JSON lines (the default) or CSV (one row a case or deadline)."""

    json = "json"
    csv = "csv"


FormatOpt = Annotated[
    AnswerFormat,
    typer.Option("--format", help="json: one JSON answer a line; csv: a table (deadlines: one row each)"),
]
ContextOpt = Annotated[
    Path | None, typer.Option("--context", help="Context JSON (recognition rates, crisis)")
]


class Regime(StrEnum):
    """Regimes a caller may force (`migralex.rules.regime`)."""

    AMMR = "AMMR"
    DUBLIN_III = "DUBLIN_III"


RegimeOpt = Annotated[
    Regime | None,
    typer.Option(
        "--regime",
        case_sensitive=False,
        help="Force the regime (a scenario) instead of the date: AMMR (the Pact) or DUBLIN_III",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Parameter or reading for this run: NAME=VALUE (repeatable)"),
]


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
    return typer.Exit(code=2)


def _overlay(settings: list[str] | None) -> ParameterSet:
    p = params()
    if not settings:
        return p
    changes: dict[str, Any] = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"--set expects NAME=VALUE, got {item!r}")
        try:
            changes[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            changes[name.strip()] = value.strip()
    return p.overlay(changes, label="--set")


def _value(regime: Regime | None) -> str | None:
    return None if regime is None else regime.value


def _read(path: Path) -> ReadResult:
    result = read_cases(str(path))
    for r in result.rejected:
        err.print(json.dumps(r.to_dict(), ensure_ascii=False), markup=False, highlight=False, soft_wrap=True)
    return result


def _check_out(out: Path | None) -> None:
    """Refuse an --out that cannot be written before any work is done (nothing half-written)."""
    if out is None:
        return
    if out.is_dir():
        raise InvalidInput("--out", f"{out} is a directory")
    if not out.parent.is_dir():
        raise InvalidInput("--out", f"{out}: the folder {out.parent} does not exist")


def _load_context(path: Path | None, p: ParameterSet) -> Context:
    """The --context file; unreadable, binary or too deeply nested input is an error naming it."""
    from migralex.context import load_context

    try:
        return load_context(path, p)
    except MigralexError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 JSON text"
        raise InvalidInput("--context", f"{path}: {reason}") from None
    except RecursionError:
        raise InvalidInput("--context", f"{path}: JSON nested too deeply") from None


@contextmanager
def _output(out: Path | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        return
    with out.open("w", encoding="utf-8") as f:
        yield f


def _write(out: Path | None, lines: Iterable[str]) -> None:
    try:
        with _output(out) as f:
            for line in lines:
                f.write(line + "\n")
    except OSError as exc:
        raise InvalidInput("--out", f"{out}: {exc.strerror or exc}") from None


def _finish(result: ReadResult) -> None:
    if result.rejected:
        err.print(f"{len(result.rejected)} case(s) rejected, {result.batch.n} answered", style="yellow")
        raise typer.Exit(code=1)


def _json_lines(answers: Iterable[dict[str, Any]]) -> Iterator[str]:
    for a in answers:
        yield json.dumps(a, ensure_ascii=False)


def _flat(answer: dict[str, Any]) -> dict[str, Any]:
    """One CSV row: flags by name, lists joined with "; " (the trace is in the JSON answer only)."""
    row = {k: v for k, v in answer.items() if k not in ("trace", "deadlines")}
    if "flags" in row:
        row["flags"] = [f["flag"] for f in row["flags"]]
    return row


def _csv(answers: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The answers as CSV; a deadlines answer gives one row per time limit, after the case id."""
    rows: list[dict[str, Any]] = []
    for a in answers:
        if "deadlines" in a:
            rows.extend({"id": a["id"], **d} for d in a["deadlines"])
        else:
            rows.append(_flat(a))
    yield csv_text(rows).removesuffix("\n")


def _emit(out: Path | None, fmt: AnswerFormat, answers: Iterable[dict[str, Any]]) -> None:
    _write(out, _csv(answers) if fmt is AnswerFormat.csv else _json_lines(answers))


def _check_format(fmt: AnswerFormat, trace: bool, explain: bool) -> None:
    if fmt is AnswerFormat.csv and (trace or explain):
        raise InvalidInput("--format", "csv has no room for --trace or --explain: use json or drop them")


class _Answers(Protocol):
    """Answers of a batch, one per case (with the trace of the provisions examined, where asked)."""

    def __len__(self) -> int: ...

    def answer(self, i: int, trace: bool = False) -> dict[str, Any]: ...


@dataclass(frozen=True)
class _Untraced:
    """Answers that have no trace (the time limits): `trace` is ignored."""

    answers: DeadlinesResult

    def __len__(self) -> int:
        return len(self.answers)

    def answer(self, i: int, trace: bool = False) -> dict[str, Any]:
        """The time limits of case `i`."""
        return self.answers.answer(i)


def _answer_cases(
    cases: Path,
    out: Path | None,
    fmt: AnswerFormat,
    trace: bool,
    explain: bool,
    set_: list[str] | None,
    decider: Callable[[ParameterSet], Callable[[CaseBatch], _Answers]],
    explainer: Callable[[dict[str, Any]], str],
) -> None:
    """Check the options, read the cases, decide them and write the answers (rejected cases: exit 1)."""
    try:
        _check_out(out)
        _check_format(fmt, trace, explain)
        decide_batch = decider(_overlay(set_))
        result = _read(cases)
        answers = decide_batch(result.batch)
        if explain:
            _write(out, (explainer(answers.answer(i, trace=True)) for i in range(len(answers))))
        else:
            _emit(out, fmt, (answers.answer(i, trace) for i in range(len(answers))))
    except MigralexError as exc:
        raise _fail(exc) from None
    _finish(result)


@app.command("responsibility")
def responsibility_command(
    cases: CasesArg,
    out: OutOpt = None,
    trace: TraceOpt = False,
    explain: ExplainOpt = False,
    set_: SetOpt = None,
    regime: RegimeOpt = None,
    fmt: FormatOpt = AnswerFormat.json,
) -> None:
    """Which Member State is responsible (AMMR Part III; Dublin III before 1 July 2026)."""
    from migralex.rules.responsibility.hierarchy import decide_responsibility

    def decider(p: ParameterSet) -> Callable[[CaseBatch], _Answers]:
        return lambda batch: decide_responsibility(
            batch, p, with_trace=trace or explain, regime=_value(regime)
        )

    _answer_cases(cases, out, fmt, trace, explain, set_, decider, explain_responsibility)


@app.command("procedure")
def procedure_command(
    cases: CasesArg,
    context: ContextOpt = None,
    out: OutOpt = None,
    trace: TraceOpt = False,
    explain: ExplainOpt = False,
    set_: SetOpt = None,
    regime: RegimeOpt = None,
    fmt: FormatOpt = AnswerFormat.json,
) -> None:
    """Which procedure: border, border_optional, accelerated or regular (APR; CFMR in a crisis)."""
    from migralex.rules.procedure import channel

    def decider(p: ParameterSet) -> Callable[[CaseBatch], _Answers]:
        ctx = _load_context(context, p)
        return lambda batch: channel(batch, ctx, p, regime=_value(regime))

    _answer_cases(cases, out, fmt, trace, explain, set_, decider, explain_procedure)


@app.command("deadlines")
def deadlines_command(
    cases: CasesArg,
    context: ContextOpt = None,
    out: OutOpt = None,
    explain: ExplainOpt = False,
    set_: SetOpt = None,
    regime: RegimeOpt = None,
    fmt: FormatOpt = AnswerFormat.json,
    crisis_in: Annotated[
        list[str] | None,
        typer.Option(
            "--crisis-in",
            help="A Member State authorised to derogate (CFMR Art. 12), as MS:FROM:TO, e.g."
            " GR:2026-09-01:2026-11-30; repeat for each State and period",
        ),
    ] = None,
) -> None:
    """Which time limits run, to which date, with their legal basis."""
    from migralex.decide import decide
    from migralex.rules.crisis import derogations

    def decider(p: ParameterSet) -> Callable[[CaseBatch], _Answers]:
        ctx = _load_context(context, p)
        crisis = derogations(False, crisis_in, field="--crisis-in")
        return lambda batch: _Untraced(decide(batch, ctx, p, regime=_value(regime), crisis=crisis).deadlines)

    _answer_cases(cases, out, fmt, False, explain, set_, decider, explain_deadlines)


def border_list_command(
    year: Annotated[
        int | None, typer.Option("--year", help="Year of the decisions (default: the latest)")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Rate threshold (default: APR Art. 42(1)(j), 20 %)")
    ] = None,
    set_: SetOpt = None,
    min_decisions: Annotated[
        int,
        typer.Option(
            "--min-decisions",
            help="Show only nationalities with at least this many decisions (the list is not changed)",
        ),
    ] = 0,
) -> None:
    """Nationalities with a Union-wide recognition rate at or below 20 % (APR Art. 42(1)(j))."""
    from migralex.context import default_recognition_rates
    from migralex.rules.recognition import border_list

    try:
        p = _overlay(set_)
        param = p["apr.border.recognition_rate_threshold"]
        limit = threshold if threshold is not None else float(param.values[-1].value)
        rates = default_recognition_rates(year, p)
        listed = border_list(rates, limit, param.boundary)
    except MigralexError as exc:
        raise _fail(exc) from None
    rows = [r for r in listed.to_dicts() if r["total"] >= min_decisions]
    if fmt is not Format.table:
        write_rows(rows, fmt)
        return
    used = rows[0]["year"] if rows else year
    for r in rows:
        r["name"] = _country_name(r["citizenship"])
    shown = f"; {min_decisions:,} decisions or more" if min_decisions else ""
    title = f"Recognition rate ≤ {limit:.0%} ({used}, first instance, EU-27{shown}) — APR Art. 42(1)(j)"
    print_table(Console(), rows, BORDER_LIST_COLUMNS, title, key=2)


BORDER_LIST_COLUMNS = (
    Column("citizenship", "Code"),
    Column("name", "Nationality", max_width=24),
    Column("rate", "Recognition rate", "percent"),
    Column("granted", "Granted", "int"),
    Column("rejected", "Rejected", "int"),
    Column("total", "Decisions", "int"),
)


def _country_name(code: str) -> str:
    """English short name, or the code itself where it is not a country (e.g. UNK)."""
    from migralex.countries import name

    try:
        return name(code)
    except MigralexError:
        return code


def register(root: typer.Typer) -> None:
    """Mount `decide` and `border-list` on the `migralex` command."""
    root.add_typer(app, name="decide", help="The case engine: responsibility, procedure, deadlines.")
    root.command("border-list")(border_list_command)


def _read_decisions(path: Path) -> list[dict[str, Any]]:
    """Decisions from .jsonl (one a line), .json (one or a list) or - (stdin); errors name the line."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise InvalidInput("decisions", f"{path}: {reason}") from None
    try:
        if path.suffix == ".json":
            doc = json.loads(text)
            rows = doc if isinstance(doc, list) else [doc]
        else:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise InvalidInput("decisions", f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise InvalidInput("decisions", f"{path}: JSON nested too deeply") from None
    bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
    if bad is not None:
        raise InvalidInput(f"decisions[{bad}]", "each decision is a JSON object")
    if not rows:
        raise InvalidInput("decisions", f"{path}: no decisions")
    return rows


@app.command("returns")
def returns_command(
    decisions: Annotated[
        Path, typer.Argument(help="Rejection decisions: .jsonl (one per line), .json, - for stdin")
    ],
    out: OutOpt = None,
    trace: TraceOpt = False,
    explain: ExplainOpt = False,
    set_: SetOpt = None,
) -> None:
    """Return decision (APR Art. 37), return border procedure, voluntary departure."""
    from migralex.rules.returns import decide_returns, explain_return

    try:
        _check_out(out)
        p = _overlay(set_)
        result = decide_returns(_read_decisions(decisions), params=p)
        if explain:
            _write(out, (explain_return(a) for a in result.answers(trace=True)))
        else:
            _write(out, _json_lines(result.answers(trace=trace)))
    except MigralexError as exc:
        raise _fail(exc) from None
