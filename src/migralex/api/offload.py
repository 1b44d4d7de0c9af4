"""Large batches must not starve small requests: heavy requests run in worker processes.

A request whose body is larger than `ApiSettings.heavy_body_bytes`, to a path under one of
`ApiSettings.offload_paths` (stateless routes: the answer depends only on the request and the
shipped data), is answered by a copy of the app in a worker process (`spawn`, its own interpreter
and GIL) instead of on the server's event loop: parsing and validating 10,000 cases no longer
holds the loop that answers everyone else. The pool is bounded (`offload_workers`; requests beyond
it queue), and each client may have at most `heavy_per_client` heavy requests in flight (else 429).
Routes with state in the server process (the registry, simulations) are never offloaded.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from migralex.api.guards import send_json

_SCOPE_KEYS: tuple[str, ...] = ("type", "asgi", "http_version", "method", "scheme", "path", "raw_path")
_SCOPE_KEYS += ("root_path", "query_string", "headers", "server", "client")
_APP: Any = None


def _worker_app(settings: dict[str, Any]) -> Any:
    """The app of this worker process (built once; every host allowed: the server checked it)."""
    global _APP
    if _APP is None:
        from migralex.api.app import create_app
        from migralex.api.settings import ApiSettings

        _APP = create_app(ApiSettings(**{**settings, "allowed_hosts": ("*",), "offload_workers": 0}))
    return _APP


def warm(settings: dict[str, Any]) -> bool:
    """Build the worker's app ahead of the first heavy request."""
    return _worker_app(settings) is not None


def answer(settings: dict[str, Any], scope: dict[str, Any], body: bytes) -> tuple[int, list[Any], bytes]:
    """Run one request through the worker's app: (status, headers, body)."""
    app = _worker_app(settings)
    out: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            out["status"], out["headers"] = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    asyncio.run(app(dict(scope), receive, send))
    return out["status"], out["headers"], out["body"]


class WorkerPool:
    """A bounded pool of worker processes, each with its own copy of the app (started on first use)."""

    def __init__(self, settings: dict[str, Any], workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        """The running pool (its apps built in the background as it starts)."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn")
            )
            for _ in range(self.workers):
                self._executor.submit(warm, self.settings)
        return self._executor

    @property
    def running(self) -> bool:
        """Whether worker processes were started."""
        return self._executor is not None

    def shutdown(self) -> None:
        """Stop the worker processes (the server stops)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class Offload:
    """ASGI middleware sending heavy requests to the worker pool, at most `per_client` per client."""

    def __init__(
        self, app: ASGIApp, *, pool: WorkerPool, paths: tuple[str, ...], heavy_bytes: int, per_client: int
    ) -> None:
        self.app = app
        self.pool = pool
        self.paths = paths
        self.heavy_bytes = heavy_bytes
        self.per_client = per_client
        self.in_flight: Counter[str] = Counter()

    def _heavy(self, scope: Scope) -> bool:
        if self.pool.workers <= 0 or scope["type"] != "http" or scope["method"] != "POST":
            return False
        if not scope["path"].startswith(self.paths):
            return False
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), b"")
        return declared.isdigit() and int(declared) > self.heavy_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._heavy(scope):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.in_flight[client] >= self.per_client:
            busy = f"at most {self.per_client} large request(s) per client at a time; retry"
            await send_json(send, 429, {"error": "busy", "message": busy, "detail": []}, {"Retry-After": "1"})
            return
        self.in_flight[client] += 1
        try:
            body = bytearray()
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            plain = {k: scope[k] for k in _SCOPE_KEYS if k in scope}
            status, headers, content = await asyncio.get_running_loop().run_in_executor(
                self.pool.executor(), answer, self.pool.settings, plain, bytes(body)
            )
        finally:
            self.in_flight[client] -= 1
            if not self.in_flight[client]:
                del self.in_flight[client]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
