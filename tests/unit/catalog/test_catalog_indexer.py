"""The indexer logic with in-memory ports: merge, retry on conflicts, deletes and signals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.catalog.logic.indexer import MERGE_ATTEMPTS
from functions.catalog.logic.search import SearchQuery
from functions.catalog.models.events import OffersChangedView, ProductHeartedView, ReviewPublishedView
from functions.common.errors import Conflict
from tests.unit.catalog.conftest import NOW, Catalog
from tests.unit.catalog.fakes import T0, offer, offers_changed, upserted, withdrawn


def event(*changes: dict[str, object], event_id: str = "e", minutes: int = 0) -> OffersChangedView:
    detail = offers_changed(list(changes), event_id=event_id, at=T0 + timedelta(minutes=minutes))
    return OffersChangedView.model_validate(detail)


def test_offers_become_searchable_and_withdrawn_products_disappear() -> None:
    catalog = Catalog()
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")), upserted(offer("o2", "p2", title="Wok")))])

    assert catalog.search.search(SearchQuery(text="wok")).total == 1

    catalog.indexer.offers_changed([event(withdrawn("o2", "p2"), minutes=10)])

    assert catalog.search.search(SearchQuery(text="wok")).total == 0
    assert catalog.search.search(SearchQuery()).total == 1


def test_redelivery_writes_nothing_but_reindexes() -> None:
    catalog = Catalog()
    first = event(upserted(offer("o1", "p1")))
    catalog.indexer.offers_changed([first])
    catalog.search.delete(["p1"])  # as if the process died between table write and index write

    catalog.indexer.offers_changed([first])

    assert catalog.repository.saves == 1
    assert catalog.search.search(SearchQuery()).total == 1


def test_conflicts_are_retried() -> None:
    catalog = Catalog()
    catalog.repository.conflicts_to_raise = 2

    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])

    assert catalog.repository.products["p1"].listed


def test_persistent_conflicts_fail_the_record() -> None:
    catalog = Catalog()
    catalog.repository.conflicts_to_raise = MERGE_ATTEMPTS

    with pytest.raises(Conflict):
        catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])


def test_signals_count_once_per_event_and_update_the_document() -> None:
    catalog = Catalog()
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])
    review = ReviewPublishedView.model_validate(
        {"event_id": "r1", "occurred_at": NOW.isoformat(), "review_id": "r1", "product_id": "p1", "rating": 4}
    )
    heart = ProductHeartedView.model_validate(
        {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p1", "user_id": "u1"}
    )

    for _ in range(2):
        catalog.indexer.review_published(review)
        catalog.indexer.product_hearted(heart)

    hit = catalog.search.search(SearchQuery()).hits[0]
    assert (hit.rating, hit.rating_count) == (4.0, 1)
    assert hit.popularity == 1.5
    assert catalog.search.search(SearchQuery(rating_min=4)).total == 1


def test_signal_for_an_unlisted_product_is_kept_for_later() -> None:
    catalog = Catalog()
    heart = ProductHeartedView.model_validate(
        {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p9", "user_id": "u1"}
    )

    catalog.indexer.product_hearted(heart)
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p9")))])

    assert catalog.search.search(SearchQuery()).hits[0].popularity == 1.0
