"""The local Lambda service: each function runs in its own worker processes.

A worker is a spawned process with exactly the function's environment (from
`infra.topology.function_environment`) plus the AWS endpoint and fake credentials. It imports the
handler once (the cold start) and then serves invocations sent over a pipe, each with a
Lambda-like context object. A pool holds `size` workers of one function; an invocation waits for
an idle worker, as Lambda's reserved concurrency would throttle. A worker that times out or dies
is replaced.

This module stays light at import time: spawned workers import it before anything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_BASE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYTHONPATH", "SYSTEMROOT", "VIRTUAL_ENV")
_START_TIMEOUT = 300.0  # a cold start takes 0.1-2 s; generous for loaded CI machines
# Imported once in the fork server, so that each worker starts with them loaded (about 1.2 s of
# imports per worker otherwise). Of functions/ only the shared layer is preloaded: it reads no
# environment at import (PynamoDB models get their region and host from `bind_table`); context
# modules are imported by each worker after it has set the function's environment.
PRELOAD = (
    "pydantic",
    "boto3",
    "botocore.session",
    "pynamodb.models",
    "aws_xray_sdk.core",
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.metrics",
    "aws_lambda_powertools.tracing",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.data_classes",
    "functions.common.api",
    "functions.common.auth",
    "functions.common.consumers",
    "functions.common.dynamo",
    "functions.common.events",
    "functions.common.pagination",
    "functions.common.settings",
    "local.lambdas",
)
START_METHOD = "forkserver"


def _context() -> Any:
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    return context


_main_swap = threading.Lock()


@contextlib.contextmanager
def _without_main_module() -> Iterator[None]:
    """Start a worker without re-importing the parent's `__main__` in it.

    multiprocessing re-imports the parent's main module in every spawned or fork-server child (to
    find pickled functions defined there). Ours live in this module, and the main module is pytest,
    a benchmark or the CLI: importing it again cost about 0.6 CPU seconds per worker.
    """
    import types

    with _main_swap:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


_users_lock = threading.Lock()
_users = {"runtimes": 0}  # runtimes of this process using the fork server


def start_fork_server() -> None:
    """Start the fork server (and its imports) now, e.g. while moto starts; pair with stop_fork_server."""
    with _users_lock:
        _users["runtimes"] += 1
    if START_METHOD == "forkserver":
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def stop_fork_server() -> None:
    """Release the fork server. It is not stopped: stopping waits for every process that ever held
    its "alive" pipe and could hang; it exits by itself when this process exits (no orphan)."""
    with _users_lock:
        _users["runtimes"] = max(0, _users["runtimes"] - 1)


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to become one Lambda function."""

    name: str
    qualified_name: str
    handler: str
    environment: dict[str, str]
    memory_mb: int = 512
    timeout_seconds: int = 30
    region: str = "eu-west-1"
    account_id: str = "123456789012"
    log_path: str | None = None
    describe_api: bool = False


@dataclass(frozen=True)
class InvocationResult:
    ok: bool
    payload: Any = None
    error: dict[str, Any] | None = None
    duration_ms: float = 0.0


class FunctionError(RuntimeError):
    """The function raised, timed out or could not start; `error` is Lambda's error shape."""

    def __init__(self, function: str, error: dict[str, Any]):
        super().__init__(f"{function}: {error.get('errorType')}: {error.get('errorMessage')}")
        self.error = error


# ---- inside the worker process -----------------------------------------------------------------


