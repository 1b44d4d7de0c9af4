"""HTTP API of the screening under `/v1/registry/screenings` (on top of the registry's store).

Every endpoint needs `Authorization: Bearer <token>` of the screening staff (`ScreeningService.
create_token`, roles `border` and `medical`). Errors: 401 unknown token, 403 role not allowed (with
the article), 404 no such screening visible to the caller, 409 not complete before the time limit
(with what is missing) or changed meanwhile, 422 invalid input (with the field), 503 database busy.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError

from migralex.errors import InvalidInput, MigralexError
from migralex.registry.access import AccessDenied, NotVisible, Unauthenticated
from migralex.screening import form as form_mod
from migralex.screening.access import Staff
from migralex.screening.model import Reason, Vulnerability
from migralex.screening.record import Incomplete
from migralex.screening.service import Conflict, ScreeningService

PREFIX = "/v1/registry/screenings"
_BEARER = HTTPBearer(auto_error=False, description="A screening staff token")
ScreeningId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._:-]+$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartIn(_In):
    """Open a screening (SR Art. 5 or 7)."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._:-]+$", examples=["LMP-2026-0001"])
    reason: Reason
    event_at: dt.datetime = Field(description="Apprehension, disembarkation or presentation (local time)")
    held_hours: float = Field(0.0, ge=0, le=720, description="Hours held at the border (Art. 8(3))")
    form: dict[str, Any] = Field(default_factory=dict, description="Declared elements (Art. 17)")


class HealthIn(_In):
    """The preliminary health check (Art. 12(1))."""

    needs_care: bool
    isolation: bool
    no_further_check: bool
    notes: str | None = Field(None, max_length=500)


class VulnerabilityIn(_In):
    """The preliminary vulnerability check (Art. 12(3)): the indications found (none: empty)."""

    indications: list[Vulnerability] = Field(default_factory=list, max_length=10)


class IdentityIn(_In):
    """Identification (Art. 14) and the form's elements (Art. 17)."""

    form: dict[str, Any]


class VerificationIn(_In):
    """Manual verification of a hit (Art. 16)."""

    system: str = Field(min_length=2, max_length=20)
    reference: str = Field(min_length=1, max_length=64)
    confirmed: bool


class CompletionIn(_In):
    """End the screening and refer the person (Art. 18)."""

    relocation: bool = False
    entry_conditions_met: bool = False


@contextmanager
def _errors() -> Iterator[None]:
    """The service's errors as HTTP answers."""
    try:
        yield
    except Incomplete as exc:
        raise HTTPException(409, {"reason": "screening not complete", "gaps": exc.gaps}) from None
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    except InvalidInput as exc:
        raise HTTPException(422, {"path": exc.path, "reason": exc.reason}) from None
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    except AccessDenied as exc:
        raise HTTPException(403, {"reason": exc.reason, "legal_basis": exc.basis}) from None
    except NotVisible as exc:
        raise HTTPException(404, str(exc)) from None
    except OperationalError:
        raise HTTPException(503, "the database is busy or unavailable; retry") from None
    except MigralexError as exc:
        raise HTTPException(422, str(exc)) from None


Svc = Callable[[], ScreeningService]
StaffDep = Callable[..., Staff]


def _lazy(service: ScreeningService | Svc) -> Svc:
    """The service itself, or the factory's service made on first use."""
    holder: dict[str, ScreeningService] = {}

    def svc() -> ScreeningService:
        if "s" not in holder:
            holder["s"] = service if isinstance(service, ScreeningService) else service()
        return holder["s"]

    return svc


