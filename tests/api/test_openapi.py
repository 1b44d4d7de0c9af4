"""The OpenAPI document is valid and the API honours it: schemathesis fuzzes every operation in-process.

Bounded (a fixed number of examples per operation, no deadline) so the suite stays fast. The checks
are schemathesis' defaults: no 5xx, status codes, content types and bodies as documented, schema-
violating requests rejected. One check is left out where the law adds rules that JSON Schema cannot
state: "schema-valid data is accepted" (positive_data_acceptance) for the operations in SEMANTIC,
which answer 422 (with the path of the field) for input that is well-formed but legally impossible.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from migralex.api import ApiSettings, create_app
from migralex.registry.crypto import Keyring
from migralex.registry.service import Registry
from migralex.registry.store import Store

#: The registry fuzzed through the app: a throw-away SQLite file, a test key, and one token per
#: kind of caller (a Member State's border authority does most; the operator the rest).
_FOLDER = Path(tempfile.mkdtemp(prefix="migralex-fuzz-"))
REGISTRY_DB = Registry(
    Store.open(f"sqlite:///{_FOLDER / 'registry.sqlite3'}", Keyring.from_master(b"f" * 32))
)
TOKENS = {
    "border": REGISTRY_DB.create_token("IT", "border", "fuzz"),
    "operator": REGISTRY_DB.create_token("EU", "operator", "fuzz"),
}
APP = create_app(
    ApiSettings(
        max_queued_simulations=2,
        max_simulation_days=30,
        max_simulation_runs=3,
        registry=lambda: REGISTRY_DB,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


#: Operations with rules beyond their schema, and the rules.
SEMANTIC = {
    "/v1/resettlement/deadlines": "a conclusion cannot precede the registration; dates from 11 June 2024",
    "/v1/cycle/{year}": "a pool size in both relocations and euro must keep the AMMR Art. 12(3) ratio",
    "/v1/cycle/{year}/solidarity": "the Art. 12(3) ratio; codes are Member States; pledges by members only",
    "/v1/cases/responsibility": "codes must exist; facts must be possible (born before registration, ...)",
    "/v1/cases/procedure": "as /v1/cases/responsibility",
    "/v1/cases/deadlines": "as /v1/cases/responsibility",
    "/v1/cases/state": "as /v1/cases/responsibility; events in a legal order (a reply after its request)",
    "/v1/cases/status": "as /v1/cases/state",
    "/v1/simulations": "the scenario must exist",
    "/v1/relocations/match": "each person needs a unique person_id; codes must be Member States",
    "/v1/relocations/example": "the benefitting State must be bound by Part IV (not DK)",
    "/v1/forecast/projection": "the year must follow the last observed year (by one to three years)",
    "/v1/cases/returns": "dates from 1950 to 2150 (the holiday calendars of the time-limit calculus)",
    "/v1/temporary-protection/stock": "codes must be Member States; since not after until; rows must exist",
    "/v1/returns/rates": "the year must be one the shipped Eurostat table holds",
}
#: The registry's router (mounted under /v1/registry) is fuzzed here too, with a token: schema-valid
#: input is refused there for reasons of law and access (a role may not register a category, a
#: dataset of another Member State is invisible, a date precedes the Regulation), so its operations
#: are all SEMANTIC.
REGISTRY = "/v1/registry"
OPERATOR_PATHS = ("/statistics", "/retention/purge", "/tp-decisions", "/audit/verification")
OPERATOR_PATHS += ("/tp-multiple-registrations",)
#: The forecast back-test (one to two minutes in a background thread) is tested in tests/api/test_forecast.py.
FORECAST_BACKTEST = "/v1/forecast/backtest"
SIMULATIONS = "/v1/simulations"
operations = schema.exclude(path_regex=f"^{FORECAST_BACKTEST}")


@operations.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_openapi_document(case: schemathesis.Case) -> None:
    path = case.operation.path
    excluded = [positive_data_acceptance] if path in SEMANTIC or path.startswith(REGISTRY) else []
    headers = None
    if path.startswith(REGISTRY):
        role = "operator" if path.removeprefix(REGISTRY) in OPERATOR_PATHS else "border"
        headers = {"Authorization": f"Bearer {TOKENS[role]}"}
    case.call_and_validate(headers=headers, excluded_checks=excluded)
    if path.startswith(SIMULATIONS):
        # A simulation accepted here runs in the app's job thread (compiling the simulator's kernels
        # in a fresh clone); let it finish so that it does not slow the operations fuzzed after it.
        assert APP.state.jobs.drain(timeout=600), "a fuzzed simulation still runs after 10 minutes"


def test_openapi_document_has_examples_for_the_law() -> None:
    doc = APP.openapi()
    assert doc["info"]["title"] == "migralex"
    article = doc["components"]["schemas"]["ArticleOut"]
    assert article.get("examples"), "ArticleOut has no example"


def test_registry_is_mounted_and_answers_in_the_apps_error_shape() -> None:
    from fastapi.testclient import TestClient

    if not APP.state.capabilities["registry"]:
        pytest.skip("the registry (migralex.registry.api) is not in this build")
    with TestClient(APP) as client:
        assert client.get("/v1/registry/health").json() == {"status": "ok"}
        r = client.get("/v1/registry/datasets/1")
        assert r.status_code == 401 and r.json()["error"] == "unauthenticated"
        assert "/v1/registry/datasets" in APP.openapi()["paths"]
