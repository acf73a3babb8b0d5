"""Excel workbooks as feeds (logic/feeds/spreadsheet.py): Merchant columns or a shop export saved
as .xlsx, numbers and dates as a CSV would hold them, and files that only look like workbooks
refused in plain words. The workbooks are made here with openpyxl."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date

import pytest
from openpyxl import Workbook

from functions.vendor.logic.feeds import spreadsheet
from functions.vendor.logic.feeds.parsing import FeedRejected, RawRow, RowProblem, open_feed
from tests.unit.vendor.conftest import World
from tests.unit.vendor.test_feed_import import run, upload
from tests.unit.vendor.test_feed_shopify import LEGACY, PRODUCTS


def workbook(*rows: Sequence[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MERCHANT = workbook(
    [],  # a blank first row: the header is the first row with a value
    ["id", "title", "price", "quantity", "gtin", "sale_price_effective_date", "availability", "Notes"],
    ["F-1", "Stadsfiets", "499.00 EUR", 3, 8712345678906, None, "in stock", "kept"],
    [],
    ["F-2", "Fietshelm", "39.5 EUR", 12.0, None, None, "in stock", None],
    ["F-3", "Bel", "4.95 EUR", 0, None, None, "out of stock", None, "stray value"],
)


def test_a_workbook_with_merchant_columns_reads_like_a_csv() -> None:
    reader = open_feed([MERCHANT[:1000], MERCHANT[1000:]])
    found = list(reader.rows())

    assert (reader.format, reader.columns["Notes"]) == ("xlsx", None)
    [bike, helmet, bell] = found
    assert isinstance(bike, RawRow)
    assert isinstance(helmet, RawRow)
    assert (bike.line, helmet.line) == (3, 5)
    assert (bike.fields["quantity"], bike.fields["gtin"]) == ("3", "8712345678906")  # numbers as written
    assert helmet.fields["quantity"] == "12"
    assert isinstance(bell, RowProblem)
    assert (bell.line, bell.code) == (6, "column_count")


def test_cells_become_the_text_a_csv_would_hold() -> None:
    assert [spreadsheet.cell_text(v) for v in (None, True, 3.0, 2.5, date(2026, 12, 1), " x ")] == [
        "",
        "TRUE",
        "3",
        "2.5",
        "2026-12-01",
        "x",
    ]


def test_a_shopify_export_saved_as_a_workbook_is_read_as_one() -> None:
    reader = open_feed([workbook(LEGACY, *PRODUCTS)])
    ids = {row.fields["id"] for row in reader.rows() if isinstance(row, RawRow)}

    assert reader.format == "shopify"
    assert ids == {"TRUI-R-M", "TRUI-R-L", "sjaal-1"}


def test_a_workbook_imports_its_rows_and_reports_the_broken_one(world: World) -> None:
    _, _, _, key = upload(world, MERCHANT, filename="feed.xlsx")

    feed = run(world, key)

    assert feed is not None
    assert (feed.status, feed.format, feed.counts.created, feed.counts.rejected) == ("completed", "xlsx", 2, 1)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_zip({"readme.txt": b"not a workbook"}), "unsupported_format"),
        (_zip({"xl/workbook.xml": b"<broken"}), "unreadable_workbook"),
        (b"PK\x03\x04" + b"\x00" * 300, "unreadable_workbook"),
        (workbook(), "empty_workbook"),
    ],
    ids=["a zip of something else", "a damaged workbook", "not a zip at all", "an empty sheet"],
)
def test_files_that_only_look_like_workbooks_are_refused_in_plain_words(data: bytes, code: str) -> None:
    with pytest.raises(FeedRejected) as refused:
        list(open_feed([data]).rows())

    assert refused.value.code == code


def test_a_workbook_that_would_unpack_too_large_is_refused_unopened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 10_000)
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * 50_000})

    with pytest.raises(FeedRejected) as refused:
        open_feed([bomb])

    assert refused.value.code == "workbook_too_large"
