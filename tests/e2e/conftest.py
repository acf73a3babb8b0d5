"""The whole local runtime, started once per test session on free ports in a temporary folder.

Tests drive it over real HTTP and WebSocket: `plein.client("shopper").get("/cart")`,
`plein.token("admin")`, `plein.ws_url`, `plein.wait_until_idle()`. A test-only context
(tests/e2e/probe) is wired in beside the marketplace's own to test the runtime itself.

Environment: `PLEIN_E2E_PRODUCTS` (seed size, default 200), `PLEIN_E2E_POOL_SIZES`
(`orders-api=4,vendor-api=2`; orders-api gets 4 workers unless set), `PLEIN_E2E_TIMEOUT_FACTOR`
(multiplies function timeouts, for loaded machines), `PLEIN_E2E_KEEP` (keep the data folder,
printed at teardown).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.config import Limits, RuntimeConfig
from local.runtime import Runtime, RuntimeThread
from local.seed import DemoUser
from local.seed.users import create_user

DEFAULT_POOL_SIZES = {"orders-api": 4, "probe-api": 2}
PROBE = "tests.e2e.probe.wiring"


LISTEN_PORTS = range(20000, 32000)
"""Below Linux's ephemeral range (32768-60999): a port handed out by the kernel for `bind(0)` can
be taken as the source port of an outgoing connection (tests in other workers make thousands)
before the runtime listens on it."""


def free_port() -> int:
    """A port nothing listens on now, picked at random outside the ephemeral range."""
    while True:
        port = random.choice(LISTEN_PORTS)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


@pytest.fixture
def data_folder() -> Iterator[Path]:
    """A data folder of its own, for a test that stops and starts runtimes on it."""
    path = Path(tempfile.mkdtemp(prefix="plein-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_on(folder: Path, **settings: Any) -> RuntimeThread:
    """A runtime on `folder` (restored from it if it holds data), on free ports, started."""
    config = RuntimeConfig(
        data_dir=folder,
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        web_port=free_port(),
        **{"products": 20, **settings},
    )
    thread = RuntimeThread(Runtime(config))
    thread.start(timeout=600)
    return thread


DEMO_ORDERS_SECONDS = 300.0


def wait_for_demo_orders(plein: Plein) -> None:
    """The seed places the demo shopper's orders once the vendors' offers reached the orders
    context, in the background when that takes a while: tests built on them wait for them."""
    shopper = plein.client("shopper")
    deadline = time.monotonic() + DEMO_ORDERS_SECONDS
    while not shopper.get("/orders").json().get("items"):
        assert time.monotonic() < deadline, "the seed placed no demo orders for the shopper"
        time.sleep(1)


def kill_emulator(runtime: Runtime) -> None:
    """What kill -9 of `make up` does to the emulated AWS: it dies without a clean stop."""
    import signal

    moto = runtime._moto
    assert moto is not None
    os.kill(moto.pid, signal.SIGKILL)
    moto.wait(10)


def pool_sizes_from_env() -> dict[str, int]:
    sizes = dict(DEFAULT_POOL_SIZES)
    for item in filter(None, os.environ.get("PLEIN_E2E_POOL_SIZES", "").split(",")):
        name, _, size = item.partition("=")
        sizes[name.strip()] = int(size)
    return sizes


@dataclass
class Plein:
    """A running local marketplace and helpers to drive it."""

    thread: RuntimeThread
    config: RuntimeConfig
    _clients: list[httpx.Client] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        return self.thread.runtime

    @property
    def rest_url(self) -> str:
        return self.config.rest_url

    @property
    def ws_url(self) -> str:
        return self.config.ws_url

    @property
    def aws_endpoint(self) -> str:
        return self.config.aws_endpoint

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    @property
    def users(self) -> dict[str, DemoUser]:
        return self.runtime.users

    @property
    def user_pool_id(self) -> str:
        resources = self.runtime.resources
        assert resources is not None
        assert resources.user_pool_id is not None
        return resources.user_pool_id

    @property
    def user_pool_client_id(self) -> str:
        resources = self.runtime.resources
        assert resources is not None
        assert resources.user_pool_client_id is not None
        return resources.user_pool_client_id

    @property
    def pool_sizes(self) -> dict[str, int]:
        return {name: len(pool.workers) for name, pool in self.runtime.lambdas_service.pools.items()}

    def boto3_client(self, service: str) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=self.config.region
        ).client(service, endpoint_url=self.aws_endpoint)

    def token(self, username: str, password: str | None = None) -> str:
        """An ID token from Cognito (InitiateAuth USER_PASSWORD_AUTH against the emulator): the REST API's."""
        return self._sign_in(username, password)["IdToken"]

    def access_token(self, username: str, password: str | None = None) -> str:
        """An access token from Cognito: what the advice socket's `?token=` takes, as on AWS."""
        return self._sign_in(username, password)["AccessToken"]

    def _sign_in(self, username: str, password: str | None) -> dict[str, str]:
        secret = password or self.users[username].password
        result = self.boto3_client("cognito-idp").initiate_auth(
            ClientId=self.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": secret},
        )
        tokens: dict[str, str] = result["AuthenticationResult"]
        return tokens

    def client(
        self, username: str | None = None, *, password: str | None = None, timeout: float = 30.0
    ) -> httpx.Client:
        """An HTTP client on the REST API, signed in as `username` (anonymous when None)."""
        headers = {"Authorization": f"Bearer {self.token(username, password)}"} if username else {}
        client = httpx.Client(base_url=self.rest_url, headers=headers, timeout=timeout)
        self._clients.append(client)
        return client

    def create_user(
        self, username: str, password: str, groups: list[str] | tuple[str, ...], vendor_id: str | None = None
    ) -> DemoUser:
        user = create_user(
            self.boto3_client("cognito-idp"),
            self.user_pool_id,
            username,
            password=password,
            groups=tuple(groups),
            vendor_id=vendor_id,
        )
        self.runtime.users[username] = user
        return user

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """True once every queue is empty, every stream drained and no invocation is in flight."""
        result: bool = self.thread.call(self.runtime.wait_until_idle(timeout), timeout + 5)
        return result

    def close(self) -> None:
        for client in self._clients:
            client.close()


@contextmanager
def running_plein(products: int, *, extra_contexts: tuple[str, ...] = (PROBE,)) -> Iterator[Plein]:
    """A whole local marketplace on free ports in a temporary folder, stopped and removed after."""
    data_dir = Path(tempfile.mkdtemp(prefix="plein-e2e-"))
    config = RuntimeConfig(
        data_dir=data_dir,
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        web_port=free_port(),
        products=products,
        pool_sizes=pool_sizes_from_env(),
        timeout_factor=float(os.environ.get("PLEIN_E2E_TIMEOUT_FACTOR", "1")),
        extra_contexts=extra_contexts,
        limits=Limits(ws_idle_seconds=600, ws_max_connection_seconds=7200, sqs_visibility_seconds=1),
        log_level="INFO",
        # a review request follows a delivery after 2 s (tests/e2e/test_notifications.py)
        function_settings={"REVIEW_REQUEST_DELAY_SECONDS": "2"},
    )
    thread = RuntimeThread(Runtime(config))
    thread.start()
    running = Plein(thread, config)
    try:
        yield running
    finally:
        running.close()
        thread.stop()
        if os.environ.get("PLEIN_E2E_KEEP"):
            sys.stderr.write(f"local runtime data kept in {data_dir}\n")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def plein() -> Iterator[Plein]:
    with running_plein(int(os.environ.get("PLEIN_E2E_PRODUCTS", "200"))) as running:
        yield running
