"""WooCommerce's product CSV export imported as it is (logic/feeds/woocommerce.py): simple products,
variable products with their variations, grouped and external products, drafts, sale dates and
stock. The file is written here (never a real shop's export)."""

from __future__ import annotations

import csv
import io

from functions.vendor.logic.feeds.parsing import RawRow, RowProblem, open_feed
from tests.unit.vendor.conftest import World
from tests.unit.vendor.test_feed_import import run, upload

HEADER = [
    "ID", "Type", "SKU", "Name", "Published", "Short description", "Description",
    "Date sale price starts", "Date sale price ends", "In stock?", "Stock", "Sale price", "Regular price",
    "Categories", "Images", "Parent", "Brands",
    "Attribute 1 name", "Attribute 1 value(s)", "Attribute 2 name", "Attribute 2 value(s)",
]  # fmt: skip
IMG = "https://cdn.example.org/"
ROWS = [
    # line 2: a simple product on sale for a week, stock tracked
    ["11", "simple", "LAMP-1", "Tafellamp Oslo", "1", "Warm licht", "<p>Messing <em>voet</em></p>",
     "2026-12-01", "2026-12-07", "1", "7", "39.95", "49.95", "Wonen > Verlichting, Sale",
     IMG + "lamp.jpg, " + IMG + "lamp-2.jpg", "", "Lumen", "", "", "", ""],
    # line 3: a variable product (the family) and its two variations
    ["20", "variable", "HOODIE", "Hoodie", "1", "", "Biologisch katoen", "", "", "", "", "", "",
     "Kleding > Truien", IMG + "hoodie.jpg", "", "Noorderwol", "Kleur", "Blauw, Groen", "Maat", "S, M", ],
    ["21", "variation", "HOODIE-B-S", "Hoodie - Blauw, S", "1", "", "", "", "", "1", "3", "", "45",
     "", IMG + "hoodie-blauw.jpg", "id:20", "", "Kleur", "Blauw", "Maat", "S"],
    ["22", "variation", "HOODIE-G-M", "Hoodie - Groen, M", "1", "", "", "", "", "0", "", "", "45",
     "", "", "HOODIE", "", "Kleur", "Groen", "Maat", "M"],
    # line 6: a grouped product, line 7: an external one, line 8: a draft, line 9: an orphan variation
    ["30", "grouped", "SET", "Lampenset", "1", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["31", "external", "EXT", "Fiets elders", "1", "", "", "", "", "", "", "", "499", "", "", "", "", "", "", "", ""],
    ["32", "simple", "DRAFT", "Nog niet klaar", "0", "", "", "", "", "1", "5", "", "10",
     "", "", "", "", "", "", "", ""],
    ["40", "variation", "ORPHAN", "Wees", "1", "", "", "", "", "1", "1", "", "5", "", "", "id:99", "", "", "", "", ""],
]  # fmt: skip


def export(rows: list[list[str]] = ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_simple_products_and_variations_become_merchant_rows_and_the_rest_is_reported() -> None:
    reader = open_feed([export()])
    found = list(reader.rows())

    assert reader.format == "woocommerce"
    rows = {row.fields["id"]: row.fields for row in found if isinstance(row, RawRow)}
    assert set(rows) == {"LAMP-1", "HOODIE-B-S", "HOODIE-G-M"}
    lamp, blue, green = rows["LAMP-1"], rows["HOODIE-B-S"], rows["HOODIE-G-M"]
    assert (lamp["price"], lamp["sale_price"]) == ("49.95 EUR", "39.95 EUR")
    assert lamp["sale_price_effective_date"] == "2026-12-01/2026-12-07"
    assert (lamp["quantity"], lamp["availability"], lamp["brand"]) == ("7", "in_stock", "Lumen")
    assert (lamp["description"], lamp["product_type"]) == ("Messing voet", "Wonen > Verlichting")
    assert (lamp["image_link"], lamp["additional_image_link"]) == (IMG + "lamp.jpg", [IMG + "lamp-2.jpg"])
    assert "item_group_id" not in lamp
    # the variations: one family, the parent's description, brand and category, their own options
    assert blue["item_group_id"] == green["item_group_id"] == "HOODIE"
    assert (blue["title"], blue["price"], blue["description"]) == ("Hoodie - Blauw, S", "45 EUR", "Biologisch katoen")
    assert (blue["color"], blue["size"], green["color"], green["size"]) == ("Blauw", "S", "Groen", "M")
    assert (blue["brand"], blue["product_type"]) == ("Noorderwol", "Kleding > Truien")
    assert (blue["quantity"], green["availability"]) == ("3", "out_of_stock")
    assert blue["image_link"] == IMG + "hoodie-blauw.jpg"
    assert green["image_link"] == IMG + "hoodie.jpg"  # no own image: the family's
    problems = {row.line: row.code for row in found if isinstance(row, RowProblem)}
    assert problems == {6: "not_an_offer", 7: "external_product", 8: "not_offered", 9: "unknown_parent"}


def test_an_export_imports_its_offers_and_reports_every_other_row(world: World) -> None:
    _, _, _, key = upload(world, export())

    feed = run(world, key)

    assert feed is not None
    assert (feed.status, feed.format, feed.counts.created, feed.counts.rejected) == ("completed", "woocommerce", 3, 4)
    offers = {offer.snapshot.sku: offer.snapshot for offer in world.offers.items.values()}
    assert (offers["LAMP-1"].price, offers["LAMP-1"].sale_price) == (4995, 3995)
    assert offers["HOODIE-B-S"].attributes == {"color": "Blauw", "size": "S"}
    assert offers["HOODIE-G-M"].availability == "out_of_stock"
    assert offers["HOODIE-B-S"].product_id != offers["HOODIE-G-M"].product_id  # variants: one family, two products
