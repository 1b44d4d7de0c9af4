"""The app factory: the JSON API under /v1 and the dashboard pages, in one FastAPI app."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import fields
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from migralex import __version__
from migralex.api.errors import ErrorBody, install_error_handlers
from migralex.api.fastlane import FastLane, Front
from migralex.api.guards import CSP, HostAndHeaders, HostPolicy, ServerError, StaticMethods
from migralex.api.limits import BodySizeLimit
from migralex.api.offload import Offload, WorkerPool
from migralex.api.settings import ApiSettings
from migralex.countries import DUBLIN_STATES, EU27, iso_table
from migralex.web import STATIC_DIR
from migralex.web.pages import PAGES, render


def _router_of(module: str) -> Callable[[], APIRouter]:
    """Loader of the `router` of one of this package's modules."""
    return lambda: importlib.import_module(module).router


def _registry_router(factory: Callable[[], Any] | None = None) -> APIRouter:
    """The registry's router over the embedded store (opened on first use: `Registry.open`)."""
    from migralex.registry.api import build_router
    from migralex.registry.service import Registry

    return build_router(factory or Registry.open)


def _screening_router(registry: Callable[[], Any] | None = None) -> APIRouter:
    """The screening's router over the registry's store (the given registry's, or the embedded one),
    opened on first use."""
    from migralex.screening.api import build_router
    from migralex.screening.service import ScreeningService

    if registry is None:
        return build_router(ScreeningService.open)
    return build_router(lambda: ScreeningService(registry().store))


def _case_routes() -> list[Any]:
    """The routes of the case capability, for the fast lane (none while it is not wired)."""
    try:
        return list(CAPABILITIES["cases"]().routes)
    except ImportError:
        return []


#: This package's modules of the capabilities (each has `router` and `warm_up`).
CAPABILITY_MODULES = {
    "cases": "migralex.api.cases",
    "cycle": "migralex.api.cycle",
    "simulations": "migralex.api.simulations",
    "timeline": "migralex.api.timeline",
    "forecast": "migralex.api.forecast",
    "relocations": "migralex.api.relocations",
    "returns": "migralex.api.returns",
    "readmission": "migralex.api.readmission",
    "resettlement": "migralex.api.resettlement",
    "temporary_protection": "migralex.api.temporary_protection",
    "return_rates": "migralex.api.return_rates",
}

#: Capabilities built by other packages: name → loader of its APIRouter. Each is wired when its
#: library is importable; until then the API leaves it out (and /v1/health says so).
CAPABILITIES: dict[str, Callable[[], APIRouter]] = {
    **{name: _router_of(module) for name, module in CAPABILITY_MODULES.items()},
    "registry": _registry_router,
    "screening": _screening_router,
}

#: The statuses the registry's router answers besides 2xx and 422 (its module docstring), documented
#: at mount time in the app's error shape.
REGISTRY_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        401: "No or unknown Bearer token",
        403: "Role or Member State not allowed (the article is cited)",
        404: "No such dataset visible to the caller",
        409: "Conflicting state",
        413: "Request body above the size limit",
        429: "Too many failed authentications from this client (Retry-After)",
        503: "The registry database is busy or unavailable",
    }.items()
}

log = logging.getLogger("migralex.api")

DESCRIPTION = """\
migralex makes the EU Pact on Migration and Asylum executable. This API answers, for one applicant
or a batch, which Member State is responsible, which procedure applies and which time limits run —
each answer with its legal basis and a trace of the rules examined — and serves the annual
solidarity cycle, the population simulator and the legal texts and parameters behind them.

Errors share one shape, `{"error", "message", "detail": [{"path", "message"}]}`: invalid input is
HTTP 422 with the JSON path of each bad field, an unknown act/article/year/simulation is 404, a body
above the size limit is 413.
"""

TAGS = [
    {"name": "cases", "description": "One applicant or a list, in the migralex case format (version 1)."},
    {"name": "law", "description": "The acts, their article texts and the dated legal parameters."},
    {"name": "cycle", "description": "The annual solidarity cycle: indicators, pool, fair shares, capacity."},
    {"name": "simulations", "description": "Scenario runs of the population simulator, in the background."},
    {"name": "forecast", "description": "Early warning: forecasts with calibrated bands, alerts, back-test."},
    {"name": "relocations", "description": "Matching persons to relocate with pledged places (Art. 67)."},
    {"name": "registry", "description": "The Eurodac-like registry."},
    {"name": "resettlement", "description": "URF admission deadlines, Union Plan, resettlement inflow."},
    {"name": "readmission", "description": "Visa suspension mechanism indicators (an analyst's aid)."},
    {"name": "screening", "description": "Screening at the external border (Regulation 2024/1356)."},
    {"name": "meta", "description": "Health and wired capabilities."},
]


class CountryOut(BaseModel):
    """A country code the case format accepts."""

    code: str = Field(examples=["SY"])
    name: str = Field(examples=["Syria"])
    member_state: bool = Field(description="An EU Member State")
    dublin_state: bool = Field(
        default=False,
        description="Takes part in the Dublin rules: a Member State, or CH, IS, LI, NO through their"
        " association agreements (law/participation.yaml); the case format accepts it as a Member State",
    )


class Health(BaseModel):
    """The server is up; which capabilities are wired."""

    status: str = Field(examples=["ok"])
    version: str
    capabilities: dict[str, bool] = Field(description="Capability → available in this build")


