"""Route table: literal segments before parameters, greedy last, OpenAPI security → authorizer."""

from __future__ import annotations

import pytest

from local.gateway.routes import Route, RouteTable, merge_openapi, routes_from_openapi

SCHEMA = {
    "openapi": "3.1.0",
    "paths": {
        "/products/{product_id}": {"get": {"summary": "one"}},
        "/products/suggest": {"get": {"summary": "suggest"}},
        "/products": {"get": {}, "post": {"security": [{"cognito": []}]}},
        "/vendors/{vendor_id}/offers/{sku}": {"put": {"security": [{"cognito": []}]}, "parameters": []},
        "/files/{path+}": {"get": {}},
    },
}


@pytest.fixture
def table() -> RouteTable:
    return RouteTable(routes_from_openapi(SCHEMA, function="catalog-api", context="catalog"))


def test_literal_segment_wins_over_parameter(table: RouteTable) -> None:
    match = table.match("GET", "/products/suggest")

    assert match is not None
    assert match.route.template == "/products/suggest"
    assert match.path_parameters == {}


def test_parameters_are_extracted_and_decoded(table: RouteTable) -> None:
    match = table.match("PUT", "/vendors/v-1/offers/SKU%20A")

    assert match is not None
    assert match.route.template == "/vendors/{vendor_id}/offers/{sku}"
    assert match.path_parameters == {"vendor_id": "v-1", "sku": "SKU A"}
    assert match.route.secured


def test_security_comes_from_the_operation(table: RouteTable) -> None:
    get, post = table.match("GET", "/products"), table.match("POST", "/products")

    assert get is not None
    assert post is not None
    assert not get.route.secured
    assert post.route.secured


@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "/products"), ("GET", "/nope"), ("GET", "/products/a/b"), ("GET", "/files")]
)
def test_unknown_method_or_path_does_not_match(table: RouteTable, method: str, path: str) -> None:
    assert table.match(method, path) is None


def test_greedy_parameter_takes_the_rest(table: RouteTable) -> None:
    match = table.match("GET", "/files/a/b/c.csv")

    assert match is not None
    assert match.path_parameters == {"path": "a/b/c.csv"}


def test_options_matches_any_method_of_the_path_for_cors(table: RouteTable) -> None:
    match = table.match("OPTIONS", "/vendors/v/offers/s")

    assert match is not None
    assert match.route.method == "PUT"


def test_two_contexts_serving_one_route_is_refused() -> None:
    route = Route("GET", "/a", "x-api", "x", secured=False)

    with pytest.raises(ValueError, match="served by"):
        RouteTable([route, Route("GET", "/a", "y-api", "y", secured=False)])


def test_merged_openapi_tags_each_operation_with_its_context() -> None:
    merged = merge_openapi({"catalog": SCHEMA, "orders": {"paths": {"/cart": {"get": {}}}}})

    assert merged["paths"]["/cart"]["get"]["x-plein-context"] == "orders"
    assert merged["paths"]["/products"]["post"]["x-plein-context"] == "catalog"
    assert list(merged["paths"]) == sorted(merged["paths"])
