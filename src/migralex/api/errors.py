"""Error answers: bad input → 422 with the JSON path of each bad field, unknown references → 404.

Every error has the same shape, `{"error": kind, "message": text, "detail": [{"path", "message"}]}`.
Paths into the request body are JSON paths (`$.cases[0].registration.date`); query and path
parameters are named `query.<name>` / `path.<name>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from migralex.api.guards import json_position
from migralex.errors import InvalidInput, MigralexError, UnknownReference


class ErrorItem(BaseModel):
    """One bad field."""

    path: str = Field(description="JSON path of the field in the body, or query.<name> / path.<name>")
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str = Field(description="invalid_input, not_found, too_large, busy, conflict or http_error")
    message: str
    detail: list[ErrorItem] = Field(default_factory=list)

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "error": "invalid_input",
                    "message": "1 invalid field",
                    "detail": [{"path": "$.registration.date", "message": "Input should be a valid date"}],
                }
            ]
        }
    }


#: Standard error responses for the OpenAPI document of each route.
Responses = dict[int | str, dict[str, Any]]
ERRORS_422: Responses = {
    422: {"model": ErrorBody, "description": "Invalid input: each bad field with its path"}
}
ERRORS_404: Responses = {404: {"model": ErrorBody, "description": "Unknown act, article, year or simulation"}}
ERRORS_413: Responses = {413: {"model": ErrorBody, "description": "Request body above the size limit"}}


def json_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a JSON path: ('body', 'cases', 0, 'id') → `$.cases[0].id`."""
    if not loc:
        return "$"
    where, *rest = loc
    if where in ("query", "path", "header", "cookie"):
        return ".".join([str(where), *(str(p) for p in rest)])
    out = "$"
    for part in rest if where == "body" else loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def engine_path(path: str, prefix: str = "$") -> str:
    """A path reported by the engine (`registration.date`, `cases[2].id`) as a JSON path under `prefix`."""
    if path.startswith(("$", "query.", "path.", "header.")):
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def error_response(
    status: int, kind: str, message: str, detail: list[dict[str, str]] | None = None
) -> JSONResponse:
    """A JSON error answer in the common shape."""
    return JSONResponse(
        status_code=status, content={"error": kind, "message": message, "detail": detail or []}
    )


def _clean(text: Any) -> str:
    return str(text).split("\n", 1)[0].removeprefix("Value error, ")


def _is_tag(part: int | str) -> bool:
    """A pydantic union/validator tag in an error location (`list[Case]`, `function-after[...]`)."""
    return isinstance(part, str) and part.endswith("]") and "[" in part


def _union_branch(loc: Sequence[int | str]) -> bool:
    """True if the location starts in one variant of a union body: ('body', '<tag>', ...)."""
    return len(loc) > 1 and loc[0] == "body" and _is_tag(loc[1])


def _items(body: Any, errors: Sequence[Any]) -> list[dict[str, str]]:
    """Each error as {path, message}; for a body that may be one object or a list (`X | list[X]`), only
    the errors of the variant the body actually is; cross-field messages "@field: reason" blame `field`."""
    tags = {str(e["loc"][1]) for e in errors if _union_branch(e["loc"])}
    one_or_many = any(t.startswith("list[") for t in tags) and len(tags) > 1
    if one_or_many and not isinstance(body, (dict, list)):
        return [{"path": "$", "message": "expected a JSON object (one item) or an array of items"}]
    out: list[dict[str, str]] = []
    for e in errors:
        loc = list(e.get("loc", ()))
        if e.get("type") == "json_invalid":  # FastAPI puts the character offset in the location
            offset = loc[-1] if loc and isinstance(loc[-1], int) else 0
            reason = (e.get("ctx") or {}).get("error") or e.get("msg", "")
            where = json_position(body, offset)
            out.append({"path": "$", "message": f"not valid JSON ({where}): {reason}"})
            continue
        if one_or_many and _union_branch(loc) and str(loc[1]).startswith("list[") != isinstance(body, list):
            continue
        loc = [p for p in loc if not _is_tag(p)]
        message = _clean(e.get("msg", ""))
        if e.get("type") == "extra_forbidden" and loc:
            message = f"unknown field {str(loc[-1])!r}"
        path = json_path(loc)
        if message.startswith("@") and ": " in message:
            field, message = message[1:].split(": ", 1)
            path = f"{path}.{field}"
        item = {"path": path, "message": message}
        if item not in out:
            out.append(item)
    return out


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = _items(exc.body, exc.errors())
    n = len(detail)
    return error_response(422, "invalid_input", f"{n} invalid field{'s' if n != 1 else ''}", detail)


async def _invalid_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    path = engine_path(exc.path)
    return error_response(422, "invalid_input", str(exc), [{"path": path, "message": exc.reason}])


async def _unknown(_: Request, exc: Exception) -> JSONResponse:
    return error_response(404, "not_found", str(exc))


async def _migralex(_: Request, exc: Exception) -> JSONResponse:
    return error_response(422, "invalid_input", str(exc))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI's answer to a body it cannot decode: bad input like any other
        reason = "the body is not valid JSON text (UTF-8)"
        return error_response(422, "invalid_input", reason, [{"path": "$", "message": reason}])
    kind = {
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "invalid_input",
        429: "busy",
    }.get(exc.status_code, "http_error")
    detail: list[dict[str, str]] = []
    message = exc.detail
    if isinstance(message, dict):  # a mounted router's structured detail: {path, reason, legal_basis}
        reason = str(message.get("reason", message))
        if "path" in message:
            detail = [{"path": engine_path(str(message["path"])), "message": reason}]
        message = f"{reason} ({message['legal_basis']})" if message.get("legal_basis") else reason
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405 and (allowed := _allowed_methods(request)):
        headers["Allow"] = ", ".join(allowed)
    return JSONResponse(
        status_code=exc.status_code,
        content={"error": kind, "message": _clean(message), "detail": detail},
        headers=headers or None,
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method the OpenAPI document offers on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.url.path):
            methods |= {m.upper() for m in item if m in _HTTP_METHODS}
    return sorted(methods)


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into the common error shape."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(UnknownReference, _unknown)
    app.add_exception_handler(MigralexError, _migralex)
    app.add_exception_handler(StarletteHTTPException, _http)
