"""The indexer logic with in-memory ports: merge, retry on conflicts, deletes and signals."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.catalog.logic.domain import Product
from functions.catalog.logic.indexer import MERGE_ATTEMPTS, CatalogIndexer
from functions.catalog.logic.search import SearchQuery
from functions.catalog.models.consumed import OffersChangedView, ProductHeartedView
from functions.catalog.models.consumed import ProductRatingChangedView as RatingView
from functions.common.errors import Conflict
from tests.unit.catalog.conftest import NOW, Catalog
from tests.unit.catalog.fakes import T0, offer, offers_changed, upserted, withdrawn
from tests.unit.catalog.search_memory import MemorySearchBackend


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


def test_a_conflict_re_merges_only_the_conflicting_products() -> None:
    # Given a concurrent writer that changes p2 between the indexer's read and its write
    catalog = Catalog()
    repository = catalog.repository
    read = repository.get_products
    reads: list[set[str]] = []

    def racing_read(product_ids: Iterable[str]) -> dict[str, Product]:
        ids = set(product_ids)
        found = read(ids)
        if not reads:
            reads.append(ids)
            other = event(upserted(offer("o9", "p2", title="Other vendor")), event_id="other")
            CatalogIndexer(repository, MemorySearchBackend()).offers_changed([other])  # reads p2 too
            del reads[1:]
        else:
            reads.append(ids)
        return found

    repository.get_products = racing_read  # type: ignore[method-assign]
    changes = [upserted(offer(f"o{n}", f"p{n}")) for n in (1, 2, 3)]

    # When the indexer applies an event for p1, p2 and p3
    catalog.indexer.offers_changed([event(*changes)])

    # Then p1 and p3 were written once, p2 was read and merged again alone, and keeps both offers
    assert reads == [{"p1", "p2", "p3"}, {"p2"}]
    assert repository.saved_ids[-2:] == [["p1", "p2", "p3"], ["p2"]]
    assert set(repository.products["p2"].offers) == {"o2", "o9"}
    assert catalog.search.search(SearchQuery()).total == 3


def test_persistent_conflicts_fail_the_record() -> None:
    catalog = Catalog()
    catalog.repository.conflicts_to_raise = MERGE_ATTEMPTS

    with pytest.raises(Conflict):
        catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])


def test_signals_count_once_per_event_and_update_the_document() -> None:
    catalog = Catalog()
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])
    rating = rating_changed("r1", "p1", 4.0, 1, NOW)
    heart = ProductHeartedView.model_validate(
        {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p1", "user_id": "u1"}
    )

    for _ in range(2):
        catalog.indexer.rating_changed(rating)
        catalog.indexer.product_hearted(heart)

    hit = catalog.search.search(SearchQuery()).hits[0]
    assert (hit.rating, hit.rating_count) == (4.0, 1)
    assert hit.popularity == 1.5
    assert catalog.search.search(SearchQuery(rating_min=4)).total == 1


def rating_changed(event_id: str, product_id: str, average: float, count: int, at: datetime) -> RatingView:
    detail = {"event_id": event_id, "occurred_at": at.isoformat(), "product_id": product_id}
    return RatingView.model_validate(detail | {"average": average, "count": count})


def test_a_removed_review_lowers_the_rating_and_an_older_rating_never_replaces_a_newer_one() -> None:
    # Given a product rated 4.5 from two reviews
    catalog = Catalog()
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")))])
    catalog.indexer.rating_changed(rating_changed("r1", "p1", 4.5, 2, NOW))

    # When a moderator removes the five-star review, and the older rating arrives late
    catalog.indexer.rating_changed(rating_changed("r2", "p1", 4.0, 1, NOW + timedelta(minutes=5)))
    catalog.indexer.rating_changed(rating_changed("r1-late", "p1", 4.5, 2, NOW))

    # Then search shows the rating without the removed review
    hit = catalog.search.search(SearchQuery()).hits[0]
    assert (hit.rating, hit.rating_count) == (4.0, 1)


def test_signal_for_an_unlisted_product_is_kept_for_later() -> None:
    catalog = Catalog()
    heart = ProductHeartedView.model_validate(
        {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p9", "user_id": "u1"}
    )

    catalog.indexer.product_hearted(heart)
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p9")))])

    assert catalog.search.search(SearchQuery()).hits[0].popularity == 1.0


class CountingSearch(MemorySearchBackend):
    """The in-memory engine, counting batches (a rebuild must be one commit)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def batch(self) -> AbstractContextManager[None]:
        self.batches += 1
        return super().batch()