def _staff(svc: Svc) -> StaffDep:
    """The dependency naming the caller from its bearer token (the screening staff, SR Art. 8(9))."""

    def staff(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> Staff:
        with _errors():
            if credentials is None or not credentials.credentials.strip():
                raise Unauthenticated("an Authorization: Bearer token is required")
            return svc().authenticate(credentials.credentials.strip())

    return staff


def _add_lifecycle(router: APIRouter, svc: Svc, staff: StaffDep) -> None:
    """The list, the opening (SR Arts 5, 7, 8(3)-(4)) and the reading of screenings."""
    Auth = Annotated[Staff, Depends(staff)]

    @router.get("")
    def list_screenings(
        who: Auth, status: Annotated[str | None, Query(max_length=24, pattern=r"^[a-z_]+$")] = None
    ) -> list[dict[str, Any]]:
        """The Member State's screenings with their clocks (no personal data)."""
        with _errors():
            return svc().list(who, status)

    @router.post("", status_code=201)
    def start(body: StartIn, who: Auth) -> dict[str, Any]:
        """Open a screening; its time limit starts (Art. 8(3)-(4))."""
        with _errors():
            return svc().start(who, body.id, body.reason, body.event_at.replace(tzinfo=None), body.form,
                               held_hours=body.held_hours)  # fmt: skip

    @router.get("/{screening_id}")
    def read(screening_id: ScreeningId, who: Auth) -> dict[str, Any]:
        """A screening as the caller's role may see it, with its clock."""
        with _errors():
            return svc().get(who, screening_id)


def _add_checks(router: APIRouter, svc: Svc, staff: StaffDep) -> None:
    """The steps of the screening: health and vulnerability (SR Art. 12), identity and checks (Arts 14-16)."""
    Auth = Annotated[Staff, Depends(staff)]

    @router.post("/{screening_id}/health")
    def health(screening_id: ScreeningId, body: HealthIn, who: Auth) -> dict[str, Any]:
        """Record the preliminary health check (medical staff, Art. 12(1))."""
        with _errors():
            return svc().health(who, screening_id, **body.model_dump())

    @router.post("/{screening_id}/vulnerability")
    def vulnerability(screening_id: ScreeningId, body: VulnerabilityIn, who: Auth) -> dict[str, Any]:
        """Record the preliminary vulnerability check (Art. 12(3))."""
        with _errors():
            return svc().vulnerability(who, screening_id, [str(v) for v in body.indications])

    @router.post("/{screening_id}/identity")
    def identity(screening_id: ScreeningId, body: IdentityIn, who: Auth) -> dict[str, Any]:
        """Record the identification (Art. 14) and form elements (Art. 17)."""
        with _errors():
            return svc().identity(who, screening_id, body.form)

    @router.post("/{screening_id}/checks")
    def check(screening_id: ScreeningId, who: Auth) -> dict[str, Any]:
        """Query the systems not yet answered (Arts 14-16)."""
        with _errors():
            return svc().check(who, screening_id)

    @router.post("/{screening_id}/verification")
    def verify(screening_id: ScreeningId, body: VerificationIn, who: Auth) -> dict[str, Any]:
        """Confirm or discard a hit (Art. 16)."""
        with _errors():
            return svc().verify(who, screening_id, body.system, body.reference, body.confirmed)


def _add_outcome(router: APIRouter, svc: Svc, staff: StaffDep) -> None:
    """The end of the screening with the referral (SR Art. 18) and the screening form (Art. 17)."""
    Auth = Annotated[Staff, Depends(staff)]

    @router.post("/{screening_id}/completion")
    def complete(screening_id: ScreeningId, body: CompletionIn, who: Auth) -> dict[str, Any]:
        """End the screening and refer the person (Art. 18); 409 with the gaps before the time limit."""
        with _errors():
            return svc().complete(
                who, screening_id, relocation=body.relocation, entry_conditions_met=body.entry_conditions_met
            )

    @router.get("/{screening_id}/form", response_model=None)
    def form(
        screening_id: ScreeningId,
        who: Auth,
        format: Annotated[str, Query(pattern=r"^(json|html|markdown)$")] = "json",
        for_person: bool = False,
    ) -> dict[str, Any] | HTMLResponse | PlainTextResponse:
        """The screening form (Art. 17) as JSON, printable HTML or Markdown."""
        with _errors():
            doc = svc().form(who, screening_id, for_person=for_person)
        if format == "html":
            return HTMLResponse(form_mod.html(doc))
        if format == "markdown":
            return PlainTextResponse(form_mod.markdown(doc), media_type="text/markdown")
        return doc


def build_router(service: ScreeningService | Svc) -> APIRouter:
    """The `/v1/registry/screenings` router (SR Arts 5-18) over a service or a factory called on first use."""
    svc = _lazy(service)
    staff = _staff(svc)
    router = APIRouter(prefix=PREFIX, tags=["screening"])
    _add_lifecycle(router, svc, staff)
    _add_checks(router, svc, staff)
    _add_outcome(router, svc, staff)
    return router
