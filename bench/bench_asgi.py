"""CPU time of one request through the app in-process: no socket, no server, a hot loop.

Builds `create_app(ApiSettings())` and calls it as an ASGI app with a prepared scope, `receive`
and `send`, `--requests` times per round, and prints the process CPU time (process_time) per
request of each round: far less noisy than the served figures of bench_api.py on a shared machine.
`--without-engine` answers with the endpoint's result of the first request (computed once) from
then on, so the figure is the cost of everything around the engine: the middleware, the fast lane
or FastAPI, the validation and serialisation of the answer.

    .venv/bin/python bench/bench_asgi.py                               # POST /v1/cases/deadlines
    .venv/bin/python bench/bench_asgi.py --without-engine
    .venv/bin/python bench/bench_asgi.py --method GET --path /v1/health
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from migralex.api import ApiSettings, create_app

EXAMPLES = (
    Path(__file__).resolve().parents[1] / "src" / "migralex" / "web" / "static" / "examples" / "cases.json"
)


def scope_of(method: str, path: str, body: bytes) -> dict[str, Any]:
    """The ASGI scope uvicorn would give a keep-alive request from the loopback."""
    headers = [(b"host", b"127.0.0.1:8000"), (b"connection", b"keep-alive"), (b"accept", b"application/json")]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }


def freeze_endpoint(path: str) -> None:
    """Make the case route at `path` answer, from its second call on, what it answered on its first
    (the engine runs once; the route's endpoint as the fast lane calls it)."""
    from migralex.api.cases import router

    route = next(r for r in router.routes if isinstance(r, APIRoute) and r.path == path)
    engine = route.endpoint
    answers: list[Any] = []

    async def frozen(**arguments: Any) -> Any:
        if not answers:
            answers.append(await engine(**arguments))
        return answers[0]

    route.endpoint = frozen


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Rounds of `args.requests` requests; CPU milliseconds a request of each round."""
    body = b""
    if args.method == "POST":
        body = json.dumps(json.loads(EXAMPLES.read_text())["examples"][0]["case"]).encode()
    app, scope, sent = create_app(ApiSettings()), scope_of(args.method, args.path, body), []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run(n: int) -> None:
        for _ in range(n):
            sent.clear()
            await app(dict(scope), receive, send)

    await run(1)  # the fast lane reads the routes' signatures on its first request
    if args.without_engine:
        freeze_endpoint(args.path)
    await run(50)
    rounds = []
    for _ in range(args.rounds):
        start = time.process_time()
        await run(args.requests)
        rounds.append(round((time.process_time() - start) * 1000 / args.requests, 4))
    status = sent[0]["status"]
    return {"endpoint": f"{args.method} {args.path}", "status": status, "cpu_ms_per_request": rounds}


def main() -> None:
    """Parse the arguments, measure, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", default="/v1/cases/deadlines")
    ap.add_argument("--method", default="POST")
    ap.add_argument("--requests", type=int, default=3000, help="requests a round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--without-engine", action="store_true", help="answer the first result again")
    print(json.dumps(asyncio.run(measure(ap.parse_args()))))


if __name__ == "__main__":
    main()
