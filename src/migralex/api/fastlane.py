"""A fast lane for the case routes: their successful requests without FastAPI's per-request machinery.

FastAPI answers a request by matching it against the routes one by one, solving the endpoint's
parameters by reflection on their annotations, validating the body, calling the endpoint, then
validating and serialising the answer, inside an exception layer and two exit stacks: about 1,300
Python calls, more than 1 ms of CPU a request on a slow machine, a fifth of what the engine takes
for one case. `FastLane` (ASGI middleware) answers a POST to the exact path of one of the routes it
is given with the very pieces FastAPI would use — the route's own query fields, body field,
endpoint and response field, called the way FastAPI calls them — and nothing else.

Any request it cannot answer that way goes to the app unchanged (with the body it has read): another
method or path, a content type other than `application/json`, a body without Content-Length or
empty, a query parameter the route does not declare or that does not validate, a body that is not
JSON or not valid, an exception from the endpoint or from the answer's validation. So every error
keeps FastAPI's handling and the API's error shape, and a successful answer is the one FastAPI
would give (status, body bytes, content type; tests/api/test_fastlane.py compares them). The OpenAPI
document is not touched: it is built from the same routes.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from enum import Enum
from math import inf
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from migralex.api.guards import HostPolicy, secured

logger = logging.getLogger(__name__)

#: What a lane answers with: the serialised answer, or None to hand the request to the app.
Answer = bytes | None


#: Values that no endpoint can change: the query defaults solved once are shared by every request.
_IMMUTABLE = (type(None), bool, int, float, str, bytes, Enum)


def _is_list(annotation: Any) -> bool:
    """Whether a query parameter takes repeated values (`list[str] | None`), as FastAPI reads it."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return (origin or annotation) in (list, tuple, set, frozenset)


@dataclass(frozen=True)
class Lane:
    """One route's pieces: its endpoint, query fields (with whether each is repeated), body and answer."""

    route: APIRoute
    query: tuple[tuple[Any, bool], ...]
    names: frozenset[str]
    #: The query arguments of a request without a query string, where they are all immutable (solved
    #: once: the defaults); None: solved on each request.
    defaults: tuple[tuple[str, Any], ...] | None = None

    async def answer(self, scope: Scope, receive: Receive, body: bytes) -> Answer:
        """The answer's JSON bytes, or None where FastAPI must answer (an error, or anything unusual)."""
        route = self.route
        values = self._query(scope.get("query_string", b""))
        if values is None:
            return None
        try:
            received = json.loads(body)
        except ValueError:
            return None
        assert route.body_field is not None and route.response_field is not None
        value, errors = route.body_field.validate(received, {}, loc=("body",))
        if errors:
            return None
        values[route.body_field.name] = value
        values[route.dependant.request_param_name or "request"] = Request(scope, receive)
        try:
            content = await route.endpoint(**values)
        except Exception:  # FastAPI's handlers answer it, as they would have without the lane
            return None
        return self._serialise(content)

    def _query(self, raw: bytes) -> dict[str, Any] | None:
        """The endpoint's query arguments as FastAPI solves them (`request_params_to_args`)."""
        if not raw and self.defaults is not None:
            return dict(self.defaults)
        params = QueryParams(raw)
        if raw and not self.names.issuperset(params.keys()):
            return None
        values: dict[str, Any] = {}
        for field, repeated in self.query:
            value = params.getlist(field.alias) if repeated else params.get(field.alias)
            if value is None or (repeated and not value):
                if field.field_info.is_required():
                    return None
                value = deepcopy(field.default)
                if not field.field_info.validate_default:
                    values[field.name] = value
                    continue
            value, errors = field.validate(value, values, loc=("query", field.alias))
            if errors:
                return None
            values[field.name] = value
        return values

    def _serialise(self, content: Any) -> Answer:
        """The endpoint's result validated and dumped by the route's response field, as FastAPI does."""
        route = self.route
        assert route.response_field is not None
        value, errors = route.response_field.validate(content, {}, loc=("response",))
        if errors:
            return None
        return route.response_field.serialize_json(
            value,
            include=route.response_model_include,
            exclude=route.response_model_exclude,
            by_alias=route.response_model_by_alias,
            exclude_unset=route.response_model_exclude_unset,
            exclude_defaults=route.response_model_exclude_defaults,
            exclude_none=route.response_model_exclude_none,
        )


