"""Settings and services of the orders functions, built once per process on first use.

Routes receive their service through Powertools `Depends(cart_service)` (and the others); tests
replace one with `app.dependency_overrides[cart_service]`. The consumers (offer sync, refunds, sweep) take
theirs from here too. Stores and AWS clients are imported inside the providers, so a cold start
loads them only when a request needs them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Literal, Self

from pydantic import Field, model_validator

from functions.common.pagination import CursorCodec
from functions.common.settings import SECRET_MAX_AGE_SECONDS, ApiSettings, load_settings
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import PaymentProvider, Redemptions, SystemClock
from functions.orders.logic.sweep import Sweeper
from functions.orders.logic.sync import OfferSync

if TYPE_CHECKING:
    from functions.orders.store.dynamo import DynamoOrdersStore


class OrdersSettings(ApiSettings):
    payment_provider: Literal["local", "stripe"] = Field(
        default="local",
        alias="PAYMENT_PROVIDER",
        description="`local` (test cards, payments in the orders table) or `stripe` (PaymentIntents)",
    )
    payment_secret_arn: str | None = Field(
        default=None, alias="PAYMENT_SECRET_ARN", description="The provider's API key (Secrets Manager)"
    )
    redemptions_function: str | None = Field(
        default=None,
        alias="REDEMPTIONS_FUNCTION",
        description="rewards-redemptions (gift cards and points at checkout); unset: they are refused",
    )

    @model_validator(mode="after")
    def _test_tokens_stay_local(self) -> Self:
        """The test-token provider takes no real money: refuse it on any deployed stage but dev;
        a real provider needs its key."""
        if self.payment_provider == "local" and self.stage not in TEST_PAYMENT_STAGES:
            raise ValueError(f"PAYMENT_PROVIDER=local is for the stages {sorted(TEST_PAYMENT_STAGES)} only")
        if self.payment_provider == "stripe" and not self.payment_secret_arn:
            raise ValueError("PAYMENT_PROVIDER=stripe needs PAYMENT_SECRET_ARN")
        return self

    def payment_key(self) -> str:
        """The provider's API key, read at run time and cached for a few minutes (rotation reaches
        running functions)."""
        from aws_lambda_powertools.utilities.parameters import get_secret

        return get_secret(str(self.payment_secret_arn), max_age=SECRET_MAX_AGE_SECONDS)


TEST_PAYMENT_STAGES = frozenset({"local", "dev", "test"})  # the local runtime, the dev stage, tests


CLOCK = SystemClock()


@cache
def orders_store() -> DynamoOrdersStore:
    """The orders table: inventory projection, carts, orders, idempotency records, payments."""
    from functions.orders.store.dynamo import DynamoOrdersStore

    return DynamoOrdersStore(load_settings(OrdersSettings).table_name)


@cache
def payment_provider() -> PaymentProvider:
    from functions.orders.store.payments import LocalPaymentProvider, StripePaymentProvider

    settings = load_settings(OrdersSettings)
    if settings.payment_provider == "stripe":
        from functions.orders.store.stripe_client import StripeHttpClient

        return StripePaymentProvider(StripeHttpClient(settings.payment_key))
    return LocalPaymentProvider(orders_store(), CLOCK)


@cache
def cursors() -> CursorCodec:
    return CursorCodec(load_settings(OrdersSettings).cursor_secret)


@cache
def cart_service() -> CartService:
    store = orders_store()
    return CartService(carts=store, inventory=store, clock=CLOCK)


@cache
def redemptions() -> Redemptions:
    """The rewards context's gift cards and points, through a direct invoke of its function."""
    from functions.orders.store.redemptions import LambdaRedemptions, NoRedemptions

    function_name = load_settings(OrdersSettings).redemptions_function
    return LambdaRedemptions(function_name) if function_name else NoRedemptions()


@cache
def checkout_service() -> CheckoutService:
    store = orders_store()
    return CheckoutService(
        carts=store,
        inventory=store,
        orders=store,
        idempotency=store,
        payments=payment_provider(),
        redemptions=redemptions(),
        clock=CLOCK,
    )


@cache
def lifecycle_service() -> LifecycleService:
    return LifecycleService(
        orders=orders_store(),
        payments=payment_provider(),
        cursors=cursors(),
        clock=CLOCK,
        redemptions=redemptions(),
    )


@cache
def sweeper() -> Sweeper:
    return Sweeper(orders=orders_store(), payments=payment_provider(), lifecycle=lifecycle_service(), clock=CLOCK)


@cache
def offer_sync() -> OfferSync:
    return OfferSync(orders_store())
