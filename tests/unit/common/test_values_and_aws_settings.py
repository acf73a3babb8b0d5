"""The shared identifier check and the AWS variables that bind tables (region and endpoint)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.common.dynamo import TableRecord, bind_table
from functions.common.settings import DEFAULT_REGION, aws_settings
from functions.common.values import Identifier, is_identifier


@pytest.mark.parametrize("value", ["of_1a2b", "v1:1", "a.b-c_d", "x" * 128])
def test_identifiers_pass_both_checks(value: str) -> None:
    assert is_identifier(value)
    assert TypeAdapter(Identifier).validate_python(value) == value


@pytest.mark.parametrize("value", ["", "x" * 129, "a b", "a/b", "ü", "abc\n"])
def test_non_identifiers_fail_both_checks(value: str) -> None:
    assert not is_identifier(value)
    with pytest.raises(ValidationError):
        TypeAdapter(Identifier).validate_python(value)


class Bound(TableRecord):
    class Meta(TableRecord.Meta):
        table_name = "unbound"


def test_bind_table_reads_region_and_endpoint_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a DynamoDB endpoint that overrides the general one, and only the default region
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:2")

    bind_table(Bound, "plein-test")

    meta: Any = Bound.Meta
    assert (meta.table_name, meta.region, meta.host) == (
        "plein-test",
        "eu-central-1",
        "http://localhost:2",
    )


def test_without_variables_the_default_region_and_no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)

    settings = aws_settings()

    assert (settings.region, settings.dynamodb_endpoint) == (DEFAULT_REGION, None)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:3")
    assert (aws_settings().region, aws_settings().dynamodb_endpoint) == ("us-east-1", "http://localhost:3")
