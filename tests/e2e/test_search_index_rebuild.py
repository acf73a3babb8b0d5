"""A restored data folder without a search index for the current schema (e.g. after an index
schema version bump) gets its index rebuilt from the catalog table at start."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_runtime_persistence import _start

COLD = 60
"""The first search after a start waits for the catalog function's cold start and the rebuilt index
(httpx's default of 5 s timed out once in CI on a loaded 2-core machine)."""

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]


def test_an_emptied_search_index_is_rebuilt_on_restore(data_folder: Path) -> None:
    folder = data_folder
    # Given a seeded runtime whose products are searchable, stopped cleanly
    first = _start(folder)
    try:
        runtime = first.runtime
        assert first.call(runtime.wait_until_idle(120), 130)
        before = httpx.get(f"{runtime.config.rest_url}/products", params={"limit": 50}, timeout=COLD).json()
        assert before["total"] > 0
        runtime.save_snapshot()
    finally:
        first.stop()

    # When the search index is gone (as when a new schema version reads a new directory)
    shutil.rmtree(folder / "search")

    # Then the next start rebuilds it from the catalog table before serving
    second = _start(folder)
    try:
        runtime = second.runtime
        assert runtime.restored
        after = httpx.get(f"{runtime.config.rest_url}/products", params={"limit": 50}, timeout=COLD).json()
        assert after["total"] == before["total"]
        assert {item["product_id"] for item in after["items"]} == {item["product_id"] for item in before["items"]}
    finally:
        second.stop()
