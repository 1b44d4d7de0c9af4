"""Readable explanations of the answers, quoting the deciding provision's text (`--explain`)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from migralex.errors import MigralexError
from migralex.law.texts import article

_CITE = re.compile(r"^(?P<act>[A-Za-z ]+?) Art\. (?P<art>\d+)(?:\((?P<par>\d+)\))?(?:\((?P<pt>[a-z]+)\))?")
_POINT = re.compile(r"^\(([a-z]+)\)\s", re.MULTILINE)


def quote(citation: str) -> str | None:
    """The words of the provision a citation points to (the paragraph, or the point within it);
    for Dublin III, the shipped summary (not the official text). None if not found."""
    m = _CITE.match(citation)
    if not m:
        return None
    try:
        art = article(m.group("act"), m.group("art"))
    except MigralexError:
        return None
    text = art.text
    if m.group("par"):
        text = art.paragraphs().get(m.group("par"), text)
    if m.group("pt"):
        starts = [(p.group(1), p.start()) for p in _POINT.finditer(text)]
        for k, (letter, start) in enumerate(starts):
            if letter == m.group("pt"):
                end = starts[k + 1][1] if k + 1 < len(starts) else len(text)
                text = text[start:end]
                break
    text = " ".join(text.split())
    if not art.official:
        text += " [summary, not the official text]"
    return text


def _block(text: str | None, indent: str = "    ") -> list[str]:
    if not text:
        return []
    return textwrap.wrap(f"“{text}”", width=100, initial_indent=indent, subsequent_indent=indent)


def _trace_lines(trace: list[dict[str, str]]) -> list[str]:
    marks = {"applies": "✔", "not_applicable": "·", "excluded": "✘"}
    return [f"  {marks.get(t['outcome'], '?')} {t['rule']}: {t['reason']}" for t in trace]


def _flag_lines(flags: list[dict[str, Any]]) -> list[str]:
    out = []
    for f in flags:
        kind = "DECISION FOR A PERSON" if f["blocking"] else "note"
        out.append(f"  ! {kind} ({f['rule']}): {f['reason']}")
    return out


def explain_responsibility(answer: dict[str, Any]) -> str:
    """Responsibility answer as text: the result, the deciding words, the criteria examined."""
    ms = answer["responsible_member_state"]
    head = (
        f"{answer['id']}: {ms} is responsible under {answer['legal_basis']}."
        if ms
        else f"{answer['id']}: no Member State named - {answer['legal_basis']} leaves the choice to a person."
    )
    lines = [head, *_block(quote(answer["legal_basis"]))]
    lines += _flag_lines(answer["flags"])
    lines += ["  Rules examined:", *_trace_lines(answer.get("trace", []))]
    return "\n".join(lines) + "\n"


def explain_procedure(answer: dict[str, Any]) -> str:
    """Procedure answer as text."""
    proc = answer["procedure"] or "not modelled"
    lines = [f"{answer['id']}: {proc} procedure under {answer['legal_basis']}."]
    if proc != "accelerated":  # for the accelerated procedure, the grounds found are quoted below
        lines += _block(quote(answer["legal_basis"]))
    if answer["mandatory_grounds"]:
        lines.append("  Mandatory grounds: " + ", ".join(answer["mandatory_grounds"]))
        for g in answer["mandatory_grounds"]:
            lines += _block(quote(g), "      ")
    if answer["accelerated_grounds"]:
        lines.append("  Accelerated grounds found: " + ", ".join(answer["accelerated_grounds"]))
        if proc == "accelerated":
            for g in answer["accelerated_grounds"]:
                lines += _block(quote(g), "      ")
    if answer["exemptions"]:
        lines.append("  Exemptions: " + ", ".join(answer["exemptions"]))
    lines += _flag_lines(answer["flags"])
    lines += ["  Provisions examined:", *_trace_lines(answer.get("trace", []))]
    return "\n".join(lines) + "\n"


def explain_deadlines(answer: dict[str, Any]) -> str:
    """Deadlines answer as text, one line per time limit with its basis."""
    lines = [f"{answer['id']}: time limits"]
    for d in answer["deadlines"]:
        when = d["date"] or f"{d['period']} from {d['runs_from']}"
        extra = f" (at the latest {d['latest']})" if d.get("latest") else ""
        note = f" - {d['note']}" if d.get("note") else ""
        lines.append(f"  {d['name']}: {when}{extra} [{d['legal_basis']}]{note}")
    return "\n".join(lines) + "\n"
