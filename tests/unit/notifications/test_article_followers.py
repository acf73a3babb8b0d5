"""ArticlePublished reaches the members who follow the author (topic `content`): the follower
projection from FollowChanged, its out-of-order events, vendors' articles, redeliveries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from functions.notifications.logic.domain import Channel, Preferences, Topic
from tests.unit.notifications.conftest import World


def follow(world: World, follower: str, user: str, following: bool = True, *, minutes: int = 0) -> None:
    world.event(
        "plein.community",
        "FollowChanged",
        {
            "event_id": f"f-{follower}-{user}-{following}-{minutes}",
            "occurred_at": (world.clock() + timedelta(minutes=minutes)).isoformat(),
            "follower_id": follower,
            "user_id": user,
            "following": following,
        },
    )


def publish(world: World, event_id: str = "ap1", **detail: Any) -> None:
    world.event(
        "plein.community",
        "ArticlePublished",
        {
            "event_id": event_id,
            "occurred_at": world.clock().isoformat(),
            "article_id": "ar1",
            "kind": "guide",
            "author_id": "writer",
            "language": "en",
            "title": "Small kitchens",
            "tags": [],
            "product_ids": [],
            "published_at": world.clock().isoformat(),
            **detail,
        },
    )


def inbox(world: World, user_id: str) -> list[tuple[str, str | None, Topic]]:
    return [(n.title, n.link, n.topic) for n in world.store.notes.get(user_id, {}).values()]


def test_followers_get_the_article_in_their_inbox_once(world: World) -> None:
    # Given u1 and u2 follow the writer, and u3 followed and stopped
    follow(world, "u1", "writer")
    follow(world, "u2", "writer")
    follow(world, "u3", "writer")
    follow(world, "u3", "writer", following=False, minutes=1)

    # When the writer's article is published (and the event delivered twice)
    publish(world)
    publish(world)

    # Then each follower has one notification in their language; nobody else has one
    assert inbox(world, "u1") == [("New article: Small kitchens", "#/articles/ar1", Topic.CONTENT)]
    assert inbox(world, "u2") == [("Neuer Artikel: Small kitchens", "#/articles/ar1", Topic.CONTENT)]
    assert inbox(world, "u3") == []
    assert inbox(world, "writer") == []
    # e-mail is opt-in for this topic
    assert world.mail.sent == []


def test_an_older_follow_arriving_late_does_not_undo_a_newer_unfollow(world: World) -> None:
    follow(world, "u1", "writer", following=False, minutes=5)
    follow(world, "u1", "writer", following=True, minutes=1)
    publish(world)
    assert inbox(world, "u1") == []

    follow(world, "u1", "writer", following=True, minutes=9)
    publish(world, "ap2")
    assert len(inbox(world, "u1")) == 1


def test_a_brand_story_reaches_followers_of_the_vendors_people_and_email_when_chosen(world: World) -> None:
    # Given the vendor's owner is known, u1 follows the owner and wants content by e-mail
    world.event(
        "plein.vendor",
        "VendorApproved",
        {"event_id": "va1", "occurred_at": world.clock().isoformat(), "vendor_id": "v1", "name": "Atelier",
         "owner_user_id": "owner"},
    )  # fmt: skip
    follow(world, "u1", "owner")
    follow(world, "u2", "someone-else")
    channels = {Topic.CONTENT: frozenset({Channel.INBOX, Channel.EMAIL})}
    world.store.save_preferences(Preferences(user_id="u1", language="en", channels=channels))

    # When a colleague of the owner publishes the vendor's brand story
    publish(world, author_id="colleague", vendor_id="v1", kind="brand_story", title="Our workshop")

    # Then the owner's follower hears of it, in the inbox and by e-mail
    assert inbox(world, "u1") == [("New article: Our workshop", "#/articles/ar1", Topic.CONTENT)]
    [mail] = world.mail.to("ann@example.com")
    assert mail.subject == "New article: Our workshop"
    assert inbox(world, "u2") == []
