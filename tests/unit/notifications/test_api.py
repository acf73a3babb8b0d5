"""The notifications API through the real resolver: own inbox only, paging, read state,
preferences with consent and revision, devices, public one-click unsubscribe; 4xx with codes."""

from __future__ import annotations

from functions.notifications.logic.domain import Channel, Topic
from tests.unit.notifications.conftest import Call, World


def test_signed_out_callers_get_401(call: Call) -> None:
    for method, path in (("GET", "/me/notifications"), ("GET", "/me/notification-preferences")):
        status, body = call(method, path)
        assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_the_inbox_pages_counts_unread_and_marks_read(call: Call, world: World) -> None:
    for index in range(3):
        world.clock.advance(minutes=1)
        world.points("u1", f"pa{index}")
    status, first = call("GET", "/me/notifications", user="u1", query={"limit": "2"})
    assert (status, first["unread"], len(first["items"])) == (200, 3, 2)
    status, second = call("GET", "/me/notifications", user="u1", query={"cursor": first["next_cursor"]})
    assert (len(second["items"]), second["next_cursor"]) == (1, None)
    status, stolen = call("GET", "/me/notifications", user="u2", query={"cursor": first["next_cursor"]})
    assert (status, stolen["error"]["code"]) == (400, "invalid_cursor")

    newest = first["items"][0]["notification_id"]
    status, body = call("POST", f"/me/notifications/{newest}/read", user="u2")
    assert (status, body["error"]["code"]) == (404, "notification_not_found")  # not theirs
    status, body = call("POST", f"/me/notifications/{newest}/read", user="u1")
    assert (status, body["unread"]) == (200, 2)
    status, body = call("POST", "/me/notifications/read-all", user="u1")
    assert (status, body) == (200, {"marked": 2, "unread": 0})


def test_preferences_record_consent_with_wording_and_refuse_stale_revisions(call: Call, world: World) -> None:
    status, prefs = call("GET", "/me/notification-preferences", user="u1")
    assert status == 200
    assert prefs["revision"] == 0
    assert prefs["channels"]["newsletter"] == []
    body = {
        "language": "de",
        "channels": {"rewards": ["inbox", "email", "push"]},
        "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Europe/Berlin"},
        "daily_cap": 3,
        "consent_wording": "Ja, ich möchte Punkte-Nachrichten per E-Mail und Push.",
        "revision": 0,
    }
    status, saved = call("PUT", "/me/notification-preferences", body, user="u1")
    assert status == 200
    assert saved["revision"] == 1
    assert saved["language"] == "de"
    assert {(c["channel"], c["granted"]) for c in saved["consents"]} == {("email", True), ("push", True)}
    assert all(c["wording"] == body["consent_wording"] for c in saved["consents"])

    status, stale = call("PUT", "/me/notification-preferences", body, user="u1")
    assert (status, stale["error"]["code"]) == (409, "preferences_changed")
    bad_zone = body | {"revision": 1, "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Mars/Base"}}
    status, refused = call("PUT", "/me/notification-preferences", bad_zone, user="u1")
    assert (status, refused["error"]["code"]) == (400, "invalid_timezone")
    status, invalid = call("PUT", "/me/notification-preferences", body | {"daily_cap": -1}, user="u1")
    assert (status, invalid["error"]["code"]) == (422, "validation_failed")


def test_devices_register_and_unregister(call: Call, world: World) -> None:
    status, device = call("POST", "/me/devices", {"platform": "fcm", "token": "abcdef123456"}, user="u1")
    assert status == 201
    assert world.push.endpoints
    status, refused = call("POST", "/me/devices", {"platform": "apns", "token": "abcdef123456"}, user="u1")
    assert (status, refused["error"]["code"]) == (400, "push_unavailable")
    status, body = call("DELETE", f"/me/devices/{device['device_id']}", user="u2")
    assert (status, body["error"]["code"]) == (404, "device_not_found")
    status, _ = call("DELETE", f"/me/devices/{device['device_id']}", user="u1")
    assert status == 204
    assert not world.push.endpoints


def test_one_click_unsubscribe_is_public_and_refuses_forged_links(call: Call, world: World) -> None:
    token = world.services.notifier.unsubscribe_token("u1", Topic.COMMUNITY, Channel.EMAIL)
    status, view = call("GET", f"/unsubscribe/{token}")
    assert (status, view["subscribed"]) == (200, True)
    status, done = call("POST", f"/unsubscribe/{token}")
    assert (status, done["subscribed"]) == (200, False)
    status, body = call("POST", f"/unsubscribe/{token[:-2]}xx")
    assert (status, body["error"]["code"]) == (404, "link_not_found")
