"""Shares (short links with referral codes, clicks, redirects), profiles, follows and the feed,
feedback and suggestions."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from functions.community.logic.domain import referral_code
from functions.community.models.consumed import StageChangedView
from functions.community.models.events import (
    FeedbackActedOn,
    FollowChanged,
    NewsletterOptInRequested,
    ProfileUpdated,
    ShareClicked,
)
from tests.unit.community.conftest import Api, Community

PROFILE = {
    "display_name": "Anna",
    "avatar_url": "https://img.example/anna.png",
    "bio": "<i>Coffee</i> nerd",
    "interests": ["Coffee", "coffee", "hiking"],
    "languages": ["nl", "de"],
    "newsletter": True,
}


def test_a_share_link_carries_the_referral_code_and_counts_clicks(api: Api, community: Community) -> None:
    status, share = api("POST", "/shares", {"target_type": "product", "target_id": "pan"}, user="sharer")
    assert status == 201
    code = referral_code("sharer")
    assert share["referral_code"] == code
    assert share["link"] == f"https://api.plein.test/s/{share['code']}"
    assert share["target_url"] == f"https://plein.test/#/product/pan?ref={code}"
    assert set(share["targets"]) >= {"facebook", "x", "whatsapp", "pinterest", "email"}
    assert share["targets"]["email"].startswith("mailto:?")

    status, body = api("GET", f"/s/{share['code']}", user=None)
    assert (status, body) == (302, None)
    assert api.headers["Location"] == share["target_url"]
    api("GET", f"/s/{share['code']}", user=None)
    clicks = community.docs.of_type(ShareClicked)
    assert [(e.user_id, e.referral_code, e.target_id) for e in clicks] == [("sharer", code, "pan")] * 2
    assert api("GET", "/s/nope", user=None)[1]["error"]["code"] == "share_not_found"


def test_referral_codes_are_stable_and_distinct_per_member() -> None:
    assert referral_code("a") == referral_code("a")
    assert referral_code("a") != referral_code("b")
    assert len(referral_code("a")) == 8


def test_shares_of_private_collections_are_refused(api: Api) -> None:
    _, private = api("POST", "/collections", {"title": "Secret", "visibility": "private"}, user="owner")

    status, error = api("POST", "/shares", {"target_type": "collection", "target_id": private["collection_id"]})

    assert (status, error["error"]["code"]) == (404, "collection_not_found")


def test_profiles_are_edited_by_their_member_and_shown_publicly(api: Api, community: Community) -> None:
    status, mine = api("PUT", "/me/profile", PROFILE, user="anna")
    assert status == 200
    assert (mine["interests"], mine["newsletter_pending"], mine["referral_code"]) == (
        ["coffee", "hiking"],
        True,
        referral_code("anna"),
    )
    api("POST", "/products/pan/reviews", {"rating": 5, "title": "Top", "text": "Great pan"}, user="anna")
    community.consumer.stage_changed(
        StageChangedView(event_id="s1", occurred_at=datetime(2026, 12, 1, tzinfo=UTC), user_id="anna", new_stage="fan")
    )

    status, public = api("GET", "/users/anna", user=None)
    assert status == 200
    assert (public["display_name"], public["badges"], public["contributions"]["reviews"]) == ("Anna", ["fan"], 1)
    assert "newsletter" not in public
    assert api("GET", "/users/nobody")[1]["error"]["code"] == "member_not_found"
    assert api("PUT", "/me/profile", {**PROFILE, "bio": "what a klootzak"})[1]["error"]["code"] == "moderation_refused"
    assert api("PUT", "/me/profile", {**PROFILE, "languages": ["dutch"]})[0] == 422


def test_followers_see_new_reviews_and_collections_of_those_they_follow(api: Api, community: Community) -> None:
    api("PUT", "/me/profile", PROFILE, user="anna")
    assert api("PUT", "/users/anna/follow", user="ben") == (200, {"user_id": "anna", "following": True})
    assert api("PUT", "/users/anna/follow", user="ben")[0] == 200
    assert api("PUT", "/users/ben/follow", user="ben")[1]["error"]["code"] == "cannot_follow_self"

    api("POST", "/products/pan/reviews", {"rating": 5, "title": "Top pan", "text": "Great"}, user="anna")
    community.clock.advance(minutes=5)
    api("POST", "/collections", {"title": "Kitchen", "visibility": "public"}, user="anna")
    api("POST", "/collections", {"title": "Hidden", "visibility": "private"}, user="anna")
    api("POST", "/products/pan/reviews", {"rating": 1, "title": "Meh", "text": "Not followed"}, user="carl")

    status, feed = api("GET", "/me/feed", user="ben")
    assert status == 200
    assert [(item["kind"], item["title"]) for item in feed["items"]] == [
        ("collection", "Kitchen"),
        ("review", "Top pan"),
    ]
    assert api("GET", "/users/anna")[1]["followers"] == 1

    assert api("DELETE", "/users/anna/follow", user="ben")[1] == {"user_id": "anna", "following": False}
    assert api("GET", "/me/feed", user="ben")[1]["items"] == []
    api("DELETE", "/users/anna/follow", user="ben")
    # Each change of the follow is published once (notifications keeps its followers from them)
    assert [(e.follower_id, e.user_id, e.following) for e in community.docs.of_type(FollowChanged)] == [
        ("ben", "anna", True),
        ("ben", "anna", False),
    ]


def test_feedback_is_for_admins_and_acted_on_once(api: Api, community: Community) -> None:
    status, feedback = api("POST", "/feedback", {"topic": "checkout", "text": "Loved it", "rating": 5}, user="anna")
    assert (status, feedback["kind"]) == (201, "feedback")
    status, suggestion = api(
        "POST", "/suggestions", {"topic": "coffee", "text": "Sell beans", "product_url": "https://beans.example"}
    )
    assert (status, suggestion["kind"]) == (201, "suggestion")

    assert api("GET", "/admin/feedback", user="anna")[0] == 403
    _, listed = api("GET", "/admin/feedback", user="a", groups="admin", query={"kind": "suggestion"})
    assert [f["topic"] for f in listed["items"]] == ["coffee"]

    path = f"/admin/feedback/{feedback['feedback_id']}/acted-on"
    status, acted = api("POST", path, {"note": "shipped"}, user="a", groups="admin")
    assert (status, acted["acted_on"]) == (200, True)
    assert api("POST", path, user="a", groups="admin")[1]["error"]["code"] == "already_acted_on"
    assert [(e.user_id, e.kind) for e in community.docs.of_type(FeedbackActedOn)] == [("anna", "feedback")]
    _, done = api("GET", "/admin/feedback", user="a", groups="admin", query={"state": "acted_on"})
    assert [f["feedback_id"] for f in done["items"]] == [feedback["feedback_id"]]
    assert api("POST", "/feedback", {"topic": "x", "text": "y", "rating": 9})[0] == 422


def test_a_first_contribution_makes_a_public_profile(api: Api) -> None:
    assert api("GET", "/users/zed")[0] == 404

    api("POST", "/products/pan/questions", {"text": "Is it heavy?"}, user="zed")

    status, profile = api("GET", "/users/zed")
    assert (status, profile["display_name"], profile["contributions"]["reviews"]) == (200, None, 0)


def test_the_newsletter_needs_the_confirmation_from_the_e_mail(api: Api, community: Community) -> None:
    status, mine = api("PUT", "/me/profile", PROFILE, user="anna")
    assert (status, mine["newsletter"], mine["newsletter_pending"]) == (200, False, True)
    api("PUT", "/me/profile", PROFILE, user="anna")  # saving again sends no second e-mail
    [requested] = community.docs.of_type(NewsletterOptInRequested)
    token = parse_qs(urlsplit(requested.confirm_url).query)["token"][0]
    assert requested.confirm_url.startswith("https://api.plein.test/newsletter/confirm?")

    assert api("GET", "/newsletter/confirm", user=None, query={"token": token}) == (
        200,
        {"user_id": "anna", "newsletter": True},
    )
    assert api("GET", "/me/profile", user="anna")[1]["newsletter"] is True
    updates = community.docs.of_type(ProfileUpdated)
    assert [(e.newsletter, e.interests) for e in updates] == [(False, ["coffee", "hiking"])] * 2 + [
        (True, ["coffee", "hiking"])
    ]
    used = api("GET", "/newsletter/confirm", user=None, query={"token": token})
    assert (used[0], used[1]["error"]["code"]) == (404, "token_not_found")

    api("PUT", "/me/profile", {**PROFILE, "newsletter": False}, user="anna")
    assert api("GET", "/me/profile", user="anna")[1]["newsletter"] is False


def test_an_opt_in_link_expires(api: Api, community: Community) -> None:
    api("PUT", "/me/profile", PROFILE, user="anna")
    [requested] = community.docs.of_type(NewsletterOptInRequested)
    token = parse_qs(urlsplit(requested.confirm_url).query)["token"][0]
    community.clock.advance(days=8)

    assert api("GET", "/newsletter/confirm", user=None, query={"token": token})[0] == 404
    assert api("GET", "/newsletter/confirm", user=None, query={"token": "x"})[0] == 422


def test_an_avatar_upload_is_pinned_to_type_and_size_and_served_by_the_profile(api: Api, community: Community) -> None:
    assert api("GET", "/users/anna/avatar", user=None)[1]["error"]["code"] == "avatar_not_found"
    status, upload = api("POST", "/me/avatar", {"content_type": "image/png", "size": 52_000}, user="anna")

    assert status == 201
    key = upload["fields"]["key"]
    assert key.startswith("avatars/anna/")
    assert community.uploads.allowed[key] == ("image/png", 52_000)
    assert upload["avatar_url"] == "https://api.plein.test/users/anna/avatar"
    assert api("GET", "/me/profile", user="anna")[1]["avatar_url"] == upload["avatar_url"]
    assert api("GET", "/users/anna/avatar", user=None)[0] == 302
    assert api.headers["Location"].startswith(f"https://uploads.test/{key}")
    assert api("POST", "/me/avatar", {"content_type": "image/svg+xml", "size": 10}, user="anna")[0] == 422
    assert api("POST", "/me/avatar", {"content_type": "image/png", "size": 3 * 1024 * 1024}, user="anna")[0] == 422
    api("PUT", "/me/profile", {"display_name": "Ben"}, user="ben")
    assert api("GET", "/users/ben/avatar", user=None)[1]["error"]["code"] == "avatar_not_found"
