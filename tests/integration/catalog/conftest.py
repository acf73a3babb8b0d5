"""Search engines for the contract suite: the in-memory reference, tantivy on disk, and
osmem-server (OpenSearch compatible) started once per session on a free loopback port."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.catalog.logic.search import SearchBackend

ENGINES = ("memory", "tantivy", "osmem")


@pytest.fixture(scope="session")
def osmem() -> Iterator[Any]:
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False, addr="127.0.0.1:0")
    yield server
    server.close()


def make_backend(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> SearchBackend:
    if engine == "memory":
        from tests.unit.catalog.search_memory import MemorySearchBackend

        return MemorySearchBackend()
    if engine == "tantivy":
        from functions.catalog.store.search_tantivy import TantivySearchBackend

        return TantivySearchBackend(tmp_path / "index")
    from functions.catalog.store.search_opensearch import OpenSearchBackend

    server = request.getfixturevalue("osmem")
    return OpenSearchBackend.connect(server.url, f"products-{uuid.uuid4().hex[:10]}")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    backend = make_backend(request.param, request, tmp_path)
    yield backend
    close = getattr(backend, "close", None)
    if close is not None:
        close()
