"""Rebuilding the tantivy index from the catalog table (moto): what the local runtime runs at
start for a restored data folder whose index for the current schema version is empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from functions.catalog.handlers.dependencies import rebuild_search_index
from functions.catalog.logic.domain import Product, merge
from functions.catalog.logic.indexer import CatalogIndexer
from functions.catalog.logic.search import SearchQuery
from functions.catalog.models.consumed import OfferChangeView
from functions.catalog.store.dynamo import DynamoCatalogStore
from functions.catalog.store.search_tantivy import SCHEMA_VERSION, TantivySearchBackend
from tests.integration.catalog.test_catalog_indexer_moto import TABLE, create_table
from tests.unit.catalog.fakes import T0, offer, upserted

TITLES = ("Koffiemolen elektrisch", "Bratpfanne Edelstahl", "Stadsfiets Gazelle")


def product(number: int) -> Product:
    snapshot = offer(f"o{number}", f"p{number}", title=f"{TITLES[number % 3]} {number}")
    return merge(Product(product_id=f"p{number}"), [(OfferChangeView.model_validate(upserted(snapshot)), T0)])


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client)
        yield client


def environment(search: Path) -> dict[str, str]:
    return {
        "TABLE_NAME": TABLE,
        "STAGE": "test",
        "POWERTOOLS_SERVICE_NAME": "plein-catalog",
        "SEARCH_BACKEND": "tantivy",
        "SEARCH_INDEX_PATH": str(search),
    }


def test_an_empty_index_is_rebuilt_from_the_table_once(dynamodb: Any, tmp_path: Path) -> None:
    # Given 300 products in the catalog table and an index directory of an older schema only
    DynamoCatalogStore(TABLE, client=dynamodb).save_products([product(n) for n in range(300)])
    (tmp_path / "search" / f"products-v{SCHEMA_VERSION - 1}").mkdir(parents=True)

    # When the runtime starts (twice)
    first = rebuild_search_index(environment(tmp_path / "search"), dynamodb)
    second = rebuild_search_index(environment(tmp_path / "search"), dynamodb)

    # Then the first start indexed every product in one commit (one segment), the second nothing
    assert (first, second) == (300, None)
    index = TantivySearchBackend(tmp_path / "search")
    assert index.search(SearchQuery()).total == 300
    assert index.search(SearchQuery(text="koffiemolen")).total == 100
    assert index.search(SearchQuery(text="bratpfanne 7", limit=5)).hits[0].product_id == "p7"
    assert index.segment_count() == 1


def test_an_index_with_documents_is_left_alone(dynamodb: Any, tmp_path: Path) -> None:
    store = DynamoCatalogStore(TABLE, client=dynamodb)
    store.save_products([product(n) for n in range(3)])
    index = TantivySearchBackend(tmp_path / "search")
    CatalogIndexer(store, index).reindex([product(0)])
    index.close()

    assert rebuild_search_index(environment(tmp_path / "search"), dynamodb) is None
    assert TantivySearchBackend(tmp_path / "search").search(SearchQuery()).total == 1
