"""What shop platforms' product exports share on their way to Merchant Center rows (Shopify in
shopify.py, WooCommerce in woocommerce.py): HTML descriptions as text, prices without a currency,
stock, barcodes that may or may not be GTINs, variant options, images, family ids."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from typing import Any

from functions.vendor.logic.feeds.parsing import canonical_name

CURRENCY = "EUR"
"""Exports name no currency: a shop selling on Plein sells in the marketplace's."""
FAMILY_ID_LENGTH = 50  # the Merchant Center limit of item_group_id
COLOUR_OPTIONS = frozenset({"color", "colour", "kleur", "farbe"})
SIZE_OPTIONS = frozenset({"size", "maat", "grootte", "größe", "grosse"})
_GTIN = re.compile(r"^\d{8}$|^\d{12,14}$")
_TAG = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6])\s*>|<br\s*/?>", re.IGNORECASE)


def our_names(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, str | None]:
    """Each column of an export's header → our name for it in `columns` (ours → the export's
    canonical names), None for a column not read."""

    def ours(column: str) -> str | None:
        canonical = canonical_name(column)
        return next((name for name, theirs in columns.items() if canonical in theirs), None)

    return {column: ours(column) for column in header}


def plain_text(body: str) -> str:
    """An HTML body as plain text: scripts and styles go with their content, block ends become
    line breaks, other tags go, entities are decoded."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", _HIDDEN.sub("", body)))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def family_id(name: str) -> str:
    """A product's handle or id as an item_group_id: kept when short enough, else cut and made
    unique again with a digest of the whole."""
    if len(name) <= FAMILY_ID_LENGTH:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: FAMILY_ID_LENGTH - 9]}-{digest}"


def amount(text: str) -> float:
    """A number as exports write it (decimal point or comma); 0 when it is none."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return 0.0


def priced(value: str) -> str:
    """An amount with the marketplace's currency; an empty amount stays empty (no price)."""
    return f"{value} {CURRENCY}" if value else ""


def prices(regular: str, sale: str) -> dict[str, str]:
    """`price` (and `sale_price` when the sale price is lower than the regular one)."""
    if regular and sale and amount(regular) > amount(sale):
        return {"price": priced(regular), "sale_price": priced(sale)}
    return {"price": priced(sale or regular)}


def stock(quantity: str) -> dict[str, str]:
    """`quantity` and the availability it means, when the export tracks stock."""
    if not quantity:
        return {}
    return {"quantity": quantity, "availability": "in_stock" if amount(quantity) > 0 else "out_of_stock"}


def identifiers(barcode: str) -> dict[str, str]:
    """A barcode as `gtin` when it is one (8, 12, 13 or 14 digits), else as `mpn`."""
    barcode = barcode.strip().lstrip("'")  # a leading quote keeps spreadsheets from eating zeros
    if not barcode:
        return {}
    return {"gtin" if _GTIN.match(barcode) else "mpn": barcode}


def option_attributes(options: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`color` and `size` from variant options named so in English, Dutch or German."""
    found: dict[str, str] = {}
    for name, value in options:
        kind = name.strip().lower()
        if value and kind in COLOUR_OPTIONS:
            found["color"] = value
        elif value and kind in SIZE_OPTIONS:
            found["size"] = value
    return found


def images(own: str, product: list[str]) -> dict[str, Any]:
    """`image_link` (the variant's own image, else the product's first) and the product's other
    images as `additional_image_link`."""
    first = own or (product[0] if product else "")
    if not first:
        return {}
    return {"image_link": first, "additional_image_link": [other for other in product if other != first]}
