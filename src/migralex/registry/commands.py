"""`migralex registry ...`: initialise, issue tokens, register, identify, purge, count, audit, serve;
advance erasure (`citizenship`, Art. 30) and marking (`mark-protection`, Art. 31).

The CLI runs where the database and the key are (`--url` or `$MIGRALEX_REGISTRY_URL`, key from
`$MIGRALEX_REGISTRY_KEY` or `$MIGRALEX_REGISTRY_KEY_FILE`). Commands that act for an authority
take `--member-state` and `--role`; they are audited like API calls (token id `cli`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape

from migralex.errors import MigralexError
from migralex.registry.access import Caller
from migralex.registry.audit import head, parse_anchor
from migralex.registry.categories import Role
from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV, Keyring, create_key_file
from migralex.registry.schemas import ReturnCheckIn, SearchIn, SubmissionIn, decode_template
from migralex.registry.service import Registry
from migralex.registry.stats import TABLES
from migralex.registry.store import Store, database_url
from migralex.registry.tp_multiple import report as tp_report
from migralex.tables import Column, Format, print_table, write_rows

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich", help="The Eurodac-like registry.")
token_app = typer.Typer(no_args_is_help=True, help="API tokens (stored hashed).")
app.add_typer(token_app, name="token")
console = Console()
err = Console(stderr=True)

Url = Annotated[
    str | None, typer.Option("--url", help="Database URL (default: $MIGRALEX_REGISTRY_URL or SQLite)")
]
MemberState = Annotated[
    str, typer.Option("--member-state", "-m", help="ISO code of the authority's Member State")
]
RoleOpt = Annotated[Role, typer.Option("--role", "-r", help="Role of the authority")]


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
    return typer.Exit(code=2)


def _open(url: str | None) -> Registry:
    try:
        return Registry.open(url)
    except MigralexError as exc:
        raise _fail(exc) from None


def os_account() -> str:
    """The OS account running this process, from its real uid (not $USER, which anyone can set)."""
    uid = os.getuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a passwd entry (containers)
        name = "?"
    return f"cli:{uid}:{name}"[:24]


def _cli_caller(member_state: str, role: Role) -> Caller:
    try:
        return Caller(os_account(), member_state, role)
    except MigralexError as exc:
        raise _fail(exc) from None


def _read_json(file: Path) -> Any:
    """A JSON file named on the command line; any unreadable, binary or malformed input names it."""
    try:
        return json.loads(file.read_bytes())
    except IsADirectoryError:
        raise _fail(MigralexError(f"{file} is a directory, not a JSON file")) from None
    except OSError as exc:
        raise _fail(MigralexError(f"{file}: {exc.strerror or exc}")) from None
    except UnicodeDecodeError as exc:
        raise _fail(MigralexError(f"{file}: not UTF-8 text (byte {exc.start + 1})")) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise _fail(MigralexError(f"{file}: not valid JSON ({where}): {exc.msg}")) from None
    except RecursionError:
        raise _fail(MigralexError(f"{file}: JSON nested too deeply")) from None


def _validation(file: Path, exc: ValidationError) -> typer.Exit:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "$"
    return _fail(MigralexError(f"{file}: {where}: {first['msg']} ({exc.error_count()} error(s))"))


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@app.command("init")
def init_command(
    url: Url = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="Create a new key file (mode 0600) here")
    ] = None,
) -> None:
    """Create (or migrate) the registry database; create a key file if asked."""
    if key_file is not None:
        if key_file.exists():
            raise _fail(
                MigralexError(
                    f"a key file already exists at {key_file}; it is kept, not overwritten (the data it"
                    " encrypted cannot be read without it). To use it: export"
                    f" {KEY_FILE_ENV}={key_file} and run `migralex registry init` without --key-file."
                    " For a new registry with a new key, give --key-file another path."
                )
            )
        create_key_file(key_file)
        os.environ[KEY_FILE_ENV] = str(key_file)
        os.environ.pop(KEY_ENV, None)
        console.print(f"key file: {key_file} (mode 0600) — keep it outside the database and back it up")
    try:
        keys = Keyring.from_env()
        Store.open(url, keys).dispose()
    except MigralexError as exc:
        raise _fail(exc) from None
    console.print(f"registry ready at {database_url(url)} (key fingerprint {keys.fingerprint})")


@token_app.command("create")
def token_create(
    member_state: MemberState, role: RoleOpt, label: Annotated[str, typer.Option("--label")], url: Url = None
) -> None:
    """Issue a token for an authority; it is printed once (only its SHA-256 is stored)."""
    reg = _open(url)
    try:
        typer.echo(reg.create_token(member_state, role.value, label))
    except MigralexError as exc:
        raise _fail(exc) from None


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The id part (tk_...)")], url: Url = None
) -> None:
    """Revoke a token."""
    _open(url).revoke_token(token_id)
    console.print(f"revoked {token_id}")


@app.command("register")
def register_command(
    file: Annotated[Path, typer.Argument(help="JSON: one submission or a list (the API's shape)")],
    member_state: MemberState,
    role: RoleOpt,
    url: Url = None,
) -> None:
    """Register datasets from a JSON file (compared as the law says) and print the results."""
    raw = _read_json(file)
    items = raw if isinstance(raw, list) else [raw]
    try:
        subs = TypeAdapter(list[SubmissionIn]).validate_json(json.dumps(items))
    except ValidationError as exc:
        raise _validation(file, exc) from None
    reg = _open(url)
    try:
        results = reg.register_batch(_cli_caller(member_state, role), [s.to_submission() for s in subs])
    except MigralexError as exc:
        raise _fail(exc) from None
    _print_json([r.to_dict() for r in results])


@app.command("identify")
def identify_command(
    file: Annotated[Path, typer.Argument(help="JSON: a search (kind, fingerprint or face, request)")],
    member_state: MemberState,
    role: RoleOpt,
    url: Url = None,
) -> None:
    """Compare biometric data without recording them (Art. 18(1) admission, or law enforcement)."""
    try:
        body = SearchIn.model_validate_json(json.dumps(_read_json(file)))
    except ValidationError as exc:
        raise _validation(file, exc) from None
    reg = _open(url)
    try:
        result = reg.search(
            _cli_caller(member_state, role),
            kind=body.kind,
            fingerprint=decode_template(body.fingerprint, "fingerprint"),
            face=decode_template(body.face, "face"),
            sex=body.sex,
            request=body.request.to_request() if body.request else None,
            include_own=body.include_own,
        )
    except MigralexError as exc:
        raise _fail(exc) from None
    _print_json(result.to_dict())


@app.command("return-check")
def return_check_command(
    file: Annotated[Path, typer.Argument(help="JSON: fingerprint or face (base64), sex, include_own")],
    member_state: MemberState,
    role: RoleOpt,
    url: Url = None,
) -> None:
    """On apprehension: has another Member State issued a return decision? (SIS Return Reg. Art. 7(2))."""
    try:
        body = ReturnCheckIn.model_validate_json(json.dumps(_read_json(file)))
    except ValidationError as exc:
        raise _validation(file, exc) from None
    reg = _open(url)
    try:
        result = reg.search(
            _cli_caller(member_state, role),
            kind="return_check",
            fingerprint=decode_template(body.fingerprint, "fingerprint"),
            face=decode_template(body.face, "face"),
            sex=body.sex,
            include_own=body.include_own,
        )
    except MigralexError as exc:
        raise _fail(exc) from None
    _print_json(result.to_dict())


def _operator(member_state: str) -> Caller:
    return _cli_caller(member_state, Role.operator)


OperatorMs = Annotated[str, typer.Option("--member-state", "-m", help="The operator's Member State, or EU")]


@app.command("purge")
def purge_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Erase what was due on this day (default: today)")
    ] = None,
    url: Url = None,
    member_state: OperatorMs = "EU",
) -> None:
    """Erase every dataset whose storage period has ended (Art. 29(10)); set-based, as of today."""
    reg = _open(url)
    try:
        result = reg.purge(_operator(member_state), as_of)
    except MigralexError as exc:
        raise _fail(exc) from None
    console.print(f"erased {result.count} dataset(s) ({result.basis})")


@app.command("purge-audit")
def purge_audit_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Erase what was due on this day (default: today)")
    ] = None,
    keep_from: Annotated[
        str | None,
        typer.Option("--keep-from", help="Keep entries from this day on (a monitoring procedure begun)"),
    ] = None,
    url: Url = None,
    member_state: OperatorMs = "EU",
) -> None:
    """Erase audit entries one year after the storage period of their data (Art. 41(4))."""
    reg = _open(url)
    try:
        result = reg.purge_audit(_operator(member_state), as_of, keep_from)
    except MigralexError as exc:
        raise _fail(exc) from None
    console.print(f"erased {result.count} audit entries in {result.runs} anchored run(s) ({result.basis})")


def _record(dataset_id: int, action: str, member_state: str, role: Role, url: str | None) -> None:
    reg = _open(url)
    try:
        out = reg.record(_cli_caller(member_state, role), dataset_id, action)
    except MigralexError as exc:
        raise _fail(exc) from None
    _print_json(out)


DatasetId = Annotated[int, typer.Argument(help="The dataset's public id")]


@app.command("citizenship")
def citizenship_command(
    dataset_id: DatasetId, member_state: MemberState, role: RoleOpt, url: Url = None
) -> None:
    """Advance erasure: the person acquired a Member State's citizenship (Art. 30(1))."""
    _record(dataset_id, "citizenship_acquired", member_state, role, url)


