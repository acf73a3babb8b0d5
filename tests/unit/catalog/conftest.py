"""Catalog unit fixtures: the real API resolver wired to in-memory search and repository."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from functions.catalog.logic.catalog import CatalogService
from functions.catalog.logic.indexer import CatalogIndexer
from functions.catalog.models.consumed import OffersChangedView
from functions.common.pagination import CursorCodec
from tests.unit.catalog.fakes import T0, InMemoryCatalogRepository, offer, offers_changed, upserted
from tests.unit.catalog.search_memory import MemorySearchBackend
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.test_api_smoke import FakeLambdaContext

NOW = T0 + timedelta(hours=1)


class Catalog:
    def __init__(self) -> None:
        self.repository = InMemoryCatalogRepository()
        self.search = MemorySearchBackend()
        self.now = NOW
        self.indexer = CatalogIndexer(self.repository, self.search, clock=lambda: self.now)
        self.service = CatalogService(self.search, self.repository, CursorCodec("unit-test-cursor-secret"), self.clock)

    def clock(self) -> datetime:
        return self.now

    def add(self, *snapshots: dict[str, Any], event_id: str = "e1") -> None:
        detail = offers_changed([upserted(s) for s in snapshots], event_id=event_id)
        self.indexer.offers_changed([OffersChangedView.model_validate(detail)])


def seed(catalog: Catalog) -> None:
    catalog.add(
        offer("o1", "pan", vendor_id="v1", title="Bratpfanne Edelstahl 28 cm", brand="WMF", price=4999),
        offer("o2", "pan", vendor_id="v2", title="Bratpfanne Edelstahl 28 cm", brand="WMF", price=4599),
        offer(
            "o3",
            "grinder",
            vendor_id="v2",
            title="Koffiemolen elektrisch",
            brand="Philips",
            category=["Home", "Kitchen", "Coffee"],
            description="Maalt bonen voor café en espresso",
            price=3999,
        ),
        offer(
            "o4",
            "bike",
            vendor_id="v3",
            title="Stadsfiets Gazelle",
            brand="Gazelle",
            category=["Sport", "Bikes"],
            price=79900,
            quantity=0,
        ),
        *[
            offer(f"m{i}", f"mug{i}", vendor_id="v1", title=f"Kaffeebecher Motiv {i}", brand="Kahla", price=900 + i)
            for i in range(25)
        ],
    )


@pytest.fixture
def catalog() -> Catalog:
    catalog = Catalog()
    seed(catalog)
    return catalog


Call = Callable[..., tuple[int, Any]]


@pytest.fixture
def call(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Iterator[Call]:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-catalog")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    from functions.catalog.handlers import api
    from functions.catalog.handlers.dependencies import catalog_service

    api.app.dependency_overrides[catalog_service] = lambda: catalog.service

    def invoke(path: str, params: dict[str, Any] | list[tuple[str, str]] | None = None) -> tuple[int, Any]:
        event = rest_event("GET", path)
        pairs = list(params.items()) if isinstance(params, dict) else list(params or [])
        if pairs:
            multi: dict[str, list[str]] = {}
            for key, value in pairs:
                multi.setdefault(key, []).append(str(value))
            event["multiValueQueryStringParameters"] = multi
            event["queryStringParameters"] = {key: values[-1] for key, values in multi.items()}
            event["path"] = path
            event["requestContext"]["query"] = urlencode(pairs)
        response = api.handler(event, FakeLambdaContext())
        return response["statusCode"], json.loads(response["body"])

    yield invoke
    api.app.dependency_overrides.clear()
