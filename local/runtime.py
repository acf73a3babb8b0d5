"""The local runtime: moto, the resources, the local Lambdas, both gateways, delivery and seed.

`Runtime(config).start()` brings everything up (an asyncio coroutine; the CLI runs it in the main
thread, the e2e fixture in a background thread through `RuntimeThread`); `stop()` tears it down,
leaving no process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from functions.common.auth import VENDOR_ID_CLAIM
from functions.common.wiring import ContextWiring, Function
from infra.topology import Endpoints, contexts, function_environment, function_name
from local import snapshot
from local.aws.patches import require_pinned_moto
from local.aws.resources import Provisioner, Resources
from local.config import (
    ACCOUNT_ID,
    CURSOR_SECRET,
    HOST,
    LOCAL_KEY,
    LOCAL_MAIL_SENDER,
    RuntimeConfig,
    local_push_applications,
)
from local.delivery import EventDelivery
from local.gateway.auth import JwtVerifier
from local.gateway.invoke import LambdaInvokeApi
from local.gateway.rest import HTTP_PARSER_LIMITS, RestGateway
from local.gateway.routes import RouteTable, merge_openapi, routes_from_openapi
from local.gateway.websocket import SocketRoute, WebSocketGateway
from local.hooks import HookContext, run_before_start
from local.lambdas import LambdaService, WorkerSpec, start_fork_server, stop_fork_server
from local.seed import DemoUser, ProgressFactory, SeedContext, no_progress
from local.seed import run as run_seeders
from local.web import WEB_DIR, client_settings, web_app

log = logging.getLogger("plein.runtime")
ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = "runtime.json"
MOTO_START_SECONDS = 180  # about 1 s on an idle machine; generous for loaded CI machines


def wirings(extra_modules: Sequence[str] = ()) -> list[ContextWiring]:
    found = list(contexts())
    for module in extra_modules:
        found.append(importlib.import_module(module).WIRING)
    return found


def _unique(functions: Sequence[Function]) -> list[Function]:
    """A function subscribed several times is still one function."""
    seen: dict[str, Function] = {}
    for function_ in functions:
        seen.setdefault(function_.name, function_)
    return list(seen.values())


WIRE_SERVICES = frozenset({"dynamodbstreams"})
"""Services whose successful responses the runtime reads as their JSON (see `wire_json_parsers`)."""


def wire_json_parsers() -> Any:
    """A botocore response parser factory whose JSON-protocol parser returns a successful
    response's body as decoded, without walking the output shape. For the stream poller:
    Lambda hands a consumer its GetRecords records in this wire form (attribute values as typed
    JSON, binary as base64, ApproximateCreationDateTime in epoch seconds), and botocore's shape
    walk plus its datetime parsing was most of the runtime process's CPU during a feed import.
    Errors are parsed as usual, so they still raise botocore's ClientError."""
    from botocore.parsers import JSONParser, ResponseParserFactory

    class WireJSONParser(JSONParser):  # type: ignore[misc]  # botocore has no type stubs here
        def _do_parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
            parsed: dict[str, Any] = self._parse_body_as_json(response["body"])
            self._inject_response_metadata(parsed, response["headers"])
            return parsed

    class WireParsers(ResponseParserFactory):  # type: ignore[misc]
        def create_parser(self, protocol_name: str) -> Any:
            if protocol_name == "json":
                return WireJSONParser(**self._defaults)
            return super().create_parser(protocol_name)

    return WireParsers()


class AwsClients:
    """boto3 clients for the emulated AWS, created once per service (clients are thread-safe);
    the clients of `WIRE_SERVICES` return JSON-protocol results in wire form."""

    def __init__(self, endpoint: str, region: str, overrides: dict[str, str] | None = None):
        import boto3
        import botocore.session
        from botocore.config import Config

        credentials = {"aws_access_key_id": LOCAL_KEY, "aws_secret_access_key": LOCAL_KEY, "region_name": region}
        self._session = boto3.session.Session(**credentials)
        wire = botocore.session.get_session()
        wire.register_component("response_parser_factory", wire_json_parsers())
        self._wire_session = boto3.session.Session(botocore_session=wire, **credentials)
        self._endpoint = endpoint
        self._overrides = overrides or {}
        self._config = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=64)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                endpoint = self._overrides.get(service, self._endpoint)
                session = self._wire_session if service in WIRE_SERVICES else self._session
                self._clients[service] = session.client(service, endpoint_url=endpoint, config=self._config)
            return self._clients[service]


