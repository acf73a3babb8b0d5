"""Feed files as a stream of raw rows: encoding, format, delimiter and header are detected.

`open_feed(chunks, mode)` reads only a first sample eagerly (to detect the encoding, the format
and, for delimited text, the delimiter and the header); everything after it is streamed, so memory
stays flat whatever the file size. Any byte string gives either a reader whose rows are
`RawRow`s and `RowProblem`s, or a single `FeedRejected` with a code and a clear reason; nothing
else escapes (tests/unit/vendor/test_feed_parsing.py checks that with Hypothesis).

Formats: delimited text (CSV, TSV, semicolon or pipe separated, quoted or not), JSON Lines,
and Google Merchant Center XML (RSS 2.0 `<item>` or Atom `<entry>`, `g:` namespace optional),
parsed with defusedxml with DTDs refused (no entity expansion, no external entities); and the
product CSV exports of Shopify and WooCommerce, recognised by their header (logic/feeds/shopify.py,
logic/feeds/woocommerce.py). Excel workbooks (.xlsx) are read from their first sheet, with the same
columns (logic/feeds/spreadsheet.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_args
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from functions.common.json_text import loads_bounded
from functions.vendor.logic.domain import REPEATABLE_TARGETS, FeedFormat, FeedMapping, FeedMode, MappingTarget

SAMPLE_BYTES = 64 * 1024
MAX_JSON_LINE = 1024 * 1024
MAX_XML_DEPTH = 12
MAX_CONTROL_SHARE = 0.01
DELIMITERS = (",", "\t", ";", "|")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a ZIP file

FIELDS = frozenset(get_args(MappingTarget))
"""The Merchant Center field names a column may have (the same a mapping may name)."""
REPEATABLE = REPEATABLE_TARGETS
REQUIRED: dict[str, tuple[str, ...]] = {
    "upsert": ("id", "title", "price"),
    "replace": ("id", "title", "price"),
    "partial": ("id",),
}
ALLOWED_SINGLE_BYTE = ("cp1252", "latin_1", "iso8859_15")


class FeedRejected(Exception):
    """The file is not a feed we can read; nothing was (or will be) imported from it."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class RawRow:
    """One row as written: recognised field names → text (a list for repeatable fields)."""

    line: int
    fields: dict[str, str | list[str]]


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read at all (broken quoting, invalid JSON, too long...)."""

    line: int
    code: str
    message: str
    field: str | None = None


def canonical_name(raw: str) -> str:
    name = raw.strip().strip("\ufeff").strip().lower()
    name = name.removeprefix("g:")
    return re.sub(r"[\s\-]+", "_", name)


class _ChunkStream(io.RawIOBase):
    """A readable binary stream over an iterator of byte chunks, counting what was consumed."""

    def __init__(self, head: bytes, rest: Iterator[bytes]):
        self._buffer = head
        self._rest = rest
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = bytes(next(self._rest))
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self.bytes_read += size
        return size


@dataclass
class FeedReader:
    format: FeedFormat
    encoding: str
    columns: dict[str, str | None]
    _stream: _ChunkStream
    _rows: Iterator[RawRow | RowProblem] = field(repr=False)
    mapped: bool = False
    """Read through the vendor's saved (or a previewed) column mapping."""
    missing: list[str] = field(default_factory=list)
    """Required fields no column gives (a preview's reader only; an import is refused instead)."""

    @property
    def bytes_read(self) -> int:
        return self._stream.bytes_read

    def rows(self) -> Iterator[RawRow | RowProblem]:
        """Rows in file order. Raises FeedRejected if the file turns out broken part-way (XML)."""
        try:
            yield from self._rows
        except FeedRejected:
            raise
        except (ParseError, DefusedXmlException) as exc:
            raise FeedRejected("malformed_xml", f"the XML is not well-formed: {exc}") from exc
        except (UnicodeError, LookupError, csv.Error, ValueError, RecursionError) as exc:
            raise FeedRejected("unreadable", f"the file could not be read further: {exc}") from exc


@dataclass(frozen=True)
class Reading:
    """How a table is read: the import mode, the vendor's column mapping, and whether this is a
    preview (a header without a required column then gives a reader naming them, not a refusal)."""

    mode: FeedMode = "upsert"
    mapping: FeedMapping | None = None
    preview: bool = False


