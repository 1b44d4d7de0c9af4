"""Bounded, thread-safe memory of computed forecasts: each is fitted once, even when requests race.

A forecast depends only on the shipped data and its parameters (series, `as_of`, horizon), so it is
computed once per key and kept in a bounded LRU (`Lru`): a fuzzer or a crawler walking through
`as_of` values cannot grow the process without limit. `memo(maxsize)` adds one computation per
key: a request for a key being computed waits for that computation instead of fitting the same
models again (the first request after start-up no longer fans out into one fit per concurrent
client). Different keys are computed in parallel: serialising them (one fit at a time in the
process) was tried and made a burst of twelve new `as_of` values slower on the shared machine
(bench_api p50 17.6 s → 63 s at load 10-14: one thread gets one thread's share of the CPU).

Exceptions are not remembered: the waiting requests get the same exception, the next one retries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")


class Lru(Generic[K, V]):
    """A dict of at most `maxsize` entries that forgets the least recently used one (thread-safe)."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize: must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value of `key` (now the most recently used), or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        """Remember `value` for `key`, forgetting the least recently used entry beyond `maxsize`."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class _Pending:
    """A computation under way: its waiters block on `done`."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Memo(Generic[R]):
    """`func` memoised on its positional arguments: bounded LRU, one computation per key."""

    def __init__(self, func: Callable[..., R], maxsize: int) -> None:
        self.func = func
        self.cache: Lru[tuple[Any, ...], R] = Lru(maxsize)
        self._pending: dict[tuple[Any, ...], _Pending] = {}
        self._lock = threading.Lock()
        self.computed = 0  # computations run (tests, benchmarks)
        update_wrapper(self, func)

    def __call__(self, *args: Any) -> R:
        """The remembered value of `args`, or the one being computed, or compute it now."""
        with self._lock:
            found = self.cache.get(args)
            if found is not None:
                return found
            pending = self._pending.get(args)
            owner = pending is None
            if pending is None:
                pending = self._pending[args] = _Pending()
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            pending.value = self.func(*args)
            self.computed += 1
            self.cache.put(args, pending.value)
            return pending.value
        except BaseException as exc:
            pending.error = exc
            raise
        finally:
            with self._lock:
                self._pending.pop(args, None)
            pending.done.set()

    def cache_clear(self) -> None:
        """Forget the remembered values (a computation under way still answers its waiters)."""
        self.cache.clear()


def memo(maxsize: int) -> Callable[[Callable[..., R]], Memo[R]]:
    """Decorator: `Memo(func, maxsize)`."""

    def wrap(func: Callable[..., R]) -> Memo[R]:
        return Memo(func, maxsize)

    return wrap
