"""HTTP API of the registry under `/v1/registry` (a FastAPI `APIRouter`), and a standalone app.

Mount it with `app.include_router(build_router(registry))` and add `BodyLimit` to the app (the
router also refuses a declared oversized body). Every endpoint but `/health` needs
`Authorization: Bearer <token>` (`migralex registry token create`). Errors are 4xx with the reason
and the rule applied: 401 unknown token, 403 role or Member State not allowed (with the article),
404 no such dataset *visible to the caller* (absent and forbidden look the same), 409 conflicting
state, 413 body too large, 422 invalid input (with the JSON path).
"""

import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlalchemy.exc import OperationalError

from migralex.api.guards import HostAndHeaders, ServerError, StaticMethods, json_position
from migralex.api.settings import ApiSettings
from migralex.errors import InvalidInput, MigralexError
from migralex.registry.access import AccessDenied, Caller, NotVisible, Throttled, Unauthenticated
from migralex.registry.audit import parse_anchor
from migralex.registry.events import canonical_json
from migralex.registry.integrity import Tampered
from migralex.registry.registration import Conflict
from migralex.registry.schemas import (
    ActionIn,
    BatchIn,
    PurgeIn,
    RetakeIn,
    ReturnCheckIn,
    SearchIn,
    SubmissionIn,
    TPDecisionIn,
    VerificationIn,
    decode_template,
)
from migralex.registry.service import Registry
from migralex.registry.tp_multiple import report as tp_report

PREFIX = "/v1/registry"
#: Largest request body accepted (a full batch of 1,000 submissions is about 3 MiB).
MAX_BODY = 4 * 1024 * 1024


def _digits(value: object) -> object:
    """Ids in a path are written in decimal digits only (`1.0`, `+1`, `1e3`, ` 1` are not ids)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("an id is written in decimal digits")
    return value


_BEARER = HTTPBearer(auto_error=False, description="A token from `migralex registry token create`")
DatasetId = Annotated[int, BeforeValidator(_digits), Path(ge=1, le=2**62)]


def _json(value: Any) -> Any:
    return json.loads(canonical_json(value))


@contextmanager
def _errors() -> Iterator[None]:
    """Translate the registry's errors into HTTP answers."""
    try:
        yield
    except InvalidInput as exc:
        raise HTTPException(422, {"path": exc.path, "reason": exc.reason}) from None
    except Throttled as exc:
        raise HTTPException(
            429, str(exc), headers={"Retry-After": str(max(1, round(exc.retry_after)))}
        ) from None
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    except AccessDenied as exc:
        raise HTTPException(403, {"reason": exc.reason, "legal_basis": exc.basis}) from None
    except NotVisible as exc:
        raise HTTPException(404, str(exc)) from None
    except (Conflict, Tampered) as exc:
        raise HTTPException(409, str(exc)) from None
    except OperationalError:
        raise HTTPException(503, "the registry database is busy or unavailable; retry") from None
    except MigralexError as exc:
        raise HTTPException(422, str(exc)) from None