@app.command("mark-protection")
def mark_protection_command(
    dataset_id: DatasetId,
    member_state: MemberState,
    role: RoleOpt,
    withdrawn: Annotated[
        bool, typer.Option("--withdrawn", help="Unmark: the status was withdrawn (Art. 31(3))")
    ] = False,
    url: Url = None,
) -> None:
    """Mark an applicant's data: international protection granted (Art. 31(1)); no erasure."""
    _record(dataset_id, "unmarked_protection" if withdrawn else "marked_protection", member_state, role, url)


#: The plain header of each column of the statistics (`migralex.registry.stats.statistics`).
STATS_HEADERS: dict[str, str] = {
    "month": "Month",
    "member_state": "Member State",
    "requesting_ms": "Requesting State",
    "category": "Category",
    "type": "Event",
    "probe_category": "Searched as",
    "candidate_category": "Found as",
    "status": "Status",
    "birth_year": "Year of birth",
    "sex": "Sex",
    "datasets": "Datasets",
    "persons": "Persons",
    "persons_registered_as_minors": "Of whom minors",
    "late_transmissions": "Transmitted late",
    "applicants": "Applicants",
    "first_time_applicants": "First-time applicants",
    "hits": "Hits",
    "requests": "Requests",
    "requests_with_hits": "Requests with hits",
}
_STATS_TEXT = {"month", "member_state", "requesting_ms", "category", "type", "probe_category"}
_STATS_TEXT |= {"candidate_category", "status", "sex"}


