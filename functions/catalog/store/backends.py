"""Builds the configured search backend; engines are imported only when chosen."""

from __future__ import annotations

from functions.catalog.logic.search import SearchBackend
from functions.common.settings import SearchSettings, SettingsError


def search_backend(settings: SearchSettings) -> SearchBackend:
    if settings.search_backend == "tantivy":
        if not settings.search_index_path:
            raise SettingsError("SEARCH_INDEX_PATH is required when SEARCH_BACKEND is tantivy")
        from functions.catalog.store.search_tantivy import TantivySearchBackend

        return TantivySearchBackend(settings.search_index_path, settings.search_index_name)
    if not settings.search_endpoint:
        raise SettingsError("SEARCH_ENDPOINT is required when SEARCH_BACKEND is opensearch")
    from functions.catalog.store.search_opensearch import OpenSearchBackend

    backend: SearchBackend = OpenSearchBackend.connect(settings.search_endpoint, settings.search_index_name)
    return backend
