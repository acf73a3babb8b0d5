"""Row validation as the Merchant Center specification says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.vendor.logic.feeds.rows import FeedRow, FieldError, offer_content, parse_price, validate_row
from functions.vendor.logic.ids import gtin_14, gtin_check_digit, is_valid_gtin, offer_id, product_id

BASE = {"id": "A-1", "title": "Merino Schal", "price": "24.90 EUR"}


def codes(result: FeedRow | list[FieldError]) -> set[tuple[str | None, str]]:
    assert isinstance(result, list), result
    return {(error.field, error.code) for error in result}


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("12.99 EUR", 1299, "EUR"),
        ("12,99 EUR", 1299, "EUR"),
        ("22,00 EUR", 2200, "EUR"),
        ("EUR 5", 500, "EUR"),
        ("0.5 USD", 50, "USD"),
        ("7EUR", 700, "EUR"),
    ],
)
def test_prices(text: str, amount: int, currency: str) -> None:
    assert parse_price(text) == (amount, currency)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("price", "12.99", "missing_currency"),
        ("price", "12.999 EUR", "invalid_price"),
        ("price", "-1 EUR", "invalid_price"),
        ("price", "1,299.00 EUR", "invalid_price"),
        ("price", "1.234,5 EUR", "invalid_price"),
        ("price", "1.234 EUR", "invalid_price"),
        ("gtin", "4006381333932", "invalid_gtin_check_digit"),
        ("gtin", "12345", "invalid_gtin"),
        ("availability", "maybe", "invalid_availability"),
        ("condition", "mint", "invalid_condition"),
        ("quantity", "-3", "invalid_quantity"),
        ("quantity", "2.5", "invalid_quantity"),
        ("link", "javascript:alert(1)", "invalid_url"),
        ("sale_price_effective_date", "2026-11-30/2026-11-01", "invalid_date_range"),
        ("shipping", "NL:4.95 EUR", "invalid_shipping"),
        ("gender", "robot", "invalid_gender"),
        ("shipping_weight", "heavy", "invalid_shipping_weight"),
        ("title", "x" * 151, "invalid_length"),
        ("google_product_category", "99999999", "unknown_category"),
        ("google_product_category", "Home > Kitchen", "unknown_category"),
        ("google_product_category", "x" * 751, "unknown_category"),
    ],
)
def test_invalid_values_name_field_and_code(field: str, value: str, code: str) -> None:
    assert codes(validate_row({**BASE, field: value}, "upsert")) == {(field, code)}


def test_required_fields_in_full_modes_only() -> None:
    assert codes(validate_row({"id": "A"}, "upsert")) == {("title", "required"), ("price", "required")}
    assert isinstance(validate_row({"id": "A", "quantity": "2"}, "partial"), FeedRow)
    assert codes(validate_row({"title": "x"}, "partial")) == {("id", "required")}


def test_a_full_row() -> None:
    row = validate_row(
        {
            **BASE,
            "availability": "in stock",
            "gtin": "4006381333931",
            "sale_price": "19.90 EUR",
            "sale_price_effective_date": "2026-11-27T00:00+0100/2026-11-30T23:59+0100",
            "shipping": ["NL:::4.95 EUR", "DE:::5.95 EUR"],
            "additional_image_link": ["https://i/1.jpg,https://i/2.jpg"],
            "product_type": "Accessoires > Schals",
            "color": "Grau",
            "quantity": "7",
        },
        "upsert",
    )
    assert isinstance(row, FeedRow)

    content = offer_content(row, "upsert", None)

    assert isinstance(content, dict)
    assert content["price"] == 2490
    assert content["sale_price"] == 1990
    assert content["sale_starts_at"] == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    assert content["shipping_cost"] == 495
    assert content["category"] == ["Accessoires", "Schals"]
    assert content["additional_image_links"] == ["https://i/1.jpg", "https://i/2.jpg"]
    assert content["attributes"] == {"color": "Grau"}
    assert content["availability"] == "in_stock"
    assert content["quantity"] == 7


VASES = ["Home & Garden", "Decor", "Vases"]


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"google_product_category": "602"}, VASES),
        ({"google_product_category": " Home & Garden >  Decor>Vases "}, VASES),
        ({"google_product_category": "Heim & Garten > Dekoration > Vasen"}, VASES),
        ({"google_product_category": "602", "product_type": "Keramik > Vasen"}, VASES),
        ({"product_type": "heim & garten > dekoration > vasen"}, VASES),
        ({"product_type": "Vasen"}, VASES),
        ({"product_type": "Huis en tuin > Decoratie > Vazen"}, VASES),
        ({"product_type": "Keramik > Vasen"}, ["Keramik", "Vasen"]),
    ],
)
def test_categories_land_on_the_marketplace_tree(fields: dict[str, str], category: list[str]) -> None:
    # Google's category by number or by path in any language, else a product type naming a category
    # of the tree; a product type outside the tree stays the vendor's own
    row = validate_row({**BASE, **fields}, "upsert")
    assert isinstance(row, FeedRow)

    content = offer_content(row, "upsert", None)

    assert isinstance(content, dict)
    assert content["category"] == category


def test_sale_price_in_another_currency() -> None:
    assert codes(validate_row({**BASE, "sale_price": "9 USD"}, "upsert")) == {("sale_price", "currency_mismatch")}


def test_partial_row_for_an_unknown_offer() -> None:
    row = validate_row({"id": "A", "quantity": "2"}, "partial")
    assert isinstance(row, FeedRow)

    result = offer_content(row, "partial", None)

    assert isinstance(result, FieldError)
    assert result.code == "unknown_offer"


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_gtin_check_digits_round_trip(body: int) -> None:
    digits = f"{body:012d}"
    gtin = digits + str(gtin_check_digit(digits))
    wrong = digits + str((gtin_check_digit(digits) + 1) % 10)

    assert is_valid_gtin(gtin) or set(gtin) == {"0"}
    assert not is_valid_gtin(wrong)
    assert gtin_14(gtin) == "0" + gtin


def test_ids_are_deterministic() -> None:
    assert offer_id("vd_a", "SKU-1") == offer_id("vd_a", "SKU-1") != offer_id("vd_b", "SKU-1")
    # the same GTIN in any length gives the same product, whoever sells it
    assert product_id("vd_a", "x", "4006381333931") == product_id("vd_b", "y", "04006381333931")
    assert product_id("vd_a", "x") != product_id("vd_b", "x")
