"""The cursor key read at run time from Secrets Manager (CURSOR_SECRET_ARN), and CORS origins."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from functions.common.errors import BadRequest
from functions.common.pagination import CursorCodec
from functions.common.settings import ApiSettings, CorsSettings, SettingsError, load_settings

BASE = {
    "POWERTOOLS_SERVICE_NAME": "plein-vendor",
    "STAGE": "prod",
    "TABLE_NAME": "plein-prod-vendor",
    "EVENT_BUS_NAME": "plein-prod",
}


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    load_settings.cache_clear()
    parameters.clear_caches()
    for name in ("CURSOR_SECRET", "CURSOR_SECRET_ARN", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    yield
    load_settings.cache_clear()
    parameters.clear_caches()


@pytest.fixture
def secret_arn(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        created = boto3.client("secretsmanager").create_secret(
            Name="plein-prod-cursor-secret", SecretString="first-key-0123456789abcdef"
        )
        yield str(created["ARN"])


def test_the_key_is_read_from_the_secret_at_run_time(monkeypatch: pytest.MonkeyPatch, secret_arn: str) -> None:
    monkeypatch.setenv("CURSOR_SECRET_ARN", secret_arn)

    settings = load_settings(ApiSettings)

    assert settings.cursor_secret == "first-key-0123456789abcdef"


def test_a_rotated_key_reaches_a_running_codec_once_the_cache_expires(
    monkeypatch: pytest.MonkeyPatch, secret_arn: str
) -> None:
    # Given a codec built once per process from the settings' key source
    monkeypatch.setenv("CURSOR_SECRET_ARN", secret_arn)
    codec = CursorCodec(load_settings(ApiSettings).cursor_key)
    old_cursor = codec.encode({"after": "a"}, "offers")
    # When the secret rotates and the cached value expires (max_age; cleared here instead of waiting)
    boto3.client("secretsmanager").put_secret_value(SecretId=secret_arn, SecretString="second-key-0123456789abcdef")
    assert codec.decode(old_cursor, "offers") == {"after": "a"}  # still cached
    parameters.clear_caches()
    # Then the same codec signs with the new key and refuses cursors signed with the old one
    with pytest.raises(BadRequest):
        codec.decode(old_cursor, "offers")
    assert CursorCodec("second-key-0123456789abcdef").decode(codec.encode({"after": "b"}, "offers"), "offers") == {
        "after": "b"
    }


def test_the_local_runtime_keeps_passing_the_key_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "local-key-0123456789")

    assert load_settings(ApiSettings).cursor_secret == "local-key-0123456789"


@pytest.mark.parametrize("given", [{}, {"CURSOR_SECRET": "k" * 20, "CURSOR_SECRET_ARN": "arn:aws:secretsmanager:x"}])
def test_exactly_one_key_source_is_required(monkeypatch: pytest.MonkeyPatch, given: dict[str, str]) -> None:
    for name, value in given.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match="exactly one of CURSOR_SECRET and CURSOR_SECRET_ARN"):
        load_settings(ApiSettings)


def test_cors_origins_are_explicit_when_the_stage_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(CorsSettings).origins == ["*"]
    load_settings.cache_clear()
    monkeypatch.setenv("CORS_ORIGINS", "https://d1.cloudfront.net, http://localhost:8080")

    assert load_settings(CorsSettings).origins == ["https://d1.cloudfront.net", "http://localhost:8080"]