def _stats_columns(keys: list[str]) -> list[Column]:
    return [
        Column(
            k,
            STATS_HEADERS.get(k, k.replace("_", " ").capitalize()),
            "text" if k in _STATS_TEXT else "int",
            max_width=10,
        )
        for k in keys
    ]


def _stats_rows(frame: Any) -> list[dict[str, Any]]:
    """Rows for the terminal: birth years without thousands separators, codes in words."""
    rows = frame.to_dicts()
    for r in rows:
        for k, v in r.items():
            if k == "birth_year" and v is not None:
                r[k] = str(v)
            elif isinstance(v, str) and k in _STATS_TEXT:
                r[k] = v.replace("_", " ")
    return rows


@app.command("stats")
def stats_command(
    url: Url = None,
    member_state: OperatorMs = "EU",
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the same as --format json)")] = False,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format", help="table, csv (one row per line of every table, named in `table`) or json"
        ),
    ] = Format.table,
) -> None:
    """Monthly statistics of Art. 12: persons, by category and Member State."""
    reg = _open(url)
    try:
        out = reg.statistics(
            _operator(member_state),
            since=dt.date.fromisoformat(since) if since else None,
            until=dt.date.fromisoformat(until) if until else None,
        )
    except (MigralexError, ValueError) as exc:
        raise _fail(exc) from None
    if as_json or fmt is Format.json:
        _print_json({k: v.to_dicts() for k, v in out.items()})
        return
    if fmt is Format.csv:
        write_rows([{"table": name, **r} for name, frame in out.items() for r in frame.to_dicts()], fmt)
        return
    for name, frame in out.items():
        rows = _stats_rows(frame)
        title = f"{name.replace('_', ' ').capitalize()} — Eurodac {TABLES[name].split(':')[0]}"
        if not rows:
            console.print(f"{title}: none")
            continue
        print_table(console, rows, _stats_columns(frame.columns), title)


