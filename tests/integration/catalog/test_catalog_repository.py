"""The catalog repository contract, run against the DynamoDB store (moto) and the unit-test fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from functions.catalog.logic.domain import Product, Signal, VendorInfo, merge
from functions.catalog.logic.ports import CatalogRepository, ProductConflict
from functions.catalog.models.consumed import OfferChangeView, ShippingRuleView
from functions.common.errors import Conflict
from tests.integration.catalog.test_catalog_indexer_moto import TABLE, create_table
from tests.unit.catalog.fakes import T0, InMemoryCatalogRepository, offer, upserted
from tests.unit.local.moto_tables import moto


@pytest.fixture(params=["dynamodb", "dynamodb-concurrent", "fake"])
def repository(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogRepository]:
    """The fake, the store with one request at a time (in-process moto), and the store with four
    (the indexer's: on moto with the local runtime's patches, which make its DynamoDB thread-safe)."""
    if request.param == "fake":
        yield InMemoryCatalogRepository()
        return
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(key, raising=False)
    from functions.catalog.store.dynamo import DynamoCatalogStore

    concurrent = request.param == "dynamodb-concurrent"
    with moto(patched=concurrent) as client:
        create_table(client)
        yield DynamoCatalogStore(TABLE, client=client, concurrency=4 if concurrent else 1)


def test_counters_survive_a_merge_based_on_an_older_read(repository: CatalogRepository) -> None:
    repository.save_products([listed("p1")])
    read = repository.get_products(["p1"])["p1"]
    repository.apply_signals("e1", [Signal(product_id="p1", hearts=2)], T0)

    repository.save_products([read])

    assert repository.get_products(["p1"])["p1"].counters.hearts == 2


def listed(product_id: str, **fields: Any) -> Product:
    change = OfferChangeView.model_validate(upserted(offer("o1", product_id, **fields)))
    return merge(Product(product_id=product_id), [(change, T0)])


def test_new_products_are_saved_and_read_back(repository: CatalogRepository) -> None:
    repository.save_products([listed("p1"), listed("p2", price=123)])

    found = repository.get_products(["p1", "p2", "missing"])

    assert set(found) == {"p1", "p2"}
    assert found["p2"].live_offers()[0].price == 123
    assert found["p2"].revision == 1
    stored = repository.get_product("p1")
    assert stored is not None
    assert stored.offers == listed("p1").offers
    assert stored.first_seen == T0
    assert repository.get_product("missing") is None


def test_a_stale_revision_is_a_conflict(repository: CatalogRepository) -> None:
    repository.save_products([listed("p1")])
    stored = repository.get_products(["p1"])["p1"]
    repository.save_products([stored])

    with pytest.raises(Conflict):
        repository.save_products([stored])  # revision 1, stored is 2 now
    with pytest.raises(Conflict):
        repository.save_products([listed("p1")])  # "new", but it exists


def test_a_conflict_names_exactly_the_products_not_written(repository: CatalogRepository) -> None:
    # Given p1, p2 and p4 stored, and p1 changed since it was read
    repository.save_products([listed("p1"), listed("p2"), listed("p4")])
    read = repository.get_products(["p1", "p2"])
    repository.save_products([read["p1"]])

    # When stale p1, current p2, new p3 and a "new" p4 that exists are saved together
    with pytest.raises(ProductConflict) as raised:
        repository.save_products([read["p1"], read["p2"], listed("p3"), listed("p4")])

    # Then p1 and p4 are named and not written; p2 and p3 are written
    assert sorted(raised.value.product_ids) == ["p1", "p4"]
    found = repository.get_products(["p1", "p2", "p3", "p4"])
    assert {pid: product.revision for pid, product in found.items()} == {"p1": 2, "p2": 2, "p3": 1, "p4": 1}


def test_more_products_than_one_write_request_holds(repository: CatalogRepository) -> None:
    # Given 250 products, one of which (p200) exists already
    repository.save_products([listed("p200")])

    # When all 250 are saved as new
    with pytest.raises(ProductConflict) as raised:
        repository.save_products([listed(f"p{n}") for n in range(250)])

    # Then every other one is written
    assert raised.value.product_ids == ("p200",)
    assert len(repository.get_products(f"p{n}" for n in range(250))) == 250


def test_signals_count_once_and_leave_the_revision_alone(repository: CatalogRepository) -> None:
    repository.save_products([listed("p1")])
    signals = [Signal(product_id="p1", hearts=1, sales=2), Signal(product_id="p2", sales=1)]

    assert repository.apply_signals("e1", signals, T0) is True
    assert repository.apply_signals("e1", signals, T0) is False
    assert repository.apply_signals("e2", [Signal(product_id="p1", hearts=-1)], T0 + timedelta(hours=1)) is True

    products = repository.get_products(["p1", "p2"])
    assert (products["p1"].counters.hearts, products["p1"].counters.sales, products["p1"].revision) == (0, 2, 1)
    assert (products["p2"].counters.sales, products["p2"].listed, products["p2"].revision) == (1, False, 0)
    hours = [T0.strftime("%Y%m%d%H"), (T0 + timedelta(hours=1)).strftime("%Y%m%d%H"), "2000010100"]
    assert repository.trend_counts(hours) == {
        hours[0]: {"p1": (1, 2), "p2": (0, 1)},
        hours[1]: {"p1": (-1, 0)},
    }


def test_a_rating_is_replaced_only_by_a_newer_one(repository: CatalogRepository) -> None:
    # Given a product rated 4.5 from two reviews as of T0
    repository.save_products([listed("p1")])
    assert repository.set_rating("p1", 9, 2, T0) is True

    # When a later rating (a review removed) and then a late copy of the older one arrive
    assert repository.set_rating("p1", 4, 1, T0 + timedelta(minutes=5)) is True
    assert repository.set_rating("p1", 9, 2, T0) is False

    # Then the product keeps the newer rating, and its revision (offers) is untouched
    product = repository.get_products(["p1"])["p1"]
    assert (product.counters.rating, product.counters.rating_count, product.revision) == (4.0, 1, 1)


def test_vendors_round_trip(repository: CatalogRepository) -> None:
    vendor = VendorInfo(
        vendor_id="v1",
        name="Fietsenmaker",
        shipping_rules=[ShippingRuleView(zone="NL", countries=["NL"], cost=495, free_from=5000)],
        return_days=14,
    )
    repository.put_vendor(vendor)

    assert repository.get_vendors(["v1", "v2"]) == {"v1": vendor}


def test_scan_yields_every_stored_product_once_in_pages(
    repository: CatalogRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given 120 stored products, counters of one of them, and counters of a product never listed
    monkeypatch.setattr("functions.catalog.store.dynamo._SCAN_LIMIT", 17)  # several Scan requests
    repository.save_products([listed(f"p{n}", price=100 + n) for n in range(120)])
    repository.apply_signals("e1", [Signal(product_id="p7", hearts=3), Signal(product_id="ghost", sales=1)], T0)

    # When the products are scanned in pages of 50
    pages = list(repository.scan_products(50))

    # Then every stored product comes exactly once, whole (offers, counters, revision)
    assert all(0 < len(page) <= 50 for page in pages)
    found = [product for page in pages for product in page]
    assert sorted(product.product_id for product in found) == sorted(f"p{n}" for n in range(120))
    by_id = {product.product_id: product for product in found}
    assert by_id["p7"].counters.hearts == 3
    assert by_id["p42"].live_offers()[0].price == 142
    assert {product.revision for product in found} == {1}


def test_scan_of_an_empty_table_yields_nothing(repository: CatalogRepository) -> None:
    assert list(repository.scan_products(50)) == []


def test_family_members_are_added_and_removed_as_sets(repository: CatalogRepository) -> None:
    repository.update_families({"fm_a": {"p1", "p2"}, "fm_b": {"p3"}}, {})
    repository.update_families({"fm_a": {"p2", "p4"}}, {"fm_a": {"p1"}, "fm_c": {"p9"}})  # again, and unknown

    assert repository.family_members(["fm_a", "fm_b", "fm_c", "fm_none"]) == {"fm_a": {"p2", "p4"}, "fm_b": {"p3"}}
    repository.update_families({}, {"fm_b": {"p3"}})
    assert repository.family_members(["fm_b"]) == {}
