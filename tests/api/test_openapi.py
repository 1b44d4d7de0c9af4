"""The OpenAPI document is valid and the API honours it: schemathesis fuzzes every operation in-process.

Bounded (a fixed number of examples per operation, no deadline) so the suite stays fast. The checks
are schemathesis' defaults: no 5xx, status codes, content types and bodies as documented.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from migralex.api import ApiSettings, create_app

APP = create_app(ApiSettings(max_queued_simulations=2, max_simulation_days=30, max_simulation_runs=3))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_openapi_document_has_examples_for_the_law() -> None:
    doc = APP.openapi()
    assert doc["info"]["title"] == "migralex"
    article = doc["components"]["schemas"]["ArticleOut"]
    assert article.get("examples"), "ArticleOut has no example"