def test_rebuild_indexes_every_stored_product_in_one_batch() -> None:
    # Given a read model with 7 products (one withdrawn, one with counters only) and an empty index
    catalog = Catalog()
    catalog.indexer.offers_changed([event(*(upserted(offer(f"o{n}", f"p{n}", title=f"Wok {n}")) for n in range(6)))])
    catalog.indexer.offers_changed([event(withdrawn("o5", "p5"), minutes=5)])
    heart = ProductHeartedView.model_validate(
        {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p9", "user_id": "u1"}
    )
    catalog.indexer.product_hearted(heart)
    empty = CountingSearch()
    indexer = CatalogIndexer(catalog.repository, empty, clock=lambda: NOW)

    # When it is rebuilt in pages of two
    read = indexer.rebuild(page_size=2)

    # Then the listed products are searchable as before, written in one batch
    assert read == 6
    assert empty.batches == 1
    result = empty.search(SearchQuery(text="wok", limit=10))
    assert sorted(hit.product_id for hit in result.hits) == ["p0", "p1", "p2", "p3", "p4"]
    assert result.hits == catalog.search.search(SearchQuery(text="wok", limit=10)).hits


def test_rebuild_if_empty_leaves_a_filled_index_alone() -> None:
    catalog = Catalog()
    catalog.indexer.offers_changed([event(upserted(offer("o1", "p1")), upserted(offer("o2", "p2")))])
    catalog.search.delete(["p2"])  # an index that is behind, but not empty

    assert catalog.indexer.rebuild_if_empty() is None
    assert catalog.search.search(SearchQuery()).total == 1

    catalog.search.delete(["p1"])

    assert catalog.indexer.rebuild_if_empty() == 2
    assert catalog.search.search(SearchQuery()).total == 2


def test_search_prices_follow_sale_windows_when_the_schedule_reprices() -> None:
    # Given an offer of 30.00 with a sale of 25.00 from tomorrow for two days, and a plain one
    catalog = Catalog()
    starts, ends = catalog.now + timedelta(days=1), catalog.now + timedelta(days=3)
    sale = offer(
        "o1",
        "p1",
        price=3000,
        sale_price=2500,
        sale_starts_at=starts.isoformat(),
        sale_ends_at=ends.isoformat(),
    )
    catalog.indexer.offers_changed([event(upserted(sale), upserted(offer("o2", "p2", title="Wok")))])

    def indexed_price() -> int:
        return catalog.search.get(["p1"])[0].price

    assert indexed_price() == 3000
    assert catalog.indexer.reprice_due() == 0

    # When the sale has started and the schedule runs, the index shows the sale price
    catalog.now = starts + timedelta(minutes=5)
    assert indexed_price() == 3000  # stale until re-priced
    assert catalog.indexer.reprice_due() == 1
    assert indexed_price() == 2500
    assert catalog.indexer.reprice_due() == 0

    # And when it has ended, the regular price again, with nothing due afterwards
    catalog.now = ends + timedelta(minutes=5)
    assert catalog.indexer.reprice_due() == 1
    assert indexed_price() == 3000
    assert catalog.search.due_for_reprice(catalog.now + timedelta(days=365), 10) == []


def test_handle_routes_each_consumed_event_to_its_use_case() -> None:
    # Given an indexed product
    catalog = Catalog()
    offers = offers_changed([upserted(offer("o1", "p1", title="Wok"))], event_id="e1", at=T0)
    catalog.indexer.handle("plein.vendor", "OffersChanged", offers)
    heart = {"event_id": "h1", "occurred_at": NOW.isoformat(), "product_id": "p1", "user_id": "u1"}

    # When a heart and an event of a type the catalog does not consume arrive
    catalog.indexer.handle("plein.community", "ProductHearted", heart)
    catalog.indexer.handle("plein.community", "SomethingElse", heart)

    # Then the product is searchable with one heart counted
    assert [hit.popularity for hit in catalog.search.search(SearchQuery(text="wok")).hits] == [1.0]


def test_handle_refuses_a_detail_that_does_not_validate() -> None:
    catalog = Catalog()

    with pytest.raises(ValidationError):
        catalog.indexer.handle("plein.vendor", "OffersChanged", {"event_id": "bad", "changes": "nope"})


def test_the_scheduled_tick_reprices_what_is_due() -> None:
    # Given a product indexed at a sale price whose sale has ended by now
    catalog = Catalog()
    sale = offer("o1", "p1", price=3000, sale_price=2000, sale_ends_at=(NOW + timedelta(minutes=5)).isoformat())
    catalog.indexer.offers_changed([event(upserted(sale))])
    assert catalog.search.search(SearchQuery()).hits[0].price == 2000
    catalog.now = NOW + timedelta(minutes=10)

    # When the wiring's tick arrives
    catalog.indexer.handle("aws.events", "Scheduled Event", {})

    # Then the regular price is indexed again
    assert catalog.search.search(SearchQuery()).hits[0].price == 3000


def test_a_batch_of_offers_changed_details_is_merged_together() -> None:
    catalog = Catalog()
    details = [
        offers_changed([upserted(offer("o1", "p1"))], event_id="e1", at=T0),
        offers_changed([upserted(offer("o2", "p1", vendor_id="v2"))], event_id="e2", at=T0),
    ]

    products = catalog.indexer.offers_changed_batch(details)

    assert [product.product_id for product in products] == ["p1"]
    assert len(products[0].live_offers()) == 2
    assert catalog.repository.saves == 1
