"""Excel workbooks (.xlsx) as feeds: the first sheet is the table, its first non-empty row the
header, with the same columns as a CSV feed (Merchant Center names, or a Shopify or WooCommerce
export saved as a workbook).

The upload is spooled (memory, then a temporary file) because a workbook is a ZIP file read from
its end; the ZIP's directory is checked before openpyxl opens it (read-only, values not formulas),
so that a workbook unpacking to more than MAX_UNPACKED_BYTES (a ZIP bomb) is refused without
being unpacked. Cells become the text a CSV export would hold: whole numbers without a decimal
part, dates in ISO 8601, TRUE/FALSE. Leading zeros of numbers are gone in any spreadsheet; a GTIN
typed as a number loses them, which its check digit then reports.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import IO, Any

from functions.vendor.logic.feeds.parsing import FeedReader, FeedRejected, Reading, Records, RowProblem, table_reader

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
SPOOL_IN_MEMORY = 16 * 1024 * 1024
MAX_COLUMNS = 200


def workbook_reader(stream: Any, reading: Reading) -> FeedReader:
    """The feed in the workbook `stream` holds (its first sheet), or FeedRejected in plain words."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - lives as long as the reader
    shutil.copyfileobj(stream, spool)
    spool.seek(0)
    _check_archive(spool)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(spool, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FeedRejected("unreadable_workbook", "the Excel file is damaged or not a workbook (.xlsx)") from exc
    if not workbook.worksheets:
        raise FeedRejected("empty_workbook", "the workbook has no sheet")
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    line, header = _header(rows)
    found = _records(rows, line, len(header))
    return table_reader("xlsx", "xlsx", stream, header=header, found=found, reading=reading)


def _check_archive(spool: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(spool) as archive:
            names = set(archive.namelist())
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise FeedRejected("unreadable_workbook", "the file starts like a ZIP file but is not one") from exc
    if "xl/workbook.xml" not in names:
        raise FeedRejected("unsupported_format", "a ZIP file that is not an Excel workbook (.xlsx) is not a feed")
    if unpacked > MAX_UNPACKED_BYTES:
        raise FeedRejected(
            "workbook_too_large", f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB: save it as CSV"
        )
    spool.seek(0)


def _header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, list[str]]:
    """The first row with a value, as column names, and its line number."""
    for line, values in enumerate(rows, start=1):
        texts = [cell_text(value) for value in values[:MAX_COLUMNS]]
        if any(texts):
            while texts and not texts[-1]:
                texts.pop()
            return line, texts
    raise FeedRejected("empty_workbook", "the first sheet of the workbook is empty")


def _records(rows: Iterator[tuple[Any, ...]], header_line: int, width: int) -> Records:
    line = header_line
    try:
        for line, values in enumerate(rows, start=header_line + 1):
            texts = [cell_text(value) for value in values]
            if not any(texts):
                continue
            if any(texts[width:]):
                message = f"the row has values beyond the header's {width} columns"
                yield RowProblem(line, "column_count", message)
                continue
            yield line, texts[:width]
    except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
        raise FeedRejected("unreadable_workbook", f"the sheet is damaged after row {line}") from exc


def cell_text(value: Any) -> str:
    """A cell's value as a CSV export would write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()
