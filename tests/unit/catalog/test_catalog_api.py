"""The catalog API through the real Powertools resolver, with in-memory search and repository."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.catalog.models.consumed import OrderPlacedView, ProductHeartedView, VendorUpdatedView
from tests.unit.catalog.conftest import NOW, Call, Catalog
from tests.unit.catalog.fakes import offer


def test_search_finds_typos_and_folded_accents(call: Call) -> None:
    status, body = call("/products", {"q": "bratpfane"})

    assert status == 200
    assert [item["product_id"] for item in body["items"]] == ["pan"]
    assert body["items"][0]["price"] == 4599
    assert body["items"][0]["vendor_count"] == 2

    _, body = call("/products", {"q": "cafe"})
    assert [item["product_id"] for item in body["items"]] == ["grinder"]


def test_search_returns_facets_and_total(call: Call) -> None:
    status, body = call("/products", {"category": "Home > Kitchen", "limit": 5})

    assert status == 200
    assert body["total"] == 27
    categories = {b["value"]: b["count"] for b in body["facets"]["category"]}
    assert categories == {"Home > Kitchen > Pans": 26, "Home > Kitchen > Coffee": 1}
    brands = {b["value"]: b["count"] for b in body["facets"]["brand"]}
    assert brands == {"Kahla": 25, "WMF": 1, "Philips": 1}
    vendors = {b["value"]: (b["label"], b["count"]) for b in body["facets"]["vendor"]}
    assert vendors["v2"] == ("Vendor v2", 2)


def test_filters_combine(call: Call) -> None:
    _, body = call("/products", [("brand", "wmf"), ("brand", "Philips"), ("vendor", "v2"), ("price_max", "4000")])

    assert [item["product_id"] for item in body["items"]] == ["grinder"]

    _, body = call("/products", {"in_stock": "true", "category": "Sport"})
    assert body["total"] == 0


def test_sorts(call: Call) -> None:
    _, ascending = call("/products", {"sort": "price_asc", "limit": 3})
    _, descending = call("/products", {"sort": "price_desc", "limit": 1})

    assert [item["price"] for item in ascending["items"]] == [900, 901, 902]
    assert descending["items"][0]["product_id"] == "bike"


def test_pagination_walks_every_product_once(call: Call) -> None:
    seen: list[str] = []
    params: dict[str, object] = {"sort": "price_asc", "limit": 7}
    while True:
        status, body = call("/products", params)
        assert status == 200
        seen += [item["product_id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        params = {**params, "cursor": body["next_cursor"]}

    assert len(seen) == len(set(seen)) == 28


def test_tampered_or_foreign_cursor_is_refused(call: Call) -> None:
    _, body = call("/products", {"sort": "price_asc", "limit": 2})
    cursor = body["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")

    status, error = call("/products", {"sort": "price_asc", "limit": 2, "cursor": tampered})
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")

    status, error = call("/products", {"sort": "price_desc", "limit": 2, "cursor": cursor})
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")

    status, error = call("/products", {"cursor": "%%%not-base64"})
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"sort": "cheapest"}, 422, "validation_failed"),
        ({"limit": "0"}, 422, "validation_failed"),
        ({"limit": "1000"}, 422, "validation_failed"),
        ({"price_min": "-1"}, 422, "validation_failed"),
        ({"price_min": "abc"}, 422, "validation_failed"),
        ({"rating_min": "6"}, 422, "validation_failed"),
        ({"in_stock": "maybe"}, 422, "validation_failed"),
        ({"price_min": "5000", "price_max": "1000"}, 400, "invalid_price_range"),
        ({"q": "x" * 500}, 422, "validation_failed"),
    ],
)
def test_bad_input_gives_4xx_with_a_code(call: Call, params: dict[str, str], status: int, code: str) -> None:
    got, body = call("/products", params)

    assert (got, body["error"]["code"]) == (status, code)


@pytest.mark.parametrize("q", ["", "   ", "***", '"unbalanced', "a AND OR (", "ü", "🙂"])
def test_odd_queries_never_fail(call: Call, q: str) -> None:
    status, _ = call("/products", {"q": q})

    assert status == 200


def test_product_page_lists_offers_best_price_first(call: Call, catalog: Catalog) -> None:
    catalog.indexer.vendor_updated(
        VendorUpdatedView.model_validate(
            {
                "event_id": "vu1",
                "occurred_at": NOW.isoformat(),
                "vendor_id": "v2",
                "name": "Kookwinkel de Pan",
                "status": "approved",
                "shipping_rules": [{"zone": "NL", "countries": ["NL"], "cost": 695, "free_from": 5000}],
                "return_days": 30,
            }
        )
    )

    status, body = call("/products/pan")

    assert status == 200
    assert body["title"] == "Bratpfanne Edelstahl 28 cm"
    # v1 has no shipping rules known (cost unknown) so the v2 offer (45.99 + 6.95) comes first
    assert [o["vendor_name"] for o in body["offers"]] == ["Kookwinkel de Pan", "Vendor v1"]
    assert body["offers"][0]["shipping"]["cost"] == 695
    assert body["offers"][0]["vendor_return_days"] == 30


def test_product_page_sale_price_only_while_active(call: Call, catalog: Catalog) -> None:
    catalog.add(
        offer(
            "s1",
            "sale",
            price=2000,
            sale_price=1500,
            sale_starts_at=(NOW - timedelta(hours=1)).isoformat(),
            sale_ends_at=(NOW + timedelta(hours=1)).isoformat(),
        ),
        event_id="e-sale",
    )

    _, during = call("/products/sale")
    catalog.now = NOW + timedelta(hours=2)
    _, after = call("/products/sale")

    assert (during["offers"][0]["sale_price"], during["offers"][0]["current_price"]) == (1500, 1500)
    assert (after["offers"][0]["sale_price"], after["offers"][0]["current_price"]) == (None, 2000)


@pytest.mark.parametrize("path", ["/products/nope", "/products/bad%20id!", "/products/" + "x" * 200])
def test_unknown_product_is_404(call: Call, path: str) -> None:
    status, body = call(path)

    assert (status, body["error"]["code"]) == (404, "product_not_found")


def test_suggest_brands_then_titles(call: Call) -> None:
    status, body = call("/products/suggest", {"q": "kah"})

    assert status == 200
    assert body["suggestions"][0] == {"text": "Kahla", "kind": "brand", "product_id": None}
    assert all(s["kind"] == "product" for s in body["suggestions"][1:])
    assert len(body["suggestions"]) == 8


def test_categories_tree_has_counts(call: Call) -> None:
    status, body = call("/categories")

    assert status == 200
    home = next(node for node in body["categories"] if node["name"] == "Home")
    assert home["count"] == 27
    kitchen = home["children"][0]
    assert (kitchen["path"], kitchen["count"]) == ("Home > Kitchen", 27)
    assert {c["name"]: c["count"] for c in kitchen["children"]} == {"Pans": 26, "Coffee": 1}


def test_trending_falls_back_to_popularity_then_ranks_by_recent_events(call: Call, catalog: Catalog) -> None:
    _, before = call("/trending", {"window": "24h", "limit": 3})
    assert before["source"] == "popularity"
    assert len(before["items"]) == 3

    for index in range(3):
        catalog.indexer.product_hearted(
            ProductHeartedView.model_validate(
                {"event_id": f"h{index}", "occurred_at": NOW.isoformat(), "product_id": "bike", "user_id": f"u{index}"}
            )
        )
    catalog.indexer.order_placed(
        OrderPlacedView.model_validate(
            {
                "event_id": "o1",
                "occurred_at": (NOW - timedelta(hours=3)).isoformat(),
                "order_id": "ord1",
                "lines": [{"product_id": "grinder", "quantity": 2}],
            }
        )
    )

    _, after = call("/trending", {"window": "24h", "limit": 3})
    _, kitchen = call("/trending", {"window": "7d", "category": "Home > Kitchen", "limit": 2})

    assert after["source"] == "events"
    assert [item["product"]["product_id"] for item in after["items"][:2]] == ["grinder", "bike"]
    assert kitchen["items"][0]["product"]["product_id"] == "grinder"
    assert len(kitchen["items"]) == 2


def test_trending_window_is_validated(call: Call) -> None:
    status, body = call("/trending", {"window": "1y"})

    assert (status, body["error"]["code"]) == (422, "validation_failed")


def test_a_cursor_near_the_result_window_is_clamped(catalog: Catalog) -> None:
    from functions.catalog.logic.catalog import CURSOR_SCOPE, ProductSearch
    from functions.catalog.logic.search import MAX_RESULT_WINDOW
    from functions.common.pagination import CursorCodec

    probe = ProductSearch(limit=100)
    codec = CursorCodec("unit-test-cursor-secret")
    for offset in (MAX_RESULT_WINDOW - 5, MAX_RESULT_WINDOW, MAX_RESULT_WINDOW + 50):
        cursor = codec.encode({"o": offset, "f": probe.fingerprint()}, CURSOR_SCOPE)

        page = catalog.service.search(ProductSearch(limit=100, cursor=cursor))

        assert page.items == []
        assert page.next_cursor is None
        assert page.total == 28


def renamed(vendor_id: str, name: str, event_id: str) -> VendorUpdatedView:
    return VendorUpdatedView.model_validate(
        {
            "event_id": event_id,
            "occurred_at": NOW.isoformat(),
            "vendor_id": vendor_id,
            "name": name,
            "status": "approved",
        }
    )


def test_vendor_facet_shows_a_renamed_vendor_without_reindexing(call: Call, catalog: Catalog) -> None:
    def label() -> str:
        _, body = call("/products", {"q": "bratpfanne"})
        labels: dict[str, str] = {b["value"]: b["label"] for b in body["facets"]["vendor"]}
        return labels["v2"]

    # Given the indexed documents still carry the name the offers were indexed with
    assert label() == "Vendor v2"

    # When the vendor registers a name, then renames itself
    catalog.indexer.vendor_updated(renamed("v2", "Kookwinkel de Pan", "vu1"))
    assert label() == "Kookwinkel de Pan"
    catalog.indexer.vendor_updated(renamed("v2", "De Pannenwinkel", "vu2"))

    # Then search workers show the new name once their cached name expires (a minute)
    assert label() == "Kookwinkel de Pan"
    catalog.now = NOW + timedelta(seconds=61)
    assert label() == "De Pannenwinkel"


def test_categories_of_the_tree_are_named_in_the_shoppers_language(call: Call, catalog: Catalog) -> None:
    # Given a vase on the marketplace's tree (Google's product taxonomy) and products outside it
    catalog.add(offer("v1", "vase", title="Vaas keramiek", category=["Home & Garden", "Decor", "Vases"]), event_id="e2")

    # When a German shopper browses the tree, filters on the vase's department and opens it
    _, tree = call("/categories", {"lang": "de"})
    _, found = call("/products", {"category": "Home & Garden > Decor", "lang": "de"})
    _, page = call("/products/vase", {"lang": "de"})

    # Then the tree's names are German while the paths (the filter values) stay the same
    garden = next(node for node in tree["categories"] if node["name"] == "Home & Garden")
    assert (garden["label"], garden["children"][0]["label"]) == ("Heim & Garten", "Dekoration")
    assert garden["children"][0]["children"][0]["path"] == "Home & Garden > Decor > Vases"
    assert [(b["value"], b["label"]) for b in found["facets"]["category"]] == [
        ("Home & Garden > Decor > Vases", "Vasen")
    ]
    assert found["category_labels"] == ["Heim & Garten", "Dekoration"]
    assert (page["category"], page["category_labels"]) == (
        ["Home & Garden", "Decor", "Vases"],
        ["Heim & Garten", "Dekoration", "Vasen"],
    )
    # and a vendor's own category outside the tree keeps its name in every language
    home = next(node for node in tree["categories"] if node["name"] == "Home")
    assert home["label"] == "Home"


def test_an_unknown_language_is_refused(call: Call) -> None:
    status, body = call("/categories", {"lang": "fr"})

    assert (status, body["error"]["code"]) == (422, "validation_failed")