class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools use."""

    def __init__(self, spec: WorkerSpec, request_id: str, deadline: float):
        self.function_name = spec.qualified_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{spec.region}:{spec.account_id}:function:{spec.qualified_name}"
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.qualified_name}"
        self.log_stream_name = f"local/{os.getpid()}"
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _exit_with_parent(parent: int) -> None:
    # the fork server, not the runtime, is our parent process: watch the runtime's pid itself
    def watch() -> None:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _error(exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc),
    }


def _api(handler_path: str) -> Any:
    return getattr(sys.modules.get(handler_path.rpartition(".")[0]), "app", None)


def _describe_routes(handler_path: str) -> dict[str, Any] | None:
    """Paths, methods and `security` of the API's routes, read from its resolver (milliseconds).

    The same data the OpenAPI document carries; building that document takes seconds (pydantic
    JSON schemas), so it is built only when `/openapi.json` is asked for (`_describe_openapi`).
    """
    app = _api(handler_path)
    if app is None or not hasattr(app, "get_openapi_json_schema"):
        return None
    routes = [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]
    if not routes or not all(hasattr(r, "openapi_path") and hasattr(r, "security") for r in routes):
        return _describe_openapi(handler_path)  # another Powertools: ask for the real document
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation = {"security": route.security} if route.security else {}
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = operation
    return {"openapi": "3.1.0", "info": {"title": "routes"}, "paths": paths}


def _describe_openapi(handler_path: str) -> dict[str, Any] | None:
    """The API's OpenAPI document; if Powertools cannot build it, the bare routes and the error."""
    import json

    from functions.common.api import openapi_document

    app = _api(handler_path)
    if app is None:
        return None
    try:
        schema: dict[str, Any] = json.loads(openapi_document(app))
        return schema
    except Exception as exc:
        routes = _describe_routes(handler_path) or {}
        return {**routes, "x-plein-schema-error": str(exc)}


