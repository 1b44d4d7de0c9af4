"""Request body size limit: HTTP 413 in the API's error shape, before the body is parsed.

(FastAPI's own `max_body_size` answers 413 in plain text from a middleware outside the exception
handlers, so clients would get a second error format; this one keeps the common JSON shape.)
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised inside `receive` when a streamed body passes the limit (answered as HTTP 413)."""

    def __init__(self, limit: int, unit: str = "bytes") -> None:
        what = "request body" if unit == "bytes" else "request"
        super().__init__(413, f"{what} above the limit of {limit} {unit}")


def check_case_count(request: Request, count: int) -> None:
    """Refuse a request of more cases than the app's `max_cases` setting (HTTP 413 naming the limit)."""
    limit = request.app.state.settings.max_cases
    if count > limit:
        raise BodyTooLarge(limit, unit="cases") from None


class BodySizeLimit:
    """ASGI middleware: refuse bodies above `limit` bytes, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "too_large",
                "message": f"request body above the limit of {self.limit} bytes",
                "detail": [],
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
