"""Collections: compose across vendors, publish, rate (not one's own), comment, top list; only
the owner edits or deletes."""

from __future__ import annotations

from functions.community.models.events import CollectionPublished, CollectionRated
from tests.unit.community.conftest import Api, Community

OUTFIT = {
    "title": "Autumn in Kiel",
    "description": "Warm and dry",
    "cover_image": "https://img.example/cover.jpg",
    "visibility": "public",
    "items": [{"product_id": "coat-v1", "note": "size up"}, {"product_id": "boots-v2"}],
}


def test_a_public_collection_is_published_once_and_lists_its_products(api: Api, community: Community) -> None:
    status, created = api("POST", "/collections", OUTFIT, user="owner")
    assert (status, created["status"], created["product_ids"]) == (201, "published", ["coat-v1", "boots-v2"])

    status, fetched = api("GET", f"/collections/{created['collection_id']}", user=None)
    assert (status, fetched["items"][0]["note"]) == (200, "size up")
    api("PUT", f"/collections/{created['collection_id']}", {**OUTFIT, "title": "Autumn in Kiel, v2"}, user="owner")

    assert [(e.user_id, e.product_ids) for e in community.docs.of_type(CollectionPublished)] == [
        ("owner", ["coat-v1", "boots-v2"])
    ]
    _, newest = api("GET", "/collections", query={"sort": "new"})
    assert [c["title"] for c in newest["items"]] == ["Autumn in Kiel, v2"]


def test_private_collections_are_the_owners_alone(api: Api) -> None:
    _, private = api("POST", "/collections", {**OUTFIT, "visibility": "private"}, user="owner")

    assert api("GET", f"/collections/{private['collection_id']}", user=None)[0] == 404
    assert api("GET", "/collections")[1]["items"] == []
    assert [c["collection_id"] for c in api("GET", "/me/collections", user="owner")[1]["items"]] == [
        private["collection_id"]
    ]
    assert api("GET", "/users/owner/collections")[1]["items"] == []
    assert api("PUT", f"/collections/{private['collection_id']}", OUTFIT, user="other")[0] == 404


def test_only_the_owner_edits_or_deletes(api: Api) -> None:
    _, created = api("POST", "/collections", OUTFIT, user="owner")
    path = f"/collections/{created['collection_id']}"

    status, error = api("PUT", path, {**OUTFIT, "title": "mine now"}, user="other")
    assert (status, error["error"]["code"]) == (403, "not_your_collection")
    status, error = api("DELETE", path, user="other")
    assert (status, error["error"]["code"]) == (403, "not_your_collection")

    assert api("DELETE", path, user="owner") == (204, None)
    assert api("GET", path)[0] == 404
    assert api("GET", "/collections")[1]["items"] == []


def test_ratings_rank_collections_and_owners_cannot_rate_their_own(api: Api, community: Community) -> None:
    _, a = api("POST", "/collections", OUTFIT, user="owner-a")
    _, b = api("POST", "/collections", {**OUTFIT, "title": "Beach day"}, user="owner-b")

    status, error = api("POST", f"/collections/{a['collection_id']}/ratings", {"stars": 5}, user="owner-a")
    assert (status, error["error"]["code"]) == (403, "own_collection")
    assert api("POST", f"/collections/{a['collection_id']}/ratings", {"stars": 6}, user="x")[0] == 422

    for user in ("r1", "r2", "r3"):
        api("POST", f"/collections/{b['collection_id']}/ratings", {"stars": 5}, user=user)
    api("POST", f"/collections/{a['collection_id']}/ratings", {"stars": 5}, user="r1")
    status, rated = api("POST", f"/collections/{a['collection_id']}/ratings", {"stars": 2}, user="r1")
    assert (status, rated["rating_count"], rated["average"]) == (200, 1, 2.0)

    _, top = api("GET", "/collections", query={"sort": "top"})
    assert [c["title"] for c in top["items"]] == ["Beach day", "Autumn in Kiel"]
    assert [(e.owner_id, e.stars) for e in community.docs.of_type(CollectionRated)][-1] == ("owner-a", 2)


def test_comments_are_moderated_and_counted(api: Api) -> None:
    _, created = api("POST", "/collections", OUTFIT, user="owner")
    path = f"/collections/{created['collection_id']}/comments"

    assert api("POST", path, {"text": "Love the boots"}, user="c1")[1]["status"] == "published"
    assert api("POST", path, {"text": "Klootzak"}, user="c2")[1]["status"] == "rejected"

    _, comments = api("GET", path, user=None)
    assert [c["text"] for c in comments["items"]] == ["Love the boots"]
    assert api("GET", f"/collections/{created['collection_id']}")[1]["comments"] == 1


def test_too_many_items_or_a_bad_cover_are_422(api: Api) -> None:
    items = [{"product_id": f"p{i}"} for i in range(51)]

    assert api("POST", "/collections", {**OUTFIT, "items": items})[0] == 422
    assert api("POST", "/collections", {**OUTFIT, "cover_image": "ftp://x"})[0] == 422
    assert api("POST", "/collections", {**OUTFIT, "items": [{"product_id": "bad id"}]})[0] == 422
