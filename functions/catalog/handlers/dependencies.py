"""Settings and services of the catalog functions, built once per process on first use.

Routes receive the service through Powertools `Depends(catalog_service)`; tests replace it with
`app.dependency_overrides[catalog_service]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from functions.catalog.logic.catalog import CatalogService
from functions.catalog.logic.indexer import CatalogIndexer
from functions.common.pagination import CursorCodec
from functions.common.settings import (
    ApiSettings,
    Observability,
    SearchSettings,
    Stage,
    TableSettings,
    load_settings,
)

INDEXER_CONCURRENCY = 16
"""DynamoDB requests the indexer has in flight at once (a batch of ten 100-offer events is ~30:
about two rounds). Through the local runtime at 100,000 rows, where the import, the indexer and
the orders offer sync share one DynamoDB process, 4, 8 and 16 had 47%, 64% and 75% of the feed
searchable when the import ended, for about the same time until all of it was (docs/benchmarks.md)."""


class CatalogApiSettings(ApiSettings, SearchSettings):
    """The catalog API: its table, the cursor key and the search engine."""


class IndexerSettings(Observability, Stage, TableSettings, SearchSettings):
    """The catalog indexer: its table and the search engine."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@cache
def catalog_service() -> CatalogService:
    from functions.catalog.store.backends import search_backend
    from functions.catalog.store.dynamo import DynamoCatalogStore

    settings = load_settings(CatalogApiSettings)
    return CatalogService(
        search=search_backend(settings),
        repository=DynamoCatalogStore(settings.table_name),
        cursors=CursorCodec(settings.cursor_secret),
        clock=utc_now,
    )


@cache
def catalog_indexer() -> CatalogIndexer:
    from functions.catalog.store.backends import search_backend
    from functions.catalog.store.dynamo import DynamoCatalogStore

    settings = load_settings(IndexerSettings)
    store = DynamoCatalogStore(settings.table_name, concurrency=INDEXER_CONCURRENCY)
    return CatalogIndexer(store, search_backend(settings), clock=utc_now)


def rebuild_search_index(environment: Mapping[str, str], dynamodb: Any = None) -> int | None:
    """Rebuild the search index from the catalog table if the index has no document (a new
    index schema version starts in a new, empty directory); returns the products read, or None
    if the index was not empty. Takes the index's writer lock while it runs: call it before the
    indexer starts (the local runtime does, for a restored data folder)."""
    from functions.catalog.store.backends import search_backend
    from functions.catalog.store.dynamo import DynamoCatalogStore

    settings = IndexerSettings.model_validate(dict(environment))
    search = search_backend(settings)
    try:
        return CatalogIndexer(DynamoCatalogStore(settings.table_name, client=dynamodb), search).rebuild_if_empty()
    finally:
        close = getattr(search, "close", None)
        if close is not None:
            close()
