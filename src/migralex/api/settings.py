"""Limits and knobs of the HTTP API (all have safe defaults; `create_app(ApiSettings(...))` changes them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Environment variable with the hosts served (comma-separated) when the settings do not say.
HOSTS_ENV = "MIGRALEX_API_ALLOWED_HOSTS"
LOCALHOST = ("localhost", "127.0.0.1", "::1")


def _default_hosts() -> tuple[str, ...]:
    raw = os.environ.get(HOSTS_ENV, "")
    return tuple(h.strip() for h in raw.split(",") if h.strip()) or LOCALHOST


@dataclass(frozen=True)
class ApiSettings:
    """Settings of one app instance."""

    #: Request bodies larger than this are refused with HTTP 413 before they are parsed.
    max_body_bytes: int = 4 * 1024 * 1024
    #: Most cases accepted in one request to /v1/cases/* (a bigger batch belongs in the CLI or library).
    max_cases: int = 10_000
    #: Simulations run one at a time in a background thread; at most this many wait behind it (else 429).
    max_queued_simulations: int = 4
    #: Finished simulations kept in memory for GET /v1/simulations/{id} (oldest forgotten first).
    kept_simulations: int = 32
    #: Upper bounds on a simulation request, so a single request cannot occupy the server for hours.
    max_simulation_days: int = 3 * 366
    max_simulation_runs: int = 200
    #: Warm the caches (recognition rates, cycle years, scenarios) in a background thread at startup.
    warm_up: bool = False
    #: The registry served under /v1/registry: a factory called on first use (tests, embedding);
    #: None opens the configured one (`Registry.open`: $MIGRALEX_REGISTRY_URL and its key).
    registry: Callable[[], Any] | None = None
    #: Host names served (the `Host` header, port aside); others get 400, against DNS rebinding.
    #: Default: localhost only (or $MIGRALEX_API_ALLOWED_HOSTS); "*" serves any host (behind a proxy
    #: that checks it).
    allowed_hosts: tuple[str, ...] = field(default_factory=_default_hosts)
    #: Large POST bodies (above `heavy_body_bytes`) to these stateless paths are answered by worker
    #: processes (`api.offload`), at most `heavy_per_client` at a time per client, so that a batch
    #: of 10,000 cases does not hold the event loop answering everyone else. 0 workers: in-process.
    offload_paths: tuple[str, ...] = ("/v1/cases/",)
    heavy_body_bytes: int = 256 * 1024
    offload_workers: int = 1
    heavy_per_client: int = 2
    #: Answer the successful requests to /v1/cases/* without FastAPI's per-request machinery
    #: (`api.fastlane`: same answers, a fraction of the CPU); False: FastAPI answers them all.
    fast_lane: bool = True
