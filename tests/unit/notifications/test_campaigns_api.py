"""The campaign and newsletter routes through the real resolver, over in-memory services."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from tests.unit.notifications.test_campaigns import ADMIN, World

Call = Callable[..., tuple[int, Any, dict[str, Any]]]
CAMPAIGN = {
    "name": "Lente",
    "content": {"nl": {"subject": "Lente", "html": '<p>Hoi <a href="https://p.test/x">x</a></p>'}},
}


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Call]:
    from functions.notifications.handlers import api, dependencies
    from tests.unit.common.test_errors_and_api import rest_event
    from tests.unit.test_api_smoke import FakeLambdaContext

    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-notifications")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    from functions.notifications.logic.segments import SegmentService

    overrides = {
        dependencies.campaign_service: lambda: world.campaigns,
        dependencies.segment_service: lambda: SegmentService(world.store, world.clock),
        dependencies.newsletter_service: lambda: world.newsletter,
        dependencies.tracking_service: lambda: world.tracking,
    }
    api.app.dependency_overrides.update(overrides)

    def invoke(
        method: str, path: str, body: Any = None, *, user: str | None = None, groups: str = "shopper", **extra: Any
    ) -> tuple[int, Any, dict[str, Any]]:
        claims = {"sub": user, "cognito:groups": groups} if user else None
        event = rest_event(method, path, body, claims)
        if extra.get("query"):
            event["queryStringParameters"] = extra["query"]
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in extra["query"].items()}
        event["headers"].update(extra.get("headers") or {})
        response = api.handler(event, FakeLambdaContext())
        headers = {k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()}
        raw = response["body"]
        if headers.get("Content-Type", "").startswith("application/json"):
            return response["statusCode"], json.loads(raw), headers
        return response["statusCode"], raw, headers

    yield invoke
    for key in overrides:
        api.app.dependency_overrides.pop(key, None)


def test_campaign_routes_are_for_admins_and_send_once(call: Call) -> None:
    assert call("GET", "/admin/campaigns")[0] == 401
    assert call("POST", "/admin/campaigns", CAMPAIGN, user="s1")[0] == 403

    status, created, _ = call("POST", "/admin/campaigns", CAMPAIGN, user="a1", groups="admin")
    assert status == 201
    path = f"/admin/campaigns/{created['campaign_id']}"
    assert call("GET", path, user="a1", groups="admin")[1]["status"] == "draft"
    status, preview, _ = call("POST", f"{path}/preview", {"language": "de"}, user="a1", groups="admin")
    assert (status, preview["language"]) == (200, "nl")
    key = {"Idempotency-Key": "send-1"}
    assert call("POST", f"{path}/send", {}, user="a1", groups="admin", headers=key)[0] == 202
    assert call("POST", f"{path}/send", {}, user="a1", groups="admin", headers=key)[0] == 202
    status, body, _ = call("POST", f"{path}/send", {}, user="a1", groups="admin")
    assert (status, body["error"]["code"]) == (409, "campaign_already_sent")
    assert call("GET", "/admin/campaigns", user="a1", groups="admin")[1]["items"][0]["status"] == "queued"


def test_bad_input_gets_a_4xx_never_a_500(call: Call) -> None:
    admin = {"user": "a1", "groups": "admin"}
    assert call("POST", "/admin/campaigns", {"name": "x", "content": {}}, **admin)[0] == 422
    assert (
        call("POST", "/admin/campaigns", {"name": "x", "content": {"fr": {"subject": "s", "html": "b"}}}, **admin)[0]
        == 422
    )
    assert call("GET", "/admin/campaigns/no$such", **admin)[0] == 422
    assert call("GET", "/admin/campaigns/nope", **admin)[0] == 404
    assert call("GET", "/admin/segments/preview", query={"stages": "wizard"}, **admin)[0] == 422
    assert call("GET", "/admin/segments/preview", query={"stages": "fan"}, **admin)[0] == 200
    assert call("POST", "/newsletter/confirm/garbage", {"wording_id": "x"})[0] == 404
    assert call("GET", "/t/c/garbage")[0] == 404


def test_the_pixel_and_the_click_through_the_api(call: Call, world: World) -> None:
    world.member("m1")
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()
    html = world.mailer.sent[0].html
    pixel = re.search(r"/t/o/([^\"]+)", html)
    link = re.search(r"/t/c/([^\"]+)\"", html)
    assert pixel
    assert link

    status, body, headers = call("GET", f"/t/o/{unquote(pixel.group(1))}")
    assert (status, headers["Content-Type"]) == (200, "image/gif")
    assert base64.b64decode(body).startswith(b"GIF89a")
    status, _, headers = call("GET", f"/t/c/{unquote(link.group(1))}")
    assert (status, headers["Location"]) == (302, "https://plein.test/w")
    stats = world.campaigns.get(ADMIN, campaign_id).stats
    assert (stats.opened, stats.clicked) == (1, 1)


def test_the_member_reads_and_ends_their_subscription(call: Call) -> None:
    status, body, _ = call("GET", "/me/newsletter", user="u9")
    assert (status, body["status"]) == (200, "none")
    assert call("DELETE", "/me/newsletter", user="u9")[1]["status"] == "none"
    assert call("GET", "/me/newsletter")[0] == 401
