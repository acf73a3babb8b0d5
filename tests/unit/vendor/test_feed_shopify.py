"""Shopify's product CSV export imported as it is (logic/feeds/shopify.py): variants, images,
compare-at prices, stock, barcodes, HTML bodies, drafts; the long-standing and the current column
names. The files are written here (never a real shop's export)."""

from __future__ import annotations

import csv
import io

import pytest

from functions.vendor.logic.feeds.exports import family_id, plain_text
from functions.vendor.logic.feeds.parsing import RawRow, RowProblem, open_feed
from tests.unit.vendor.conftest import World
from tests.unit.vendor.test_feed_import import run, upload

LEGACY = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Variant SKU", "Variant Inventory Qty", "Variant Price", "Variant Compare At Price", "Variant Barcode",
    "Image Src", "Variant Image", "Status",
]  # fmt: skip
CURRENT = [
    "URL handle", "Title", "Description", "Vendor", "Type", "Tags", "Published on online store",
    "Option1 name", "Option1 value", "Option2 name", "Option2 value",
    "SKU", "Inventory quantity", "Price", "Compare-at price", "Barcode",
    "Product image URL", "Variant image URL", "Status",
]  # fmt: skip
IMG = "https://cdn.example.org/"
PRODUCTS = [
    # a product with two variants on sale, a second image on an image-only row
    ["trui", "Wollen trui", "<p>Warm &amp; <b>zacht</b></p><p>Merino</p>", "Noorderwol", "Truien", "wol", "TRUE",
     "Kleur", "Rood", "Maat", "M", "TRUI-R-M", "4", "59,95", "79,95", "8712345678906", IMG + "trui.jpg", "", "active"],
    ["trui", "", "", "", "", "", "", "", "Rood", "", "L", "TRUI-R-L", "0", "59.95", "", "'ABC-123",
     "", IMG + "trui-l.jpg", ""],
    ["trui", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", IMG + "trui-2.jpg", "", ""],
    # a product without options or SKU
    ["sjaal", "Sjaal", "Lang", "Noorderwol", "Sjaals", "", "TRUE",
     "Title", "Default Title", "", "", "", "", "19.00", "", "", "", "", "active"],
    # a draft: reported, not offered
    ["muts", "Muts", "", "Noorderwol", "", "", "TRUE", "", "", "", "", "MUTS-1", "3", "12.00", "", "", "", "", "draft"],
]  # fmt: skip


def export(header: list[str], rows: list[list[str]] = PRODUCTS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("header", [LEGACY, CURRENT], ids=["long-standing names", "current names"])
def test_each_variant_becomes_a_merchant_row_of_its_product(header: list[str]) -> None:
    reader = open_feed([export(header)])
    found = list(reader.rows())

    assert reader.format == "shopify"
    rows = {row.fields["id"]: row for row in found if isinstance(row, RawRow)}
    assert set(rows) == {"TRUI-R-M", "TRUI-R-L", "sjaal-1"}
    medium, large, scarf = rows["TRUI-R-M"].fields, rows["TRUI-R-L"].fields, rows["sjaal-1"].fields
    titles = (medium["title"], large["title"], scarf["title"])
    assert titles == ("Wollen trui - Rood / M", "Wollen trui - Rood / L", "Sjaal")
    assert medium["item_group_id"] == large["item_group_id"] == "trui"
    assert medium["description"] == "Warm & zacht\nMerino"
    assert (medium["price"], medium["sale_price"]) == ("79,95 EUR", "59,95 EUR")  # on sale: compare-at price
    assert (large["price"], "sale_price" in large) == ("59.95 EUR", False)
    assert (medium["quantity"], medium["availability"], large["availability"]) == ("4", "in_stock", "out_of_stock")
    assert (medium["gtin"], large["mpn"], "gtin" in large) == ("8712345678906", "ABC-123", False)
    assert (medium["color"], medium["size"]) == ("Rood", "M")
    assert (medium["brand"], medium["product_type"]) == ("Noorderwol", "Truien")
    assert medium["image_link"] == IMG + "trui.jpg"
    assert medium["additional_image_link"] == [IMG + "trui-2.jpg"]
    assert large["image_link"] == IMG + "trui-l.jpg"  # its own image
    # the draft is reported on its line, with why
    [draft] = [row for row in found if isinstance(row, RowProblem)]
    assert (draft.line, draft.code) == (6, "not_offered")
    assert "draft" in draft.message


def test_an_export_imports_its_variants_as_offers_of_one_family_and_reports_the_draft(world: World) -> None:
    vendor_id, _, feed_id, key = upload(world, export(LEGACY))

    feed = run(world, key)

    assert feed is not None
    assert (feed.status, feed.format, feed.counts.created, feed.counts.rejected) == ("completed", "shopify", 3, 1)
    offers = {offer.snapshot.sku: offer for offer in world.offers.items.values()}
    assert offers["TRUI-R-M"].snapshot.item_group_id == offers["TRUI-R-L"].snapshot.item_group_id == "trui"
    assert offers["TRUI-R-M"].snapshot.product_id != offers["TRUI-R-L"].snapshot.product_id
    assert offers["sjaal-1"].snapshot.item_group_id == "sjaal"
    assert (offers["TRUI-R-M"].snapshot.price, offers["TRUI-R-M"].snapshot.sale_price) == (7995, 5995)
    assert offers["TRUI-R-M"].snapshot.attributes == {"color": "Rood", "size": "M"}
    stored = world.feeds.get(vendor_id, feed_id)
    assert stored is not None
    assert stored.report_key is not None
    assert b"not_offered" in world.files.reports[stored.report_key]


def test_rows_without_a_handle_are_reported_not_dropped() -> None:
    orphan = ["", "Zwerver", "", "", "", "", "TRUE", "", "", "", "", "X-1", "1", "5.00", "", "", "", "", ""]
    rows = [PRODUCTS[0], orphan]
    found = list(open_feed([export(LEGACY, rows)]).rows())

    assert [type(row).__name__ for row in found] == ["RowProblem", "RawRow"]
    assert (found[0].line, found[0].code) == (3, "missing_handle")  # type: ignore[union-attr]


def test_a_merchant_feed_is_not_taken_for_a_shopify_export() -> None:
    merchant = b"id,title,price,link\n1,Fiets,199.00 EUR,https://shop.example/1\n"
    assert open_feed([merchant]).format == "csv"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<p>Een</p><p>Twee</p>", "Een\nTwee"),
        ("Regel<br>Volgende<br/>", "Regel\nVolgende"),
        ("<script>alert(1)</script><style>p{}</style>Tekst", "Tekst"),
        ("K&ouml;rbchen &lt;3", "Körbchen <3"),
    ],
)
def test_an_html_body_becomes_plain_text(body: str, text: str) -> None:
    assert plain_text(body) == text


def test_a_long_handle_becomes_a_family_id_within_the_limit_and_still_unique() -> None:
    long = "mens-organic-cotton-crew-neck-t-shirt-in-heather-grey"
    other = long.replace("grey", "gray")

    assert family_id("trui") == "trui"
    assert len(family_id(long)) == 50
    assert family_id(long) != family_id(other)
    assert family_id(long).startswith("mens-organic-cotton")