def worker_main(conn: Connection, spec: WorkerSpec, parent: int) -> None:  # pragma: no cover - child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)
    if spec.log_path:
        Path(spec.log_path).parent.mkdir(parents=True, exist_ok=True)
        log = os.open(spec.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
    for key in list(os.environ):
        if key not in _BASE_ENV:
            del os.environ[key]
    os.environ.update(spec.environment)
    started = time.perf_counter()
    try:
        module, _, attribute = spec.handler.rpartition(".")
        handler = getattr(importlib.import_module(module), attribute)
        schema = _describe_routes(spec.handler) if spec.describe_api else None
    except BaseException as exc:
        conn.send(("init_error", _error(exc)))
        return
    conn.send(("ready", (time.perf_counter() - started) * 1000, schema))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        if message[0] == "describe":
            try:
                conn.send(("ok", _describe_openapi(spec.handler), 0.0))
            except Exception as exc:
                conn.send(("error", _error(exc), 0.0))
            continue
        _, request_id, event, deadline = message
        begin = time.perf_counter()
        try:
            result = handler(event, LambdaContext(spec, request_id, deadline))
            reply: tuple[Any, ...] = ("ok", result, (time.perf_counter() - begin) * 1000)
        except Exception as exc:
            reply = ("error", _error(exc), (time.perf_counter() - begin) * 1000)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            conn.send(reply)
        except Exception as exc:  # the result could not be pickled
            conn.send(("error", _error(exc), 0.0))


# ---- in the runtime ------------------------------------------------------------------------------


class Worker:
    """One worker process and its pipe; used by one invocation at a time."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.init_ms: float | None = None
        self.api_schema: dict[str, Any] | None = None
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        context = _context()
        parent_conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=worker_main,
            args=(child_conn, self.spec, os.getpid()),
            name=f"lambda:{self.spec.name}",
            daemon=True,
        )
        with _without_main_module():
            self._process.start()
        child_conn.close()
        self._conn = parent_conn

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> None:
        assert self._conn is not None
        if not self._conn.poll(timeout):
            self.stop()
            raise FunctionError(self.spec.name, {"errorType": "Runtime.InitTimeout", "errorMessage": "no ready"})
        try:
            message = self._conn.recv()
        except EOFError as exc:
            raise FunctionError(self.spec.name, {"errorType": "Runtime.ExitError", "errorMessage": "exited"}) from exc
        if message[0] == "init_error":
            self.stop()
            raise FunctionError(self.spec.name, message[1])
        _, self.init_ms, self.api_schema = message

    def invoke(self, event: Any) -> InvocationResult:
        return self._call(self._invocation(event))

    def _invocation(self, event: Any) -> tuple[Any, ...]:
        return ("invoke", str(uuid.uuid4()), event, time.time() + self.spec.timeout_seconds)

    async def invoke_async(self, event: Any, executor: Executor) -> InvocationResult:
        """`invoke` on the event loop: the reply is awaited with a reader on the pipe, not in a thread.

        Two thread hand-offs fewer per invocation (loop → executor thread → loop), which is most of
        the gateway's share of a request. Sending blocks the loop only while the idle worker reads
        the event (at most API Gateway's 10 MB); receiving starts once the reply is there.
        """
        conn = self._conn
        if conn is None:
            return InvocationResult(False, error={"errorType": "Runtime.ExitError", "errorMessage": "not running"})
        loop = asyncio.get_running_loop()
        replied: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not replied.done():
                replied.set_result(None)

        fd = conn.fileno()
        try:
            conn.send(self._invocation(event))
            loop.add_reader(fd, readable)
            try:
                await asyncio.wait_for(replied, self.spec.timeout_seconds + 1)
            finally:
                loop.remove_reader(fd)
            status, payload, duration = conn.recv()
        except TimeoutError:
            await loop.run_in_executor(executor, self.stop)
            message = f"Task timed out after {self.spec.timeout_seconds:.2f} seconds"
            return InvocationResult(False, error={"errorType": "Sandbox.Timedout", "errorMessage": message})
        except (EOFError, OSError):
            await loop.run_in_executor(executor, self.stop)
            return InvocationResult(
                False, error={"errorType": "Runtime.ExitError", "errorMessage": "the worker process exited"}
            )
        if status == "ok":
            return InvocationResult(True, payload=payload, duration_ms=duration)
        return InvocationResult(False, error=payload, duration_ms=duration)

    def describe(self) -> InvocationResult:
        """The OpenAPI document of the function's API (built on demand: it takes seconds)."""
        return self._call(("describe",))

    def _call(self, request: tuple[Any, ...]) -> InvocationResult:
        conn = self._conn  # stop() may clear it meanwhile
        if conn is None:
            return InvocationResult(False, error={"errorType": "Runtime.ExitError", "errorMessage": "not running"})
        try:
            conn.send(request)
            if not conn.poll(self.spec.timeout_seconds + 1):
                self.stop()
                message = f"Task timed out after {self.spec.timeout_seconds:.2f} seconds"
                return InvocationResult(False, error={"errorType": "Sandbox.Timedout", "errorMessage": message})
            status, payload, duration = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            return InvocationResult(
                False, error={"errorType": "Runtime.ExitError", "errorMessage": "the worker process exited"}
            )
        if status == "ok":
            return InvocationResult(True, payload=payload, duration_ms=duration)
        return InvocationResult(False, error=payload, duration_ms=duration)

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self, timeout: float = 2.0) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.send(("stop",))
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        process, self._process = self._process, None
        if process is None:
            return
        process.join(timeout / 4)
        if process.is_alive():
            process.terminate()
            process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)


