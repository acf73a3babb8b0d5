"""A dev server killed in the middle of a feed import (kill -9 of the emulator, as a closed
terminal or an out-of-memory kill does) and started again: the vendor uploads the same file once
more and ends with every row once: no duplicate offers, nothing missing from search, no DLQ."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.feed_import import dead_letters, write_feed
from local.commands.feeds import upload_file
from local.runtime import Runtime, RuntimeThread
from tests.e2e.conftest import kill_emulator, start_on

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]
ROWS = 20_000


def _start(folder: Path) -> RuntimeThread:
    return start_on(folder, persist_every_seconds=1.0, products=10)


def _vendor(runtime: Runtime) -> tuple[httpx.Client, str]:
    assert runtime.resources is not None
    vendor = runtime.users["vendor"]
    token = runtime.clients("cognito-idp").initiate_auth(
        ClientId=runtime.resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "vendor", "PASSWORD": vendor.password},
    )["AuthenticationResult"]["IdToken"]
    client = httpx.Client(base_url=runtime.config.rest_url, headers={"Authorization": token}, timeout=60)
    assert vendor.vendor_id is not None
    return client, vendor.vendor_id


def _upload(client: httpx.Client, vendor_id: str, feed: Path) -> str:
    created = client.post(f"/vendors/{vendor_id}/feeds", json={"filename": "feed.csv"})
    assert created.status_code == 201, created.text
    upload = created.json()["upload"]
    upload_file(upload["url"], upload["fields"], feed, "text/csv")
    return str(created.json()["feed_id"])


def _status(client: httpx.Client, vendor_id: str, feed_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/vendors/{vendor_id}/feeds/{feed_id}").json()
    return found


def _finished(client: httpx.Client, vendor_id: str, feed_id: str, timeout: float) -> dict[str, Any]:
    """The import's status once it completed or failed."""
    deadline = time.monotonic() + timeout
    while (status := _status(client, vendor_id, feed_id))["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    return status


def _searchable(runtime: Runtime, vendor_id: str) -> int:
    listing = httpx.get(f"{runtime.config.rest_url}/products", params={"vendor": vendor_id, "limit": 1}, timeout=60)
    return int(listing.json()["total"])


def _offer_ids(client: httpx.Client, vendor_id: str) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/vendors/{vendor_id}/offers", params=params).json()
        ids += [offer["offer_id"] for offer in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def test_a_runtime_killed_mid_import_restarts_and_a_second_upload_lands_every_row_once(data_folder: Path) -> None:
    folder = data_folder
    feed = folder / "feed.csv"
    write_feed(feed, ROWS)

    # Given an import running in a dev server
    first = _start(folder)
    try:
        client, vendor_id = _vendor(first.runtime)
        before = len(_offer_ids(client, vendor_id))
        feed_id = _upload(client, vendor_id, feed)
        deadline = time.monotonic() + 300
        while (progress := _status(client, vendor_id, feed_id).get("progress") or 0) < 0.1:
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.05)
        assert progress < 1, "the import ended before the kill: make the feed larger"

        # When the emulator is killed mid-import and the dev server with it
        kill_emulator(first.runtime)
    finally:
        first.stop()

    # And it starts again from the same folder, and the vendor uploads the same file again
    second = _start(folder)
    try:
        runtime = second.runtime
        assert runtime.restored
        client, vendor_id = _vendor(runtime)
        status = _finished(client, vendor_id, _upload(client, vendor_id, feed), 600)
        assert second.call(runtime.wait_until_idle(300), 310)

        # Then every row is an offer once, all of them searchable, and nothing waits in a DLQ
        counts = status["counts"]
        assert status["status"] == "completed", status
        assert counts["rejected"] == 0
        assert counts["created"] + counts["updated"] + counts["unchanged"] == ROWS, counts
        offers = _offer_ids(client, vendor_id)
        assert len(offers) == len(set(offers)) == before + ROWS
        assert _searchable(runtime, vendor_id) == before + ROWS
        assert set(dead_letters(runtime).values()) == {0}
        # and the interrupted import was resumed at the start and finished (it does not stay "importing")
        assert _status(client, vendor_id, feed_id)["status"] == "completed"
    finally:
        second.stop()
