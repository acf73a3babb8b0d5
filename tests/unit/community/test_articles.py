"""Articles through the real resolver: who writes what, sanitised bodies, drafts, the moderation of
members' articles, scheduled publishing, search, comments, images, and the 4xx answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from functions.community.models.events import ArticlePublished
from tests.unit.community.conftest import Api, Community

VENDOR: dict[str, Any] = {"user": "vendor-user", "groups": "vendor", "vendor_id": "vd_kiel"}
ADMIN: dict[str, Any] = {"user": "admin-1", "groups": "admin"}
GUIDE = {
    "kind": "guide",
    "title": "Die Küche einrichten",
    "language": "de",
    "summary": "Tipps für kleine Küchen",
    "body": '<p onclick="steal()">Hallo<script>alert(1)</script></p><a href="javascript:alert(1)">x</a>'
    '<a href="https://plein.test/p">Messer</a><img src="data:image/png;base64,AA" onerror="x()">',
    "product_ids": ["p-knife-1"],
    "tags": ["Kitchen", "small spaces"],
}
LOOKBOOK = {
    "kind": "lookbook",
    "title": "Autumn looks",
    "language": "en",
    "summary": "Layers for wet days",
    "looks": [
        {"image": "https://img.test/1.jpg", "caption": "Rain ready", "product_ids": ["p-coat", "p-boots"]},
        {"image": "https://img.test/2.jpg", "product_ids": ["p-scarf", "p-coat"]},
    ],
    "product_ids": ["p-hat"],
}


def post(api: Api, body: dict[str, Any], who: dict[str, Any]) -> tuple[int, Any]:
    return api("POST", "/articles", body, **who)


def decide(api: Api, subject_id: str, decision: str) -> None:
    _, queue = api("GET", "/admin/moderation", **ADMIN)
    case = next(c for c in queue["items"] if c["subject_id"] == subject_id)
    status, _ = api("POST", f"/admin/moderation/{case['case_id']}/decision", {"decision": decision}, **ADMIN)
    assert status == 200


def test_a_vendors_guide_is_public_at_once_with_a_sanitised_body(api: Api, community: Community) -> None:
    status, article = post(api, GUIDE, VENDOR)

    assert (status, article["state"], article["vendor_id"], article["author_kind"]) == (
        201,
        "published",
        "vd_kiel",
        "vendor",
    )
    body = article["body"]
    for dangerous in ("<script", "onclick", "onerror", "javascript:", "data:"):
        assert dangerous not in body
    assert '<a href="https://plein.test/p" rel="noopener nofollow">Messer</a>' in body
    assert article["tags"] == ["kitchen", "small spaces"]
    status, public = api("GET", f"/articles/{article['article_id']}", user=None)
    assert (status, public["body"]) == (200, body)
    published = community.docs.of_type(ArticlePublished)
    assert [(e.article_id, e.vendor_id, e.product_ids) for e in published] == [
        (article["article_id"], "vd_kiel", ["p-knife-1"])
    ]


def test_a_lookbook_links_every_looks_products(api: Api) -> None:
    status, article = post(api, LOOKBOOK, ADMIN)

    assert status == 201
    assert article["linked_product_ids"] == ["p-hat", "p-coat", "p-boots", "p-scarf"]
    assert [look["caption"] for look in article["looks"]] == ["Rain ready", ""]


@pytest.mark.parametrize(
    ("body", "who", "status", "code"),
    [
        ({**GUIDE, "kind": "brand_story"}, {"user": "m1"}, 403, "brand_story_vendors_only"),
        ({**GUIDE, "looks": LOOKBOOK["looks"]}, VENDOR, 422, "looks_only_in_lookbooks"),
        ({**LOOKBOOK, "looks": []}, VENDOR, 422, "lookbook_needs_looks"),
        ({**GUIDE, "summary": "what a fucking mess"}, VENDOR, 422, "moderation_refused"),
        ({**GUIDE, "language": "fr"}, VENDOR, 422, "validation_failed"),
        ({**GUIDE, "product_ids": ["not an id"]}, VENDOR, 422, "validation_failed"),
        ({**GUIDE, "cover_image": "javascript:alert(1)"}, VENDOR, 422, "validation_failed"),
        ({**GUIDE, "publish_at": "2027-01-01T10:00:00"}, VENDOR, 422, "validation_failed"),
        ({**GUIDE, "body": "x" * 100_001}, VENDOR, 422, "validation_failed"),
        ({**GUIDE, "kind": "poem"}, VENDOR, 422, "validation_failed"),
        (GUIDE, {"user": None}, 401, "unauthenticated"),
    ],
)
def test_bad_articles_are_refused_with_a_code(
    api: Api, body: dict[str, Any], who: dict[str, Any], status: int, code: str
) -> None:
    got, error = post(api, body, who)
    assert (got, error["error"]["code"]) == (status, code)


def test_a_brand_story_is_the_vendors(api: Api) -> None:
    status, story = post(api, {**GUIDE, "kind": "brand_story", "title": "Our forge"}, VENDOR)
    assert (status, story["state"]) == (201, "published")

    # a colleague of the same vendor may edit it; another vendor may not
    colleague: dict[str, Any] = {"user": "colleague", "groups": "vendor", "vendor_id": "vd_kiel"}
    assert api("PATCH", f"/articles/{story['article_id']}", {"title": "Our forge, 1920"}, **colleague)[0] == 200
    rival: dict[str, Any] = {"user": "rival", "groups": "vendor", "vendor_id": "vd_other"}
    status, error = api("PATCH", f"/articles/{story['article_id']}", {"title": "Ours"}, **rival)
    assert (status, error["error"]["code"]) == (403, "not_your_article")


def test_a_members_article_waits_for_a_moderator(api: Api, community: Community) -> None:
    status, article = post(api, {**GUIDE, "title": "Mijn keuken", "language": "nl"}, {"user": "member-1"})
    assert (status, article["state"]) == (201, "pending")
    assert "member_article" in article["reasons"]
    article_id = article["article_id"]
    assert api("GET", f"/articles/{article_id}", user=None)[0] == 404
    assert api("GET", "/articles", user=None)[1]["items"] == []
    assert api("GET", f"/me/articles/{article_id}", user="member-1")[1]["state"] == "pending"
    assert community.docs.of_type(ArticlePublished) == []

    decide(api, article_id, "approve")

    status, public = api("GET", f"/articles/{article_id}", user=None)
    assert (status, public["state"]) == (200, "published")
    assert [a["article_id"] for a in api("GET", "/users/member-1/articles", user=None)[1]["items"]] == [article_id]
    assert [a["article_id"] for a in api("GET", "/articles", query={"q": "keuken"})[1]["items"]] == [article_id]
    assert len(community.docs.of_type(ArticlePublished)) == 1


def test_a_rejected_members_article_stays_hidden(api: Api) -> None:
    _, article = post(api, {**GUIDE, "title": "Spam"}, {"user": "member-2"})
    decide(api, article["article_id"], "reject")

    assert api("GET", f"/articles/{article['article_id']}", user=None)[0] == 404
    assert api("GET", f"/me/articles/{article['article_id']}", user="member-2")[1]["state"] == "rejected"


def test_drafts_are_their_authors_alone(api: Api) -> None:
    _, draft = post(api, {**GUIDE, "draft": True}, VENDOR)
    path = f"/articles/{draft['article_id']}"
    assert draft["state"] == "draft"

    assert api("GET", path, user=None)[0] == 404
    assert api("GET", f"/me/articles/{draft['article_id']}", **ADMIN)[0] == 404
    assert api("PATCH", path, {"title": "mine"}, user="someone")[0] == 404
    assert [a["state"] for a in api("GET", "/me/articles", user="vendor-user")[1]["items"]] == ["draft"]

    status, published = api("PATCH", path, {"draft": False}, **VENDOR)
    assert (status, published["state"]) == (200, "published")
    assert api("GET", path, user=None)[0] == 200


def test_a_scheduled_article_goes_public_when_its_time_comes(api: Api, community: Community) -> None:
    at = (community.clock() + timedelta(hours=2)).isoformat()
    _, article = post(api, {**GUIDE, "publish_at": at}, ADMIN)
    assert article["state"] == "scheduled"
    assert api("GET", f"/articles/{article['article_id']}", user=None)[0] == 404
    assert community.articles.publish_due() == 0

    community.clock.advance(hours=2, seconds=1)
    assert community.articles.publish_due() == 1
    assert community.articles.publish_due() == 0  # once

    assert api("GET", f"/articles/{article['article_id']}", user=None)[1]["state"] == "published"
    assert [e.article_id for e in community.docs.of_type(ArticlePublished)] == [article["article_id"]]
    assert [a["article_id"] for a in api("GET", "/articles", query={"q": "kuche"})[1]["items"]] == [
        article["article_id"]
    ]


def test_a_published_article_cannot_be_scheduled_again(api: Api, community: Community) -> None:
    _, article = post(api, GUIDE, ADMIN)
    later = (community.clock() + timedelta(days=1)).isoformat()
    status, error = api("PATCH", f"/articles/{article['article_id']}", {"publish_at": later}, **ADMIN)
    assert (status, error["error"]["code"]) == (409, "already_published")
    status, error = api("PATCH", f"/articles/{article['article_id']}", {"title": None}, **ADMIN)
    assert (status, error["error"]["code"]) == (422, "validation_failed")


def test_search_folds_accents_matches_prefixes_and_follows_edits(api: Api) -> None:
    _, kitchen = post(api, GUIDE, VENDOR)
    _, autumn = post(api, LOOKBOOK, ADMIN)

    def found(**query: str) -> list[str]:
        status, page = api("GET", "/articles", query=query, user=None)
        assert status == 200
        return [a["article_id"] for a in page["items"]]

    assert found(q="kuche") == [kitchen["article_id"]]
    assert found(q="KÜCH tipps") == [kitchen["article_id"]]
    assert found(q="kitch") == [kitchen["article_id"]]  # a tag
    assert found(q="kuche autumn") == []
    assert found(q="layers", kind="lookbook") == [autumn["article_id"]]
    assert found(q="layers", kind="guide") == []
    assert found(kind="lookbook") == [autumn["article_id"]]
    assert found(tag="Kitchen") == [kitchen["article_id"]]
    assert found(language="de") == [kitchen["article_id"]]
    assert found(author="vendor-user") == [kitchen["article_id"]]
    assert found() == [autumn["article_id"], kitchen["article_id"]]

    api("PATCH", f"/articles/{kitchen['article_id']}", {"title": "Das Bad", "summary": "", "tags": []}, **VENDOR)
    assert found(q="kuche") == []
    assert found(q="bad") == [kitchen["article_id"]]
    assert found(tag="kitchen") == []

    status, error = api("GET", "/articles", query={"q": "ab"}, user=None)
    assert (status, error["error"]["code"]) == (400, "query_too_short")
    assert api("GET", "/articles", query={"language": "fr"}, user=None)[0] == 422


def test_listing_pages_through_filtered_lists(api: Api) -> None:
    ids = [post(api, {**GUIDE, "title": f"Guide {n}", "summary": ""}, ADMIN)[1]["article_id"] for n in range(5)]
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        query = {"limit": "2", "kind": "guide", **({"cursor": cursor} if cursor else {})}
        _, page = api("GET", "/articles", query=query, user=None)
        seen += [a["article_id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    status, error = api("GET", "/articles", query={"tag": "kitchen", "cursor": cursor or "bogus"}, user=None)
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")


def test_only_the_author_or_an_admin_deletes(api: Api) -> None:
    _, article = post(api, GUIDE, VENDOR)
    path = f"/articles/{article['article_id']}"
    status, error = api("DELETE", path, user="someone")
    assert (status, error["error"]["code"]) == (403, "not_your_article")

    assert api("DELETE", path, **ADMIN) == (204, None)
    assert api("GET", path, user=None)[0] == 404
    assert api("GET", "/articles", query={"q": "kuche"}, user=None)[1]["items"] == []
    assert api("DELETE", path, **ADMIN)[0] == 404


def test_comments_follow_the_collection_rules(api: Api) -> None:
    _, article = post(api, GUIDE, VENDOR)
    path = f"/articles/{article['article_id']}/comments"

    status, fine = api("POST", path, {"text": "Great tips!"}, user="reader")
    assert (status, fine["status"]) == (201, "published")
    status, linked = api("POST", path, {"text": "See www.cheap-knives.com"}, user="reader")
    assert (status, linked["status"], linked["reasons"]) == (201, "pending", ["link"])
    assert [c["text"] for c in api("GET", path, user=None)[1]["items"]] == ["Great tips!"]

    decide(api, linked["comment_id"], "approve")
    assert len(api("GET", path, user=None)[1]["items"]) == 2
    assert api("GET", f"/articles/{article['article_id']}", user=None)[1]["comments"] == 2

    _, draft = post(api, {**GUIDE, "draft": True}, VENDOR)
    status, error = api("POST", f"/articles/{draft['article_id']}/comments", {"text": "hi"}, user="reader")
    assert (status, error["error"]["code"]) == (404, "article_not_found")


def test_images_are_uploaded_like_avatars(api: Api, community: Community) -> None:
    status, upload = api("POST", "/article-images", {"content_type": "image/webp", "size": 1000}, user="writer")
    assert status == 201
    image_id = upload["image_url"].rsplit("/", 1)[-1]
    assert upload["image_url"] == f"https://api.plein.test/article-images/{image_id}"
    assert community.uploads.allowed[f"articles/{image_id}"] == ("image/webp", 1000)

    assert api("GET", f"/article-images/{image_id}", user=None)[0] == 302
    assert api.headers["Location"].startswith(f"https://uploads.test/articles/{image_id}")
    too_big = {"content_type": "image/png", "size": 6 * 1024 * 1024}
    assert api("POST", "/article-images", too_big, user="writer")[0] == 422
    assert api("POST", "/article-images", {"content_type": "text/html", "size": 10}, user="writer")[0] == 422