def open_feed(
    chunks: Iterable[bytes], mode: FeedMode = "upsert", *, mapping: FeedMapping | None = None, preview: bool = False
) -> FeedReader:
    """Detect encoding and format from the first bytes and prepare a streaming reader."""
    reading = Reading(mode, mapping, preview)
    source = iter(chunks)
    try:
        head = _read_sample(source)
        if head.startswith(ZIP_MAGIC):
            from functions.vendor.logic.feeds.spreadsheet import workbook_reader

            return workbook_reader(_ChunkStream(head, source), reading)
        sample = head[:SAMPLE_BYTES]
        encoding = detect_encoding(sample)
        text = _decode_sample(sample, encoding)
        format_ = detect_format(text)
        stream = _ChunkStream(head, source)
        if format_ == "xml":
            return FeedReader("xml", encoding, {}, stream, _xml_rows(stream))
        if format_ == "jsonl":
            text_stream = io.TextIOWrapper(io.BufferedReader(stream), encoding=encoding, errors="replace", newline="")
            return FeedReader("jsonl", encoding, {}, stream, _jsonl_rows(text_stream))
        return _delimited_reader(stream, encoding, text, reading)
    except (UnicodeError, LookupError, csv.Error, ValueError) as exc:
        raise FeedRejected("unreadable", f"the file could not be read: {exc}") from exc


def _read_sample(source: Iterator[bytes]) -> bytes:
    """Whole chunks up to at least SAMPLE_BYTES (the detection looks at the first SAMPLE_BYTES)."""
    parts: list[bytes] = []
    size = 0
    while size < SAMPLE_BYTES:
        try:
            chunk = bytes(next(source))
        except StopIteration:
            break
        parts.append(chunk)
        size += len(chunk)
    head = b"".join(parts)
    if not head.strip():
        raise FeedRejected("empty_file", "the file is empty")
    return head


def detect_encoding(sample: bytes) -> str:  # noqa: PLR0911 - one return per detected encoding
    """BOM first; then UTF-16 by its zero bytes; then strict UTF-8; then charset-normalizer."""
    if sample.startswith(codecs.BOM_UTF32_LE) or sample.startswith(codecs.BOM_UTF32_BE):
        return "utf-32"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    zero_even = sample[0::2].count(0)
    zero_odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if zero_odd > 0.3 * half and zero_even < 0.05 * half:
        return "utf-16-le"
    if zero_even > 0.3 * half and zero_odd < 0.05 * half:
        return "utf-16-be"
    if 0 in sample:
        raise FeedRejected("binary_file", "the file contains binary data (NUL bytes): it is not a text feed")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    return _guess_single_byte(sample)


def _guess_single_byte(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:16_384], cp_isolation=list(ALLOWED_SINGLE_BYTE)).best()
    guess = codecs.lookup(best.encoding).name if best is not None else "cp1252"
    for candidate in (guess, "cp1252"):
        if candidate in {codecs.lookup(name).name for name in ALLOWED_SINGLE_BYTE}:
            try:
                sample.decode(candidate)
            except UnicodeDecodeError:
                continue
            return candidate
    raise FeedRejected(
        "unsupported_encoding", "the file is neither UTF-8, UTF-16 nor Windows-1252 text: save it as UTF-8"
    )


