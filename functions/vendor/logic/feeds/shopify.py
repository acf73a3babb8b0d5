"""Shopify's product CSV export, read as it is: each variant row becomes one Merchant Center row.

A Shopify product spans several rows sharing its handle: the first carries the product (title,
HTML body, vendor, type, tags, status, option names), each row with a variant price is a variant
(option values, SKU, price, compare-at price, stock, barcode, variant image), and rows with only
an image add images. Both the long-standing column names (`Handle`, `Variant SKU`,
`Variant Price`, `Image Src`, ...) and the current ones (`URL handle`, `SKU`, `Price`,
`Product image URL`, ...) are read.

What each variant becomes: `id` its SKU (or `<handle>-<n>` without one), `item_group_id` the
handle (the variants of one product), `title` the product's title with the option values
("Trui - Rood / M"), `description` the body as plain text, `brand` the vendor, `product_type` the
type, `price` the compare-at price when it is higher (then `sale_price` is the price), in euros
(the export names no currency: a shop selling on Plein sells in the marketplace's), `quantity`
and `availability` from the stock, `gtin` the barcode when it is a GTIN (else `mpn`), colour and
size from options named so in English, Dutch or German, `image_link` the variant's image or the
product's first, the product's other images as `additional_image_link`. Draft, archived and
unpublished products are not offered: each of their variant rows is reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from functions.vendor.logic.feeds.exports import (
    family_id,
    identifiers,
    images,
    option_attributes,
    our_names,
    plain_text,
    prices,
    stock,
)
from functions.vendor.logic.feeds.parsing import RawRow, RowProblem

COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("handle", "url_handle"),
    "title": ("title",),
    "body": ("body_(html)", "description"),
    "vendor": ("vendor",),
    "type": ("type",),
    "tags": ("tags",),
    "published": ("published", "published_on_online_store"),
    "status": ("status",),
    "sku": ("variant_sku", "sku"),
    "price": ("variant_price", "price"),
    "compare_at": ("variant_compare_at_price", "compare_at_price"),
    "quantity": ("variant_inventory_qty", "inventory_quantity"),
    "barcode": ("variant_barcode", "barcode"),
    "image": ("image_src", "product_image_url"),
    "variant_image": ("variant_image", "variant_image_url"),
    **{f"option{n}_{part}": (f"option{n}_{part}",) for n in (1, 2, 3) for part in ("name", "value")},
}
"""Our name of a Shopify column → its canonical names in the old and the current export."""

NOT_OFFERED = frozenset({"draft", "archived"})


def recognises(header: list[str]) -> bool:
    """Whether the first line is a Shopify product export's (a handle and a variant price)."""
    names = set(columns_of(header).values())
    return "handle" in names and "price" in names and ("sku" in names or "option1_value" in names)


def columns_of(header: list[str]) -> dict[str, str | None]:
    """Each column of the header → our name for it (None: not read)."""
    return our_names(header, COLUMNS)


@dataclass
class _Product:
    handle: str
    line: int
    fields: dict[str, str]
    variants: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def merchant_rows(
    records: Iterator[tuple[int, list[str]] | RowProblem], names: list[str | None]
) -> Iterator[RawRow | RowProblem]:
    """Merchant rows from the export's records (line number, values), one product at a time; a
    record that could not be read passes through as the problem it is."""
    product: _Product | None = None
    for found in records:
        if isinstance(found, RowProblem):
            yield found
            continue
        line, record = found
        values = {name: value.strip() for name, value in zip(names, record, strict=False) if name}
        handle = values.get("handle", "")
        if not handle:
            yield RowProblem(line, "missing_handle", "the row has no handle, so it belongs to no product")
            continue
        if product is None or handle != product.handle:
            if product is not None:
                yield from _variants(product)
            product = _Product(handle, line, values)
        if values.get("image"):
            product.images.append(values["image"])
        if values.get("price") or values.get("sku"):
            product.variants.append((line, values))
    if product is not None:
        yield from _variants(product)


def _variants(product: _Product) -> Iterator[RawRow | RowProblem]:
    about = product.fields
    status = about.get("status", "").lower()
    published = about.get("published", "").lower()
    if status in NOT_OFFERED or published == "false":
        why = f"{status} product" if status in NOT_OFFERED else "the product is not published"
        for line, _ in product.variants:
            yield RowProblem(line, "not_offered", f"{why} ({product.handle}): not offered", "status")
        return
    if not product.variants:
        yield RowProblem(product.line, "no_variant", f"the product {product.handle} has no row with a price", "price")
        return
    options = [about.get(f"option{n}_name", "") for n in (1, 2, 3)]
    for number, (line, variant) in enumerate(product.variants, start=1):
        yield RawRow(line, _merchant_fields(product, options, number, variant))


def _merchant_fields(product: _Product, options: list[str], number: int, variant: dict[str, str]) -> dict[str, Any]:
    about = product.fields
    chosen = [(name, variant.get(f"option{n}_value", "")) for n, name in enumerate(options, start=1)]
    shown = [value for _, value in chosen if value and value.lower() != "default title"]
    fields: dict[str, Any] = {
        "id": variant.get("sku") or f"{product.handle}-{number}",
        "item_group_id": family_id(product.handle),
        "title": " - ".join([about.get("title", ""), " / ".join(shown)]) if shown else about.get("title", ""),
        "description": plain_text(about.get("body", "")),
        "brand": about.get("vendor", ""),
        "product_type": about.get("type", ""),
    }
    fields |= prices(variant.get("compare_at", ""), variant.get("price", ""))
    fields |= stock(variant.get("quantity", ""))
    fields |= identifiers(variant.get("barcode", ""))
    fields |= option_attributes(chosen)
    fields |= images(variant.get("variant_image", ""), product.images)
    return fields
