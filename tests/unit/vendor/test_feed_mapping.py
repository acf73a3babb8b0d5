"""A vendor's own spreadsheet read through its saved column mapping (logic/feeds/mapping.py):
German and Dutch ways of writing amounts, dates, conditions and stock words; categories onto the
marketplace's; the preview that writes nothing; required fields the mapping misses named in
plain words; and the same catalog however often the same file is imported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.common.auth import Principal
from functions.common.errors import NotFound
from functions.vendor.logic import ids
from functions.vendor.logic.domain import FeedMapping
from functions.vendor.logic.feeds.mapping import rewritten
from functions.vendor.logic.feeds.parsing import RawRow, open_feed
from functions.vendor.models.api import FeedPreviewRequest
from tests.unit.vendor.conftest import World
from tests.unit.vendor.test_feed_import import run, upload
from tests.unit.vendor.test_feed_spreadsheet import workbook

GERMAN = FeedMapping(
    columns={
        "Artikelnummer": "id",
        "Bezeichnung": "title",
        "Preis": "price",
        "Aktionspreis": "sale_price",
        "Aktionszeitraum": "sale_price_effective_date",
        "Bestand": "quantity",
        "Zustand": "condition",
        "Lieferbarkeit": "availability",
        "EAN": "gtin",
        "Kategorie": "product_type",
        "Gewicht": "shipping_weight",
    },
    decimal_comma=True,
    currency="EUR",
    day_first=True,
    weight_unit="kg",
    categories={
        "Küche/Töpfe": "Heim & Garten > Küche & Esszimmer > Kochgeschirr & Backformen > Kochgeschirr > Stieltöpfe"
    },
)
SAUCEPANS = ["Home & Garden", "Kitchen & Dining", "Cookware & Bakeware", "Cookware", "Saucepans"]
HEADER = ";".join(
    [*GERMAN.columns, "Notiz"]  # Artikelnummer;Bezeichnung;Preis;...;Gewicht;Notiz
)
GOOD = [
    "KT-100;Bräter Gusseisen 28 cm;1.234,50 €;999,00 €;01.12.2026 - 24.12.2026;1.250;Neu;auf Lager;4006381333931;"
    "Küche/Töpfe;4,5;",
    "KT-101;Milchtopf;19,95;;;3;gebraucht;Auf Lager;;Küche/Töpfe;0,8;zweite Wahl",
    "KT-102;Schneebesen;4,5 EUR;;;0;Generalüberholt;ausverkauft;;Küche/Helfer;;",
]
BROKEN = [
    "KT-900;Kaputter Preis;zwölf Euro;;;1;Neu;auf Lager;;;;",  # line 5: price
    "KT-901;Falsche EAN;9,99;;;1;Neu;auf Lager;4006381333932;;;",  # line 6: gtin check digit
    "KT-902;Unbekannter Zustand;9,99;;;1;kaputt;auf Lager;;;;",  # line 7: condition
]
SHEET = ("\n".join([HEADER, *GOOD, *BROKEN]) + "\n").encode("cp1252")


def _vendor(world: World) -> tuple[str, Principal]:
    return world.approved_vendor()


def test_a_german_spreadsheet_imports_through_the_saved_mapping_with_exactly_the_broken_rows_reported(
    world: World,
) -> None:
    # Given a vendor that saved the mapping of its own spreadsheet
    vendor_id, owner = _vendor(world)
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)

    # When it uploads the spreadsheet (Windows-1252, semicolons, decimal commas, German words)
    _, _, feed_id, key = upload(world, SHEET, filename="artikel.csv")
    feed = run(world, key)

    # Then the good rows are offers as the vendor meant them, and the report names the broken ones
    assert feed is not None
    assert (feed.status, feed.mapped, feed.format) == ("completed", True, "csv")
    assert (feed.counts.created, feed.counts.rejected) == (3, 3)
    report = world.files.reports[feed.report_key or ""].decode().splitlines()
    assert [line.split(",")[:3] for line in report[1:]] == [
        ["5", "price", "invalid_price"],
        ["6", "gtin", "invalid_gtin_check_digit"],
        ["7", "condition", "invalid_condition"],
    ]
    roaster, pot, whisk = (world.offers.get(ids.offer_id(vendor_id, sku)) for sku in ("KT-100", "KT-101", "KT-102"))
    assert roaster is not None
    assert pot is not None
    assert whisk is not None
    assert (roaster.snapshot.price, roaster.snapshot.sale_price, roaster.snapshot.quantity) == (123450, 99900, 1250)
    assert str(roaster.snapshot.sale_starts_at)[:10] == "2026-12-01"
    assert roaster.snapshot.category == SAUCEPANS  # the German path mapped onto the marketplace's tree
    assert roaster.snapshot.attributes["shipping_weight"] == "4.5 kg"
    assert (pot.snapshot.price, pot.snapshot.condition, pot.snapshot.category) == (
        1995,
        "used",
        SAUCEPANS,
    )
    assert (whisk.snapshot.condition, whisk.snapshot.availability) == ("refurbished", "out_of_stock")
    assert whisk.snapshot.category == ["Küche/Helfer"]  # not in the mapping: kept as written
    assert world.feed_service.status(owner, vendor_id, feed_id).mapped is True


def test_the_same_file_imported_again_through_the_mapping_changes_nothing(world: World) -> None:
    vendor_id, owner = _vendor(world)
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)
    first = run(world, upload(world, SHEET)[3])
    offers_after_first = {offer_id: offer.snapshot for offer_id, offer in world.offers.items.items()}

    second = run(world, upload(world, SHEET)[3])

    assert first is not None
    assert second is not None
    assert (second.counts.created, second.counts.updated, second.counts.unchanged) == (0, 0, first.counts.created)
    assert {offer_id: offer.snapshot for offer_id, offer in world.offers.items.items()} == offers_after_first


def test_the_preview_reads_through_a_mapping_sent_or_saved_and_writes_nothing(world: World) -> None:
    vendor_id, owner = _vendor(world)
    sample = SHEET.decode("cp1252")

    # Without a mapping the required fields are named as missing
    plain = world.feed_service.preview(owner, vendor_id, FeedPreviewRequest(sample=sample))
    assert (plain.mapped, plain.missing, plain.rows) == (False, ["id", "title", "price"], [])

    # With the mapping sent along, the rows read as they would import
    tried = world.feed_service.preview(owner, vendor_id, FeedPreviewRequest(sample=sample, mapping=GERMAN))
    assert (tried.mapped, tried.missing) == (True, [])
    assert [(row.sku, row.price) for row in tried.rows] == [("KT-100", 123450), ("KT-101", 1995), ("KT-102", 450)]
    assert sorted({error.line for error in tried.errors}) == [5, 6, 7]
    assert tried.columns["Notiz"] is None
    assert (world.offers.items, world.feeds.items, world.mappings.items) == ({}, {}, {})

    # Once saved, the preview uses it by itself
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)
    assert world.feed_service.preview(owner, vendor_id, FeedPreviewRequest(sample=sample)).rows == tried.rows


def test_a_required_field_the_mapping_misses_is_named_in_plain_words(world: World) -> None:
    vendor_id, owner = _vendor(world)
    columns = {source: target for source, target in GERMAN.columns.items() if target != "price"}
    world.feed_service.save_mapping(owner, vendor_id, GERMAN.model_copy(update={"columns": columns}))

    feed = run(world, upload(world, SHEET)[3])

    assert feed is not None
    assert feed.status == "failed"
    assert "maps no column to price" in str(feed.reason)
    assert world.offers.items == {}


def test_a_mapped_column_missing_from_the_file_is_named_with_its_name(world: World) -> None:
    vendor_id, owner = _vendor(world)
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)
    without_title = SHEET.replace(b"Bezeichnung", b"Name")

    feed = run(world, upload(world, without_title)[3])

    assert feed is not None
    assert "no column title (the mapping reads it from 'Bezeichnung')" in str(feed.reason)


def test_a_merchant_feed_still_imports_as_one_when_a_mapping_is_saved(world: World) -> None:
    vendor_id, owner = _vendor(world)
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)
    merchant = b"id,title,price\nM-1,Schal,12.50 EUR\n"

    feed = run(world, upload(world, merchant)[3])

    assert feed is not None
    assert (feed.status, feed.mapped, feed.counts.created) == ("completed", False, 1)


def test_a_dutch_workbook_reads_through_its_mapping() -> None:
    mapping = FeedMapping(
        columns={"SKU": "id", "Naam": "title", "Prijs": "price", "Voorraad": "quantity", "Staat": "condition"},
        decimal_comma=True,
        currency="EUR",
    )
    book = workbook(
        ["SKU", "Naam", "Prijs", "Voorraad", "Staat"],
        ["NL-1", "Fietsbel", "€ 4,95", 12, "Nieuw"],
        ["NL-2", "Zadel", 24.5, 3, "Tweedehands"],
    )

    reader = open_feed([book], mapping=mapping)

    assert (reader.format, reader.mapped) == ("xlsx", True)
    assert [row.fields for row in reader.rows() if isinstance(row, RawRow)] == [
        {"id": "NL-1", "title": "Fietsbel", "price": "4.95 EUR", "quantity": "12", "condition": "new"},
        {"id": "NL-2", "title": "Zadel", "price": "24.5 EUR", "quantity": "3", "condition": "used"},
    ]


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        ({"Naam": "title"}, "map a column to id"),
        ({"SKU": "id", "Prijs": "price", "Verkoopprijs": "price"}, "more than one is mapped to price"),
        ({"SKU": "id", "sku": "title"}, "a column is named twice"),
    ],
)
def test_a_mapping_that_cannot_be_applied_is_refused(columns: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        FeedMapping.model_validate({"columns": columns})


def test_categories_map_onto_the_marketplace_tree_only() -> None:
    columns = {"SKU": "id", "Soort": "product_type"}
    saved = FeedMapping.model_validate({"columns": columns, "categories": {"Vazen": "602", "Potten": "Vasen"}})
    assert saved.categories == {"Vazen": "Home & Garden > Decor > Vases", "Potten": "Home & Garden > Decor > Vases"}
    with pytest.raises(ValidationError, match="'Home > Kitchen' is not a category of the marketplace's tree"):
        FeedMapping.model_validate({"columns": columns, "categories": {"Keuken": "Home > Kitchen"}})


def test_the_mapping_of_another_vendor_is_neither_read_nor_written(world: World) -> None:
    vendor_id, owner = _vendor(world)
    other_id, other = world.approved_vendor("bert", "Noordzee")
    world.feed_service.save_mapping(owner, vendor_id, GERMAN)
    from functions.common.errors import Forbidden

    for attempt in (
        lambda: world.feed_service.mapping(other, vendor_id),
        lambda: world.feed_service.save_mapping(other, vendor_id, GERMAN),
        lambda: world.feed_service.delete_mapping(other, vendor_id),
    ):
        with pytest.raises(Forbidden):
            attempt()
    world.feed_service.delete_mapping(owner, vendor_id)
    with pytest.raises(NotFound):
        world.feed_service.mapping(owner, vendor_id)
    with pytest.raises(NotFound):
        world.feed_service.delete_mapping(other, other_id)


def _written(cents: int, decimal_comma: bool, grouped: bool, symbol: str) -> str:
    whole, rest = divmod(cents, 100)
    digits = f"{whole:,}" if grouped else str(whole)
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    digits = digits.replace(",", thousands)
    return f"{symbol}{digits}{decimal}{rest:02d}"


@given(
    cents=st.integers(min_value=0, max_value=99_999_999_99),
    decimal_comma=st.booleans(),
    grouped=st.booleans(),
    symbol=st.sampled_from(["", "€ ", "EUR "]),
)
def test_any_amount_written_the_vendors_way_reads_as_the_same_cents(
    cents: int, decimal_comma: bool, grouped: bool, symbol: str
) -> None:
    mapping = FeedMapping(columns={"Nr": "id"}, decimal_comma=decimal_comma, currency="EUR")
    text = _written(cents, decimal_comma, grouped, symbol)

    amount, currency = str(rewritten(mapping, {"price": text})["price"]).split(" ")

    assert (int(Decimal(amount) * 100), currency) == (cents, "EUR")