def _limit_body(request: Request) -> None:
    """Refuse a declared oversized body (read from the request, not declared as a parameter: the
    header is the transport's, and a fuzzer sending bad values would only test the server)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"request body larger than {MAX_BODY} bytes")


def build_router(registry: Registry | Callable[[], Registry]) -> APIRouter:
    """The `/v1/registry` router over one registry (or a factory called on first use)."""
    reg = _lazy(registry)
    caller = _authenticator(reg)
    router = APIRouter(prefix=PREFIX, tags=["registry"], dependencies=[Depends(_limit_body)])

    @router.get("/health")
    def health() -> dict[str, str]:
        """Liveness (no data)."""
        return {"status": "ok"}

    _dataset_routes(router, reg, caller)
    _comparison_routes(router, reg, caller)
    _operator_routes(router, reg, caller)
    return router


def _lazy(registry: Registry | Callable[[], Registry]) -> Callable[[], Registry]:
    """The registry, or the one a factory makes on first use (and keeps)."""
    holder: dict[str, Registry] = {}

    def reg() -> Registry:
        if "r" not in holder:
            holder["r"] = registry if isinstance(registry, Registry) else registry()
        return holder["r"]

    return reg


def _authenticator(reg: Callable[[], Registry]) -> Callable[..., Caller]:
    """The dependency naming the caller from a bearer token (Eurodac Art. 40(2): authorised staff)."""

    def caller(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]
    ) -> Caller:
        with _errors():
            if credentials is None or not credentials.credentials.strip():
                raise Unauthenticated("an Authorization: Bearer token is required")
            client = request.client.host if request.client else "unknown"
            return reg().authenticate(credentials.credentials.strip(), client=client)

    return caller


def _dataset_routes(router: APIRouter, reg: Callable[[], Registry], caller: Callable[..., Caller]) -> None:
    """Routes registering, finding, reading and completing datasets (Eurodac Arts 15–31, 38(1))."""
    Auth = Annotated[Caller, Depends(caller)]

    @router.post("/datasets", status_code=201)
    def register(body: SubmissionIn, who: Auth, response: Response) -> dict[str, Any]:
        """Register one dataset (idempotent by transaction id: a repeat answers 200, stored result)."""
        with _errors():
            result = reg().register(who, body.to_submission())
        if result.replay:
            response.status_code = 200
        return result.to_dict()

    @router.post("/datasets/batch")
    def register_batch(body: BatchIn, who: Auth) -> list[dict[str, Any]]:
        """Register up to 1,000 datasets in order of arrival, in one transaction."""
        with _errors():
            subs = [s.to_submission(f"submissions[{i}].") for i, s in enumerate(body.submissions)]
            return [r.to_dict() for r in reg().register_batch(who, subs)]

    @router.get("/datasets")
    def find(
        who: Auth,
        transaction_id: Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")],
    ) -> dict[str, Any]:
        """The caller's own dataset by transaction id."""
        with _errors():
            return _json(reg().find(who, transaction_id))

    @router.get("/datasets/{dataset_id}")
    def read(dataset_id: DatasetId, who: Auth) -> dict[str, Any]:
        """A dataset as the caller may see it (own Member State, or a comparison result)."""
        with _errors():
            return _json(reg().get(who, dataset_id))

    @router.post("/datasets/{dataset_id}/actions")
    def act(dataset_id: DatasetId, body: ActionIn, who: Auth) -> dict[str, Any]:
        """Record additional data or a status change (Arts 16, 17(2), 25, 30, 31)."""
        with _errors():
            return reg().record(who, dataset_id, body.type, body.payload(), body.details)

    @router.post("/datasets/{dataset_id}/biometrics")
    def retake(dataset_id: DatasetId, body: RetakeIn, who: Auth) -> dict[str, Any]:
        """Retransmit biometric data of better quality under the same dataset (Art. 38(1))."""
        with _errors():
            return reg().retake(
                who,
                dataset_id,
                taken_at=body.biometrics_taken_at,
                fingerprint=decode_template(body.fingerprint, "fingerprint"),
                face=decode_template(body.face, "face"),
            )


def _comparison_routes(router: APIRouter, reg: Callable[[], Registry], caller: Callable[..., Caller]) -> None:
    """Routes comparing, verifying hits, notifying (Eurodac Arts 18(1), 33, 38; SIS Return Reg. Art. 7(2))."""
    Auth = Annotated[Caller, Depends(caller)]

    @router.post("/searches")
    def search(body: SearchIn, who: Auth) -> dict[str, Any]:
        """Compare without recording: Art. 18(1) admission, or law enforcement (Art. 33)."""
        with _errors():
            result = reg().search(
                who,
                kind=body.kind,
                fingerprint=decode_template(body.fingerprint, "fingerprint"),
                face=decode_template(body.face, "face"),
                sex=body.sex,
                request=body.request.to_request() if body.request else None,
                include_own=body.include_own,
            )
            return result.to_dict()

    @router.post("/return-checks")
    def return_check(body: ReturnCheckIn, who: Auth) -> dict[str, Any]:
        """Has another Member State issued a return decision? Alerts on return found, with the
        measures the apprehending State may take (SIS Return Reg. Arts 7(2), 8; SECONDARY)."""
        with _errors():
            result = reg().search(
                who,
                kind="return_check",
                fingerprint=decode_template(body.fingerprint, "fingerprint"),
                face=decode_template(body.face, "face"),
                sex=body.sex,
                include_own=body.include_own,
            )
            return result.to_dict()

    @router.get("/hits")
    def hits(who: Auth) -> list[dict[str, Any]]:
        """The caller's candidates awaiting verification."""
        with _errors():
            return [_json(c.__dict__) for c in reg().pending_hits(who)]

    @router.post("/hits/{hit_id}/verification")
    def verify(hit_id: DatasetId, body: VerificationIn, who: Auth) -> dict[str, Any]:
        """Confirm or reject a candidate (Art. 38(4)–(6))."""
        with _errors():
            return _json(reg().verify_hit(who, hit_id, body.confirmed).__dict__)

    @router.get("/notifications")
    def notifications(who: Auth) -> list[dict[str, Any]]:
        """Notifications to the caller's Member State (Arts 16(4), 17(4), 30(2), 31)."""
        with _errors():
            return reg().notifications_for(who)


