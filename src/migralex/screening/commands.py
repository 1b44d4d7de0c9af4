"""`migralex screening start|health|vulnerability|identity|check|verify|complete|form|list`.

The CLI acts for a member of the screening staff of one Member State (`--member-state`, `--role`
border or medical), audited under the OS account like the registry's CLI. It runs on the registry's
database (`--url` or `$MIGRALEX_REGISTRY_URL`, key from `$MIGRALEX_REGISTRY_KEY[_FILE]`) and queries
the simulated systems (`--seed`); the HTTP API and the library take real adapters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from migralex.errors import MigralexError
from migralex.registry.commands import os_account
from migralex.screening import form as form_mod
from migralex.screening.access import Staff, StaffRole
from migralex.screening.connectors.simulated import simulated_systems
from migralex.screening.service import ScreeningService
from migralex.tables import Column, Format, print_table, write_rows

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich", help="Screening (Regulation 2024/1356).")
console = Console()
err = Console(stderr=True)

Url = Annotated[str | None, typer.Option("--url", help="Database URL (default: the registry's)")]
MemberState = Annotated[str, typer.Option("--member-state", "-m", help="ISO code of the Member State")]
RoleOpt = Annotated[StaffRole, typer.Option("--role", "-r", help="border or medical")]
Id = Annotated[str, typer.Argument(help="The screening's id")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table, csv (the checks) or json (all)")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the simulated systems")]

CHECK_COLUMNS = [
    Column("element", "Element", max_width=14),
    Column("status", "Status", max_width=10),
    Column("basis", "Article", max_width=30),
]


class FormFormat(StrEnum):
    """Output of the form."""

    json = "json"
    markdown = "markdown"
    html = "html"


def _run(fn: Callable[[ScreeningService], dict[str, Any]], url: str | None, seed: int = 0) -> dict[str, Any]:
    """Open the service, run one use case, turn any error into one line and exit code 2."""
    svc = None
    try:
        svc = ScreeningService.open(url, connectors=simulated_systems(seed))
        return fn(svc)
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from None
    finally:
        if svc is not None:
            svc.store.dispose()


def _staff(member_state: str, role: StaffRole) -> Staff:
    try:
        return Staff(os_account(), member_state, role)
    except MigralexError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None


def _show(view: dict[str, Any], fmt: Format) -> None:
    """The screening: a header line with the clock, and its checks as a table."""
    rows = [{"element": k, **v} for k, v in view.get("checks", {}).items()]
    if fmt is Format.json:
        typer.echo(json.dumps(view, indent=2, ensure_ascii=False, default=str))
        return
    if fmt is Format.csv:
        write_rows(rows, fmt, [*CHECK_COLUMNS, Column("not_done", "Not done, and why")])
        return
    c, t = view["clock"], view["time_limit"]
    left = "expired" if c["expired"] else f"{c['hours_left']:g} h left"
    console.print(f"{view['id']} ({view['legal_basis']}): {view['status']}", highlight=False, soft_wrap=True)
    console.print(f"time limit {t['last_day']} ({t['legal_basis']}), {left}", highlight=False, soft_wrap=True)
    if view.get("outcome"):
        console.print(
            f"referred: {view['outcome']} ({view['outcome_basis']})", highlight=False, soft_wrap=True
        )
    print_table(console, rows, CHECK_COLUMNS, "Elements of the screening (SR Art. 8(5))")
    for r in rows:
        if r.get("not_done"):
            console.print(f"{r['element']}: {r['not_done']}", highlight=False, soft_wrap=False)
    for h in view.get("hits", []):
        console.print(
            f"hit {h['system']} {h['reference']}: {h['status']} ({h['legal_basis']})", highlight=False
        )


def _json_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        err.print(
            f"[bold red]error:[/] {escape(str(path))}: not a readable JSON file ({exc})",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from None
    if not isinstance(data, dict):
        err.print(
            f"[bold red]error:[/] {escape(str(path))}: expected a JSON object of form elements",
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    return data


@app.command("start")
def start_command(
    screening_id: Id,
    reason: Annotated[
        str, typer.Option("--reason", help="apprehension, disembarkation, border_crossing_point, territory")
    ],
    event_at: Annotated[str, typer.Option("--event-at", help="When: 2026-11-30T09:00 (local time)")],
    member_state: MemberState,
    held_hours: Annotated[
        float, typer.Option("--held-hours", help="Hours held at the border (Art. 8(3))")
    ] = 0.0,
    form: Annotated[Path | None, typer.Option("--form", help="JSON file of declared form elements")] = None,
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """Open a screening (SR Art. 5 or 7); the time limit starts (Art. 8(3)-(4))."""
    try:
        at = dt.datetime.fromisoformat(event_at)
    except ValueError:
        err.print(
            f"[bold red]error:[/] --event-at: not a date and time: {escape(event_at)}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from None
    entries, staff = _json_file(form), _staff(member_state, StaffRole.border)
    _show(_run(lambda s: s.start(staff, screening_id, reason, at, entries, held_hours=held_hours), url), fmt)


@app.command("health")
def health_command(
    screening_id: Id,
    member_state: MemberState,
    needs_care: Annotated[bool, typer.Option("--needs-care/--no-needs-care")] = False,
    isolation: Annotated[bool, typer.Option("--isolation/--no-isolation")] = False,
    no_further_check: Annotated[bool, typer.Option("--no-further-check/--further-check")] = False,
    notes: Annotated[str | None, typer.Option("--notes", help="Medical notes (medical staff only)")] = None,
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """Record the preliminary health check (Art. 12(1)); medical staff."""
    staff = _staff(member_state, StaffRole.medical)
    findings = {"needs_care": needs_care, "isolation": isolation, "no_further_check": no_further_check}
    _show(_run(lambda s: s.health(staff, screening_id, **findings, notes=notes), url), fmt)


@app.command("vulnerability")
def vulnerability_command(
    screening_id: Id,
    member_state: MemberState,
    indication: Annotated[
        list[str] | None, typer.Option("--indication", help="Repeat; none: no indication")
    ] = None,
    role: RoleOpt = StaffRole.border,
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """Record the preliminary vulnerability check (Art. 12(3))."""
    staff = _staff(member_state, role)
    _show(_run(lambda s: s.vulnerability(staff, screening_id, indication or []), url), fmt)


@app.command("identity")
def identity_command(
    screening_id: Id,
    member_state: MemberState,
    form: Annotated[Path, typer.Option("--form", help="JSON file of form elements, with identity_confirmed")],
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """Record the identification or verification of identity (Art. 14) and the form's elements."""
    entries, staff = _json_file(form), _staff(member_state, StaffRole.border)
    _show(_run(lambda s: s.identity(staff, screening_id, entries), url), fmt)


