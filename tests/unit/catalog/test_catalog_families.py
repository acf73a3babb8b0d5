"""Variant families: the products of one vendor `item_group_id` are one search result with
selectable variants (issue 19), whatever order their offers arrive in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.catalog.logic.domain import family_key, to_document, variant_options
from functions.catalog.logic.search import SearchQuery, Sort
from functions.catalog.models.consumed import OffersChangedView
from tests.unit.catalog.conftest import NOW, Catalog
from tests.unit.catalog.fakes import T0, offer, offers_changed, upserted, withdrawn

SHIRT = family_key("v1", "shirt")
COLOURS = ("Blauw", "Rood", "Zwart")


def variant(colour: str, size: str, **fields: Any) -> dict[str, Any]:
    key = f"{colour}-{size}".lower()
    base: dict[str, Any] = {
        "title": f"Linnen overhemd {colour}",
        "item_group_id": "shirt",
        "attributes": {"color": colour, "size": size, "material": "linnen"},
        "category": ["Apparel & Accessories", "Clothing", "Shirts & Tops"],
        "price": 3995,
        "image_link": f"https://img.example/{key}.jpg",
    }
    return offer(f"o-{key}", f"p-{key}", **(base | fields))


def family(*, cheap_size: str = "S") -> list[dict[str, Any]]:
    return [
        variant(colour, size, price=2995 if size == cheap_size and colour == "Blauw" else 3995)
        for colour in COLOURS
        for size in ("L", "S", "M")
    ]


def change_at(catalog: Catalog, *changes: dict[str, Any], minutes: int, event_id: str) -> None:
    detail = offers_changed(list(changes), event_id=event_id, at=T0 + timedelta(minutes=minutes))
    catalog.indexer.offers_changed([OffersChangedView.model_validate(detail)])


def test_a_family_is_one_result_with_its_options_and_cheapest_price() -> None:
    catalog = Catalog()
    catalog.add(*family(), offer("o-pan", "pan"))

    result = catalog.search.search(SearchQuery(text="overhemd"))

    assert result.total == 1
    hit = result.hits[0]
    assert hit.family_id == SHIRT
    assert hit.price == 2995
    assert [(o.name, o.values) for o in hit.options] == [("color", list(COLOURS)), ("size", ["S", "M", "L"])]
    assert [v.options for v in hit.variants[:3]] == [
        {"color": "Blauw", "size": size} for size in ("S", "M", "L")
    ]  # the selector's order: colours alphabetically, sizes as sizes go
    assert catalog.search.search(SearchQuery()).total == 2
    assert catalog.search.search(SearchQuery(price_max=3000)).total == 1  # the family's lowest price


def test_the_variant_the_query_names_is_shown() -> None:
    catalog = Catalog()
    catalog.add(*family())

    for text, colour in (("blauw overhemd", "Blauw"), ("zwart", "Zwart"), ("overhemd rot", "Rood")):
        listed = catalog.service.search(_search(text))
        assert [v.options["color"] for v in listed.items[0].variants if v.product_id == listed.items[0].product_id] == [
            colour
        ], text
        assert listed.items[0].title == f"Linnen overhemd {colour}"


def test_an_out_of_stock_variant_is_shown_only_when_nothing_else_is_in_stock() -> None:
    catalog = Catalog()
    catalog.add(*(variant(c, "M", quantity=0, availability="out_of_stock") for c in ("Rood", "Blauw")))
    catalog.add(variant("Zwart", "L"), event_id="e2")

    hit = catalog.search.search(SearchQuery(text="overhemd")).hits[0]

    assert hit.in_stock
    assert hit.product_id == "p-zwart-l"
    assert {v.product_id: v.in_stock for v in hit.variants} == {
        "p-rood-m": False,
        "p-blauw-m": False,
        "p-zwart-l": True,
    }


def test_the_product_page_lists_the_family_with_its_options() -> None:
    catalog = Catalog()
    catalog.add(*family())

    page = catalog.service.product("p-blauw-m", "NL")

    assert page.family_id == SHIRT
    assert [o.name for o in page.options] == ["color", "size"]
    assert len(page.variants) == 9
    assert next(v for v in page.variants if v.product_id == "p-blauw-s").price == 2995
    assert [o.vendor_id for o in page.offers] == ["v1"]  # the variant's own offers only


def test_a_product_without_variants_has_none() -> None:
    catalog = Catalog()
    catalog.add(offer("o-pan", "pan"))

    page = catalog.service.product("pan", "NL")
    hit = catalog.search.search(SearchQuery()).hits[0]

    assert (page.family_id, page.options, page.variants) == ("pan", [], [])
    assert (hit.family_id, hit.options, hit.variants) == ("pan", [], [])


def test_withdrawn_variants_leave_the_family_and_the_last_one_takes_it_out_of_the_index() -> None:
    catalog = Catalog()
    catalog.add(variant("Rood", "M"), variant("Blauw", "M"))

    change_at(catalog, withdrawn("o-rood-m", "p-rood-m"), minutes=5, event_id="e2")
    hit = catalog.search.search(SearchQuery()).hits[0]
    assert (hit.product_id, hit.variants, hit.options) == ("p-blauw-m", [], [])  # a family of one

    change_at(catalog, withdrawn("o-blauw-m", "p-blauw-m"), minutes=6, event_id="e3")
    assert catalog.search.search(SearchQuery()).total == 0


def test_a_variant_moved_to_another_family_leaves_the_first() -> None:
    catalog = Catalog()
    catalog.add(variant("Rood", "M"), variant("Blauw", "M"), variant("Zwart", "M"))

    moved = variant("Zwart", "M", item_group_id="dark-shirts", updated=timedelta(minutes=5), revision=2)
    change_at(catalog, upserted(moved), minutes=5, event_id="e2")

    hits = {hit.family_id: hit for hit in catalog.search.search(SearchQuery()).hits}
    assert set(hits) == {SHIRT, family_key("v1", "dark-shirts")}
    assert {v.product_id for v in hits[SHIRT].variants} == {"p-rood-m", "p-blauw-m"}
    assert catalog.repository.families[SHIRT] == {"p-rood-m", "p-blauw-m"}


def test_a_product_that_joins_a_family_leaves_its_own_result() -> None:
    catalog = Catalog()
    catalog.add(variant("Rood", "M"), variant("Blauw", "M", item_group_id=None))
    assert catalog.search.search(SearchQuery()).total == 2

    joined = variant("Blauw", "M", updated=timedelta(minutes=5), revision=2)
    change_at(catalog, upserted(joined), minutes=5, event_id="e2")

    assert [hit.family_id for hit in catalog.search.search(SearchQuery()).hits] == [SHIRT]


def test_counters_of_every_variant_add_up_and_trending_shows_the_family_once() -> None:
    catalog = Catalog()
    catalog.add(*family(), offer("o-pan", "pan"))
    for index, product_id in enumerate(("p-rood-m", "p-blauw-m", "p-blauw-m", "pan")):
        catalog.indexer.handle(
            "plein.community",
            "ProductHearted",
            {"event_id": f"h{index}", "occurred_at": T0.isoformat(), "product_id": product_id, "user_id": "u"},
        )

    hit = catalog.search.search(SearchQuery(sort=Sort.POPULAR)).hits[0]
    trending = catalog.service.trending("24h", None, 10)

    assert (hit.family_id, hit.popularity) == (SHIRT, 3.0)
    assert [item.product.family_id for item in trending.items] == [SHIRT, "pan"]
    assert trending.items[0].score > trending.items[1].score


def test_a_sale_on_one_variant_is_repriced_under_the_family() -> None:
    catalog = Catalog()
    sale = {"sale_price": 1995, "sale_starts_at": (T0 + timedelta(hours=2)).isoformat()}
    catalog.add(variant("Rood", "M"), variant("Blauw", "M", **sale))
    assert catalog.search.search(SearchQuery()).hits[0].price == 3995

    catalog.now = T0 + timedelta(hours=3)
    assert catalog.indexer.reprice_due() == 1

    assert catalog.search.search(SearchQuery()).hits[0].price == 1995


def test_a_rebuild_records_families_of_products_stored_before_families_were() -> None:
    catalog = Catalog()
    catalog.add(*family())
    catalog.repository.families.clear()
    catalog.search.delete([SHIRT])
    alone = to_document(catalog.repository.products["p-rood-m"], NOW)
    assert alone is not None
    catalog.search.upsert([alone])  # as it was indexed before families

    catalog.indexer.rebuild(page_size=2)

    [hit] = catalog.search.search(SearchQuery()).hits
    assert len(hit.variants) == 9
    assert len(catalog.repository.families[SHIRT]) == 9


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(9)), st.integers(min_value=1, max_value=9))
def test_any_arrival_order_and_batching_gives_the_same_family(order: list[int], per_event: int) -> None:
    offers = family()
    catalog = Catalog()
    shuffled = [offers[i] for i in order]
    for start in range(0, len(shuffled), per_event):
        change_at(catalog, *map(upserted, shuffled[start : start + per_event]), minutes=0, event_id=f"e{start}")

    reference = Catalog()
    reference.add(*offers)
    assert catalog.search.search(SearchQuery()).hits == reference.search.search(SearchQuery()).hits


def test_options_are_ordered_as_shoppers_read_them() -> None:
    options = variant_options(
        [
            {"size": "42", "color": "Grau", "width": "breit"},
            {"size": "38.5", "color": "Grau", "width": "schmal"},
            {"size": "40", "color": "Grau"},
        ]
    )

    assert [(o.name, o.values) for o in options] == [("size", ["38.5", "40", "42"]), ("width", ["breit", "schmal"])]


def _search(text: str) -> Any:
    from functions.catalog.logic.catalog import ProductSearch

    return ProductSearch(q=text)