@app.command("tp-multiple")
def tp_multiple_command(
    url: Url = None,
    member_state: Annotated[
        str,
        typer.Option(
            "--member-state", "-m", help="The operator's Member State (EU), or an asylum authority's"
        ),
    ] = "EU",
    role: Annotated[
        Role, typer.Option("--role", "-r", help="operator (all rows) or asylum (own rows)")
    ] = Role.operator,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Persons registered for temporary protection in several Member States (Arts 3(6), 26, 38(4))."""
    reg = _open(url)
    try:
        frame = reg.tp_multiple_registrations(_cli_caller(member_state, role))
    except MigralexError as exc:
        raise _fail(exc) from None
    out = tp_report(frame)
    if fmt is Format.json:
        _print_json(out)
        return
    rows = [{**r, "member_states": "+".join(r["member_states"])} for r in out["rows"]]
    if fmt is Format.csv:
        write_rows(out["rows"], fmt, TP_COLUMNS)
        return
    print_table(console, rows, TP_COLUMNS, "Temporary protection in several Member States")
    console.print(
        f"linked {out['by_status']['linked']}, pending {out['by_status']['pending']}; {out['basis']}"
    )
    console.print(out["note"])


TP_COLUMNS = (
    Column("status", "Status"),
    Column("member_states", "Member States"),
    Column("registrations", "Registrations", "int"),
    Column("first_registered", "First"),
    Column("last_registered", "Last"),
    Column("dataset_ids", "Datasets"),
)


@app.command("verify")
def verify_command(
    url: Url = None,
    member_state: OperatorMs = "EU",
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="SEQ:HASH from `audit-head`, kept elsewhere")
    ] = None,
) -> None:
    """Recompute the audit chain and every sealed row's MAC; exit 1 naming what was altered."""
    reg = _open(url)
    try:
        report = reg.verify(_operator(member_state), parse_anchor(anchor) if anchor else None)
    except MigralexError as exc:
        raise _fail(exc) from None
    if report.ok:
        rows = ", ".join(f"{n} {table}" for table, n in report.rows.checked.items())
        console.print(f"audit log intact: {report.audit.entries} entries, head {report.audit.anchor()}")
        console.print(f"rows intact: {rows}")
        return
    for problem in report.problems:
        err.print(f"[bold red]✗[/] {escape(problem)}", soft_wrap=True)
    raise typer.Exit(code=1)


app.command("verify-audit", help="Alias of `verify` (kept for scripts).")(verify_command)


@app.command("seal")
def seal_command(url: Url = None, member_state: OperatorMs = "EU") -> None:
    """Seal the rows written before row MACs existed (once, after upgrading; check them first)."""
    reg = _open(url)
    try:
        counts = reg.seal_legacy(_operator(member_state))
    except MigralexError as exc:
        raise _fail(exc) from None
    console.print("sealed: " + ", ".join(f"{n} {table}" for table, n in counts.items()))


@app.command("audit-head")
def audit_head_command(url: Url = None) -> None:
    """Print the head of the audit chain (SEQ:HASH) to keep outside the database."""
    reg = _open(url)
    with reg.store.read() as conn:
        seq, digest = head(conn)
    typer.echo(f"{seq}:{digest}")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8358,
    url: Url = None,
) -> None:
    """Serve the registry API (`/v1/registry`, docs at `/v1/registry/docs`) with the daily retention job."""
    import uvicorn

    from migralex.registry.api import create_app

    reg = _open(url)
    reg.warm()
    uvicorn.run(create_app(reg, retention=True), host=host, port=port, log_level="warning")
