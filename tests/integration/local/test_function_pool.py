"""A function pool at shutdown: invocations still waiting for a worker are abandoned, and a worker
that dies then is not replaced (no new process while the runtime stops).
(Not a unit test only because asyncio's event loop opens a socket pair.)"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.loop import run


class _Worker:
    alive = True


def test_abandoned_invocations_end_and_dead_workers_are_not_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    from local.lambdas import FunctionPool, InvocationResult, WorkerSpec

    pool = FunctionPool(WorkerSpec("catalog-indexer", "plein-local-catalog-indexer", "x.handler", {}), size=1)
    replaced: list[Any] = []

    async def replace(dead: Any, executor: Any) -> Any:
        replaced.append(dead)
        return _Worker()

    monkeypatch.setattr(pool, "_replace", replace)

    async def scenario() -> tuple[bool, int]:
        worker = _Worker()
        pool._idle = asyncio.Queue()
        pool._idle.put_nowait(worker)  # type: ignore[arg-type]
        started = asyncio.Event()

        async def never_answers(_: Any) -> InvocationResult:
            started.set()
            worker.alive = False  # the process goes away while the runtime stops
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        with ThreadPoolExecutor(1) as executor:
            invocation = asyncio.ensure_future(pool._on_worker(executor, never_answers))
            await started.wait()
            pool.abandon_invocations()
            cancelled = False
            try:
                await invocation
            except asyncio.CancelledError:
                cancelled = True
            await asyncio.sleep(0)
            return cancelled, pool._idle.qsize()

    cancelled, idle = run(scenario())

    assert cancelled
    assert replaced == []  # without the stop flag the dead worker would be replaced
    assert idle == 1  # the (dead) worker is back in the pool, nothing waits on it
