"""Bad input never crashes the registry: every malformed request is a 4xx naming the field, every
damaged audit log is reported as tampering (exit 1), never a traceback or a plain-text 500."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from migralex.cli import app as cli
from migralex.registry import audit
from migralex.registry.api import create_app
from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV, Keyring
from migralex.registry.schemas import encode_template
from migralex.registry.service import Registry
from migralex.registry.store import Store
from tests.registry.conftest import OPERATOR, People
from tests.registry.test_api import body


@pytest.fixture
def api(registry: Registry):
    client = TestClient(create_app(registry), raise_server_exceptions=False)
    tokens = {
        "it": registry.create_token("IT", "border", "IT border"),
        "op": registry.create_token("EU", "operator", "operator"),
    }
    return client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}


BAD_DETAILS = [
    {"type": "security_flag", "details": {"grounds": [["x"]]}},
    {"type": "security_flag", "details": {"grounds": "armed"}},
    {"type": "security_flag", "details": {"grounds": [{"a": 1}]}},
    {"type": "security_flag", "details": {"grounds": []}},
    {"type": "security_flag", "details": {"grounds": ["armed"], "x": 1}},
    {"type": "security_flag"},
    {"type": "visa", "member_state": "IT", "details": {"visa_application_number": 7}},
    {"type": "visa", "member_state": "IT", "details": {"visa_application_number": ["x"]}},
    {"type": "avrr", "details": {"x": [[1]]}},
]


@pytest.mark.parametrize("action", BAD_DETAILS)
def test_malformed_details_are_404_on_an_unknown_id_and_422_on_a_known_one(
    api, people: People, action
) -> None:
    client, h = api
    for token in ("it", "op"):
        r = client.post("/v1/registry/datasets/999999/actions", json=action, headers=h[token])
        assert r.status_code == 404, r.text
    d = client.post(
        "/v1/registry/datasets", json=body(people, 1, "irregular_crossing", "IT", "bd-1"), headers=h["it"]
    ).json()
    r = client.post(f"/v1/registry/datasets/{d['dataset_id']}/actions", json=action, headers=h["it"])
    assert r.status_code in (403, 422), r.text  # border may not record some actions at all
    if r.status_code == 422:
        assert r.json()["detail"]["path"].startswith("details")


def test_a_good_security_flag_still_records(api, people: People, registry: Registry) -> None:
    client, _ = api
    asylum = {"Authorization": "Bearer " + registry.create_token("IT", "asylum", "IT asylum")}
    d = client.post(
        "/v1/registry/datasets", json=body(people, 2, "applicant", "IT", "bd-2"), headers=asylum
    ).json()
    r = client.post(
        f"/v1/registry/datasets/{d['dataset_id']}/actions",
        json={"type": "security_flag", "details": {"grounds": ["violent", "armed", "armed"]}},
        headers=asylum,
    )
    assert r.status_code == 200, r.text
    seen = client.get(f"/v1/registry/datasets/{d['dataset_id']}", headers=asylum).json()
    assert seen["details"] == {"security_grounds": ["armed", "violent"]}


def test_paths_methods_and_json_positions(api, people: People) -> None:
    client, h = api
    for path in ("1.0", "+1", "1e3", "%201", "01.5"):
        assert client.get(f"/v1/registry/datasets/{path}", headers=h["it"]).status_code == 422, path
    r = client.get("/v1/registry/datasets/batch", headers=h["it"])
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    r = client.post(
        "/v1/registry/datasets",
        content=b'{\n  "transaction_id": "x",\n  "category": ,\n}',
        headers={**h["it"], "content-type": "application/json"},
    )
    assert r.status_code == 422
    [err] = r.json()["detail"]
    assert err["path"] == "$" and "line 3, column 15" in err["reason"]


def test_the_openapi_document_declares_no_transport_headers(api) -> None:
    client, _ = api
    doc = client.get("/v1/registry/openapi.json").json()
    params = [p for item in doc["paths"].values() for op in item.values() for p in op.get("parameters", [])]
    assert not [p for p in params if p["in"] == "header"]
    assert "HTTPBearer" in json.dumps(doc["components"]["securitySchemes"])


def test_a_date_before_the_law_applies_names_its_field(api, people: People) -> None:
    client, h = api
    early = body(people, 3, "irregular_crossing", "IT", "bd-3")
    early["biometrics_taken_at"] = "2026-06-01T10:00:00Z"
    r = client.post("/v1/registry/datasets", json=early, headers=h["it"])
    assert r.status_code == 422 and r.json()["detail"]["path"] == "biometrics_taken_at"
    d = client.post(
        "/v1/registry/datasets", json=body(people, 4, "irregular_crossing", "IT", "bd-4"), headers=h["it"]
    ).json()
    r = client.post(
        f"/v1/registry/datasets/{d['dataset_id']}/biometrics",
        json={
            "biometrics_taken_at": "1900-01-01T00:00:00Z",
            "fingerprint": encode_template(people.finger(4)),
        },
        headers=h["it"],
    )
    assert r.status_code == 422 and r.json()["detail"]["path"] == "biometrics_taken_at"


def test_an_unexpected_error_is_a_json_500(registry: Registry, monkeypatch) -> None:
    client = TestClient(create_app(registry), raise_server_exceptions=False)
    token = registry.create_token("EU", "operator", "op")

    def boom(*_a, **_k):
        raise RuntimeError("bug")

    monkeypatch.setattr(Registry, "statistics", boom)
    r = client.get("/v1/registry/statistics", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500 and r.json()["error"] == "internal_error" and "bug" not in r.text


# --- audit log: type tampering is tampering ---------------------------------------------------


def _logged(db_url: str, keys: Keyring) -> Store:
    store = Store.open(db_url, keys)
    entries = [
        audit.AuditEntry(dt.datetime(2026, 7, 1, 12, 0, i), "tk_a", "asylum", "IT", "read", "p", "b", "ok")
        for i in range(4)
    ]
    with store.write() as conn:
        audit.append(conn, keys.audit_key, entries)
    return store


def _raw(store: Store, *sql: str) -> None:
    with store.engine.connect() as conn, conn.begin():
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        for s in sql:
            conn.execute(text(s))


@pytest.mark.parametrize(
    ("sqlite_sql", "pg_sql", "expected"),
    [
        ("UPDATE audit_log SET detail = X'00ff' WHERE seq = 2", None, "entry 2"),
        ("UPDATE audit_log SET at = 'not a time' WHERE seq = 3", None, "entry 3"),
        ("UPDATE audit_log SET records = 12 WHERE seq = 2", None, "entry 2"),
        ("DROP TABLE audit_log", "DROP TABLE audit_log", "cannot be read"),
        (
            "UPDATE audit_log SET at = '2026-07-01 12:00:09.000000' WHERE seq = 1",
            "UPDATE audit_log SET at = '2026-07-01 12:00:09' WHERE seq = 1",
            "entry 1",
        ),
    ],
)
def test_type_tampering_is_reported_not_raised(db_url, keys, sqlite_sql, pg_sql, expected) -> None:
    store = _logged(db_url, keys)
    sql = sqlite_sql if store.dialect == "sqlite" else pg_sql
    if sql is None:
        pytest.skip("PostgreSQL enforces the column types")
    _raw(store, sql)
    with store.read() as conn:
        report = audit.verify(conn, keys.audit_key)
    assert not report.ok and any(expected in p for p in report.problems), report.problems
    reg = Registry(store)
    assert not reg.verify_audit(OPERATOR).ok
    store.dispose()


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "bWlncmFsZXgtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q")
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", f"sqlite:///{tmp_path / 'reg.sqlite3'}")
    return tmp_path


def _cli(*args: str):
    return CliRunner().invoke(cli, ["registry", *args])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "nested too deeply"),
        (b"\x89PNG\r\n\x1a\n\x00\xff", "not UTF-8"),
        ('{"transaction_id": 1,\n "category": }', "line 2, column 14"),
        ('{"transaction_id": [[[[1]]]]}', "error(s)"),
        (None, "is a directory"),
    ],
)
def test_register_and_identify_files_that_are_not_submissions(env, content, message) -> None:
    path = env / "in.json"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    for command in (
        ["register", str(path), "-m", "IT", "-r", "border"],
        ["identify", str(path), "-m", "IT", "-r", "asylum"],
    ):
        result = _cli(*command)
        assert result.exit_code == 2
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_verify_reports_a_dropped_table_with_exit_1(env) -> None:
    assert _cli("init").exit_code == 0
    db = sqlite3.connect(env / "reg.sqlite3")
    db.execute("DROP TABLE audit_log")
    db.commit()
    db.close()
    result = _cli("verify-audit")
    assert result.exit_code == 1 and "cannot be read" in result.output, result.output


def test_the_cli_actor_is_the_process_account_not_user(env, monkeypatch) -> None:
    import os
    import pwd

    from migralex.registry.commands import os_account

    monkeypatch.setenv("USER", "someone_else")
    assert os_account() == f"cli:{os.getuid()}:{pwd.getpwuid(os.getuid()).pw_name}"[:24]
    assert "someone_else" not in os_account()
