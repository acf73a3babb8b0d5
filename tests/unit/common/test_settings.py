from __future__ import annotations

import pytest

from functions.common.settings import ApiSettings, SettingsError, TableSettings, load_settings

VALID = {
    "POWERTOOLS_SERVICE_NAME": "plein-vendor",
    "STAGE": "dev",
    "TABLE_NAME": "plein-dev-vendor",
    "EVENT_BUS_NAME": "plein-dev",
    "CURSOR_SECRET": "0123456789abcdef0123",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    load_settings.cache_clear()


def test_parses_every_variable_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in VALID.items():
        monkeypatch.setenv(name, value)

    settings = load_settings(ApiSettings)

    assert settings.table_name == "plein-dev-vendor"
    assert settings.cursor_secret == VALID["CURSOR_SECRET"]
    monkeypatch.setenv("TABLE_NAME", "changed")
    assert load_settings(ApiSettings) is settings


def test_missing_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TABLE_NAME", raising=False)

    with pytest.raises(SettingsError, match="TABLE_NAME"):
        load_settings(TableSettings)


def test_short_cursor_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**VALID, "CURSOR_SECRET": "short"}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match="CURSOR_SECRET"):
        load_settings(ApiSettings)


def test_stage_must_be_a_simple_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**VALID, "STAGE": "Prod Stage"}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match="STAGE"):
        load_settings(ApiSettings)