def _load_router(name: str, settings: ApiSettings) -> APIRouter | None:
    """The router of a capability, or None while the library it stands on is missing or incomplete."""
    try:
        if name == "registry" and settings.registry is not None:
            return _registry_router(settings.registry)
        if name == "screening" and settings.registry is not None:
            return _screening_router(settings.registry)
        return CAPABILITIES[name]()
    except ImportError as exc:
        log.warning("migralex API: %s not wired (%s)", name, exc)
        return None


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the caches in the background when asked; stop the job worker when the server stops."""
    if app.state.settings.warm_up:
        threading.Thread(target=_warm_up, args=(app,), name="migralex-warm-up", daemon=True).start()
    yield
    app.state.offload.shutdown()
    jobs = getattr(app.state, "jobs", None)
    if jobs is not None:
        jobs.shutdown()


def _warm_up(app: FastAPI) -> None:
    """Run each wired capability's `warm_up` (a failure is logged: the request will report it)."""
    for name, wired in app.state.capabilities.items():
        module = CAPABILITY_MODULES.get(name)
        if not wired or module is None:
            continue
        try:
            importlib.import_module(module).warm_up()
        except Exception:  # a warm-up is an optimisation; the first request will show the real error
            log.exception("migralex API: warming up %s failed", name)


def front_of(settings: ApiSettings) -> Front:
    """The guards' part in the fast lane's requests: the hosts, the security headers, and the largest
    body it answers itself (above: 413 by `BodySizeLimit`, or a worker process by `Offload`)."""

    def largest(path: str) -> int:
        offloaded = settings.offload_workers > 0 and path.startswith(settings.offload_paths)
        heavy = settings.heavy_body_bytes if offloaded else settings.max_body_bytes
        return min(settings.max_body_bytes, heavy)

    return Front(HostPolicy(settings.allowed_hosts), CSP.encode(), largest)


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the app: /v1 JSON API, OpenAPI document at /openapi.json, offline /docs, dashboard pages."""
    settings = settings or ApiSettings()
    app = FastAPI(
        title="migralex",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        lifespan=_lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    _add_guards(app, settings)
    wired = _include_capabilities(app, settings)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if wired["simulations"]:
        from migralex.api.simulations import install

        install(app, settings)
    _add_meta_routes(app, wired)
    for path in PAGES:
        app.add_api_route(path, _page(path), methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _add_guards(app: FastAPI, settings: ApiSettings) -> None:
    """The middleware, innermost first: heavy bodies to worker processes, body limit, methods of the
    static files, 5xx shape, hosts and security headers; the fast lane outside them (`front_of`)."""
    plain = {f.name: getattr(settings, f.name) for f in fields(settings) if f.name != "registry"}
    app.state.offload = WorkerPool(plain, settings.offload_workers)
    app.add_middleware(
        Offload,
        pool=app.state.offload,
        paths=settings.offload_paths,
        heavy_bytes=settings.heavy_body_bytes,
        per_client=settings.heavy_per_client,
    )
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(StaticMethods)
    app.add_middleware(ServerError)
    app.add_middleware(HostAndHeaders, allowed_hosts=settings.allowed_hosts, docs_paths=("/docs",))
    if settings.fast_lane:  # outside the guards: it applies their effects to what it answers (Front)
        app.add_middleware(FastLane, routes=_case_routes, front=front_of(settings))


def _include_capabilities(app: FastAPI, settings: ApiSettings) -> dict[str, bool]:
    """The law's routes, then each capability's router that this build has; which ones are wired."""
    from migralex.api.law import router as law_router

    app.include_router(law_router)
    wired: dict[str, bool] = {}
    for name in CAPABILITIES:
        router = _load_router(name, settings)
        wired[name] = router is not None
        if router is None:
            continue
        guarded = name in ("registry", "screening")  # token-protected: 401/403/404/409/... documented
        app.include_router(router, responses=REGISTRY_RESPONSES if guarded else None)
    app.state.capabilities = wired
    return wired


def _add_meta_routes(app: FastAPI, wired: dict[str, bool]) -> None:
    """/v1/health, /v1/countries and the offline /docs page."""

    @app.get("/v1/health", tags=["meta"], response_model=Health, summary="Health and capabilities")
    def health() -> Health:
        """Always 200 while the server runs; lists the capabilities wired in this build."""
        return Health(status="ok", version=__version__, capabilities=wired)

    @app.get("/v1/countries", tags=["meta"], response_model=list[CountryOut], summary="Country codes")
    def countries() -> list[CountryOut]:
        """ISO 3166-1 alpha-2 codes with English names (Greece is GR; EL is accepted on input)."""
        return [
            CountryOut(
                code=code, name=row["name"], member_state=code in EU27, dublin_state=code in DUBLIN_STATES
            )
            for code, row in sorted(iso_table().items())
        ]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="migralex API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
        html = bytes(page.body).decode("utf-8").replace("<body>", DOCS_BACK_LINK, 1)
        return HTMLResponse(html)


#: The bar on top of /docs that leads back to the dashboard.
DOCS_BACK_LINK = (
    '<body><nav aria-label="migralex" style="background:#12263a;padding:0.6rem 1.5rem;font-family:system-ui,'
    'sans-serif"><a href="/" style="color:#fff;font-weight:700;text-decoration:none">← migralex dashboard</a>'
    '<span style="color:#cdd6df;margin-left:1rem">HTTP API reference</span></nav>'
)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with every 422 in the app's error shape (the handlers answer so for all
    routes, mounted ones included)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        license_info=app.license_info,
    )
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            response = operation.get("responses", {}).get("422")
            if response is not None:
                response["content"] = error
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, schema in (
        ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {}).items()
    ):
        schemas.setdefault(name, schema)
    schemas["ErrorBody"].pop("$defs", None)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = doc
    return doc


def _page(path: str) -> Any:
    """The handler serving the dashboard page at `path`, its navigation generated from `PAGES`."""

    def page() -> HTMLResponse:
        return HTMLResponse(render(path))

    page.__name__ = f"page_{PAGES[path].file.split('.')[0].replace('-', '_')}"
    return page
