"""A feed row validated as the Google Merchant Center product data specification says.

`validate_row(raw, mode)` turns the text of one row into a `FeedRow` (typed values) or a list of
`FieldError`s; `offer_content` turns a valid row into the content of an offer, merged with the
stored offer in partial mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, NamedTuple

from pydantic import ConfigDict, PlainValidator, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from functions.common import taxonomy
from functions.common.models import Record
from functions.vendor.logic.domain import FeedMode, Offer
from functions.vendor.logic.ids import is_valid_gtin
from functions.vendor.models.events import OfferSnapshot

UNTRACKED_QUANTITY = 100
"""Stock given to a new in-stock offer whose feed has no `quantity` column (stock not tracked)."""

MAX_QUANTITY = 10_000_000
_PRICE = re.compile(r"^(?:(?P<c1>[A-Z]{3})\s*)?(?P<amount>\d{1,9}(?:[.,]\d{1,2})?)(?:\s*(?P<c2>[A-Z]{3}))?$")
_SHIPPING_WEIGHT = re.compile(r"^\d{1,6}(?:[.,]\d{1,3})?\s*(?:lb|oz|g|kg)$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
AVAILABILITY = {
    "in_stock": "in_stock",
    "in stock": "in_stock",
    "out_of_stock": "out_of_stock",
    "out of stock": "out_of_stock",
    "preorder": "preorder",
    "backorder": "backorder",
}
GENDERS = frozenset({"male", "female", "unisex"})
AGE_GROUPS = frozenset({"newborn", "infant", "toddler", "kids", "adult"})
CONDITIONS = frozenset({"new", "refurbished", "used"})


class Price(NamedTuple):
    amount: int
    currency: str


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        raise _fail("invalid_type", "must be text")
    return value.strip()


def parse_price(value: Any) -> Price:
    text = _text(value).replace("\u00a0", " ")
    match = _PRICE.match(text)
    if not match:
        raise _fail(
            "invalid_price",
            "a price is a number with at most two decimals after '.' or ',' and no thousands separator,"
            " and an ISO 4217 currency, e.g. '12.99 EUR' or '22,00 EUR'",
        )
    currency = match.group("c1") or match.group("c2")
    if not currency or (match.group("c1") and match.group("c2")):
        raise _fail("missing_currency", "the price needs its ISO 4217 currency, e.g. '12.99 EUR'")
    try:
        amount = Decimal(match.group("amount").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise _fail("invalid_price", "the amount is not a number") from exc
    return Price(int(amount * 100), currency)


def parse_gtin(value: Any) -> str:
    text = _text(value).replace(" ", "").replace("-", "")
    if not text.isascii() or not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise _fail("invalid_gtin", "a GTIN has 8, 12, 13 or 14 digits")
    if not is_valid_gtin(text):
        raise _fail("invalid_gtin_check_digit", "the GTIN's check digit is wrong")
    return text


def parse_availability(value: Any) -> str:
    text = _text(value).lower()
    if text not in AVAILABILITY:
        raise _fail("invalid_availability", "availability is one of in_stock, out_of_stock, preorder, backorder")
    return AVAILABILITY[text]


def _choice(allowed: frozenset[str], code: str) -> Any:
    def parse(value: Any) -> str:
        text = _text(value).lower()
        if text not in allowed:
            raise _fail(code, f"must be one of {', '.join(sorted(allowed))}")
        return text

    return parse


def _moment(text: str, end: bool) -> datetime:
    moment = datetime.fromisoformat(text)
    if len(text) <= 10 and end:
        moment = datetime.combine(date.fromisoformat(text), datetime.max.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_sale_dates(value: Any) -> tuple[datetime, datetime]:
    text = _text(value)
    parts = text.split("/")
    try:
        if len(parts) != 2:
            raise ValueError(text)
        starts, ends = _moment(parts[0].strip(), False), _moment(parts[1].strip(), True)
    except ValueError as exc:
        raise _fail(
            "invalid_date_range", "an ISO 8601 interval is expected, e.g. 2026-11-27T00:00+0100/2026-11-30T23:59+0100"
        ) from exc
    if ends <= starts:
        raise _fail("invalid_date_range", "the sale must end after it starts")
    return starts, ends


def parse_quantity(value: Any) -> int:
    text = _text(value)
    if not text.isascii() or not text.isdigit() or len(text) > 8:
        raise _fail("invalid_quantity", "quantity is a whole number from 0")
    quantity = int(text)
    if quantity > MAX_QUANTITY:
        raise _fail("invalid_quantity", f"quantity is at most {MAX_QUANTITY}")
    return quantity


def parse_handling(value: Any) -> int:
    text = _text(value)
    if not text.isascii() or not text.isdigit() or int(text[:4] or "0") > 60:
        raise _fail("invalid_handling_time", "max_handling_time is a number of days from 0 to 60")
    return int(text)


def parse_url(value: Any) -> str:
    text = _text(value)
    if len(text) > 2000 or not _URL.match(text):
        raise _fail("invalid_url", "a URL starting with http:// or https:// is expected")
    return text


def parse_urls(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items:
        for part in _text(item).split(","):
            if part.strip():
                urls.append(parse_url(part))
    if len(urls) > 10:
        raise _fail("too_many_images", "at most 10 additional images")
    return urls


def parse_shipping(value: Any) -> Price:
    """`country:region:service:price` (e.g. `NL:::4.95 EUR`); the first rule's price is the offer's."""
    items = value if isinstance(value, list) else [value]
    first = _text(items[0]) if items else ""
    parts = first.split(":")
    if len(parts) != 4:
        raise _fail("invalid_shipping", "shipping is country:region:service:price, e.g. 'NL:::4.95 EUR'")
    country = parts[0].strip()
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise _fail("invalid_shipping", "the shipping country is a two-letter ISO code")
    try:
        return parse_price(parts[3])
    except PydanticCustomError as exc:
        raise _fail("invalid_shipping", f"the shipping price is not valid: {exc.message()}") from exc


def parse_weight(value: Any) -> str:
    text = _text(value)
    if not _SHIPPING_WEIGHT.match(text):
        raise _fail("invalid_shipping_weight", "a weight with its unit, e.g. '1.5 kg'")
    return text


def parse_google_category(value: Any) -> tuple[str, ...]:
    """A category of Google's product taxonomy, by number or by path (English, Dutch or German)."""
    text = _text(value)
    found = taxonomy.find(text) if len(text) <= 750 else None
    if found is None:
        raise _fail(
            "unknown_category",
            "google_product_category is not in Google's product taxonomy: give its number (such as 602)"
            " or its whole path (such as 'Home & Garden > Decor > Vases')",
        )
    return found.path