@dataclass
class FunctionPool:
    """`size` workers of one function, handed out one invocation at a time."""

    spec: WorkerSpec
    size: int
    workers: list[Worker] = field(default_factory=list)
    failed: dict[str, Any] | None = None
    _idle: asyncio.Queue[Worker] | None = None
    _running: set[asyncio.Future[InvocationResult]] = field(default_factory=set)
    stopping: bool = False
    """Set at shutdown: a worker that dies now is not replaced."""

    async def start(self, executor: Executor) -> None:
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self.workers = [Worker(self.spec) for _ in range(self.size)]
        for worker in self.workers:
            worker.start()
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, worker.wait_ready) for worker in self.workers), return_exceptions=True
        )
        for worker, result in zip(self.workers, results, strict=True):
            if isinstance(result, FunctionError):
                self.failed = result.error
            elif isinstance(result, BaseException):
                raise result
            else:
                self._idle.put_nowait(worker)

    @property
    def api_schema(self) -> dict[str, Any] | None:
        return next((w.api_schema for w in self.workers if w.api_schema is not None), None)

    @property
    def init_ms(self) -> float | None:
        return next((w.init_ms for w in self.workers if w.init_ms is not None), None)

    async def invoke(self, event: Any, executor: Executor) -> InvocationResult:
        return await self._on_worker(executor, lambda worker: worker.invoke_async(event, executor))

    async def describe(self, executor: Executor) -> InvocationResult:
        loop = asyncio.get_running_loop()
        return await self._on_worker(executor, lambda worker: loop.run_in_executor(executor, worker.describe))

    async def _on_worker(
        self, executor: Executor, call: Callable[[Worker], Awaitable[InvocationResult]]
    ) -> InvocationResult:
        if self.failed is not None and (self._idle is None or self._idle.empty()) and not self._has_live_worker():
            return InvocationResult(False, error=self.failed)
        idle = self._idle
        assert idle is not None
        worker = await idle.get()

        async def run() -> InvocationResult:
            try:
                return await call(worker)
            finally:
                kept = worker
                if not kept.alive and not self.stopping:
                    try:
                        kept = await self._replace(kept, executor)
                    except FunctionError as exc:  # keep the dead one: the next invocation tries again
                        self.failed = exc.error
                idle.put_nowait(kept)

        # A caller that gives up (a cancelled request) does not cut the invocation short: the worker
        # goes back to the pool only after its reply is read, so no reply is left in its pipe.
        running = asyncio.ensure_future(run())
        self._running.add(running)
        running.add_done_callback(self._running.discard)
        return await asyncio.shield(running)

    def _has_live_worker(self) -> bool:
        return any(worker.alive for worker in self.workers)

    async def _replace(self, dead: Worker, executor: Executor) -> Worker:
        fresh = Worker(self.spec)
        fresh.start()
        await asyncio.get_running_loop().run_in_executor(executor, fresh.wait_ready)
        self.failed = None
        self.workers = [fresh if worker is dead else worker for worker in self.workers]
        return fresh

    def abandon_invocations(self) -> None:
        """At shutdown, on the event loop: stop waiting for replies and replacing workers."""
        self.stopping = True
        for running in list(self._running):
            running.cancel()

    def stop(self) -> None:
        self.stopping = True
        for worker in self.workers:
            worker.stop()


class LambdaService:
    """Every function's pool; `invoke` runs an event on an idle worker of the named function."""

    def __init__(self, specs: Iterable[WorkerSpec], pool_sizes: dict[str, int], executor: Executor):
        self._executor = executor
        self.pools = {spec.name: FunctionPool(spec, max(1, pool_sizes.get(spec.name, 1))) for spec in specs}
        self.in_flight = 0
        self.after_invocation: Callable[[], None] | None = None
        """Called on the event loop after every invocation (the event delivery reads streams then)."""

    async def start(self) -> None:
        await asyncio.gather(*(pool.start(self._executor) for pool in self.pools.values()))

    async def describe(self, function: str) -> InvocationResult:
        return await self.pools[function].describe(self._executor)

    async def invoke(self, function: str, event: Any) -> InvocationResult:
        self.in_flight += 1
        try:
            return await self.pools[function].invoke(event, self._executor)
        finally:
            self.in_flight -= 1
            if self.after_invocation is not None:
                self.after_invocation()

    def pids(self) -> list[int]:
        return [w.pid for pool in self.pools.values() for w in pool.workers if w.pid is not None]

    def abandon_invocations(self) -> None:
        """At shutdown, on the event loop: no invocation is waited for or retried any more."""
        for pool in self.pools.values():
            pool.abandon_invocations()

    def stop(self) -> None:
        for pool in self.pools.values():
            for worker in pool.workers:
                with contextlib.suppress(Exception):
                    if worker._conn is not None:
                        worker._conn.send(("stop",))
        for pool in self.pools.values():
            pool.stop()
