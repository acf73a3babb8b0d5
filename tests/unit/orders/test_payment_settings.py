"""The local test-token payment provider is refused on every deployed stage but dev."""

from __future__ import annotations

import pytest

from functions.common.settings import SettingsError, load_settings
from functions.orders.handlers.dependencies import OrdersSettings

ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "plein-orders",
    "TABLE_NAME": "plein-x-orders",
    "EVENT_BUS_NAME": "plein-x",
    "CURSOR_SECRET": "0123456789abcdef0123",
    "PAYMENT_PROVIDER": "local",
}


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    load_settings.cache_clear()
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("stage", ["local", "dev", "test"])
def test_test_tokens_are_allowed_locally_and_in_dev(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    monkeypatch.setenv("STAGE", stage)

    assert load_settings(OrdersSettings).payment_provider == "local"


@pytest.mark.parametrize("stage", ["staging", "prod", "prod2"])
def test_test_tokens_are_refused_on_any_other_stage(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    monkeypatch.setenv("STAGE", stage)

    with pytest.raises(SettingsError, match="PAYMENT_PROVIDER=local is for the stages"):
        load_settings(OrdersSettings)


def test_stripe_needs_its_key_and_then_is_what_the_provider_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.orders.handlers import dependencies
    from functions.orders.store.payments import StripePaymentProvider

    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("PAYMENT_PROVIDER", "stripe")
    with pytest.raises(SettingsError, match="needs PAYMENT_SECRET_ARN"):
        load_settings(OrdersSettings)

    load_settings.cache_clear()
    dependencies.payment_provider.cache_clear()
    monkeypatch.setenv("PAYMENT_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:plein-prod-pay")
    try:
        assert isinstance(dependencies.payment_provider(), StripePaymentProvider)
    finally:
        dependencies.payment_provider.cache_clear()
