"""`migralex registry ...` end to end on a real SQLite file with a key file."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import numpy as np
import pytest
from typer.testing import CliRunner

from migralex.cli import app
from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV
from migralex.registry.matcher import SyntheticPopulation
from migralex.registry.schemas import encode_template


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'reg.sqlite3'}"
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", url)
    return tmp_path


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(app, ["registry", *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def submission(person: int, category: str, ms: str, tx: str, rng) -> dict:
    pop = SyntheticPopulation(5)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    digit = {"irregular_crossing": "2", "applicant": "1"}[category]
    return {
        "transaction_id": tx,
        "category": category,
        "event_at": (now - dt.timedelta(hours=5)).isoformat(),
        "biometrics_taken_at": (now - dt.timedelta(hours=4)).isoformat(),
        "identity": {
            "names": {"surnames": [f"Doe{person}"]},
            "date_of_birth": "1990-05-01",
            "reference_number": f"{ms}{digit}-{tx}",
        },
        "fingerprint": encode_template(pop.capture("fingerprint", np.array([person]), rng)[0]),
    }


def test_the_registry_from_the_command_line(env, monkeypatch) -> None:
    key = env / "secrets" / "registry.key"
    assert "key fingerprint" in run("init", "--key-file", str(key)).output
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    token = run("token", "create", "-m", "IT", "-r", "border", "--label", "Lampedusa").output.strip()
    assert token.startswith("tk_") and "." in token
    rng = np.random.default_rng(1)
    (env / "it.json").write_text(
        json.dumps([submission(i, "irregular_crossing", "IT", f"c-{i}", rng) for i in range(3)])
    )
    out = json.loads(run("register", str(env / "it.json"), "-m", "IT", "-r", "border").output)
    assert len({r["dataset_id"] for r in out}) == 3 and all(r["candidates"] == [] for r in out)
    (env / "de.json").write_text(json.dumps(submission(1, "applicant", "DE", "d-1", rng)))
    [de] = json.loads(run("register", str(env / "de.json"), "-m", "DE", "-r", "asylum").output)
    assert [c["dataset_id"] for c in de["candidates"]] == [out[1]["dataset_id"]]
    denied = run("register", str(env / "de.json"), "-m", "DE", "-r", "border", ok=False)
    assert denied.exit_code == 2 and "may not register applicant" in denied.output
    (env / "search.json").write_text(
        json.dumps(
            {"kind": "admission", "fingerprint": submission(1, "applicant", "DE", "s", rng)["fingerprint"]}
        )
    )
    assert (
        json.loads(run("identify", str(env / "search.json"), "-m", "FR", "-r", "asylum").output)["candidates"]
        == []
    )
    stats = json.loads(run("stats", "--json").output)
    assert sum(r["persons"] for r in stats["datasets"]) == 4
    later = (dt.date.today() + dt.timedelta(days=6 * 366)).isoformat()
    early = run("purge", "--as-of", later, ok=False)
    assert early.exit_code == 2 and "after today" in early.output  # no erasure ahead of the law
    assert "erased 0 dataset(s) (Eurodac Art. 29(10))" in run("purge").output
    anchor = run("audit-head").output.strip()
    assert "audit log intact" in run("verify-audit", "--anchor", anchor).output
    db = sqlite3.connect(env / "reg.sqlite3")
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET member_state = 'FR' WHERE seq = 3")
    db.commit()
    db.close()
    broken = run("verify-audit", ok=False)
    assert broken.exit_code == 1 and "entry 3" in broken.output


def test_a_missing_key_is_a_clear_error(env) -> None:
    result = run("init", ok=False)
    assert result.exit_code == 2 and "no registry key" in result.output
