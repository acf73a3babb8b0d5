"""Backend selection from settings, and SigV4 only for AWS OpenSearch endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.catalog.store.backends import search_backend
from functions.catalog.store.search_opensearch import OpenSearchBackend
from functions.common.settings import SearchSettings, SettingsError


def settings(**values: str) -> SearchSettings:
    return SearchSettings.model_validate(values)


def test_aoss_endpoint_is_signed_for_aoss_without_refresh() -> None:
    backend = OpenSearchBackend.connect("https://abc123.eu-central-1.aoss.amazonaws.com", "products")

    connection = backend._client.transport.get_connection()
    auth = connection.session.auth
    assert auth.service == "aoss"
    assert auth.signer.region == "eu-central-1"
    assert backend._refresh is False


def test_local_endpoint_is_plain_http() -> None:
    backend = OpenSearchBackend.connect("http://127.0.0.1:9200", "products")

    connection = backend._client.transport.get_connection()
    assert getattr(connection, "http_auth", None) is None
    assert backend._refresh is True


def test_tantivy_backend_from_settings(tmp_path: Path) -> None:
    backend = search_backend(settings(SEARCH_BACKEND="tantivy", SEARCH_INDEX_PATH=str(tmp_path)))

    assert type(backend).__name__ == "TantivySearchBackend"
    from functions.catalog.store.search_tantivy import SCHEMA_VERSION

    assert (tmp_path / f"products-v{SCHEMA_VERSION}").is_dir()


@pytest.mark.parametrize(
    "values",
    [{"SEARCH_BACKEND": "tantivy"}, {"SEARCH_BACKEND": "opensearch"}],
)
def test_missing_location_fails_fast(values: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        search_backend(settings(**values))
