"""The demo seed's variant families: the articles of one vendor `item_group_id` differ in colour
and size, each its own product with its own valid GTIN, some sold out; a second vendor's offers of
some of them carry the same GTINs; and the relevance benchmark's assortment is left as it was."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict

import pytest

from functions.vendor.logic.domain import Offer, Vendor
from functions.vendor.logic.ids import is_valid_gtin, product_id
from local.seed import assortment
from local.seed import vendor as vendor_seed

PRODUCTS = 200


@pytest.fixture(scope="module")
def offers() -> list[Offer]:
    """The offers the vendor seed writes for PRODUCTS demo products, in its order and randomness."""
    vendors = [
        Vendor(
            vendor_id=vendor_seed._vendor_id(str(spec["name"])),
            name=str(spec["name"]),
            owner_user_id="seed-owner",
            status="approved",
            created_at=vendor_seed.SEEDED_AT,
            updated_at=vendor_seed.SEEDED_AT,
        )
        for spec in vendor_seed.VENDORS
    ]
    rng = random.Random(20261125)
    return [offer for i in range(PRODUCTS) for offer in vendor_seed._offers_for(i, vendors, rng)]


def _groups(offers: list[Offer]) -> dict[tuple[str, str], list[Offer]]:
    """Offers by (vendor, item_group_id)."""
    groups: dict[tuple[str, str], list[Offer]] = defaultdict(list)
    for offer in offers:
        if offer.snapshot.item_group_id:
            groups[offer.snapshot.vendor_id, offer.snapshot.item_group_id].append(offer)
    return groups


def _families(offers: list[Offer]) -> list[list[Offer]]:
    """The groups of the vendors that made the families (listed first; co-sellers list later)."""
    return [
        members
        for members in _groups(offers).values()
        if all(offer.snapshot.created_at == vendor_seed.SEEDED_AT for offer in members)
    ]


def _colour_key(word: str) -> str:
    return next(key for key, words in assortment.COLOURS.items() if word in words)


def test_the_demo_seed_has_families_of_variants_differing_in_colour_and_size(offers: list[Offer]) -> None:
    families = _families(offers)

    assert len(families) == PRODUCTS // vendor_seed.FAMILY_EVERY
    for members in families:
        snapshots = [offer.snapshot for offer in members]
        assert len(snapshots) >= 2
        assert all(s.gtin and is_valid_gtin(s.gtin) and s.product_id == product_id("", "", s.gtin) for s in snapshots)
        assert len({s.gtin for s in snapshots}) == len({s.sku for s in snapshots}) == len(snapshots)
        assert len({s.attributes["color"] for s in snapshots}) >= 2
        assert len({(s.attributes["color"], s.attributes.get("size")) for s in snapshots}) == len(snapshots)
        assert len({(s.brand, tuple(s.category), s.attributes.get("material")) for s in snapshots}) == 1
        for s in snapshots:  # titled and pictured per colour, as shops do
            assert s.attributes["color"] in s.title
            assert (s.image_link or "").endswith(f"-{_colour_key(s.attributes['color'])}.jpg")
        assert len({s.image_link for s in snapshots}) == len({s.attributes["color"] for s in snapshots})
    sized = [[offer.snapshot for offer in members] for members in families if "size" in members[0].snapshot.attributes]
    assert len(sized) >= 6
    assert all(len({s.attributes["size"] for s in snapshots}) >= 3 for snapshots in sized)
    assert any(len({s.price for s in snapshots}) > 1 for snapshots in sized)  # a larger size costs a little more
    kinds = {members[0].snapshot.category[-1] for members in families}
    assert {"Shoes", "Shirts & Tops", "Pants", "Lamps"} <= kinds


def test_some_variants_are_sold_out_at_every_vendor_but_no_family_entirely(offers: list[Offer]) -> None:
    available: dict[str, bool] = defaultdict(bool)
    for offer in offers:
        available[offer.snapshot.product_id] |= offer.snapshot.availability == "in_stock"

    for members in _families(offers):
        products = {offer.snapshot.product_id for offer in members}
        assert any(available[product] for product in products)
        if len(members) >= 6:
            assert not all(available[product] for product in products)


def test_a_second_vendor_sells_variants_of_a_family_under_the_same_gtins_and_its_own_group(
    offers: list[Offer],
) -> None:
    by_gtin: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_gtin[offer.snapshot.gtin or ""].append(offer)
    co_sold = [offer for offer in offers if offer.snapshot.created_at > vendor_seed.SEEDED_AT]

    assert len(co_sold) >= 10
    for theirs in co_sold:
        (first,) = [o for o in by_gtin[theirs.snapshot.gtin or ""] if o.snapshot.created_at == vendor_seed.SEEDED_AT]
        assert first.snapshot.vendor_id != theirs.snapshot.vendor_id
        assert theirs.snapshot.product_id == first.snapshot.product_id
        assert theirs.snapshot.attributes == first.snapshot.attributes
        assert theirs.snapshot.item_group_id
        assert theirs.snapshot.item_group_id != first.snapshot.item_group_id


def test_demo_product_names_each_product_and_its_sellers(offers: list[Offer]) -> None:
    sellers: dict[str, set[str]] = defaultdict(set)
    for offer in offers:
        sellers[offer.snapshot.product_id].add(offer.snapshot.vendor_id)

    assert len(sellers) == PRODUCTS  # a variant takes the place of a single article
    for i in range(PRODUCTS):
        product, vendors = vendor_seed.demo_product(i)
        assert set(vendors) == sellers[product]
    assert all(vendor_seed.variant(i) is None for i in range(vendor_seed.FAMILY_FROM))
    first_family = [i for i in range(vendor_seed.FAMILY_EVERY) if (v := vendor_seed.variant(i)) and v.first == 10]
    assert first_family == list(range(vendor_seed.FAMILY_FROM, 19))


def test_the_benchmark_assortment_is_the_same_as_before_the_families() -> None:
    """benchmarks/relevance.py judges `product(i)`: the families must not change it (a digest of
    what the judgments derive from, of the first thousand products)."""
    made = [(p.type.key, p.colour, p.title, p.description, p.attributes) for p in map(assortment.product, range(1000))]

    assert hashlib.sha256(repr(made).encode()).hexdigest()[:16] == "961df5e7fd8aad48"
    assert assortment.T_SHIRT not in assortment.TYPES
