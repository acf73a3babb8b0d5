"""Notifications unit fixtures: every service over in-memory fakes, and events as they arrive."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from functions.notifications.handlers.dependencies import Notifications, NotificationSettings, build
from functions.orders.models import events as orders
from tests.unit.notifications.fakes import Directory, FakeClock, InMemoryNotificationsStore, PushLog, SentBox

SECRET = "unit-test-cursor-secret"
WEB = "https://plein.test"
API = "https://api.plein.test"


class World:
    def __init__(self) -> None:
        self.store = InMemoryNotificationsStore()
        self.mail = SentBox()
        self.push = PushLog()
        self.people = Directory()
        self.clock = FakeClock()
        self.settings = NotificationSettings.model_validate(
            {
                "WEB_URL": WEB,
                "PUBLIC_API_URL": API,
                "REVIEW_REQUEST_DELAY_SECONDS": 3600,
                "PUSH_APPLICATIONS": "fcm=arn",
            }
        )
        self.services: Notifications = build(
            self.store,
            self.people,
            mailer=self.mail,
            pusher=self.push,
            secret=SECRET,
            settings=self.settings,
            clock=self.clock,
        )
        self.people.add("u1", "ann@example.com", "en", "Ann")
        self.people.add("u2", "bob@example.com", "de", "Bob")

    def event(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        self.services.consumer.handle(source, detail_type, json.loads(json.dumps(detail, default=str)))

    def deliver_order(self, user_id: str = "u1", order_id: str = "o1", products: tuple[str, ...] = ("p1",)) -> str:
        event = orders.OrderDelivered(
            order_id=order_id,
            user_id=user_id,
            vendor_ids=["v1"],
            vendor_id="v1",
            lines=[line(product) for product in products],
            occurred_at=self.clock(),
        )
        self.event("plein.orders", "OrderDelivered", json.loads(event.model_dump_json()))
        return event.event_id

    def place_order(self, user_id: str = "u1", order_id: str = "o1", event_id: str = "e-placed") -> None:
        event = orders.OrderPlaced(
            event_id=event_id,
            order_id=order_id,
            user_id=user_id,
            vendor_ids=["v1"],
            lines=[line("p1")],
            items_total=2500,
            shipping_total=0,
            total=2500,
            occurred_at=self.clock(),
        )
        self.event("plein.orders", "OrderPlaced", json.loads(event.model_dump_json()))

    def points(self, user_id: str, event_id: str, at: datetime | None = None) -> None:
        detail = {
            "event_id": event_id,
            "occurred_at": (at or self.clock()).isoformat(),
            "user_id": user_id,
            "entry_id": event_id,
            "points": 10,
            "reason": "review",
            "balance": 50,
        }
        self.event("plein.rewards", "PointsAwarded", detail)


def line(product_id: str) -> orders.EventLine:
    return orders.EventLine(
        offer_id=f"v1:{product_id}",
        product_id=product_id,
        vendor_id="v1",
        sku=product_id,
        quantity=1,
        unit_price=2500,
        line_total=2500,
    )


@pytest.fixture
def world() -> World:
    return World()


Call = Callable[..., tuple[int, Any]]


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Call]:
    """`call("GET", "/me/notifications", user="u1")` → (status, parsed body) through the Lambda handler."""
    from functions.notifications.handlers import api, dependencies
    from tests.unit.common.test_errors_and_api import rest_event
    from tests.unit.test_api_smoke import FakeLambdaContext

    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-notifications")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    api.app.dependency_overrides[dependencies.member_service] = lambda: world.services.members

    def invoke(
        method: str, path: str, body: Any = None, *, user: str | None = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        event = rest_event(method, path, body, {"sub": user, "cognito:groups": "shopper"} if user else None)
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        response = api.handler(event, FakeLambdaContext())
        raw = response["body"]
        return response["statusCode"], json.loads(raw) if raw else None

    yield invoke
    api.app.dependency_overrides.pop(dependencies.member_service, None)
