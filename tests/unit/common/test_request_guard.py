"""Bodies no route should see are refused before routing, with the error shape and a 4xx."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.api import lambda_entry
from functions.common.errors import PleinError
from functions.common.json_text import MAX_JSON_DEPTH
from functions.common.request_guard import checked_event
from tests.unit.common.test_errors_and_api import app, rest_event
from tests.unit.test_api_smoke import FakeLambdaContext

handler = lambda_entry(app)
CLAIMS = {"sub": "u-1", "cognito:groups": "shopper"}


def post(body: str | None, content_type: str | None = "application/json", *, encoded: bool = False) -> tuple[int, Any]:
    event = rest_event("POST", "/widgets", claims=CLAIMS)
    event["body"] = body
    event["isBase64Encoded"] = encoded
    event["headers"] = {"Content-Type": content_type} if content_type else {}
    response = handler(event, FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture(autouse=True)
def _service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")


def test_valid_json_reaches_the_route() -> None:
    status, body = post(json.dumps({"name": "w", "count": 1}))

    assert status == 200
    assert body == {"owner": "u-1", "name": "w", "count": 1}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded", "application/merge-patch+json"],
)
def test_declared_non_json_media_type_is_415(content_type: str) -> None:
    status, body = post(json.dumps({"name": "w", "count": 1}), content_type)

    assert status == 415
    assert body["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON", None])
def test_json_media_types_and_no_declaration_are_accepted(content_type: str | None) -> None:
    status, _ = post(json.dumps({"name": "w", "count": 1}), content_type)

    assert status == 200


@pytest.mark.parametrize(
    "raw",
    [b'{"name": "\xff\xfe", "count": 1}', '{"name":"w","count":1}'.encode("utf-16"), b"\xc3\x28"],
)
def test_body_that_is_not_utf8_is_400(raw: bytes) -> None:
    status, body = post(base64.b64encode(raw).decode(), encoded=True)

    assert status == 400
    assert body["error"]["code"] == "invalid_encoding"


def test_base64_body_in_utf8_is_decoded_for_the_route() -> None:
    raw = json.dumps({"name": "fiets ö", "count": 2}).encode()

    status, body = post(base64.b64encode(raw).decode(), encoded=True)

    assert (status, body["name"]) == (200, "fiets ö")


def test_lone_surrogate_text_is_400() -> None:
    status, body = post('{"name": "\udcff", "count": 1}')

    assert (status, body["error"]["code"]) == (400, "invalid_encoding")


def test_deep_nesting_is_400_without_recursion() -> None:
    status, body = post("[" * 100_000 + "]" * 100_000)

    assert (status, body["error"]["code"]) == (400, "json_too_deep")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    status, _ = post(json.dumps({"name": "[" * 500, "count": 1}))

    assert status == 200


@pytest.mark.parametrize("number", ["9" * 5000, "1." + "5" * 5000, "1e" + "9" * 60])
def test_very_long_numbers_are_400(number: str) -> None:
    status, body = post(f'{{"name": "w", "count": {number}}}')

    assert (status, body["error"]["code"]) == (400, "number_too_long")


@pytest.mark.parametrize("body", ["{", "NaN", '{"count": Infinity}', "nul"])
def test_malformed_json_is_400(body: str) -> None:
    status, answer = post(body)

    assert (status, answer["error"]["code"]) == (400, "invalid_json")


def test_refusals_carry_cors_headers() -> None:
    event = rest_event("POST", "/widgets", claims=CLAIMS)
    event["headers"] = {"Content-Type": "text/plain"}
    event["body"] = "x"

    response = handler(event, FakeLambdaContext())

    assert response["headers"]["Access-Control-Allow-Origin"] == "*"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=30,
    )
)
def test_any_json_within_limits_passes_unchanged(value: Any) -> None:
    text = json.dumps(value)
    event = {"body": text, "headers": {"content-type": "application/json"}}

    def depth(v: Any) -> int:
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else []
        return 1 + max((depth(c) for c in children), default=0) if isinstance(v, (dict, list)) else 0

    if depth(value) <= MAX_JSON_DEPTH:
        assert checked_event(event) is event


def test_a_one_click_unsubscribe_form_post_passes_without_its_body() -> None:
    # RFC 8058: mail clients POST `List-Unsubscribe=One-Click` as a form to the header's URL
    event = {"body": "List-Unsubscribe=One-Click", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    assert checked_event(event) == {"body": None, "isBase64Encoded": False, "headers": {}}
    other_form = {"body": "a=1", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    with pytest.raises(PleinError) as refused:
        checked_event(other_form)
    assert refused.value.code == "unsupported_media_type"
