"""The forecasts' memory: bounded, one computation per key when requests race, errors not kept."""

from __future__ import annotations

import threading

import pytest

from migralex.forecast.memo import Lru, memo


def test_lru_forgets_the_least_recently_used_beyond_its_size() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # now the most recent
    lru.put("c", 3)
    assert lru.get("b") is None and lru.get("a") == 1 and lru.get("c") == 3
    assert len(lru) == 2


def test_lru_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        Lru(0)


def test_racing_calls_of_one_key_compute_once() -> None:
    release = threading.Event()
    calls: list[int] = []

    @memo(8)
    def slow(x: int) -> list[int]:
        calls.append(x)
        release.wait(10)
        return [x * 2]

    results: list[list[int]] = []
    threads = [threading.Thread(target=lambda: results.append(slow(21))) for _ in range(6)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(10)
    assert calls == [21] and slow.computed == 1
    assert len(results) == 6 and all(r is results[0] for r in results) and results[0] == [42]
    assert slow(21) is results[0] and slow.computed == 1


def test_an_error_reaches_the_caller_and_is_not_kept() -> None:
    outcomes = iter([ValueError("as_of: bad"), "ok"])

    @memo(8)
    def flaky(x: int) -> str:
        out = next(outcomes)
        if isinstance(out, Exception):
            raise out
        return out

    with pytest.raises(ValueError, match="as_of"):
        flaky(1)
    assert flaky(1) == "ok"


def test_the_memory_is_bounded_and_can_be_cleared() -> None:
    @memo(3)
    def square(x: int) -> list[int]:
        return [x * x]

    for x in range(10):
        square(x)
    assert len(square.cache) == 3 and square.computed == 10
    square(9)
    assert square.computed == 10
    square.cache_clear()
    square(9)
    assert square.computed == 11
