"""The vendor REST routes through the real Powertools resolver, with the services on in-memory fakes
(`app.dependency_overrides`, keyed by the providers the routes import)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from functions.vendor.handlers.dependencies import (
    feed_history,
    feed_pulls,
    feed_service,
    offer_service,
    vendor_service,
)
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.test_api_smoke import FakeLambdaContext
from tests.unit.vendor.conftest import World

Call = Callable[..., tuple[int, Any]]
OFFER = {"title": "Merino Schal", "price": 2490, "quantity": 4}


def claims_of(username: str, vendor_id: str) -> dict[str, str]:
    return {
        "sub": f"sub-{username}",
        "cognito:username": username,
        "cognito:groups": "vendor",
        "custom:vendor_id": vendor_id,
    }


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Call]:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-vendor")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    from functions.vendor.handlers import api

    api.app.dependency_overrides[vendor_service] = lambda: world.vendor_service
    api.app.dependency_overrides[offer_service] = lambda: world.offer_service
    api.app.dependency_overrides[feed_service] = lambda: world.feed_service
    api.app.dependency_overrides[feed_history] = lambda: world.feed_history
    api.app.dependency_overrides[feed_pulls] = lambda: world.feed_pulls

    def invoke(
        method: str,
        path: str,
        body: Any = None,
        claims: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        event = rest_event(method, path, body, claims)
        if params:
            event["queryStringParameters"] = params
            event["multiValueQueryStringParameters"] = {key: [value] for key, value in params.items()}
        response = api.handler(event, FakeLambdaContext())
        return int(response["statusCode"]), json.loads(response["body"]) if response.get("body") else None

    yield invoke
    api.app.dependency_overrides.clear()


def test_offers_page_through_with_cursors_bound_to_their_list(world: World, call: Call) -> None:
    # Given a vendor with three offers, created through the API
    vendor_id, _ = world.approved_vendor()
    claims = claims_of("anna", vendor_id)
    assert [call("PUT", f"/vendors/{vendor_id}/offers/{sku}", OFFER, claims)[0] for sku in "ABC"] == [201] * 3
    assert call("PUT", f"/vendors/{vendor_id}/offers/A", OFFER, claims)[0] == 200

    # When the vendor lists them two at a time
    status, first = call("GET", f"/vendors/{vendor_id}/offers", None, claims, {"limit": "2"})
    assert status == 200
    status, second = call(
        "GET", f"/vendors/{vendor_id}/offers", None, claims, {"limit": "2", "cursor": first["next_cursor"]}
    )

    # Then the pages hold every offer once, and the last page has no cursor
    assert status == 200
    assert [o["sku"] for o in first["items"] + second["items"]] == ["A", "B", "C"]
    assert second["next_cursor"] is None

    # And the cursor of this list is refused by another list (the storefront of the same vendor)
    status, error = call("GET", f"/vendors/{vendor_id}/storefront", None, None, {"cursor": first["next_cursor"]})
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")


def test_offers_sort_by_price_and_stock_and_their_cursors_keep_the_order(world: World, call: Call) -> None:
    # Given three offers with different prices and stocks
    vendor_id, _ = world.approved_vendor()
    claims = claims_of("anna", vendor_id)
    for sku, price, quantity in (("A", 1500, 9), ("B", 900, 0), ("C", 12000, 4)):
        assert (
            call("PUT", f"/vendors/{vendor_id}/offers/{sku}", {**OFFER, "price": price, "quantity": quantity}, claims)[
                0
            ]
            == 201
        )

    def skus(sort: str) -> list[str]:
        path = f"/vendors/{vendor_id}/offers"
        first = call("GET", path, None, claims, {"limit": "2", "sort": sort})[1]
        rest = call("GET", path, None, claims, {"limit": "2", "sort": sort, "cursor": first["next_cursor"]})[1]
        return [o["sku"] for o in first["items"] + rest["items"]]

    # Then each order pages through every offer once
    assert skus("price_asc") == ["B", "A", "C"]
    assert skus("price_desc") == ["C", "A", "B"]
    assert skus("stock_asc") == ["B", "C", "A"]
    assert skus("sku") == ["A", "B", "C"]

    # And a cursor of one order is refused by another, an unknown order is a 422
    first = call("GET", f"/vendors/{vendor_id}/offers", None, claims, {"limit": "2", "sort": "price_asc"})[1]
    status, error = call("GET", f"/vendors/{vendor_id}/offers", None, claims, {"cursor": first["next_cursor"]})
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")
    status, error = call("GET", f"/vendors/{vendor_id}/offers", None, claims, {"sort": "title"})
    assert (status, error["error"]["code"]) == (422, "validation_failed")


def test_storefront_pages_are_public(world: World, call: Call) -> None:
    vendor_id, _ = world.approved_vendor()
    for sku in "AB":
        call("PUT", f"/vendors/{vendor_id}/offers/{sku}", OFFER, claims_of("anna", vendor_id))

    status, first = call("GET", f"/vendors/{vendor_id}/storefront", None, None, {"limit": "1"})
    _, second = call("GET", f"/vendors/{vendor_id}/storefront", None, None, {"cursor": first["next_cursor"]})

    assert status == 200
    assert first["vendor"]["name"] == "Wolkenweber"
    assert [o["sku"] for o in first["offers"] + second["offers"]] == ["A", "B"]
    assert second["next_cursor"] is None


def test_another_vendors_list_and_preview_are_forbidden(world: World, call: Call) -> None:
    vendor_a, _ = world.approved_vendor("anna")
    vendor_b, _ = world.approved_vendor("bert", "Noordzee")
    claims_a = claims_of("anna", vendor_a)
    sample = {"sample": "id,title,price\nA,Schal,12.50 EUR\n"}

    for method, path, body in [
        ("GET", f"/vendors/{vendor_b}/offers", None),
        ("GET", f"/vendors/{vendor_b}/feeds", None),
        ("POST", f"/vendors/{vendor_b}/feeds/preview", sample),
    ]:
        status, error = call(method, path, body, claims_a)
        assert (status, error["error"]["code"]) == (403, "not_your_vendor"), (method, path)

    status, preview = call("POST", f"/vendors/{vendor_a}/feeds/preview", sample, claims_a)
    assert status == 200
    assert preview["rows"] == [{"line": 2, "sku": "A", "title": "Schal", "price": 1250}]


def test_the_import_history_lists_the_vendors_uploads_and_checks_its_paging(world: World, call: Call) -> None:
    vendor_id, _ = world.approved_vendor()
    claims = claims_of("anna", vendor_id)
    for name in ("one.csv", "two.csv"):
        assert call("POST", f"/vendors/{vendor_id}/feeds", {"filename": name}, claims)[0] == 201

    status, page = call("GET", f"/vendors/{vendor_id}/feeds", claims=claims, params={"limit": "1"})
    assert status == 200
    assert [feed["filename"] for feed in page["items"]] == ["two.csv"]
    status, rest = call("GET", f"/vendors/{vendor_id}/feeds", claims=claims, params={"cursor": page["next_cursor"]})
    assert [feed["filename"] for feed in rest["items"]] == ["one.csv"]
    assert rest["next_cursor"] is None

    for params, code in (({"limit": "0"}, "validation_failed"), ({"cursor": "forged"}, "invalid_cursor")):
        status, error = call("GET", f"/vendors/{vendor_id}/feeds", claims=claims, params=params)
        assert (status, error["error"]["code"]) == (400 if code == "invalid_cursor" else 422, code), params


def test_the_column_mapping_is_saved_read_and_forgotten_by_its_vendor_only(world: World, call: Call) -> None:
    vendor_id, _ = world.approved_vendor()
    other_id, _ = world.approved_vendor("bert", "Noordzee")
    claims = claims_of("anna", vendor_id)
    path = f"/vendors/{vendor_id}/feed-mapping"
    mapping = {"columns": {"Artikelnummer": "id", "Bezeichnung": "title", "Preis": "price"}, "decimal_comma": True}

    assert call("GET", path, claims=claims)[1]["error"]["code"] == "mapping_not_found"
    status, saved = call("PUT", path, mapping, claims)
    assert status == 200
    assert (saved["mapping"]["columns"], saved["mapping"]["decimal_comma"]) == (mapping["columns"], True)
    assert call("GET", path, claims=claims)[1]["mapping"] == saved["mapping"]
    for body, code in (
        ({"columns": {"Preis": "price"}}, "validation_failed"),  # no id column
        ({"columns": {"Nr": "id", "Preis": "prijs"}}, "validation_failed"),  # not a Plein field
        ({"columns": {"Nr": "id"}, "currency": "euro"}, "validation_failed"),
        ({"columns": {"Nr": "id"}, "surprise": True}, "validation_failed"),
    ):
        status, error = call("PUT", path, body, claims)
        assert (status, error["error"]["code"]) == (422, code), body
    assert call("PUT", f"/vendors/{other_id}/feed-mapping", mapping, claims)[0] == 403
    assert call("DELETE", path, claims=claims)[0] == 204
    assert call("DELETE", path, claims=claims)[0] == 404


def test_the_feed_url_is_registered_pulled_on_request_and_removed(world: World, call: Call) -> None:
    from functions.vendor.logic.feeds.pulls import PullRefused

    vendor_id, _ = world.approved_vendor()
    claims = claims_of("anna", vendor_id)
    path = f"/vendors/{vendor_id}/feed-source"
    world.fetcher.refusals["https://10.0.0.8/feed.csv"] = PullRefused("private_address", "not a public address")

    assert call("GET", path, claims=claims)[1]["error"]["code"] == "feed_source_not_found"
    status, source = call("PUT", path, {"url": "https://shop.example/google.xml", "mode": "upsert"}, claims)
    assert (status, source["filename"], source["last_pull"]) == (200, "google.xml", None)
    world.feed_pulls.pull_due()  # (404 from the fake: a failed pull)
    status, due = call("POST", f"{path}/pull", claims=claims)
    assert (status, due["last_pull"]["code"]) == (202, "http_error")
    for body, code in (
        ({"url": "https://10.0.0.8/feed.csv"}, "private_address"),
        ({"url": "https://shop.example/feed.csv", "filename": "../../etc/passwd"}, "validation_failed"),
        ({"url": "short"}, "validation_failed"),
    ):
        status, error = call("PUT", path, body, claims)
        assert (status, error["error"]["code"]) == (422, code), body
    assert call("DELETE", path, claims=claims)[0] == 204
    assert call("POST", f"{path}/pull", claims=claims)[0] == 404
