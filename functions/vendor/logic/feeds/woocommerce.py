"""WooCommerce's product CSV export, read as it is: simple products and the variations of variable
products become Merchant Center rows.

The export writes one row per product and per variation, a variation naming its parent in
`Parent` (`id:<ID>` or the parent's SKU), the variable parent before its variations. Types:
- `simple`: an offer;
- `variable`: the family (name, description, categories, images, attribute names), not an offer;
  each `variation` is one, with its own price, stock, image and attribute values;
- `grouped`: a container of products listed on their own rows: reported, not an offer;
- `external`: sold on another site, so it cannot be sold here: reported.
`Published` other than 1 (-1 is private, 0 a draft) means not offered: reported. Regular and
sale price (with the sale's dates), stock (`Stock`, else `In stock?`), `Images` (comma-separated),
the first category path as product type, `Brands` (or the attribute named brand/merk/marke), and
colour and size from attributes named so in English, Dutch or German.
"""

from __future__ import annotations

from collections.abc import Iterator
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

ATTRIBUTES = 3
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "type": ("type",),
    "sku": ("sku",),
    "name": ("name",),
    "published": ("published",),
    "short_description": ("short_description",),
    "description": ("description",),
    "sale_starts": ("date_sale_price_starts",),
    "sale_ends": ("date_sale_price_ends",),
    "in_stock": ("in_stock?",),
    "stock": ("stock",),
    "sale_price": ("sale_price",),
    "regular_price": ("regular_price",),
    "categories": ("categories",),
    "images": ("images",),
    "parent": ("parent",),
    "brands": ("brands", "brand"),
    "gtin": ("gtin,_upc,_ean,_or_isbn", "gtin", "ean", "meta:_global_unique_id"),
    **{f"attribute{n}_{part}": (f"attribute_{n}_{part}",) for n in range(1, ATTRIBUTES + 1) for part in ("name",)},
    **{f"attribute{n}_value": (f"attribute_{n}_value(s)",) for n in range(1, ATTRIBUTES + 1)},
}
"""Our name of a WooCommerce column → its canonical names."""

BRAND_ATTRIBUTES = frozenset({"brand", "merk", "marke"})


def recognises(header: list[str]) -> bool:
    """Whether the first line is a WooCommerce product export's (type, regular price, parent)."""
    names = set(columns_of(header).values())
    return {"type", "regular_price", "parent"} <= names


def columns_of(header: list[str]) -> dict[str, str | None]:
    return our_names(header, COLUMNS)


def merchant_rows(
    records: Iterator[tuple[int, list[str]] | RowProblem], names: list[str | None]
) -> Iterator[RawRow | RowProblem]:
    """Merchant rows from the export's records, in file order (variable parents are remembered
    by id and SKU for their variations)."""
    parents: dict[str, dict[str, str]] = {}
    for found in records:
        if isinstance(found, RowProblem):
            yield found
            continue
        line, record = found
        row = {name: value.strip() for name, value in zip(names, record, strict=False) if name}
        kinds = {kind.strip() for kind in row.get("type", "").lower().split(",")}
        if "variable" in kinds:
            for key in (f"id:{row.get('id', '')}", row.get("sku", "")):
                if key not in ("id:", ""):
                    parents[key] = row
            continue
        yield _offer(line, row, kinds, parents)


def _offer(line: int, row: dict[str, str], kinds: set[str], parents: dict[str, dict[str, str]]) -> RawRow | RowProblem:
    name = row.get("name") or row.get("sku") or f"ID {row.get('id', '?')}"
    if "grouped" in kinds:
        why = f"{name} is a grouped product: its products are offers on their own rows"
        return RowProblem(line, "not_an_offer", why)
    if "external" in kinds:
        return RowProblem(line, "external_product", f"{name} is sold on another site, so it cannot be sold here")
    parent: dict[str, str] = {}
    if "variation" in kinds:
        found = parents.get(row.get("parent", ""))
        if found is None:
            return RowProblem(
                line, "unknown_parent", f"the variation {name} names a parent not above it: {row.get('parent', '')!r}"
            )
        parent = found
    if not _published(row) or (parent and not _published(parent)):
        return RowProblem(line, "not_offered", f"{name} is not published: not offered", "published")
    return RawRow(line, _merchant_fields(row, parent))


def _published(row: dict[str, str]) -> bool:
    """Published 1 (0 is a draft, -1 private); a variation without the column follows its parent."""
    return row.get("published", "") in ("1", "")


def _merchant_fields(row: dict[str, str], parent: dict[str, str]) -> dict[str, Any]:
    about = parent or row

    def either(name: str) -> str:
        return row.get(name) or parent.get(name, "")

    options = [(either(f"attribute{n}_name"), row.get(f"attribute{n}_value", "")) for n in range(1, ATTRIBUTES + 1)]
    fields: dict[str, Any] = {
        "id": row.get("sku") or f"woo-{row.get('id', '')}",
        "title": row.get("name") or about.get("name", ""),
        "description": plain_text(either("description") or either("short_description")),
        "product_type": either("categories").split(",")[0].strip(),
    }
    if parent:
        fields["item_group_id"] = family_id(parent.get("sku") or f"woo-{parent.get('id', '')}")
    brand = either("brands") or next((value for kind, value in options if kind.lower() in BRAND_ATTRIBUTES), "")
    if brand:
        fields["brand"] = brand.split(",")[0].strip()
    fields |= prices(row.get("regular_price", ""), row.get("sale_price", ""))
    if "sale_price" in fields and row.get("sale_starts") and row.get("sale_ends"):
        fields["sale_price_effective_date"] = f"{row['sale_starts']}/{row['sale_ends']}"
    if row.get("stock") and row["stock"] != "parent":
        fields |= stock(row["stock"])
    elif row.get("in_stock") in ("0", "1"):
        fields["availability"] = "in_stock" if row["in_stock"] == "1" else "out_of_stock"
    fields |= identifiers(either("gtin"))
    fields |= option_attributes(options)
    own = [url.strip() for url in row.get("images", "").split(",") if url.strip()]
    family = [url.strip() for url in parent.get("images", "").split(",") if url.strip()]
    fields |= images(own[0] if own else "", family or own)
    return fields