def _operator_routes(router: APIRouter, reg: Callable[[], Registry], caller: Callable[..., Caller]) -> None:
    """Routes of the operator: statistics, erasure, TP decisions, verification (Eurodac Arts 12, 29)."""
    Auth = Annotated[Caller, Depends(caller)]

    @router.get("/statistics")
    def statistics(who: Auth) -> dict[str, Any]:
        """The statistics of Art. 12 (operator)."""
        with _errors():
            return {name: frame.to_dicts() for name, frame in reg().statistics(who).items()}

    @router.post("/retention/purge")
    def purge(body: PurgeIn, who: Auth) -> dict[str, Any]:
        """Erase what is due on a date (Art. 29(10); operator)."""
        with _errors():
            result = reg().purge(who, body.as_of)
            return {"erased": result.count, "legal_basis": result.basis}

    @router.post("/tp-decisions")
    def tp_decision(body: TPDecisionIn, who: Auth) -> dict[str, Any]:
        """Record a Council decision on temporary protection or its end (Art. 29(9); operator)."""
        with _errors():
            n = reg().record_tp_decision(who, body.reference, body.entry_into_force, body.ended_on)
            return {"datasets": n, "legal_basis": "Eurodac Art. 29(9)"}

    @router.get("/tp-multiple-registrations")
    def tp_multiple(who: Auth) -> dict[str, Any]:
        """Persons registered for temporary protection in several Member States (Arts 3(6), 26, 38(4))."""
        with _errors():
            return tp_report(reg().tp_multiple_registrations(who))

    @router.get("/audit/verification")
    def verify_audit(
        who: Auth, anchor: Annotated[str | None, Query(max_length=100, pattern=r"^\d+:[0-9a-f]{64}$")] = None
    ) -> dict[str, Any]:
        """Recompute the audit chain and the MAC of every sealed row (operator): what was altered."""
        with _errors():
            report = reg().verify(who, parse_anchor(anchor) if anchor else None)
            return {
                "ok": report.ok,
                "entries": report.audit.entries,
                "head": report.audit.anchor(),
                "rows": report.rows.checked,
                "altered": report.rows.altered,
                "problems": list(report.problems),
            }


class BodyLimit:
    """ASGI middleware: refuse request bodies over `limit` bytes (declared or streamed) with 413."""

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0

        async def limited() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Callable[..., Any], limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send(
        {"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})


def create_app(
    registry: Registry | Callable[[], Registry] | None = None,
    *,
    retention: bool = False,
    allowed_hosts: tuple[str, ...] | None = None,
) -> FastAPI:
    """A standalone app serving only the registry (tests, `migralex registry serve`).

    With `retention=True` the daily retention job runs in a thread of the app (Art. 29(10)).
    `allowed_hosts` as in `ApiSettings` (default: localhost, or $MIGRALEX_API_ALLOWED_HOSTS).
    """
    source = registry or Registry.open
    held: list[Registry] = []

    def get() -> Registry:
        if not held:
            held.append(source if isinstance(source, Registry) else source())
        return held[0]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if retention:
            threading.Thread(target=get().retention_job, args=(stop,), daemon=True, name="retention").start()
        yield
        stop.set()
        if held:
            held[0].flush_refusals()

    app = FastAPI(
        title="migralex registry",
        version="1",
        docs_url=f"{PREFIX}/docs",
        openapi_url=f"{PREFIX}/openapi.json",
        lifespan=lifespan,
    )
    app.include_router(build_router(get))
    app.add_middleware(BodyLimit)
    app.add_middleware(StaticMethods)
    app.add_middleware(ServerError)
    hosts = allowed_hosts if allowed_hosts is not None else ApiSettings().allowed_hosts
    app.add_middleware(HostAndHeaders, allowed_hosts=hosts, docs_paths=(f"{PREFIX}/docs",))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            loc = list(e.get("loc", ()))
            if e.get("type") == "json_invalid":
                where = json_position(exc.body, loc[-1] if loc and isinstance(loc[-1], int) else 0)
                reason = (e.get("ctx") or {}).get("error") or e.get("msg", "")
                errors.append({"path": "$", "reason": f"not valid JSON ({where}): {reason}"})
            else:
                errors.append({"path": ".".join(str(p) for p in loc[1:]), "reason": e.get("msg", "")})
        return JSONResponse({"detail": errors}, status_code=422)

    return app