def _decode_sample(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    if not text.strip():
        raise FeedRejected("empty_file", "the file is empty")
    control = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n\f")
    replaced = text.count("\ufffd")
    if control > MAX_CONTROL_SHARE * len(text) or replaced > MAX_CONTROL_SHARE * len(text) + 2:
        raise FeedRejected("binary_file", f"the file does not look like {encoding} text (binary or wrong encoding)")
    return text


def detect_format(text: str) -> FeedFormat:
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return "xml"
    if start == "{":
        return "jsonl"
    if start == "[":
        raise FeedRejected("unsupported_format", "a JSON array is not a feed: write one JSON object per line")
    return "csv"


# --- delimited text -------------------------------------------------------------------------


def _first_record(text: str, delimiter: str, quotechar: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    # A header never spans many lines; feed the sample minus its possibly truncated last line.
    usable = lines[:-1] if len(lines) > 1 else lines
    reader = csv.reader(usable, delimiter=delimiter, quotechar=quotechar)
    try:
        return next(reader, [])
    except csv.Error:
        return []


def detect_dialect(text: str, mapping: FeedMapping | None = None) -> tuple[str, str, list[str]]:
    """(delimiter, quotechar, header): the delimiter that makes the most recognised column names
    (Merchant Center names, or the columns of the vendor's mapping)."""
    from functions.vendor.logic.feeds.mapping import match_key

    known_names = FIELDS | ({match_key(name) for name in mapping.columns} if mapping else set())
    body = text.lstrip("\ufeff")
    quotechar = '"'
    try:
        sniffed = csv.Sniffer().sniff(body[:8192], delimiters="".join(DELIMITERS))
        if sniffed.quotechar in ("'", '"'):
            quotechar = sniffed.quotechar
    except csv.Error:
        pass
    best: tuple[int, int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        header = _first_record(body, delimiter, quotechar)
        known = sum(1 for name in header if {canonical_name(name), match_key(name)} & known_names)
        candidate = (known, len(header), delimiter, header)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None
    return best[2], quotechar, best[3]


def _delimited_reader(stream: _ChunkStream, encoding: str, text: str, reading: Reading) -> FeedReader:
    delimiter, quotechar, header = detect_dialect(text, reading.mapping)
    text_stream = io.TextIOWrapper(io.BufferedReader(stream), encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text_stream, delimiter=delimiter, quotechar=quotechar, strict=False)
    return table_reader("csv", encoding, stream, header=header, found=records(reader, len(header)), reading=reading)


Records = Iterator[tuple[int, list[str]] | RowProblem]
"""A table's data records with their line numbers (the header already read), or why one is broken."""


def table_reader(
    format_: FeedFormat, encoding: str, stream: _ChunkStream, *, header: list[str], found: Records, reading: Reading
) -> FeedReader:
    """The reader of a table (delimited text, a spreadsheet's sheet) with this header: through the
    vendor's mapping when the header has its id column (logic/feeds/mapping.py), a shop platform's
    export when the header is one's (Shopify, WooCommerce: logic/feeds/shopify.py,
    logic/feeds/woocommerce.py), else Merchant Center columns."""
    from functions.vendor.logic.feeds import mapping, shopify, woocommerce

    if reading.mapping is not None and mapping.header_applies(reading.mapping, header):
        columns = mapping.column_fields(reading.mapping, header)
        missing = _missing(columns, reading, header, expected=mapping.absent_columns(reading.mapping, header))
        rows = _merchant_rows(found, [columns[name] for name in header], reading.mapping)
        return FeedReader(format_, encoding, columns, stream, iter(()) if missing else rows, True, missing)
    platforms: tuple[tuple[FeedFormat, Any], ...] = (("shopify", shopify), ("woocommerce", woocommerce))
    for platform_format, platform in platforms:
        if platform.recognises(header):
            columns = platform.columns_of(header)
            rows = platform.merchant_rows(found, [columns[name] for name in header])
            return FeedReader(platform_format, encoding, columns, stream, rows)
    columns = {name: (canonical_name(name) if canonical_name(name) in FIELDS else None) for name in header}
    missing = _missing(columns, reading, header)
    rows = _merchant_rows(found, [columns[name] for name in header])
    return FeedReader(format_, encoding, columns, stream, iter(()) if missing else rows, False, missing)


def _missing(
    columns: dict[str, str | None], reading: Reading, header: list[str], expected: dict[str, str] | None = None
) -> list[str]:
    """The required fields no column gives; an import (not a preview) is refused naming them."""
    present = {name for name in columns.values() if name}
    missing = [name for name in REQUIRED[reading.mode] if name not in present]
    if not missing or reading.preview:
        return missing
    shown = ", ".join(repr(name) for name in header[:12]) or "nothing"
    if expected is not None:
        named = [f"{name} (the mapping reads it from {expected[name]!r})" for name in missing if name in expected]
        unmapped = [name for name in missing if name not in expected]
        parts = ([f"the file has no column {', '.join(named)}"] if named else []) + (
            [f"the saved mapping maps no column to {', '.join(unmapped)}"] if unmapped else []
        )
        raise FeedRejected("missing_columns", f"{'; '.join(parts)} (the first line has {shown})")
    raise FeedRejected(
        "missing_columns",
        f"the feed has no column for {', '.join(missing)} (the first line has {shown}); "
        "column names follow the Google Merchant Center product data specification, "
        "or save a column mapping for your own spreadsheet",
    )


def records(reader: Any, width: int) -> Records:
    """The data records of a delimited file with `width` columns and their line numbers; a record
    that cannot be read, has too many values or bytes invalid in the encoding is a RowProblem."""
    previous_line = 0
    first = True
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous_line + 1
            previous_line = reader.line_num
            yield RowProblem(line, "malformed_row", f"the row cannot be read: {exc}")
            continue
        line, previous_line = previous_line + 1, reader.line_num
        if first:
            first = False
            continue
        if not any(value.strip() for value in record):
            continue
        if len(record) > width:
            message = f"the row has {len(record)} values but the header has {width} columns"
            yield RowProblem(line, "column_count", message)
            continue
        if "\ufffd" in "".join(record):
            yield RowProblem(line, "invalid_encoding", "the row has bytes that are not valid in the file's encoding")
            continue
        yield line, record


def _merchant_rows(
    found: Records, names: list[str | None], mapping: FeedMapping | None = None
) -> Iterator[RawRow | RowProblem]:
    from functions.vendor.logic.feeds.mapping import rewritten

    for item in found:
        if isinstance(item, RowProblem):
            yield item
            continue
        line, record = item
        fields: dict[str, str | list[str]] = {}
        for name, value in zip(names, record, strict=False):
            if name is not None:
                _put(fields, name, value)
        yield RawRow(line, rewritten(mapping, fields) if mapping is not None else fields)


def _put(fields: dict[str, str | list[str]], name: str, value: str) -> None:
    value = value.strip()
    if name in REPEATABLE:
        existing = fields.setdefault(name, [])
        assert isinstance(existing, list)
        if value:
            existing.append(value)
    elif value or name not in fields:
        fields[name] = value


# --- JSON Lines -------------------------------------------------------------------------------


def _jsonl_rows(text: io.TextIOWrapper) -> Iterator[RawRow | RowProblem]:  # noqa: PLR0912
    line_number = 0
    while True:
        line = text.readline(MAX_JSON_LINE + 1)
        if not line:
            return
        line_number += 1
        if len(line) > MAX_JSON_LINE and not line.endswith("\n"):
            while True:  # skip the rest of the over-long line
                more = text.readline(MAX_JSON_LINE)
                if not more or more.endswith("\n"):
                    break
            yield RowProblem(line_number, "line_too_long", f"the line is longer than {MAX_JSON_LINE} characters")
            continue
        if not line.strip():
            continue
        if "\ufffd" in line:
            yield RowProblem(line_number, "invalid_encoding", "the line has bytes that are not valid in the encoding")
            continue
        try:
            value = loads_bounded(line)
        except ValueError as exc:
            yield RowProblem(line_number, "invalid_json", f"the line is not valid JSON: {str(exc)[:200]}")
            continue
        if not isinstance(value, dict):
            yield RowProblem(line_number, "invalid_json", "each line must be one JSON object")
            continue
        fields: dict[str, str | list[str]] = {}
        problem = None
        for key, raw in value.items():
            name = canonical_name(str(key))
            if name not in FIELDS:
                continue
            texts = _json_texts(raw)
            if texts is None:
                problem = RowProblem(line_number, "invalid_value", f"{key} must be text or a number", field=name)
                break
            for item in texts:
                _put(fields, name, item)
        yield problem or RawRow(line_number, fields)


def _json_texts(raw: Any) -> list[str] | None:  # noqa: PLR0911 - one return per JSON type
    if raw is None:
        return []
    if isinstance(raw, bool):
        return ["true" if raw else "false"]
    if isinstance(raw, str | int | float):
        return [str(raw)]
    if isinstance(raw, dict):
        value, currency = raw.get("value"), raw.get("currency")
        if isinstance(value, str | int | float) and not isinstance(value, bool) and isinstance(currency, str):
            return [f"{value} {currency}"]
        if all(isinstance(item, str | int | float) for item in raw.values()):
            return [":".join(str(item) for item in raw.values())]
        return None
    if isinstance(raw, list):
        texts: list[str] = []
        for item in raw:
            inner = _json_texts(item) if not isinstance(item, list) else None
            if inner is None:
                return None
            texts.extend(inner)
        return texts
    return None


# --- Google Merchant Center XML ------------------------------------------------------------------


def _local(tag: Any) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _xml_rows(stream: _ChunkStream) -> Iterator[RawRow | RowProblem]:
    from defusedxml.ElementTree import iterparse

    depth = 0
    root_name: str | None = None
    item_number = 0
    container: Element | None = None
    container_depth = 0
    for event, element in iterparse(io.BufferedReader(stream), events=("start", "end"), forbid_dtd=True):
        name = _local(element.tag)
        if event == "start":
            depth += 1
            if depth > MAX_XML_DEPTH:
                raise FeedRejected("xml_too_deep", f"the XML nests deeper than {MAX_XML_DEPTH} levels")
            if root_name is None:
                root_name = name
                if name not in ("rss", "feed", "channel"):
                    raise FeedRejected(
                        "unsupported_format", f"the XML root <{name}> is not a Merchant Center RSS or Atom feed"
                    )
            if name in ("channel", "feed") and container is None and depth <= 2:
                container, container_depth = element, depth
            continue
        depth -= 1
        if container is None or depth != container_depth:
            continue
        # A direct child of <channel> or <feed>: an item, or channel metadata we do not keep.
        if name in ("item", "entry"):
            item_number += 1
            yield _xml_item(item_number, element)
        container.clear()  # drop finished children, keeping memory flat
    if root_name is None:
        raise FeedRejected("malformed_xml", "the XML has no root element")


def _xml_item(number: int, item: Element) -> RawRow | RowProblem:
    fields: dict[str, str | list[str]] = {}
    for child in item:
        name = _local(child.tag)
        if name not in FIELDS:
            continue
        if len(child):
            parts = {_local(part.tag): (part.text or "").strip() for part in child}
            if name == "shipping":
                value = ":".join(parts.get(key, "") for key in ("country", "region", "service", "price"))
            else:
                value = " ".join(text for text in parts.values() if text)
        else:
            value = child.text or ""
        _put(fields, name, value)
    return RawRow(number, fields)
