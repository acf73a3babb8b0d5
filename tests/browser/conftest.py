"""Browser tests: Debian's chromium driven by Playwright against the local runtime and the web client.

The marketplace is the e2e suite's session fixture (`plein`); the web client is served from a
copy of web/ with a config.json pointing at that runtime. Chromium is the system one
(`apt-get install chromium`), never a browser Playwright downloads.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web

from local.web import WEB_DIR, client_settings, web_app, write_config
from tests.e2e.conftest import Plein, free_port, plein  # noqa: F401 - the shared runtime fixture

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",  # camera and microphone allowed without a prompt (live advice video)
    "--use-fake-device-for-media-stream",  # a generated test pattern and tone instead of real devices
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the web client in headless chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Share the one running marketplace with the e2e suite (same xdist worker).
    for item in items:
        if "browser" in item.path.parts and "tests" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))


class WebServer:
    """web_app on a free port in a thread of its own."""

    def __init__(self, web_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._web_dir = web_dir
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="web-client", daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    async def _start(self) -> None:
        self._runner = web.AppRunner(web_app(self._web_dir), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_url(plein: Plein, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """The web client, configured for the test runtime, at http://127.0.0.1:<port>/."""
    web_dir = tmp_path_factory.mktemp("web") / "web"
    shutil.copytree(WEB_DIR, web_dir, ignore=shutil.ignore_patterns("config.json", ".*"))
    write_config(
        web_dir,
        client_settings(
            api_url=plein.rest_url,
            cognito_endpoint=plein.config.cognito_endpoint,
            region=plein.config.region,
            user_pool_id=plein.user_pool_id,
            client_id=plein.user_pool_client_id,
            ws_url=f"{plein.ws_url}/advice",
        ),
    )
    server = WebServer(web_dir)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (uv sync --group dev)")
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (.ci/run installs it)")
        pytest.skip(message)
    with sync_api.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    try:
        yield launched
    finally:
        launched.close()


def _only_loopback(route: Any) -> None:
    """No network beyond the local runtime: vendor image hosts and the like are refused."""
    if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    created.route("**/*", _only_loopback)
    try:
        yield created
    finally:
        created.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert not errors, f"uncaught errors in the page: {errors}"