def lane_of(route: APIRoute) -> Lane | None:
    """The lane of a POST route taking the request, query parameters and one JSON body, answered as JSON by
    its response model from a coroutine; None for any other route (FastAPI answers it)."""
    dependant = route.dependant
    query = dependant.query_params
    simple = (
        route.methods == {"POST"}
        and not route.dependencies
        and not dependant.dependencies
        and not (dependant.path_params or dependant.header_params or dependant.cookie_params)
        and len(dependant.body_params) == 1
        and route.body_field is dependant.body_params[0]
        and route.response_field is not None
        and isinstance(route.response_class, DefaultPlaceholder)
        and inspect.iscoroutinefunction(route.endpoint)
        and all(f.alias == f.name and f.validation_alias is None for f in query)
    )
    if not simple:
        return None
    assert route.body_field is not None
    parameters = set(inspect.signature(route.endpoint).parameters)
    if parameters != {dependant.request_param_name, route.body_field.name, *(f.name for f in query)}:
        return None
    fields = tuple((f, _is_list(f.field_info.annotation)) for f in query)
    lane = Lane(route, fields, frozenset(f.alias for f in query))
    defaults = lane._query(b"")
    if defaults is None or not all(isinstance(v, _IMMUTABLE) for v in defaults.values()):
        return lane
    return replace(lane, defaults=tuple(defaults.items()))


@dataclass(frozen=True)
class Front:
    """The guards' part in a request the lane answers while it sits outside them (`api.app`): the lane
    takes only requests to a host served (`hosts`) with a body of at most `largest(path)` bytes (a
    bigger one is the guards' to refuse, 413, or to send to a worker process), and adds the security
    headers with the CSP `csp` to its answers, as `guards.HostAndHeaders` would."""

    hosts: HostPolicy
    csp: bytes
    largest: Callable[[str], int]


#: The headers of the lane's answer, in order (the value of content-length is the answer's).
_OWN_HEADERS = [(b"content-length", b""), (b"content-type", b"application/json")]


class FastLane:
    """ASGI middleware answering the successful requests of the given routes itself (module docstring)."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[Any]], front: Front | None = None) -> None:
        self.app = app
        self.routes = routes
        self.front = front
        self.tail = secured(_OWN_HEADERS, front.csp)[len(_OWN_HEADERS) :] if front else []
        self._lanes: dict[str, Lane] | None = None
        self._largest: dict[str, float] = {}

    def lanes(self) -> dict[str, Lane]:
        """Path → lane of each route that has one (built on the first request)."""
        if self._lanes is None:
            lanes = {}
            for route in self.routes():
                lane = _safe_lane(route)
                if lane is not None:
                    lanes[route.path] = lane
            self._largest = {p: self.front.largest(p) if self.front else inf for p in lanes}
            self._lanes = lanes
        return self._lanes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = self._lane(scope)
        if lane is None:
            await self.app(scope, receive, send)
            return
        body, complete = await _read(receive)
        taken = complete and bool(body) and len(body) <= self._largest[scope["path"]]
        answer = await _safe_answer(lane, scope, receive, body) if taken else None
        if answer is None:
            await self.app(scope, _replay(body, complete, receive), send)
            return
        status = lane.route.status_code or 200
        headers = [(b"content-length", str(len(answer)).encode()), _OWN_HEADERS[1], *self.tail]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    def _lane(self, scope: Scope) -> Lane | None:
        """The lane for this request, if it is a POST of a JSON body with one Content-Length, within
        the limits and to a host served (`Front`), to one."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            return None
        lane = self.lanes().get(scope["path"])
        if lane is None:
            return None
        content_type = length = None
        for name, value in scope["headers"]:
            if name == b"content-type" and content_type is None:
                content_type = value
            elif name == b"content-length":
                if length is not None or not value.isdigit():
                    return None
                length = int(value)
        if content_type is None or content_type.lower() != b"application/json" or length is None:
            return None
        if length > self._largest[scope["path"]] or (self.front and not self.front.hosts.admits(scope)):
            return None
        return lane


def _safe_lane(route: Any) -> Lane | None:
    """`lane_of`, or None where FastAPI's route internals are not what the lane expects (another
    FastAPI release): the route is then answered by FastAPI, never broken by the lane."""
    if not isinstance(route, APIRoute):
        return None
    try:
        return lane_of(route)
    except Exception:  # the lane is an optimisation: FastAPI answers the route
        logger.warning("fast lane off for %s: FastAPI's route internals differ", route.path, exc_info=True)
        return None


async def _safe_answer(lane: Lane, scope: Scope, receive: Receive, body: bytes) -> Answer:
    """`Lane.answer`, or None (FastAPI answers) where the lane itself fails on FastAPI's internals."""
    try:
        return await lane.answer(scope, receive, body)
    except Exception:  # the lane is an optimisation: FastAPI answers the request
        logger.warning("fast lane failed on %s: FastAPI answers", scope["path"], exc_info=True)
        return None


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, and whether it arrived whole (False: the client went away first)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A `receive` giving the app the body already read, then whatever comes next."""
    pending = [{"type": "http.request", "body": body, "more_body": not complete}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed
