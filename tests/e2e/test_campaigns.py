"""Newsletters and campaigns on the whole local runtime over HTTP: members opt in through their
community profile and confirm with the link of the e-mail (double opt-in); an admin composes a
campaign for a segment, previews it and sends it; only the segment's confirmed subscribers get it,
once, even when send is asked twice; opens and clicks count once per member; the click link only
ever redirects to the URL signed into it."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from tests.e2e.conftest import Plein
from tests.e2e.test_community import eventually
from tests.e2e.test_orders import PASSWORD

pytestmark = pytest.mark.e2e

TARGET = "https://plein.example/winter?utm=e2e"
TOKEN_IN_LINK = re.compile(r"#/newsletter/confirm/([^\s\"'<>]+)")


def mailbox(plein: Plein) -> list[dict[str, Any]]:
    mails: list[dict[str, Any]] = httpx.get(f"{plein.rest_url}/local/mailbox", timeout=30).json()["mails"]
    return mails


def mails_to(plein: Plein, address: str, topic: str | None = None) -> list[dict[str, Any]]:
    found = [mail for mail in mailbox(plein) if address in mail["to"]]
    return [m for m in found if topic is None or topic in m["subject"]]


def member(plein: Plein, label: str) -> tuple[httpx.Client, str]:
    """A new member's client and e-mail address (the client's `username` attribute names them)."""
    username = f"e2e-nl-{label}-{secrets.token_hex(4)}"
    user = plein.create_user(username, PASSWORD, ["shopper"])
    client = plein.client(username, password=PASSWORD, timeout=60)
    client.headers["X-Test-Username"] = username
    return client, user.email or f"{username}@plein.local"


def opt_in(plein: Plein, client: httpx.Client, address: str, interests: list[str]) -> str:
    """Tick the newsletter in the profile; the confirmation token from the e-mail it sends."""
    answer = client.put("/me/profile", json={"interests": interests, "languages": ["en"], "newsletter": True})
    assert answer.status_code == 200, answer.text

    def confirmation_mail() -> list[dict[str, Any]]:
        """the newsletter confirmation mail"""
        return [m for m in mails_to(plein, address) if TOKEN_IN_LINK.search(m["text"])]

    mail = eventually(confirmation_mail, timeout=60)[0]
    match = TOKEN_IN_LINK.search(mail["text"])
    assert match is not None
    return unquote(match.group(1))


def confirm(plein: Plein, client: httpx.Client, token: str) -> None:
    """What the web page does: read the wording, confirm it, then open the profile's own link."""
    anonymous = plein.client()
    shown = anonymous.get(f"/newsletter/confirm/{token}")
    assert shown.status_code == 200, shown.text
    confirmed = anonymous.post(f"/newsletter/confirm/{token}", json={"wording_id": shown.json()["wording_id"]})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "subscribed"
    profile_link = confirmed.json()["profile_confirm_url"]
    assert profile_link
    # The community's link names the API it is served by (Need.LINKS: PUBLIC_API_URL locally).
    assert profile_link.startswith(f"{plein.rest_url}/newsletter/confirm?")
    opened = anonymous.get(profile_link)
    assert opened.status_code == 200, opened.text
    assert client.get("/me/profile").json()["newsletter"] is True
    assert client.get("/me/newsletter").json()["status"] == "subscribed"


def test_a_campaign_reaches_only_its_segments_confirmed_subscribers_once(plein: Plein) -> None:
    interest = f"lamps{secrets.token_hex(3)}"
    # Given: two confirmed subscribers of the interest, one who never confirmed, one confirmed
    # subscriber outside the segment
    (fan, fan_mail), (fan2, fan2_mail) = member(plein, "fan"), member(plein, "fan2")
    pending, pending_mail = member(plein, "pending")
    other, other_mail = member(plein, "other")
    for client, address in ((fan, fan_mail), (fan2, fan2_mail), (other, other_mail)):
        token = opt_in(plein, client, address, [interest] if client is not other else ["garden"])
        confirm(plein, client, token)
    opt_in(plein, pending, pending_mail, [interest])  # the mail came; the link is never opened
    plein.wait_until_idle(60)

    # The link cannot be used twice after an unsubscribe, and a tampered one is refused
    assert plein.client().get("/newsletter/confirm/not-a-token").status_code in (400, 404)

    # When an admin composes a campaign for the interest among new members
    admin = plein.client("admin")
    segment = {"stages": ["new"], "affinities": [interest]}
    reach = admin.get("/admin/segments/preview", params={"stages": "new", "affinities": interest})
    assert reach.status_code == 200, reach.text
    assert reach.json()["recipients"] == 2
    assert reach.json()["members"] == 3
    subject = f"Winter light {interest}"
    body = f'<h2>Lamps</h2><p>See <a href="{TARGET}">them</a>.</p><script>alert(1)</script>'
    created = admin.post(
        "/admin/campaigns",
        json={"name": f"e2e {interest}", "content": {"en": {"subject": subject, "html": body}}, "segment": segment},
    )
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert "<script" not in campaign["content"]["en"]["html"]
    campaign_id = campaign["campaign_id"]
    preview = admin.post(f"/admin/campaigns/{campaign_id}/preview", json={"language": "en"})
    assert preview.status_code == 200, preview.text
    assert preview.json()["recipients"] == 2
    assert TARGET in preview.json()["html"]
    listed = admin.get("/admin/campaigns").json()["items"]
    assert any(item["campaign_id"] == campaign_id and item["status"] == "draft" for item in listed)

    # ... and sends it twice (the same key answers alike, another repeat is a 409)
    first = admin.post(f"/admin/campaigns/{campaign_id}/send", headers={"Idempotency-Key": f"send-{interest}"})
    assert first.status_code == 202, first.text
    again = admin.post(f"/admin/campaigns/{campaign_id}/send", headers={"Idempotency-Key": f"send-{interest}"})
    assert again.status_code == 202, again.text
    other_key = admin.post(f"/admin/campaigns/{campaign_id}/send")
    assert other_key.status_code == 409
    assert other_key.json()["error"]["code"] == "campaign_already_sent"

    def sent() -> dict[str, Any] | None:
        """the campaign sent"""
        current: dict[str, Any] = admin.get(f"/admin/campaigns/{campaign_id}").json()
        return current if current["status"] == "sent" else None

    done = eventually(sent, timeout=90)
    plein.wait_until_idle(60)

    # Then only the two confirmed subscribers of the segment got it, once each
    assert done["stats"]["recipients"] == 2
    assert done["stats"]["delivered"] == 2
    assert len(mails_to(plein, fan_mail, subject)) == 1
    assert len(mails_to(plein, fan2_mail, subject)) == 1
    assert mails_to(plein, pending_mail, subject) == []
    assert mails_to(plein, other_mail, subject) == []
    mail = mails_to(plein, fan_mail, subject)[0]
    assert "List-Unsubscribe" in mail["headers"]
    assert "<script" not in mail["html"]

    # When the member opens it twice and clicks twice
    pixel = re.search(r'src="([^"]*/t/o/[^"]+)"', mail["html"])
    click = re.search(r'href="([^"]*/t/c/[^"]+)"', mail["html"])
    assert pixel is not None
    assert click is not None
    pixel_url, click_url = (m.group(1).replace("&amp;", "&") for m in (pixel, click))
    tracker = httpx.Client(timeout=30, follow_redirects=False)
    for _ in range(2):
        image = tracker.get(pixel_url)
        assert image.status_code == 200
        assert image.headers["content-type"].startswith("image/gif")
        assert image.content.startswith(b"GIF89a")
        jump = tracker.get(click_url)
        assert jump.status_code == 302
        assert jump.headers["location"] == TARGET

    # Then each counts once
    stats = admin.get(f"/admin/campaigns/{campaign_id}").json()["stats"]
    assert stats["opened"] == 1
    assert stats["clicked"] == 1

    # A tampered click token never redirects anywhere
    path = urlsplit(click_url).path
    token = path.rsplit("/", 1)[1]
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), token + "x", "x" + token, "garbage"):
        answer = tracker.get(f"{plein.rest_url}/t/c/{forged}")
        assert 400 <= answer.status_code < 500, (forged, answer.status_code)
        assert "location" not in answer.headers
    # ... nor does an open pixel's token used as a click
    pixel_token = urlsplit(pixel_url).path.rsplit("/", 1)[1].removesuffix(".gif")
    assert tracker.get(f"{plein.rest_url}/t/c/{pixel_token}").status_code == 404

    # A member who unsubscribes is not in the segment's reach any more
    assert fan2.delete("/me/newsletter").json()["status"] == "unsubscribed"
    after = admin.get("/admin/segments/preview", params={"stages": "new", "affinities": interest}).json()
    assert after["recipients"] == 1


def test_members_cannot_reach_the_campaign_admin(plein: Plein) -> None:
    shopper, _ = member(plein, "nosy")
    assert shopper.get("/admin/campaigns").status_code == 403
    assert shopper.get("/admin/segments/preview").status_code == 403
    assert plein.client().get("/admin/campaigns").status_code == 401
