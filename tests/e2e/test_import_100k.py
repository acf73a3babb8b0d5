"""100,000 Merchant Center rows uploaded as the demo vendor into a fresh local runtime (REST,
presigned POST, S3 event, import worker, stream relay, catalog indexer, orders offer sync): every
row becomes a searchable product, no consumer logs an error and every DLQ is empty. The timed
version of this run is `python -m benchmarks.feed_import --runtime-only` (docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from benchmarks.feed_import import dead_letters, write_feed
from tests.e2e.test_import_crash import _finished, _start, _upload, _vendor

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.bulk, pytest.mark.timeout(1500)]
ROWS = 100_000


def test_a_100k_row_feed_is_searchable_in_full_with_every_dlq_empty(data_folder: Path) -> None:
    folder = data_folder
    feed = folder / "feed.csv"
    write_feed(feed, ROWS)
    thread = _start(folder)
    try:
        runtime = thread.runtime
        client, vendor_id = _vendor(runtime)
        # the seed's own products of the demo vendor are indexed in the background: count them first
        assert thread.call(runtime.wait_until_idle(300), 310)
        listing: dict[str, str | int] = {"vendor": vendor_id, "limit": 1}
        before = httpx.get(f"{runtime.config.rest_url}/products", params=listing, timeout=60).json()["total"]

        # When the vendor uploads 100,000 rows
        status = _finished(client, vendor_id, _upload(client, vendor_id, feed), 1200)
        assert thread.call(runtime.wait_until_idle(600), 610)

        # Then every row is an offer and a searchable product, and nothing failed on the way
        assert status["status"] == "completed", status
        assert (status["counts"]["created"], status["counts"]["rejected"]) == (ROWS, 0)
        total = httpx.get(f"{runtime.config.rest_url}/products", params=listing, timeout=60).json()["total"]
        assert total == before + ROWS
        assert set(dead_letters(runtime).values()) == {0}, dead_letters(runtime)
        logs = runtime.config.logs_path
        errors = [
            f"{log.name}: {line[:200]}"
            for log in sorted(logs.glob("*.log"))
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if '"level":"ERROR"' in line.replace(" ", "")
        ]
        assert errors == []
    finally:
        thread.stop()