@app.command("check")
def check_command(
    screening_id: Id, member_state: MemberState, url: Url = None, seed: Seed = 0, fmt: Fmt = Format.table
) -> None:
    """Query the systems (Arts 14-16); the unanswered ones again. A hit waits for `verify`."""
    staff = _staff(member_state, StaffRole.border)
    _show(_run(lambda s: s.check(staff, screening_id), url, seed), fmt)


@app.command("verify")
def verify_command(
    screening_id: Id,
    system: Annotated[str, typer.Argument(help="The system of the hit, e.g. sis")],
    reference: Annotated[str, typer.Argument(help="The hit's reference")],
    member_state: MemberState,
    confirmed: Annotated[bool, typer.Option("--confirmed/--discarded", help="The officer's finding")],
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """Verify a hit manually (Art. 16); a confirmed security hit sets the security flag."""
    staff = _staff(member_state, StaffRole.border)
    _show(_run(lambda s: s.verify(staff, screening_id, system, reference, confirmed), url), fmt)


@app.command("complete")
def complete_command(
    screening_id: Id,
    member_state: MemberState,
    relocation: Annotated[bool, typer.Option("--relocation", help="To be relocated (Art. 18(3))")] = False,
    entry: Annotated[bool, typer.Option("--entry-conditions-met", help="Art. 5(3)")] = False,
    url: Url = None,
    fmt: Fmt = Format.table,
) -> None:
    """End the screening and refer the person (Art. 18); refused while elements are missing, unless
    the time limit has expired (then it ends with what was not done, Art. 18(5))."""
    staff = _staff(member_state, StaffRole.border)
    _show(
        _run(
            lambda s: s.complete(staff, screening_id, relocation=relocation, entry_conditions_met=entry), url
        ),
        fmt,
    )


@app.command("form")
def form_command(
    screening_id: Id,
    member_state: MemberState,
    output: Annotated[
        FormFormat, typer.Option("--format", "-f", help="json, markdown or html")
    ] = FormFormat.json,
    for_person: Annotated[
        bool, typer.Option("--for-person", help="The person's copy: point (h) redacted")
    ] = False,
    url: Url = None,
) -> None:
    """The screening form (Art. 17) as JSON or as a printable document."""
    staff = _staff(member_state, StaffRole.border)
    doc = _run(lambda s: s.form(staff, screening_id, for_person=for_person), url)
    if output is FormFormat.json:
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo(form_mod.markdown(doc) if output is FormFormat.markdown else form_mod.html(doc), nl=False)


@app.command("list")
def list_command(
    member_state: MemberState,
    status: Annotated[str | None, typer.Option("--status", help="in_progress, completed, ...")] = None,
    url: Url = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, csv or json")] = Format.table,
) -> None:
    """The Member State's screenings with their clocks (no personal data)."""
    staff = _staff(member_state, StaffRole.border)
    rows = _run(lambda s: {"rows": s.list(staff, status)}, url)["rows"]
    cols = [Column("id", "Screening"), Column("status", "Status"), Column("last_day", "Last day"),
            Column("hours_left", "Hours left", "number"), Column("outcome", "Referred to")]  # fmt: skip
    if fmt is Format.table:
        print_table(console, rows, cols, "Screenings (SR Art. 8 time limits)")
    else:
        write_rows(rows, fmt, cols)
