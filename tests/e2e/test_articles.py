"""Articles on the whole local runtime over HTTP: a guide scheduled a few seconds ahead stays hidden
until the scheduled publisher (the wiring's rate rule, ticked here instead of waiting a minute)
publishes it and ArticlePublished reaches the bus; a member's article waits for a moderator and is
then listed and found by search; the seeded guide and lookbook link their products."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.community.wiring import ARTICLE_PUBLISHER
from tests.e2e import test_community
from tests.e2e.conftest import Plein
from tests.e2e.test_community import eventually, signed_in

pytestmark = pytest.mark.e2e
community_events = test_community.community_events
"""What plein.community publishes on the bus (the fixture of tests/e2e/test_community.py)."""


def tick_publisher(plein: Plein) -> None:
    """What the every-minute rate rule does once: invoke community-article-publisher."""
    schedule = next(s for w in plein.runtime.wirings for s in w.schedules if s.function == ARTICLE_PUBLISHER)
    delivery = plein.runtime.delivery
    assert delivery is not None
    plein.thread.call(delivery.tick(schedule), 60)


def test_a_scheduled_guide_is_published_when_its_time_comes(
    plein: Plein, community_events: Callable[[], list[dict[str, Any]]]
) -> None:
    # Given a vendor's guide scheduled a few seconds ahead, with a script in its body
    vendor_id = f"vd_e2e_{secrets.token_hex(4)}"
    writer = signed_in(plein, f"e2e-writer-{secrets.token_hex(3)}", ["vendor"], vendor_id=vendor_id)
    word = f"zeitplan{secrets.token_hex(3)}"
    publish_at = datetime.now(UTC) + timedelta(seconds=4)
    article = {
        "kind": "guide",
        "title": f"Wintercheck {word}",
        "language": "de",
        "body": '<p>Vor dem Frost<script>alert("x")</script></p>',
        "product_ids": ["p-e2e-bike-light"],
        "publish_at": publish_at.isoformat(),
    }
    created = writer.post("/articles", json=article)
    assert created.status_code == 201, created.text
    scheduled = created.json()
    assert (scheduled["state"], scheduled["body"]) == ("scheduled", "<p>Vor dem Frost</p>")
    path = f"/articles/{scheduled['article_id']}"
    anonymous = plein.client()

    # When the publisher runs before the time: nothing is public
    tick_publisher(plein)
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/articles", params={"q": word}).json()["items"] == []

    # When it runs after the time
    time.sleep(max(0.0, (publish_at - datetime.now(UTC)).total_seconds()) + 0.5)
    tick_publisher(plein)

    # Then the guide is public, found by search, and ArticlePublished reached the bus once
    assert anonymous.get(path).json()["state"] == "published"
    found = anonymous.get("/articles", params={"q": word.upper(), "kind": "guide"}).json()["items"]
    assert [a["article_id"] for a in found] == [scheduled["article_id"]]

    def published() -> list[dict[str, Any]]:
        """ArticlePublished on the bus"""
        return [
            e["detail"]
            for e in community_events()
            if e["detail-type"] == "ArticlePublished" and e["detail"]["article_id"] == scheduled["article_id"]
        ]

    assert [(e["vendor_id"], e["product_ids"]) for e in eventually(published)] == [(vendor_id, ["p-e2e-bike-light"])]
    tick_publisher(plein)
    plein.wait_until_idle(30)
    assert len(published()) == 1
    writer.close()


def test_a_members_article_waits_for_a_moderator_then_is_found(plein: Plein) -> None:
    # Given a member's guide
    member = signed_in(plein, f"e2e-author-{secrets.token_hex(3)}", ["shopper"])
    word = f"fietstas{secrets.token_hex(3)}"
    guide = {"kind": "guide", "title": f"Mijn {word}", "language": "nl", "summary": "Waterdicht en stevig."}
    created = member.post("/articles", json=guide)
    assert created.status_code == 201, created.text
    article = created.json()
    anonymous, admin = plein.client(), plein.client("admin")

    # Then it waits for a moderator and nobody else sees it
    assert article["state"] == "pending"
    assert anonymous.get(f"/articles/{article['article_id']}").status_code == 404
    assert anonymous.get("/articles", params={"q": word}).json()["items"] == []
    assert member.get(f"/me/articles/{article['article_id']}").json()["state"] == "pending"
    brand_story = member.post("/articles", json={**guide, "kind": "brand_story"})
    assert (brand_story.status_code, brand_story.json()["error"]["code"]) == (403, "brand_story_vendors_only")

    # When an admin approves it
    queue = admin.get("/admin/moderation", params={"state": "open", "limit": 100}).json()["items"]
    case = next(c for c in queue if c["subject"] == "article" and c["subject_id"] == article["article_id"])
    decided = admin.post(f"/admin/moderation/{case['case_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text

    # Then it is public, on the member's profile and found by search
    assert anonymous.get(f"/articles/{article['article_id']}").json()["state"] == "published"
    user_id = article["author_id"]
    assert [a["article_id"] for a in anonymous.get(f"/users/{user_id}/articles").json()["items"]] == [
        article["article_id"]
    ]
    assert [a["article_id"] for a in anonymous.get("/articles", params={"q": word}).json()["items"]] == [
        article["article_id"]
    ]
    member.close()


def test_the_seeded_guide_and_lookbook_link_products(plein: Plein) -> None:
    anonymous = plein.client()
    guides = anonymous.get("/articles", params={"kind": "guide", "language": "nl", "q": "cafetiere"}).json()["items"]
    lookbooks = anonymous.get("/articles", params={"kind": "lookbook"}).json()["items"]

    assert guides
    assert guides[0]["linked_product_ids"]
    lookbook = anonymous.get(f"/articles/{lookbooks[-1]['article_id']}").json()
    assert len(lookbook["looks"]) == 3
    assert all(look["product_ids"] for look in lookbook["looks"])
    product = anonymous.get(f"/products/{lookbook['looks'][0]['product_ids'][0]}")
    assert product.status_code == 200


def test_an_article_reaches_its_authors_followers_and_a_reported_comment_is_hidden(plein: Plein) -> None:
    # Given a reader who follows a vendor's writer
    vendor_id = f"vd_e2e_{secrets.token_hex(4)}"
    writer = signed_in(plein, f"e2e-writer-{secrets.token_hex(3)}", ["vendor"], vendor_id=vendor_id)
    reader = signed_in(plein, f"e2e-reader-{secrets.token_hex(3)}", ["shopper"])
    writer_id = writer.put("/me/profile", json={"display_name": "Writer"}).json()["user_id"]
    assert reader.put(f"/users/{writer_id}/follow").json()["following"] is True
    plein.wait_until_idle(30)  # FollowChanged reaches notifications' projection of followers

    # When the writer publishes a guide
    guide = {"kind": "guide", "title": f"Fietsen in de regen {secrets.token_hex(2)}", "language": "nl"}
    created = writer.post("/articles", json=guide)
    assert created.status_code == 201, created.text
    article = created.json()

    # Then ArticlePublished reaches the reader's inbox (topic content), linking the article
    def in_inbox() -> list[dict[str, Any]]:
        """the article's notification in the reader's inbox"""
        items = reader.get("/me/notifications", params={"limit": 50}).json()["items"]
        return [n for n in items if n["link"] == f"#/articles/{article['article_id']}"]

    [note] = eventually(in_inbox, timeout=60)
    assert (note["topic"], guide["title"] in note["title"]) == ("content", True)

    # And a comment on it can be reported; the moderator's rejection hides it
    path = f"/articles/{article['article_id']}/comments"
    comment = reader.post(path, json={"text": "Koop hier goedkope regenjassen"}).json()
    report = {"subject": "article_comment", "subject_id": comment["comment_id"], "reason": "spam"}
    reported = writer.post("/reports", json=report)
    assert (reported.status_code, reported.json()["reports"]) == (200, 1), reported.text
    assert writer.post("/reports", json=report).json()["error"]["code"] == "already_reported"
    admin = plein.client("admin")
    queue = admin.get("/admin/moderation", params={"state": "open", "limit": 100}).json()["items"]
    case = next(c for c in queue if c["subject"] == "article_comment" and c["subject_id"] == comment["comment_id"])
    assert (case["origin"], case["reasons"]) == ("report", ["reported_spam"])
    decided = admin.post(f"/admin/moderation/{case['case_id']}/decision", json={"decision": "reject"})
    assert decided.status_code == 200, decided.text
    assert plein.client().get(path).json()["items"] == []
    writer.close()
    reader.close()


def test_the_seeded_shopper_follows_the_editors_and_has_their_lookbook_in_the_inbox(plein: Plein) -> None:
    shopper = plein.client("shopper")
    lookbook = plein.client().get("/articles", params={"kind": "lookbook"}).json()["items"][-1]

    def lookbook_notes() -> list[dict[str, Any]]:
        """the seeded lookbook's notification in the demo shopper's inbox"""
        items = shopper.get("/me/notifications", params={"limit": 50}).json()["items"]
        return [n for n in items if n["link"] == f"#/articles/{lookbook['article_id']}"]

    [note] = eventually(lookbook_notes, timeout=60)
    assert note["topic"] == "content"
