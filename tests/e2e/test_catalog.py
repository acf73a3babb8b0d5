"""The catalog on the whole local runtime: seeded offers reach search through the vendor relay,
OffersChanged and the catalog indexer (its own worker process writing the tantivy index that the
API worker process reads)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.conftest import Plein

pytestmark = pytest.mark.e2e


def searchable(plein: Plein, timeout: float = 90.0) -> dict[str, Any]:
    client = plein.client(None)
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get("/products", params={"limit": 5})
        assert response.status_code == 200, response.text
        body = response.json()
        if body["total"] > 0 and plein.wait_until_idle(10):
            return client.get("/products", params={"limit": 5}).json()  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError(f"nothing searchable within {timeout} s: {body}")


def test_seeded_products_are_searchable_with_facets(plein: Plein) -> None:
    body = searchable(plein)
    client = plein.client(None)

    assert body["total"] > 0
    assert body["facets"]["category"]
    assert sum(bucket["count"] for bucket in body["facets"]["price"]) == body["total"]
    first = body["items"][0]

    word = first["title"].split()[0]
    found = client.get("/products", params={"q": word, "limit": 100}).json()
    assert first["product_id"] in {item["product_id"] for item in found["items"]}

    page = client.get(f"/products/{first['product_id']}")
    assert page.status_code == 200, page.text
    assert page.json()["offers"]
    assert all(o["vendor_name"] for o in page.json()["offers"])


def test_pages_categories_suggest_and_errors(plein: Plein) -> None:
    searchable(plein)
    client = plein.client(None)

    seen: list[str] = []
    params: dict[str, Any] = {"sort": "price_asc", "limit": 50}
    total = None
    while True:
        body = client.get("/products", params=params).json()
        total = body["total"]
        seen += [item["product_id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert len(seen) == len(set(seen)) == total

    tree = client.get("/categories").json()["categories"]
    assert sum(node["count"] for node in tree) >= 1
    # the demo assortment sits on the marketplace's tree, named in the shopper's language
    german = {
        node["path"]: node["label"] for node in client.get("/categories", params={"lang": "de"}).json()["categories"]
    }
    assert german["Sporting Goods"] == "Sportartikel"
    assert german["Home & Garden"] == "Heim & Garten"

    title_word = client.get("/products", params={"limit": 1}).json()["items"][0]["title"].split()[0]
    suggestions = client.get("/products/suggest", params={"q": title_word[:3]}).json()["suggestions"]
    assert suggestions

    trending = client.get("/trending", params={"window": "7d"})
    assert trending.status_code == 200
    assert trending.json()["items"]

    bad = client.get("/products", params={"sort": "cheapest"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "validation_failed")
    bad = client.get("/products", params={"cursor": "forged"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")
    bad = client.get("/products", params={"price_min": 500, "price_max": 100})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_price_range")
    assert client.get("/products/does-not-exist").status_code == 404


def test_seeded_variant_families_are_one_result_showing_the_colour_asked_for(plein: Plein) -> None:
    searchable(plein)
    client = plein.client(None)

    found = client.get("/products", params={"q": "sneaker", "limit": 100}).json()
    families = [item for item in found["items"] if item["variants"]]
    assert families, "the demo seed sells sneakers in colours and sizes"
    assert len({item["family_id"] for item in found["items"]}) == len(found["items"])  # each family once
    sneaker = families[0]
    colours = next(option["values"] for option in sneaker["options"] if option["name"] == "color")
    assert len(colours) >= 2

    for colour in colours:  # nl, de or en as the vendor wrote it; the query in the same words
        asked = client.get("/products", params={"q": f"sneaker {colour}", "limit": 100}).json()
        hit = next(item for item in asked["items"] if item["family_id"] == sneaker["family_id"])
        shown = next(v for v in hit["variants"] if v["product_id"] == hit["product_id"])
        assert shown["options"]["color"] == colour

    page = client.get(f"/products/{sneaker['product_id']}").json()
    assert page["family_id"] == sneaker["family_id"]
    assert {v["product_id"] for v in page["variants"]} == {v["product_id"] for v in sneaker["variants"]}
    assert any(not v["in_stock"] for v in page["variants"])  # the selector shows sold-out sizes