@dataclass
class Timings:
    marks: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def mark(self, name: str) -> None:
        self.marks[name] = round(time.perf_counter() - self.started, 3)


class Runtime:
    def __init__(
        self,
        config: RuntimeConfig,
        *,
        progress: ProgressFactory = no_progress,
        say: Callable[[str], None] = lambda _message: None,
    ):
        self.config = config
        self.progress = progress
        self.say = say
        self.timings = Timings()
        self.wirings = wirings(config.extra_contexts)
        self.resources: Resources | None = None
        self.users: dict[str, DemoUser] = {}
        self.lambdas: LambdaService | None = None
        self.delivery: EventDelivery | None = None
        self.rest: RestGateway | None = None
        self.websocket: WebSocketGateway | None = None
        self.verifier: JwtVerifier | None = None
        self.openapi: dict[str, Any] = {}
        self.seeded: list[str] = []
        self._executor = ThreadPoolExecutor(max_workers=96, thread_name_prefix="plein")
        self._moto: subprocess.Popen[bytes] | None = None
        self._runners: list[web.AppRunner] = []
        self._clients: AwsClients | None = None
        self.restored = False
        self._uses_fork_server = False
        self._saving = threading.Lock()
        self._saver: asyncio.Task[None] | None = None

    # ---- helpers -----------------------------------------------------------------------------
    @property
    def clients(self) -> AwsClients:
        assert self._clients is not None, "the runtime is not started"
        return self._clients

    def endpoints(self) -> Endpoints:
        return Endpoints(
            stage=self.config.stage,
            feeds_bucket=self.config.feeds_bucket,
            cursor_secret=CURSOR_SECRET,
            search_backend="tantivy",
            search_index_path=str(self.config.search_path.resolve()),
            user_pool_id=self.resources.user_pool_id if self.resources else None,
            websocket_endpoint=self.config.ws_management_url,
            media_provider="p2p",
            log_level=self.config.log_level,
            mail_sender=LOCAL_MAIL_SENDER,
            push_applications=local_push_applications(self.config.region),
            web_url=f"http://{HOST}:{self.config.web_port}",
            public_api_url=self.config.rest_url,
        )

    def function_env(self, wiring: ContextWiring, function_: Any) -> dict[str, str]:
        env = function_environment(wiring, function_, self.endpoints())
        env |= self.config.aws_environment()
        env |= self.config.function_settings
        env |= {
            "AWS_LAMBDA_FUNCTION_NAME": function_name(self.config.stage, function_),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function_.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
        }
        return env

    def context_environments(self) -> dict[str, dict[str, str]]:
        found = {}
        for wiring in self.wirings:
            function_ = wiring.api or next(iter(wiring.functions()), None)
            if function_ is not None:
                found[wiring.name] = self.function_env(wiring, function_)
        return found

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    # ---- start ------------------------------------------------------------------------------
    async def start(self) -> None:
        require_pinned_moto()  # the emulated AWS runs patched for one moto version, or not at all
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        config.logs_path.mkdir(parents=True, exist_ok=True)
        config.search_path.mkdir(parents=True, exist_ok=True)
        self._uses_fork_server = True
        fork_server = asyncio.get_running_loop().run_in_executor(self._executor, start_fork_server)
        await self._run(self._start_moto)  # with --endpoint, for Cognito only
        self.timings.mark("moto")
        self._clients = AwsClients(config.aws_endpoint, config.region, config.service_endpoints())
        self.restored = self.restoring
        self.resources = await self._run(self._provision)
        self.timings.mark("resources")
        self.verifier = await self._run(self._fetch_verifier)
        await self._run(self._before_start)
        self.timings.mark("hooks")
        seeding = asyncio.create_task(self._seed()) if config.seed and not self.restored else None
        await fork_server
        await self._start_lambdas()
        self.timings.mark("lambdas")
        await self._start_gateways()
        self.timings.mark("gateways")
        if seeding is not None:
            await seeding
            self.timings.mark("seed")
        self.delivery = EventDelivery(
            self.lambdas_service,
            self.clients,
            queues=self.resources.queues,
            streams=self.resources.streams,
            region=config.region,
            limits=config.limits,
            executor=self._executor,
            schedules=[schedule for wiring in self.wirings for schedule in wiring.schedules],
            account_id=ACCOUNT_ID,
        )
        await self.delivery.start()
        self.lambdas_service.after_invocation = self.delivery.read_streams_now
        if config.persist:  # the seeded users and objects at once, then every few seconds
            await self._run(self._sync_now)
            self._saver = asyncio.create_task(self._keep_saving())
        self.timings.mark("ready")
        assert self.rest is not None
        self.rest.openapi_document()  # built in the background, for /openapi.json and /docs
        self._write_state()

    def _before_start(self) -> None:
        """Each context's local step before its workers start (local/hooks/<context>.py)."""

        def context(wiring: ContextWiring) -> HookContext:
            return HookContext(
                wiring=wiring,
                restored=self.restored,
                client=self.clients,
                environment=lambda function_: self.function_env(wiring, function_),
                say=self.say,
            )

        run_before_start(self.wirings, context)

    @property
    def lambdas_service(self) -> LambdaService:
        assert self.lambdas is not None
        return self.lambdas

    def _start_moto(self) -> None:
        command = [sys.executable, "-m", "local.aws.moto_main", "--host", HOST, "--port", str(self.config.aws_port)]
        if not self.config.patch_moto_query:
            command.append("--no-query-patch")
        env = dict(os.environ) | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        with (self.config.logs_path / "moto.log").open("ab") as out:
            self._moto = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(ROOT))
        deadline = time.monotonic() + MOTO_START_SECONDS
        while time.monotonic() < deadline:
            if self._moto.poll() is not None:
                raise RuntimeError(f"moto exited; see {self.config.logs_path / 'moto.log'}")
            try:
                with urllib.request.urlopen(f"{self.config.moto_endpoint}/_plein/health", timeout=1):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"moto did not start within {MOTO_START_SECONDS} s")

    def _provision(self) -> Resources:
        provisioner = Provisioner(
            self.clients,
            self.wirings,
            stage=self.config.stage,
            feeds_bucket=self.config.feeds_bucket,
            region=self.config.region,
            visibility_timeout=self.config.limits.sqs_visibility_seconds,
        )
        restoring = self.restoring
        # restore before streams and bucket notifications exist, so that nothing is replayed
        provisioner.all(streams=not restoring, notifications=not restoring)
        data_dir, endpoint = self.config.data_dir, self.config.cognito_endpoint
        if restoring:
            resources = provisioner.resources
            items = self._restore_tables(resources)
            objects = snapshot.restore_objects(data_dir, self.clients, resources)
            users = snapshot.restore_users(data_dir, resources, endpoint)
            self._adopt_users(users)
            provisioner.enable_streams()
            replayed = self._replay_unsettled()
            provisioner.bucket_notifications()
            self.say(f"restored {items} items, {objects} objects and {len(users)} users from {data_dir}")
            if replayed:
                self.say(f"replaying {replayed} writes whose effects the last run may not have finished")
        elif self.config.persist:
            snapshot.begin(data_dir)
            if self.journaled:
                self._journal("open", {"directory": str(snapshot.tables_dir(data_dir).resolve())})
        return provisioner.resources

    @property
    def journaled(self) -> bool:
        """DynamoDB is the embedded moto server's, which journals every write (not LocalStack's)."""
        return self.config.persist and self.config.endpoint is None

    def _restore_tables(self, resources: Resources) -> int:
        data_dir = self.config.data_dir
        current = snapshot.is_current(data_dir)
        if not (self.journaled and current):
            items = snapshot.restore_tables(data_dir, self.clients, resources)
            if self.journaled:  # an older snapshot: what it restored becomes the table files
                self._load_journal()
                snapshot.forget_older_tables(data_dir, resources)
            return items
        return self._load_journal()

    def _load_journal(self) -> int:
        """The table files and the journal loaded (into the tables, in the moto process), compacted,
        and the journal open for the writes from here on; the items loaded."""
        loaded = self._journal(
            "load",
            {
                "directory": str(snapshot.tables_dir(self.config.data_dir).resolve()),
                "account_id": ACCOUNT_ID,
                "region": self.config.region,
            },
        )
        return sum(loaded["items"].values())

    def _replay_unsettled(self) -> int:
        """The journal's writes after its last idle checkpoint, applied again now that the streams
        are on (local/aws/moto_journal.py: their consumers may never have seen them)."""
        if not self.journaled:
            return 0
        replayed: int = self._journal("replay", {"account_id": ACCOUNT_ID, "region": self.config.region})["replayed"]
        return replayed

    async def _checkpoint_when_idle(self) -> None:
        """Mark the journal when every write so far has had all its effects (nothing runs, every
        queue is empty, every stream drained): the next start replays only the writes after it."""
        if not self.journaled:
            return
        loop = asyncio.get_running_loop()
        length = (await loop.run_in_executor(None, self._journal, "mark", {}))["length"]
        if await self.wait_until_idle(1.0):
            await loop.run_in_executor(None, self._journal, "checkpoint", {"length": str(length)})

    def _journal(self, command: str, body: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.config.moto_endpoint}/_plein/journal/{command}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
            answer: dict[str, Any] = json.load(response)
        return answer

    @property
    def restoring(self) -> bool:
        return self.config.persist and snapshot.exists(self.config.data_dir)

    def _adopt_users(self, saved: list[dict[str, Any]]) -> None:
        for user in saved:
            attributes = {a["Name"]: a["Value"] for a in user["attributes"]}
            self.users[user["username"]] = DemoUser(
                username=user["username"],
                password=user["password"] or "",
                sub=attributes.get("sub", ""),
                groups=tuple(user.get("groups", [])),
                vendor_id=attributes.get(VENDOR_ID_CLAIM),
                email=attributes.get("email"),
            )

    def save_snapshot(self) -> dict[str, int]:
        """What a clean stop keeps beyond the journal: the bucket and the users (and, with LocalStack,
        every table through Scan). Seconds, whatever the size of the tables."""
        assert self.resources is not None
        with self._saving:
            counts = snapshot.sync(self.config.data_dir, self.clients, self.resources, self.config.cognito_endpoint)
            if not self.journaled:
                counts |= snapshot.save_tables(self.config.data_dir, self.clients, self.resources)
        return counts

    async def _keep_saving(self) -> None:
        """Mirror the bucket and the users every `persist_every_seconds` (the journal keeps the
        tables), and mark the journal when the runtime is idle."""
        while True:
            await asyncio.sleep(self.config.persist_every_seconds)
            try:
                await asyncio.get_running_loop().run_in_executor(None, self._sync_now)
                await self._checkpoint_when_idle()
            except Exception as exc:
                log.warning("could not save the bucket and users or mark the journal: %s", exc)

    def _sync_now(self) -> None:
        assert self.resources is not None
        with self._saving:
            snapshot.sync(self.config.data_dir, self.clients, self.resources, self.config.cognito_endpoint)

    def _fetch_verifier(self) -> JwtVerifier | None:
        resources = self.resources
        if resources is None or resources.user_pool_id is None or resources.user_pool_client_id is None:
            return None
        return JwtVerifier.fetch(
            self.config.cognito_endpoint, self.config.region, resources.user_pool_id, [resources.user_pool_client_id]
        )

    def _specs(self) -> list[WorkerSpec]:
        specs = []
        for wiring in self.wirings:
            for function_ in _unique(wiring.functions()):
                specs.append(
                    WorkerSpec(
                        name=function_.name,
                        qualified_name=function_name(self.config.stage, function_),
                        handler=function_.handler,
                        environment=self.function_env(wiring, function_),
                        memory_mb=function_.memory_mb,
                        timeout_seconds=round(function_.timeout_seconds * self.config.timeout_factor),
                        region=self.config.region,
                        account_id=ACCOUNT_ID,
                        log_path=str(self.config.logs_path / f"{function_.name}.log"),
                        describe_api=function_ is wiring.api,
                    )
                )
        return specs

    async def _start_lambdas(self) -> None:
        sizes = {spec.name: self.config.pool_size(spec.name) for spec in self._specs()}
        self.lambdas = LambdaService(self._specs(), sizes, self._executor)
        await self.lambdas.start()
        for name, pool in self.lambdas.pools.items():
            if pool.failed is not None:
                self.say(f"[red]{name} failed to start:[/red] {pool.failed.get('errorMessage')}")

    async def _start_gateways(self) -> None:
        routes = []
        sockets: dict[str, SocketRoute] = {}
        for wiring in self.wirings:
            if wiring.api is not None:
                schema = self.lambdas_service.pools[wiring.api.name].api_schema
                if schema is not None:
                    routes += routes_from_openapi(schema, function=wiring.api.name, context=wiring.name)
            if wiring.websocket is not None:
                authorizer = wiring.websocket_authorizer
                sockets[wiring.name] = SocketRoute(wiring.websocket.name, authorizer.name if authorizer else None)
        if sockets:
            sockets[""] = next(iter(sockets.values()))
        self.rest = RestGateway(
            RouteTable(routes),
            self.lambdas_service,
            lambda: self.verifier,
            self._openapi,
            stage=self.config.stage,
            mailbox=self._mailbox,
            invoke=LambdaInvokeApi(self.lambdas_service, self._deployed_names()),
        )
        self.websocket = WebSocketGateway(
            self.lambdas_service,
            sockets,
            region=self.config.region,
            stage=self.config.stage,
            limits=self.config.limits,
        )
        servers = [(self.rest.app(), self.config.rest_port), (self.websocket.app(), self.config.ws_port)]
        web_client = self._web_client()
        if web_client is not None:
            servers.append((web_client, self.config.web_port))
        for app, port in servers:
            runner = web.AppRunner(
                app,
                access_log=None,
                handle_signals=False,
                shutdown_timeout=1.0,
                max_line_size=HTTP_PARSER_LIMITS["max_line_size"],
                max_field_size=HTTP_PARSER_LIMITS["max_field_size"],
            )
            await runner.setup()
            await web.TCPSite(runner, HOST, port, reuse_address=True).start()
            self._runners.append(runner)

    def _deployed_names(self) -> dict[str, str]:
        """Each local function by the name it has on AWS (what Need settings such as
        REDEMPTIONS_FUNCTION carry), for Lambda's Invoke API."""
        return {
            function_name(self.config.stage, function_): function_.name
            for wiring in self.wirings
            for function_ in wiring.functions()
            if function_.name in self.lambdas_service.pools
        }

    async def _mailbox(self) -> bytes:
        """What the emulated SES and SNS sent (local/aws/moto_extras.py), for `GET /local/mailbox`."""

        def fetch() -> bytes:
            with urllib.request.urlopen(f"{self.config.moto_endpoint}/_plein/mailbox", timeout=10) as answer:  # noqa: S310
                body: bytes = answer.read()
                return body

        result: bytes = await self._run(fetch)
        return result

    def _web_client(self) -> web.Application | None:
        """The reference web client, configured for this runtime's endpoints and user pool."""
        resources = self.resources
        if resources is None or resources.user_pool_id is None or resources.user_pool_client_id is None:
            return None
        settings = client_settings(
            api_url=self.config.rest_url,
            cognito_endpoint=self.config.cognito_endpoint,
            region=self.config.region,
            user_pool_id=resources.user_pool_id,
            client_id=resources.user_pool_client_id,
            ws_url=f"{self.config.ws_url}/advice",
        )
        return web_app(WEB_DIR, settings)

    async def _openapi(self) -> dict[str, Any]:
        """The merged OpenAPI document of every context API, built by their workers."""
        apis = [wiring for wiring in self.wirings if wiring.api is not None]
        results = await asyncio.gather(*(self.lambdas_service.describe(w.api.name) for w in apis if w.api))
        schemas: dict[str, dict[str, Any]] = {}
        for wiring, result in zip(apis, results, strict=True):
            if result.ok and isinstance(result.payload, dict):
                if "x-plein-schema-error" in result.payload:
                    log.warning("%s: no OpenAPI document: %s", wiring.name, result.payload["x-plein-schema-error"])
                schemas[wiring.name] = result.payload
        self.openapi = merge_openapi(schemas)
        return self.openapi

    async def _seed(self) -> None:
        self.seeded = await self._run(run_seeders, self._seed_context())

    def seed_only(self) -> list[str]:
        """Seed a runtime that is already running at `config.endpoint` (the `seed` command)."""
        self._clients = AwsClients(self.config.aws_endpoint, self.config.region, self.config.service_endpoints())
        provisioner = Provisioner(
            self.clients,
            self.wirings,
            stage=self.config.stage,
            feeds_bucket=self.config.feeds_bucket,
            region=self.config.region,
            visibility_timeout=self.config.limits.sqs_visibility_seconds,
        )
        self.resources = provisioner.all()
        ctx = self._seed_context()
        return run_seeders(ctx)

    def _seed_context(self) -> SeedContext:
        assert self.resources is not None
        return SeedContext(
            users=self.users,
            products=self.config.products,
            aws_endpoint=self.config.aws_endpoint,
            stage=self.config.stage,
            endpoints=self.endpoints(),
            region=self.config.region,
            user_pool_id=self.resources.user_pool_id,
            client=self.clients,
            environments=self.context_environments(),
            progress_factory=self.progress,
            log=self.say,
        )

    def _write_state(self) -> None:
        assert self.resources is not None
        state = {
            "pid": os.getpid(),
            "aws_endpoint": self.config.aws_endpoint,
            "cognito_endpoint": self.config.cognito_endpoint,
            "rest_url": self.config.rest_url,
            "ws_url": self.config.ws_url,
            "region": self.config.region,
            "user_pool_id": self.resources.user_pool_id,
            "user_pool_client_id": self.resources.user_pool_client_id,
            "users": {name: user.password for name, user in self.users.items()},
        }
        (self.config.data_dir / STATE_FILE).write_text(json.dumps(state, indent=2))

    # ---- running ----------------------------------------------------------------------------
    async def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """True once every queue is empty, every stream drained and no invocation in flight."""
        deadline = time.monotonic() + timeout
        calm = 0
        while time.monotonic() < deadline:
            moment = time.monotonic()
            busy = self.lambdas_service.in_flight > 0
            if self.delivery is not None:
                self.delivery.read_streams_now()
            if not busy and self.delivery is not None:
                busy = not await self.delivery.queues_empty()
                if not busy:
                    while not self.delivery.streams_drained_since(moment):
                        if time.monotonic() > deadline:
                            return False
                        await asyncio.sleep(0.05)
                    busy = self.lambdas_service.in_flight > 0
            calm = 0 if busy else calm + 1
            if calm >= 2:
                return True
            await asyncio.sleep(0.1)
        return False

    # ---- stop -------------------------------------------------------------------------------
    async def stop(self) -> None:
        if self._saver is not None:
            self._saver.cancel()
            self._saver = None
            with contextlib.suppress(Exception):  # a clean stop when idle leaves nothing to replay
                await self._checkpoint_when_idle()
        if self.delivery is not None:
            await self.delivery.stop()
        for runner in self._runners:
            with contextlib.suppress(Exception):
                await runner.cleanup()
        self._runners.clear()
        if self.lambdas is not None:
            self.lambdas.abandon_invocations()
            await self._run(self.lambdas.stop)
        self._stop_moto()
        if self._uses_fork_server:
            self._uses_fork_server = False
            await self._run(stop_fork_server)
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _stop_moto(self) -> None:
        moto, self._moto = self._moto, None
        if moto is None:
            return
        moto.terminate()
        try:
            moto.wait(5)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait(5)


class RuntimeThread:
    """A runtime running on its own event loop in a background thread (for tests and benchmarks)."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="plein-runtime", daemon=True)

    def start(self, timeout: float = 900.0) -> None:
        self._thread.start()
        try:
            self.call(self.runtime.start(), timeout)
        except BaseException:
            self.stop()
            raise

    def call(self, coroutine: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.call(self.runtime.stop(), 30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
