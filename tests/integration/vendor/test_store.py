"""The DynamoDB stores against moto: the same semantics the unit-test fakes promise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from functions.common.errors import Conflict
from functions.vendor.logic.domain import FeedImport, OfferListing, OfferSort, Vendor, VendorStats
from functions.vendor.logic.offers import build_offer, withdrawn
from functions.vendor.models.events import FeedCounts
from functions.vendor.store.dynamo import DynamoFeeds, DynamoOffers, DynamoVendors
from tests.integration.vendor.conftest import TABLE, Aws

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def offer(vendor: str, sku: str, price: int = 100, existing=None):
    built = build_offer(vendor, "V", sku, {"title": sku, "price": price, "quantity": 2}, existing, NOW)
    assert built is not None
    return built


def test_vendors(aws: Aws) -> None:
    store = DynamoVendors()
    vendor = Vendor(vendor_id="vd_1", name="Wolkenweber", owner_user_id="u1", created_at=NOW, updated_at=NOW)
    store.create(vendor)
    with pytest.raises(Conflict):
        store.create(vendor.model_copy(update={"vendor_id": "vd_2"}))  # same owner

    store.save(vendor.model_copy(update={"status": "approved", "revision": 2}), expected_revision=1)
    with pytest.raises(Conflict):
        store.save(vendor.model_copy(update={"revision": 2}), expected_revision=1)

    assert store.get("vd_1").status == "approved"  # type: ignore[union-attr]
    assert store.get("nope") is None
    store.add_stats({"vd_1": VendorStats(active_offers=3, out_of_stock=1)})
    store.add_stats({"vd_1": VendorStats(active_offers=-1, out_of_stock=0)})
    assert store.stats("vd_1") == VendorStats(active_offers=2, out_of_stock=1)


def test_vendors_are_found_by_owner_and_listed_by_status_across_pages(aws: Aws) -> None:
    store = DynamoVendors()
    for n in range(5):
        at = NOW + timedelta(minutes=n)
        store.create(Vendor(vendor_id=f"vd_{n}", name=f"V{n}", owner_user_id=f"u{n}", created_at=at, updated_at=at))
    second = store.get("vd_1")
    assert second is not None
    store.save(second.model_copy(update={"status": "declined", "revision": 2}), expected_revision=1)

    pages, after = [], None
    while True:
        page, after = store.with_status("pending", 2, after)
        pages.append([v.vendor_id for v in page])
        if after is None:
            break

    assert [vendor_id for page in pages for vendor_id in page] == ["vd_0", "vd_2", "vd_3", "vd_4"]
    assert [v.vendor_id for v in store.with_status("declined", 10, None)[0]] == ["vd_1"]
    assert store.owned_by("u3").vendor_id == "vd_3"  # type: ignore[union-attr]
    assert store.owned_by("someone") is None


def test_offers(aws: Aws) -> None:
    store = DynamoOffers()
    first = offer("vd_1", "a")
    store.put(first, None)
    with pytest.raises(Conflict):
        store.put(first, None)
    second = offer("vd_1", "a", 200, first)
    store.put(second, 1)
    with pytest.raises(Conflict):
        store.put(offer("vd_1", "a", 300, first), 1)

    batch = [offer("vd_1", f"s{i:03d}") for i in range(130)] + [offer("vd_2", "x")]
    assert store.put_unless_changed([(o, None) for o in batch]) == set()
    assert store.put_unless_changed([(withdrawn(batch[0], NOW), 1)]) == set()

    assert store.get(first.offer_id) == second
    assert len(store.get_many([o.offer_id for o in batch] + ["missing"])) == 131
    page, last = store.list_by_vendor("vd_1", 50, None)
    assert [o.snapshot.sku for o in page][:2] == ["a", "s001"]
    assert last == page[-1].snapshot.sku
    rest, end = store.list_by_vendor("vd_1", 100, last)
    assert len(page) + len(rest) == 130
    assert end is None
    statuses = dict(store.vendor_offer_ids("vd_1"))
    assert len(statuses) == 131
    assert statuses[batch[0].offer_id] == "withdrawn"

    a2 = offer("vd_1", "s001", 999, batch[1])
    store.put_all_or_nothing([(a2, 1)])
    with pytest.raises(Conflict):
        store.put_all_or_nothing([(offer("vd_1", "s002", 5, batch[2]), 1), (offer("vd_1", "s001", 7, a2), 1)])
    assert store.get(batch[2].offer_id) == batch[2]  # nothing written


def test_bulk_writes_leave_out_only_the_offers_that_changed(aws: Aws) -> None:
    # Given 150 stored offers, two of which a PATCH changed after the import read them
    store = DynamoOffers()
    stored = [offer("vd_1", f"s{i:03d}") for i in range(150)]
    assert store.put_unless_changed([(o, None) for o in stored]) == set()
    patched = [offer("vd_1", sku, 555, stored[i]) for i, sku in ((5, "s005"), (120, "s120"))]
    for change in patched:
        store.put(change, 1)

    # When the import writes revision 2 of all of them, expecting revision 1, plus a new one
    # that someone else created meanwhile
    raced = offer("vd_1", "new")
    store.put(raced, None)
    writes = [(offer("vd_1", o.snapshot.sku, 777, o), 1) for o in stored]
    refused = store.put_unless_changed([*writes, (offer("vd_1", "new", 1), None)])

    # Then exactly the changed ones are refused and left as the PATCH wrote them; the rest land
    assert refused == {patched[0].offer_id, patched[1].offer_id, raced.offer_id}
    current = store.get_many([o.offer_id for o in stored])
    assert current[patched[0].offer_id] == patched[0]
    assert sum(o.snapshot.price == 777 for o in current.values()) == 148
    assert store.get(raced.offer_id) == raced


def test_feed_transitions(aws: Aws) -> None:
    store = DynamoFeeds()
    feed = FeedImport(
        feed_id="fd_1",
        vendor_id="vd_1",
        filename="f.csv",
        content_type="text/csv",
        object_key="feeds/vd_1/fd_1/f.csv",
        created_by="u1",
        created_at=NOW,
        updated_at=NOW,
    )
    store.create(feed)

    started = store.start(
        "vd_1", "fd_1", sequencer="s1", bytes_total=10, now=NOW, stale_before=NOW - timedelta(minutes=16)
    )
    again = store.start(
        "vd_1", "fd_1", sequencer="s1", bytes_total=10, now=NOW, stale_before=NOW - timedelta(minutes=16)
    )
    store.progress("vd_1", "fd_1", FeedCounts(received=5), 4, NOW)
    taken_over = store.start(
        "vd_1",
        "fd_1",
        sequencer="s1",
        bytes_total=10,
        now=NOW + timedelta(hours=1),
        stale_before=NOW + timedelta(minutes=30),
    )

    assert started is not None
    assert started.status == "importing"
    assert again is None
    assert taken_over is not None
    store.finish(taken_over.model_copy(update={"status": "completed"}))
    assert store.latest("vd_1").status == "completed"  # type: ignore[union-attr]
    assert store.start("vd_1", "fd_1", sequencer="s", bytes_total=1, now=NOW, stale_before=NOW) is None


def test_sales_are_recorded_once(aws: Aws) -> None:
    store = DynamoVendors()

    first = store.record_sales("ev-1", {"vd_1": VendorStats(orders=1, items_sold=2, revenue=300)})
    again = store.record_sales("ev-1", {"vd_1": VendorStats(orders=1, items_sold=2, revenue=300)})
    store.record_sales("ev-2", {"vd_1": VendorStats(orders=1, items_sold=1, revenue=50)})

    assert (first, again) == (True, False)
    stats = store.stats("vd_1")
    assert (stats.orders, stats.items_sold, stats.revenue) == (2, 3, 350)


def test_offer_pages_skip_withdrawn_offers_across_query_pages(aws: Aws) -> None:
    # Given 30 offers of which the first 25 by SKU are withdrawn (more than a Query page of 10)
    store = DynamoOffers()
    stored = [offer("vd_1", f"s{i:03d}") for i in range(30)]
    assert store.put_unless_changed([(o, None) for o in stored]) == set()
    assert store.put_unless_changed([(withdrawn(o, NOW), 1) for o in stored[:25]]) == set()

    # When the vendor's offers are listed ten at a time
    page, last = store.list_by_vendor("vd_1", 10, None)

    # Then the page holds the five live ones (DynamoDB filters after Limit: several Query pages)
    assert [o.snapshot.sku for o in page] == [f"s{i:03d}" for i in range(25, 30)]
    assert all(o.status == "active" for o in page)
    assert last is None
    three, after = store.list_by_vendor("vd_1", 3, None)
    assert [o.snapshot.sku for o in three] == ["s025", "s026", "s027"]
    assert after == "s027"
    assert [o.snapshot.sku for o in store.list_by_vendor("vd_1", 3, after)[0]] == ["s028", "s029"]


def test_offer_listings_by_stock_state_and_sku_prefix_match_the_offers_own_view(aws: Aws) -> None:
    # Given offers of two SKU families: some sold out, one marked out of stock with units left,
    # one withdrawn, and one whose title reads like the out-of-stock JSON
    store = DynamoOffers()
    made = {
        "MUG-1": build_offer("vd_1", "V", "MUG-1", {"title": "Mug", "price": 900, "quantity": 0}, None, NOW),
        "MUG-2": build_offer("vd_1", "V", "MUG-2", {"title": "Mug", "price": 900, "quantity": 4}, None, NOW),
        "MUG-3": build_offer(
            "vd_1",
            "V",
            "MUG-3",
            {"title": "Mug", "price": 900, "quantity": 2, "availability": "out_of_stock"},
            None,
            NOW,
        ),
        "MUG-4": build_offer("vd_1", "V", "MUG-4", {"title": "Mug", "price": 900, "quantity": 3}, None, NOW),
        "PLATE-1": build_offer("vd_1", "V", "PLATE-1", {"title": "Plate", "price": 900, "quantity": 0}, None, NOW),
        "PLATE-2": build_offer(
            "vd_1",
            "V",
            "PLATE-2",
            {"title": 'Plate "quantity":0, "availability":"out_of_stock"', "price": 1, "quantity": 5},
            None,
            NOW,
        ),
    }
    assert all(o is not None for o in made.values())
    offers = {sku: o for sku, o in made.items() if o is not None}
    assert store.put_unless_changed([(o, None) for o in offers.values()]) == set()
    store.put(withdrawn(offers["MUG-4"], NOW), 1)

    def listed(listing: OfferListing, prefix: str | None = None, size: int = 2) -> list[str]:
        skus: list[str] = []
        after: str | None = None
        while True:
            page, after = store.list_by_vendor("vd_1", size, after, listing=listing, sku_prefix=prefix)
            skus += [o.snapshot.sku for o in page]
            if after is None:
                return skus

    # Then each listing holds what Offer.listed_as says, page after page, and a prefix narrows it
    stored = [o for o in (store.get(x.offer_id) for x in offers.values()) if o is not None]
    for listing in get_args(OfferListing):
        expected = sorted(o.snapshot.sku for o in stored if o.listed_as(listing))
        assert listed(listing) == expected, listing
    assert listed("out_of_stock") == ["MUG-1", "MUG-3", "PLATE-1"]
    assert listed("live", "MUG") == ["MUG-1", "MUG-2", "MUG-3"]
    assert listed("live", "MUG", size=1) == ["MUG-1", "MUG-2", "MUG-3"]
    assert listed("withdrawn", "MUG") == ["MUG-4"]
    assert listed("live", "PLATE-2") == ["PLATE-2"]
    assert listed("live", "CUP") == []


def test_feed_history_pages_newest_first_within_the_window_and_expires_with_ttl(aws: Aws) -> None:
    from functions.vendor.logic import ids

    store = DynamoFeeds()
    made: list[str] = []
    for days_ago in (70, 59, 3, 2, 1, 0):
        created = NOW - timedelta(days=days_ago)
        feed_id = ids.feed_id(created)
        store.create(
            FeedImport(
                feed_id=feed_id,
                vendor_id="vd_1",
                filename=f"{days_ago}.csv",
                content_type="text/csv",
                object_key=f"feeds/vd_1/{feed_id}/f.csv",
                created_by="u1",
                created_at=created,
                updated_at=created,
            )
        )
        made.append(feed_id)
    since = NOW - timedelta(days=60)

    pages, before = [], None
    while True:
        page, before = store.history("vd_1", 2, since=since, before=before)
        pages.append([feed.filename for feed in page])
        if before is None:
            break

    assert pages == [["0.csv", "1.csv"], ["2.csv", "3.csv"], ["59.csv"]]
    assert store.history("vd_2", 2, since=since, before=None) == ([], None)
    item = aws.dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "VENDOR#vd_1"}, "sk": {"S": f"FEED#{made[-1]}"}})
    assert int(item["Item"]["ttl"]["N"]) == int((NOW + timedelta(days=60)).timestamp())


def test_a_vendors_mapping_is_saved_replaced_and_deleted_once(aws: Aws) -> None:
    from functions.vendor.logic.domain import FeedMapping, SavedMapping
    from functions.vendor.store.dynamo import DynamoMappings

    store = DynamoMappings()
    first = SavedMapping(vendor_id="vd_1", mapping=FeedMapping(columns={"Nr": "id"}), updated_at=NOW, updated_by="u1")
    store.save(first)
    second = first.model_copy(update={"mapping": FeedMapping(columns={"SKU": "id", "Preis": "price"})})
    store.save(second)

    assert (store.get("vd_1"), store.get("vd_2")) == (second, None)
    assert (store.delete("vd_1"), store.delete("vd_1"), store.get("vd_1")) == (True, False, None)


def test_feed_sources_come_due_by_their_next_pull(aws: Aws) -> None:
    from functions.vendor.logic.domain import FeedSource
    from functions.vendor.store.dynamo import DynamoSources

    store = DynamoSources()

    def source(vendor_id: str, hours: int) -> FeedSource:
        return FeedSource(
            vendor_id=vendor_id,
            url=f"https://{vendor_id}.example/feed.csv",
            filename="feed.csv",
            created_by="u1",
            created_at=NOW,
            updated_at=NOW,
            next_pull_at=NOW + timedelta(hours=hours),
        )

    for vendor_id, hours in (("vd_late", 3), ("vd_first", -2), ("vd_second", -1), ("vd_now", 0)):
        store.save(source(vendor_id, hours))

    assert [s.vendor_id for s in store.due(NOW, 10)] == ["vd_first", "vd_second", "vd_now"]
    assert [s.vendor_id for s in store.due(NOW, 1)] == ["vd_first"]
    store.save(source("vd_first", 24))  # pulled: due again tomorrow
    assert [s.vendor_id for s in store.due(NOW, 10)] == ["vd_second", "vd_now"]
    assert (store.delete("vd_now"), store.delete("vd_now"), store.get("vd_now")) == (True, False, None)


def test_offer_listings_sort_by_price_and_stock_page_after_page(aws: Aws) -> None:
    # Given offers whose prices and stocks tie, differ by digits, and one withdrawn
    store = DynamoOffers()
    terms = {"MUG-1": (900, 3), "MUG-2": (12900, 0), "MUG-3": (900, 40), "PLATE-1": (95, 3), "PLATE-2": (100000, 7)}
    made = [
        build_offer("vd_1", "V", sku, {"title": sku, "price": price, "quantity": quantity}, None, NOW)
        for sku, (price, quantity) in terms.items()
    ]
    offers = [o for o in made if o is not None]
    assert store.put_unless_changed([(o, None) for o in offers]) == set()
    store.put(withdrawn(offers[-1], NOW), 1)
    stored = [o for o in (store.get(x.offer_id) for x in offers) if o is not None]

    def listed(sort: OfferSort, listing: OfferListing, prefix: str | None, size: int) -> list[str]:
        skus: list[str] = []
        after: str | None = None
        while True:
            page, after = store.list_by_vendor("vd_1", size, after, listing=listing, sku_prefix=prefix, sort=sort)
            skus += [o.snapshot.sku for o in page]
            if after is None:
                return skus

    # Then every order, listing, prefix and page size lists what Offer.sort_key says
    for sort in get_args(OfferSort):
        for listing in get_args(OfferListing):
            for prefix in (None, "MUG"):
                kept = [o for o in stored if o.listed_as(listing) and o.snapshot.sku.startswith(prefix or "")]
                ordered = sorted(kept, key=lambda o: o.sort_key(sort), reverse=sort == "price_desc")
                for size in (1, 2, 50):
                    assert listed(sort, listing, prefix, size) == [o.snapshot.sku for o in ordered], (sort, listing)
    assert listed("price_asc", "live", None, 2) == ["PLATE-1", "MUG-1", "MUG-3", "MUG-2"]
    assert listed("price_desc", "live", None, 2) == ["MUG-2", "MUG-3", "MUG-1", "PLATE-1"]
    assert listed("stock_asc", "live", "MUG", 1) == ["MUG-2", "MUG-1", "MUG-3"]
