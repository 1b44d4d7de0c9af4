"""Failed authentication, per client: throttled, and audited in aggregate (Eurodac Arts 41(1), 48(2)(e)).

Every refused token used to write one durable audit entry: a stream of made-up tokens became a
stream of fsyncs that slowed every registration. Now, per client (the peer address over HTTP):

- the first refusal of a window is audited at once (an attack shows in the log immediately);
- the following ones of the same window are counted, and written as one entry (`count`, first and
  last time) when the client's next window opens or the registry flushes (`flush`, at shutdown);
- past `limit` refusals in a window the client is refused before any token lookup (HTTP 429 with
  Retry-After), at no cost to the database.

Counts held in memory are lost if the process dies before they are flushed; the first refusal of
each window is always durable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Window:
    start: float
    failures: int
    unlogged: int


@dataclass(frozen=True)
class Suppressed:
    """Refusals of one client in one window not written one by one: to be audited as one entry."""

    client: str
    count: int
    window: float


class FailedAuth:
    """Per-client windows of failed authentications."""

    def __init__(
        self, limit: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._by_client: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float | None:
        """Seconds until the client may try again, or None while it is under the limit."""
        with self._lock:
            w = self._by_client.get(client)
            now = self.clock()
            if w is None or now - w.start >= self.window or w.failures < self.limit:
                return None
            return max(0.0, self.window - (now - w.start))

    def failure(self, client: str) -> tuple[bool, list[Suppressed]]:
        """Count a refusal: (audit this one now?, aggregates of closed windows to audit now)."""
        with self._lock:
            now = self.clock()
            closed = self._close(now)
            w = self._by_client.get(client)
            if w is None:
                self._by_client[client] = _Window(now, 1, 0)
                return True, closed
            w.failures += 1
            w.unlogged += 1
            return False, closed

    def flush(self) -> list[Suppressed]:
        """Every pending aggregate (at shutdown, or before a verification)."""
        with self._lock:
            return self._close(float("inf"))

    def _close(self, now: float) -> list[Suppressed]:
        """Forget the windows that ended; their uncounted refusals as aggregates."""
        out: list[Suppressed] = []
        for client, w in list(self._by_client.items()):
            if now - w.start < self.window:
                continue
            if w.unlogged:
                out.append(Suppressed(client, w.unlogged, self.window))
            del self._by_client[client]
        return out
