"""App-wide guards (ASGI middleware), so every router, present or future, gets them for free.

- `StaticMethods`: a request to a fixed path (`/v1/registry/datasets/batch`) with a method that no
  route of that exact path serves is 405 with `Allow`, even where a parameterised route
  (`/datasets/{dataset_id}`) would otherwise take the path and answer 401 or 422.
- `ServerError`: an exception that escapes every handler is a JSON 500 in the app's error shape
  (never a plain-text body or a reset connection); the traceback goes to the log, not the client.
- `HostAndHeaders`: a request whose `Host` is not an allowed host is refused (400), so a DNS-rebinding
  page cannot reach the endpoints that need no token; every answer carries the security headers
  (a Content-Security-Policy with `frame-ancestors 'none'`, X-Frame-Options, nosniff, Referrer-Policy).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("migralex.api")


async def send_json(
    send: Send, status: int, content: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Send a whole JSON answer from a middleware."""
    body = json.dumps(content).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class StaticMethods:
    """405 for a fixed route path asked with a method none of its routes serves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._paths: dict[str, set[str]] | None = None

    def _static(self, scope: Scope) -> dict[str, set[str]]:
        """Fixed paths of the OpenAPI document → their methods."""
        if self._paths is None:
            paths: dict[str, set[str]] = {}
            for template, item in scope["app"].openapi().get("paths", {}).items():
                if "{" not in template:
                    paths[template] = {m.upper() for m in item if m in _METHODS}
            self._paths = paths
        return self._paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "app" in scope:
            allowed = self._static(scope).get(scope["path"])
            method = "GET" if scope["method"] == "HEAD" else scope["method"]
            if allowed and method not in allowed:
                message = f"method {scope['method']} not allowed on {scope['path']}"
                await send_json(
                    send,
                    405,
                    {"error": "method_not_allowed", "message": message, "detail": []},
                    {"Allow": ", ".join(sorted(allowed))},
                )
                return
        await self.app(scope, receive, send)


class ServerError:
    """A JSON 500 for any exception no handler took (logged with its traceback)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            log.exception("migralex API: unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await send_json(
                send,
                500,
                {"error": "internal_error", "message": "internal error (logged on the server)", "detail": []},
            )


def json_position(text: Any, offset: int) -> str:
    """`line L, column C` of a character offset into a JSON text (both counted from 1)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str):
        return f"character {offset + 1}"
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return f"line {line}, column {column}"


#: The dashboard's policy: its own scripts, styles (inline style attributes too), images, API calls.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Swagger UI starts from an inline script (FastAPI's page): allowed there only.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
}


def host_of(raw: str) -> str:
    """The host name of a `Host` header, without the port (`[::1]:8000` → `::1`), lower case."""
    raw = raw.strip().lower()
    if raw.startswith("["):
        return raw[1:].split("]", 1)[0]
    return raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw


def secured(headers: list[tuple[bytes, bytes]], csp: bytes) -> list[tuple[bytes, bytes]]:
    """An answer's headers with each security header it does not set itself (the CSP `csp`) appended."""
    names = {k.lower() for k, _ in headers}
    extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in names]
    if b"content-security-policy" not in names:
        extra.append((b"content-security-policy", csp))
    return [*headers, *extra]


class HostPolicy:
    """The hosts served: `admits` a request whose `Host` header names one of them (port aside)."""

    def __init__(self, allowed_hosts: tuple[str, ...]) -> None:
        self.any_host = "*" in allowed_hosts
        self.allowed = {h.lower().strip("[]") for h in allowed_hosts}

    def host(self, scope: Scope) -> str:
        """The request's `Host` header ("" without one)."""
        return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")

    def admits(self, scope: Scope) -> bool:
        """Whether the request is to a host served here."""
        return self.any_host or host_of(self.host(scope)) in self.allowed


class HostAndHeaders:
    """Refuse requests to other hosts (400); add the security headers to every answer."""

    def __init__(
        self, app: ASGIApp, allowed_hosts: tuple[str, ...], docs_paths: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.hosts = HostPolicy(allowed_hosts)
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope["path"] in self.docs_paths else CSP).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured(list(message.get("headers", [])), csp)}
            await send(message)

        if not self.hosts.admits(scope):
            host = host_of(self.hosts.host(scope))
            await send_json(
                with_headers,
                400,
                {
                    "error": "bad_host",
                    "message": f"host {host!r} is not served here (settings: allowed_hosts)",
                    "detail": [],
                },
            )
            return
        await self.app(scope, receive, with_headers)