def _limited(max_length: int) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)]


class FeedRow(Record):
    """One row, typed. Field names are the Merchant Center attribute names."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    title: _limited(150) | None = None  # type: ignore[valid-type]
    description: _limited(5000) | None = None  # type: ignore[valid-type]
    link: Annotated[str, PlainValidator(parse_url)] | None = None
    image_link: Annotated[str, PlainValidator(parse_url)] | None = None
    additional_image_link: Annotated[list[str], PlainValidator(parse_urls)] | None = None
    price: Annotated[Price, PlainValidator(parse_price)] | None = None
    sale_price: Annotated[Price, PlainValidator(parse_price)] | None = None
    sale_price_effective_date: Annotated[tuple[datetime, datetime], PlainValidator(parse_sale_dates)] | None = None
    availability: Annotated[str, PlainValidator(parse_availability)] | None = None
    brand: _limited(70) | None = None  # type: ignore[valid-type]
    gtin: Annotated[str, PlainValidator(parse_gtin)] | None = None
    mpn: _limited(70) | None = None  # type: ignore[valid-type]
    condition: Annotated[str, PlainValidator(_choice(CONDITIONS, "invalid_condition"))] | None = None
    google_product_category: Annotated[tuple[str, ...], PlainValidator(parse_google_category)] | None = None
    product_type: _limited(750) | None = None  # type: ignore[valid-type]
    item_group_id: _limited(50) | None = None  # type: ignore[valid-type]
    color: _limited(100) | None = None  # type: ignore[valid-type]
    size: _limited(100) | None = None  # type: ignore[valid-type]
    material: _limited(200) | None = None  # type: ignore[valid-type]
    gender: Annotated[str, PlainValidator(_choice(GENDERS, "invalid_gender"))] | None = None
    age_group: Annotated[str, PlainValidator(_choice(AGE_GROUPS, "invalid_age_group"))] | None = None
    shipping: Annotated[Price, PlainValidator(parse_shipping)] | None = None
    shipping_weight: Annotated[str, PlainValidator(parse_weight)] | None = None
    quantity: Annotated[int, PlainValidator(parse_quantity)] | None = None
    max_handling_time: Annotated[int, PlainValidator(parse_handling)] | None = None


@dataclass(frozen=True)
class FieldError:
    field: str | None
    code: str
    message: str


REQUIRED_FOR_FULL = ("title", "price")
ATTRIBUTES = ("color", "size", "material", "gender", "age_group", "shipping_weight")


def validate_row(fields: dict[str, str | list[str]], mode: FeedMode) -> FeedRow | list[FieldError]:
    given = {name: value for name, value in fields.items() if value not in ("", [])}
    errors: list[FieldError] = []
    row: FeedRow | None = None
    try:
        row = FeedRow.model_validate(given)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = error.get("loc") or ()
            name = str(loc[0]) if loc else None
            code = error["type"]
            if code == "missing":
                code = "required"
            elif code in ("string_too_long", "string_too_short"):
                code = "invalid_length"
            errors.append(FieldError(name, code, error["msg"]))
    if mode != "partial":
        errors.extend(
            FieldError(name, "required", f"{name} is required") for name in REQUIRED_FOR_FULL if name not in given
        )
    if (
        row is not None
        and row.sale_price is not None
        and row.price is not None
        and row.sale_price.currency != row.price.currency
    ):
        errors.append(FieldError("sale_price", "currency_mismatch", "the sale price must be in the price's currency"))
    if errors:
        return errors
    assert row is not None
    return row


def _category(row: FeedRow) -> list[str] | None:
    """Google's category when the row gives one, else the vendor's product type: on the
    marketplace's tree when it names a category there, else as the vendor wrote it."""
    if row.google_product_category is not None:
        return list(row.google_product_category)
    if not row.product_type:
        return None
    return taxonomy.canonical([part.strip() for part in row.product_type.split(">") if part.strip()][:8])


