"""Rewards unit fixtures: every service over the in-memory store, and events as they arrive."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from functions.common.pagination import CursorCodec
from functions.orders.models import events as orders
from functions.rewards.handlers.dependencies import Rewards, build
from functions.rewards.logic.ports import RewardsStore
from functions.rewards.models import consumed
from tests.unit.rewards.fakes import T0, FakeClock, InMemoryRewardsStore

CURSOR_SECRET = "unit-test-cursor-secret"


class World:
    """The rewards context over fakes, with helpers that deliver events the way the consumer does."""

    def __init__(self) -> None:
        self.store = InMemoryRewardsStore()
        self.clock = FakeClock()
        self.services: Rewards = build(self.store, CursorCodec(CURSOR_SECRET), self.clock)

    def balance(self, user_id: str) -> int:
        account = self.store.account(user_id)
        return account.balance if account else 0

    def deliver(self, user_id: str, order_id: str, line_totals: list[int], *, event_id: str | None = None) -> None:
        event = delivered(user_id, order_id, line_totals, event_id=event_id)
        self.services.earning.order_delivered(consumed.OrderDeliveredView.model_validate(wire(event)))

    def place(self, user_id: str, order_id: str, items_total: int) -> None:
        event = placed(user_id, order_id, items_total)
        self.services.earning.order_placed(consumed.OrderPlacedView.model_validate(wire(event)))

    def give_back(self, user_id: str, order_id: str, refund: int, *, event_id: str | None = None) -> None:
        event = returned(user_id, order_id, refund, event_id=event_id)
        self.services.earning.order_returned(consumed.OrderReturnedView.model_validate(wire(event)))

    def review(self, user_id: str, review_id: str, *, photos: bool = False, verified: bool = False) -> None:
        detail = community(review_id=review_id, product_id="p1", user_id=user_id, rating=5)
        detail |= {"has_photos": photos, "verified": verified}
        self.services.earning.review_published(consumed.ReviewPublishedView.model_validate(detail))


class AnyWorld(World):
    """The same world over another store implementing every port (the contract suite's DynamoDB store)."""

    def __init__(self, store: RewardsStore) -> None:
        super().__init__()
        self.port: RewardsStore = store
        self.services = build(store, CursorCodec(CURSOR_SECRET), self.clock)

    def balance(self, user_id: str) -> int:
        account = self.port.account(user_id)
        return account.balance if account else 0


def wire(event: orders.OrderEvent) -> dict[str, Any]:
    """The detail as it travels through EventBridge (JSON)."""
    result: dict[str, Any] = json.loads(event.model_dump_json())
    return result


def line(total: int, index: int = 0) -> orders.EventLine:
    return orders.EventLine(
        offer_id=f"v1:sku-{index}",
        product_id=f"p{index}",
        vendor_id="v1",
        sku=f"sku-{index}",
        quantity=1,
        unit_price=total,
        line_total=total,
    )


def _ids(event_id: str | None) -> dict[str, Any]:
    return {"event_id": event_id} if event_id else {}


def placed(user_id: str, order_id: str, items_total: int) -> orders.OrderPlaced:
    return orders.OrderPlaced(
        order_id=order_id,
        user_id=user_id,
        vendor_ids=["v1"],
        lines=[line(items_total)],
        items_total=items_total,
        shipping_total=495,
        total=items_total + 495,
        occurred_at=T0,
    )


def delivered(
    user_id: str, order_id: str, line_totals: list[int], *, event_id: str | None = None
) -> orders.OrderDelivered:
    return orders.OrderDelivered(
        order_id=order_id,
        user_id=user_id,
        vendor_ids=["v1"],
        vendor_id="v1",
        lines=[line(total, i) for i, total in enumerate(line_totals)],
        occurred_at=T0,
        **_ids(event_id),
    )


def returned(user_id: str, order_id: str, refund: int, *, event_id: str | None = None) -> orders.OrderReturned:
    return orders.OrderReturned(
        order_id=order_id,
        user_id=user_id,
        vendor_ids=["v1"],
        vendor_id="v1",
        lines=[line(refund)],
        return_id=f"r-{order_id}",
        reason="too small",
        refund_amount=refund,
        occurred_at=T0,
        **_ids(event_id),
    )


def community(**fields: Any) -> dict[str, Any]:
    """A community event detail with the envelope fields."""
    return {"event_id": f"ev-{sorted(fields.items())}", "occurred_at": T0.isoformat(), "version": 1, **fields}


@pytest.fixture
def world() -> World:
    return World()


# ------------------------------------------------------------------ the API through the real resolver

Call = Callable[..., tuple[int, Any]]


def claims(user_id: str, *groups: str, email: str | None = None) -> dict[str, str]:
    found = {"sub": user_id, "cognito:groups": ",".join(groups or ("shopper",))}
    if email:
        found["email"] = email
    return found


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Call]:
    """`call("GET", "/rewards/me", user="u1")` → (status, parsed body or text) through the Lambda handler."""
    from functions.rewards.handlers import api, dependencies
    from tests.unit.common.test_errors_and_api import rest_event
    from tests.unit.test_api_smoke import FakeLambdaContext

    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-rewards")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    services = world.services
    overrides = {
        dependencies.rules_service: lambda: services.rules,
        dependencies.member_service: lambda: services.members,
        dependencies.referral_service: lambda: services.referrals,
        dependencies.redemption_service: lambda: services.redemptions,
        dependencies.segment_service: lambda: services.segments,
        dependencies.payout_service: lambda: services.payouts,
    }
    api.app.dependency_overrides.update(overrides)

    def invoke(
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = None,
        groups: tuple[str, ...] = ("shopper",),
        email: str | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        event = rest_event(method, path, body, claims(user, *groups, email=email) if user else None)
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        event["headers"].update(headers or {})
        response = api.handler(event, FakeLambdaContext())
        headers_out = response.get("multiValueHeaders") or {}
        content_type = (headers_out.get("Content-Type") or [""])[0]
        raw = response["body"]
        return response["statusCode"], json.loads(raw) if content_type.startswith("application/json") else raw

    yield invoke
    for key in overrides:
        api.app.dependency_overrides.pop(key, None)
