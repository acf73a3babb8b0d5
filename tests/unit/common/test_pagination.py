from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.errors import BadRequest
from functions.common.pagination import MAX_LIMIT, CursorCodec, clamp_limit

CODEC = CursorCodec("a-secret-of-sufficient-length")
payloads = st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=20)), max_size=5)


@given(payloads)
def test_round_trip(payload: dict[str, object]) -> None:
    cursor = CODEC.encode(payload, "offers:v1")

    assert CODEC.decode(cursor, "offers:v1") == payload


def test_no_cursor_means_first_page() -> None:
    assert CODEC.encode(None, "x") is None
    assert CODEC.decode(None, "x") is None
    assert CODEC.decode("", "x") is None


def test_altered_payload_is_refused() -> None:
    cursor = CODEC.encode({"pk": "VENDOR#a"}, "offers:a")
    assert cursor is not None
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-3] ^= 0x01
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")

    with pytest.raises(BadRequest) as refused:
        CODEC.decode(forged, "offers:a")
    assert refused.value.code == "invalid_cursor"


def test_cursor_of_another_list_is_refused() -> None:
    cursor = CODEC.encode({"pk": "VENDOR#a"}, "offers:a")

    with pytest.raises(BadRequest):
        CODEC.decode(cursor, "offers:b")


def test_cursor_signed_with_another_key_is_refused() -> None:
    cursor = CursorCodec("another-secret-of-enough-length").encode({"n": 1}, "s")

    with pytest.raises(BadRequest):
        CODEC.decode(cursor, "s")


@given(st.text(min_size=1, max_size=80))
def test_garbage_is_refused_as_an_invalid_cursor(garbage: str) -> None:
    with pytest.raises(BadRequest, match="not valid"):
        CODEC.decode(garbage, "s")


def test_limits() -> None:
    assert clamp_limit(None) == 20
    assert clamp_limit(MAX_LIMIT) == MAX_LIMIT
    for bad in (0, -1, MAX_LIMIT + 1):
        with pytest.raises(BadRequest):
            clamp_limit(bad)
