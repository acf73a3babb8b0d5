"""Feed parsers per format with good, bad and hostile files."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.vendor.logic.feeds.parsing import FeedRejected, RawRow, RowProblem, open_feed
from tests.unit.vendor.feedgen import csv_bytes, rows, xml_bytes


def read_all(data: bytes, mode: str = "upsert", chunk: int = 1000) -> tuple[str, list[RawRow | RowProblem]]:
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
    reader = open_feed(chunks, mode)  # type: ignore[arg-type]
    return reader.format, list(reader.rows())


def good(items: list[RawRow | RowProblem]) -> list[RawRow]:
    return [item for item in items if isinstance(item, RawRow)]


# --- good files -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimited_files_in_any_delimiter(delimiter: str) -> None:
    data = csv_bytes(rows(30), delimiter=delimiter)

    fmt, items = read_all(data)

    assert fmt == "csv"
    assert [row.fields["id"] for row in good(items)] == [f"SKU-{i:06d}" for i in range(30)]
    assert good(items)[1].fields["price"] == "20.01 EUR"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("cp1252", b""),
    ],
)
def test_encodings_are_detected(encoding: str, bom: bytes) -> None:
    items = rows(20, title="Größe Übergangsjacke für Café €")
    data = bom + csv_bytes(items, encoding=encoding)

    _, parsed = read_all(data, chunk=333)

    assert [r.fields["title"] for r in good(parsed)] == [f"Größe Übergangsjacke für Café € {i}" for i in range(20)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_are_detected(newline: str) -> None:
    text = newline.join(["ID;Title;Price", "a1;Schal;9.95 EUR", 'a2;"Mütze;\nzweifarbig";12 EUR', ""])

    _, parsed = read_all(text.encode())

    rows_ = good(parsed)
    assert [r.fields["id"] for r in rows_] == ["a1", "a2"]
    assert rows_[1].fields["title"] == "Mütze;\nzweifarbig"
    assert rows_[1].line == 3


def test_headers_match_case_insensitively_with_prefix_and_spaces() -> None:
    data = b"G:ID,Title,PRICE,image link,Additional_Image_Link,additional_image_link,unknown\nx,T,1.00 EUR,http://i/1,http://i/2,http://i/3,z\n"

    reader = open_feed([data])
    row = good(list(reader.rows()))[0]

    assert row.fields == {
        "id": "x",
        "title": "T",
        "price": "1.00 EUR",
        "image_link": "http://i/1",
        "additional_image_link": ["http://i/2", "http://i/3"],
    }
    assert reader.columns["unknown"] is None


def test_jsonl_with_merchant_api_prices() -> None:
    data = (
        b'{"id": "j1", "title": "Tasse", "price": {"value": "7.50", "currency": "EUR"}, "quantity": 3}\n'
        b"\n[1]\n{bad json\n"
    )

    fmt, parsed = read_all(data)

    assert fmt == "jsonl"
    assert good(parsed)[0].fields == {"id": "j1", "title": "Tasse", "price": "7.50 EUR", "quantity": "3"}
    problems = [p for p in parsed if isinstance(p, RowProblem)]
    assert [(p.line, p.code) for p in problems] == [(3, "invalid_json"), (4, "invalid_json")]


def test_merchant_center_rss() -> None:
    data = xml_bytes(rows(3))
    data = data.replace(
        b"</item>", b"<g:shipping><g:country>NL</g:country><g:price>4.95 EUR</g:price></g:shipping></item>", 1
    )

    fmt, parsed = read_all(data, chunk=50)

    assert fmt == "xml"
    items = good(parsed)
    assert [r.fields["id"] for r in items] == ["SKU-000000", "SKU-000001", "SKU-000002"]
    assert items[0].fields["shipping"] == ["NL:::4.95 EUR"]


def test_atom_feed() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">'
        b"<entry><g:id>a</g:id><title>T</title><g:price>1 EUR</g:price></entry></feed>"
    )

    _, parsed = read_all(data)

    assert good(parsed)[0].fields == {"id": "a", "title": "T", "price": "1 EUR"}


# --- bad rows -------------------------------------------------------------------------------


def test_row_with_too_many_values_is_a_row_problem() -> None:
    data = b"id,title,price\na,b,1 EUR\nc,d,2 EUR,extra\n"

    _, parsed = read_all(data)

    assert isinstance(parsed[1], RowProblem)
    assert (parsed[1].line, parsed[1].code) == (3, "column_count")


def test_invalid_utf8_mid_file_rejects_only_that_row() -> None:
    head = csv_bytes(rows(2000))
    data = head + b"bad-1,Caf\xe9 latte,2.00 EUR,in stock,1,,,new,\r\n"

    _, parsed = read_all(data)

    assert isinstance(parsed[-1], RowProblem)
    assert parsed[-1].code == "invalid_encoding"
    assert len(good(parsed)) == 2000


# --- files that are not feeds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"   \n\n", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary_file"),
        (b"PK\x03\x04" + bytes(200), "unreadable_workbook"),
        (b"name,colour\nshirt,red\n", "missing_columns"),
        (b"id,title\n1,x\n", "missing_columns"),
        (b'[{"id": 1}]', "unsupported_format"),
        (b"<html><body>hi</body></html>", "unsupported_format"),
    ],
)
def test_not_a_feed(data: bytes, code: str) -> None:
    with pytest.raises(FeedRejected) as caught:
        read_all(data)

    assert caught.value.code == code
    assert caught.value.reason


def test_partial_mode_needs_only_the_id_column() -> None:
    _, parsed = read_all(b"id,quantity\na,3\n", mode="partial")

    assert good(parsed)[0].fields == {"id": "a", "quantity": "3"}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><item><g:id>&lol3;</g:id></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><id>&xxe;</id></item></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"<rss>" + b"<a>" * 100 + b"</a>" * 100 + b"</rss>",
        b"<rss><channel><item><id>1</id></item>",
        b"<rss><channel><item><id>1</id></itm></channel></rss>",
    ],
    ids=["billion-laughs", "external-entity", "deep-nesting", "truncated", "mismatched-tag"],
)
def test_hostile_xml_is_refused(data: bytes) -> None:
    with pytest.raises(FeedRejected) as caught:
        read_all(data)

    assert caught.value.code in {"malformed_xml", "xml_too_deep", "unreadable"}


def test_dtd_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(FeedRejected) as caught:
        read_all(BILLION_LAUGHS)

    assert "DTD" in caught.value.reason or "DOCTYPE" in caught.value.reason.upper()


def test_overlong_field_is_a_row_problem_not_a_crash() -> None:
    data = b"id,title,price\na," + b"x" * 300_000 + b",1 EUR\nb,ok,2 EUR\n"

    _, parsed = read_all(data, chunk=65536)

    assert any(isinstance(p, RowProblem) and p.code == "malformed_row" for p in parsed)


def test_overlong_json_line_is_skipped() -> None:
    data = b'{"id": "a", "title": "' + b"x" * 1_100_000 + b'"}\n{"id": "b", "title": "t", "price": "1 EUR"}\n'

    _, parsed = read_all(data, chunk=65536)

    assert isinstance(parsed[0], RowProblem)
    assert parsed[0].code == "line_too_long"
    assert good(parsed)[0].fields["id"] == "b"


def test_deeply_nested_json_is_a_row_problem() -> None:
    data = b'{"id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"

    _, parsed = read_all(data, chunk=65536)

    assert isinstance(parsed[0], RowProblem)


# --- the property: any bytes give rows or one clear rejection --------------------------------


def _consume(data: bytes, chunk: int) -> None:
    try:
        reader = open_feed([data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""])
        for item in reader.rows():
            assert isinstance(item, RawRow | RowProblem)
            if isinstance(item, RawRow):
                assert all(isinstance(v, str | list) for v in item.fields.values())
    except FeedRejected as rejected:
        problem = (rejected.code, rejected.reason)
        assert all(problem), problem


SEEDS = [
    b"id,title,price\n",
    b"<rss><channel><item>",
    b'{"id": "',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\t;|,\"'\r\n",
    b"<!DOCTYPE x [",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048), chunk=st.integers(min_value=1, max_value=300))
def test_any_bytes_give_rows_or_a_clear_error(data: bytes, chunk: int) -> None:
    _consume(data, chunk)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(SEEDS),
    data=st.binary(max_size=1024),
    text=st.text(max_size=300),
    chunk=st.integers(min_value=1, max_value=300),
)
def test_feed_like_bytes_give_rows_or_a_clear_error(prefix: bytes, data: bytes, text: str, chunk: int) -> None:
    _consume(prefix + text.encode("utf-8", "surrogatepass") + data, chunk)
