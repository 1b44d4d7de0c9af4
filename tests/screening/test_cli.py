"""`migralex screening ...`: the workflow from the terminal, errors as one line, 80 columns."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migralex.cli import app

from .conftest import FULL_FORM


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A registry directory and key for the CLI."""
    key = base64.b64encode(b"k" * 32).decode()
    return {"MIGRALEX_REGISTRY_DIR": str(tmp_path / "db"), "MIGRALEX_REGISTRY_KEY": key, "COLUMNS": "80"}


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(app, ["screening", *args], env=env)
    return done.exit_code, done.stdout, done.stderr


def test_the_workflow_from_the_terminal(env: dict[str, str], tmp_path: Path) -> None:
    code, out, _ = run(
        env, "start", "S-1", "--reason", "territory", "--event-at", "2026-06-15T15:00", "-m", "DE"
    )
    assert code == 0 and "time limit 2026-06-18 (SR Art. 8(4))" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    form = tmp_path / "form.json"
    form.write_text(json.dumps({**FULL_FORM, "name": "<script>alert(1)</script>"}))
    assert run(env, "identity", "S-1", "-m", "DE", "--form", str(form))[0] == 0
    assert run(env, "health", "S-1", "-m", "DE", "--no-further-check")[0] == 0
    assert run(env, "vulnerability", "S-1", "-m", "DE")[0] == 0
    code, out, _ = run(env, "check", "S-1", "-m", "DE", "--seed", "1", "-f", "json")
    view = json.loads(out)
    assert set(view["queries"]) == {"sis", "ecris_tcn", "ees", "etias", "vis", "eurodac", "europol",
                                    "interpol_sltd", "interpol_tdawn"}  # fmt: skip
    for hit in view["hits"]:
        assert run(env, "verify", "S-1", hit["system"], hit["reference"], "-m", "DE", "--discarded")[0] == 0
    code, out, err = run(env, "complete", "S-1", "-m", "DE", "-f", "json")
    if code != 0:  # a simulated timeout: the query is repeated, as an officer would
        run(env, "check", "S-1", "-m", "DE", "--seed", "1")
        code, out, err = run(env, "complete", "S-1", "-m", "DE", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["outcome"] == "asylum_procedure"
    code, page, _ = run(env, "form", "S-1", "-m", "DE", "-f", "html", "--for-person")
    assert "<script>" not in page and "&lt;script&gt;" in page and "[redacted, Art. 17(3)]" in page
    code, md, _ = run(env, "form", "S-1", "-m", "DE", "-f", "markdown")
    assert "| SR Art. 17(1)(f) | Application for international protection made | yes |" in md
    code, csv_out, _ = run(env, "list", "-m", "DE", "-f", "csv")
    assert csv_out.splitlines()[0] == "id,status,last_day,hours_left,outcome"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["start", "S-2", "--reason", "boat", "--event-at", "2026-12-01T09:00", "-m", "IT"], "reason"),
        (["start", "S-2", "--reason", "territory", "--event-at", "yesterday", "-m", "IT"], "--event-at"),
        (["start", "S-2", "--reason", "territory", "--event-at", "2026-12-01T09:00", "-m", "XX"], "XX"),
        (["check", "nope", "-m", "IT"], "no screening"),
        (["complete", "a b", "-m", "IT"], "screening id"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(env: dict[str, str], args: list[str], message: str) -> None:
    code, out, err = run(env, *args)
    assert code == 2 and message in err
    assert "Traceback" not in err + out and len(err.strip().splitlines()) == 1


def test_a_form_file_that_is_not_json_is_named(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{")
    code, _, err = run(env, "start", "S-3", "--reason", "territory", "--event-at", "2026-12-01T09:00",
                       "-m", "IT", "--form", str(bad))  # fmt: skip
    assert code == 2 and "bad.json" in err