def given_content(row: FeedRow) -> dict[str, Any]:  # noqa: PLR0912 - one branch per optional field
    """Offer content keys for the fields the row gives (nothing for absent fields)."""
    content: dict[str, Any] = {}
    for name in ("title", "description", "brand", "gtin", "mpn", "link", "image_link", "item_group_id"):
        value = getattr(row, name)
        if value is not None:
            content[name] = value
    if row.additional_image_link is not None:
        content["additional_image_links"] = row.additional_image_link
    if row.price is not None:
        content["price"], content["currency"] = row.price.amount, row.price.currency
    if row.sale_price is not None:
        content["sale_price"] = row.sale_price.amount
    if row.sale_price_effective_date is not None:
        content["sale_starts_at"], content["sale_ends_at"] = row.sale_price_effective_date
    if row.availability is not None:
        content["availability"] = row.availability
    if row.quantity is not None:
        content["quantity"] = row.quantity
    if row.condition is not None:
        content["condition"] = row.condition
    category = _category(row)
    if category is not None:
        content["category"] = category
    attributes = {name: getattr(row, name) for name in ATTRIBUTES if getattr(row, name) is not None}
    if attributes:
        content["attributes"] = attributes
    if row.shipping is not None:
        content["shipping_cost"] = row.shipping.amount
    if row.max_handling_time is not None:
        content["handling_days"] = row.max_handling_time
    return content


FULL_DEFAULTS: dict[str, Any] = {
    "description": "",
    "brand": None,
    "gtin": None,
    "mpn": None,
    "category": [],
    "link": None,
    "image_link": None,
    "additional_image_links": [],
    "sale_price": None,
    "sale_starts_at": None,
    "sale_ends_at": None,
    "currency": "EUR",
    "availability": None,
    "condition": "new",
    "item_group_id": None,
    "attributes": {},
    "shipping_cost": None,
    "handling_days": 1,
}
_CONTENT_KEYS = frozenset(OfferSnapshot.model_fields) - {
    "offer_id",
    "vendor_id",
    "vendor_name",
    "sku",
    "product_id",
    "created_at",
    "updated_at",
    "revision",
}


def offer_content(row: FeedRow, mode: FeedMode, existing: Offer | None) -> dict[str, Any] | FieldError:
    """The offer content this row asks for, or why it cannot be applied."""
    given = given_content(row)
    live = existing if existing is not None and existing.status == "active" else None
    if mode == "partial":
        if live is None:
            return FieldError("id", "unknown_offer", "partial updates change existing offers only")
        content = live.snapshot.model_dump(include=set(_CONTENT_KEYS))
        if "attributes" in given:
            given["attributes"] = {**content["attributes"], **given["attributes"]}
        if (
            "quantity" in given
            and "availability" not in given
            and content["availability"] in ("in_stock", "out_of_stock")
        ):
            content["availability"] = None
        content.update(given)
        if "quantity" not in given:
            content["quantity"] = _stock_without_quantity(given.get("availability"), live)
        return content
    content = {**FULL_DEFAULTS, **given}
    if "quantity" not in given:
        content["quantity"] = _stock_without_quantity(content["availability"], live)
    return content


def _stock_without_quantity(availability: str | None, live: Offer | None) -> int:
    """The stock of a row without `quantity`: `out_of_stock` takes the offer off sale (0);
    `in_stock` brings an out-of-stock offer back with UNTRACKED_QUANTITY; otherwise the live
    offer keeps its stock and a new offer gets UNTRACKED_QUANTITY."""
    if availability == "out_of_stock":
        return 0
    if live is not None and (availability != "in_stock" or live.snapshot.quantity > 0):
        return live.snapshot.quantity
    return UNTRACKED_QUANTITY
