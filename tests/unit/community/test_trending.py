"""Trending scores (pure) with Hypothesis, and hearts through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from functions.community.logic.domain import Heart, heart_weight, ranked, trending_scores
from functions.community.models.events import ProductHearted
from tests.unit.community.conftest import Api, Community

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
windows = st.sampled_from(["24h", "7d"])
ages = st.integers(min_value=0, max_value=8 * 24 * 60)  # minutes ago
weights = st.sampled_from([0.0, 0.25, 0.6, 1.0])


def heart(product: str, user: str, minutes_ago: int, weight: float = 1.0) -> Heart:
    return Heart(product_id=product, user_id=user, at=NOW - timedelta(minutes=minutes_ago), weight=weight)


hearts = st.lists(
    st.builds(heart, st.sampled_from(["a", "b", "c"]), st.text(min_size=1, max_size=4), ages, weights), max_size=30
)


@given(hearts, st.sampled_from(["a", "b", "c"]), ages, weights, windows)
def test_adding_a_heart_never_lowers_a_score(
    given_hearts: list[Heart], product: str, minutes_ago: int, weight: float, window: str
) -> None:
    before = trending_scores(given_hearts, NOW, window)
    after = trending_scores([*given_hearts, heart(product, "new-member", minutes_ago, weight)], NOW, window)

    for product_id, score in before.items():
        assert after[product_id] >= score


@given(st.lists(st.tuples(ages, weights), min_size=1, max_size=10), st.integers(1, 600), windows)
def test_more_recent_hearts_outrank_older_ones_all_else_equal(
    recent: list[tuple[int, float]], later_by: int, window: str
) -> None:
    # Given two products with hearts of the same weights, product "old" got each one `later_by` minutes earlier.
    span = 24 * 60 if window == "24h" else 7 * 24 * 60
    given_hearts = [heart("new", f"n{i}", m, w) for i, (m, w) in enumerate(recent)]
    given_hearts += [heart("old", f"o{i}", m + later_by, w) for i, (m, w) in enumerate(recent)]

    scores = trending_scores(given_hearts, NOW, window)

    if any(m <= span and w > 0 for m, w in recent):
        assert scores["new"] > scores.get("old", 0.0)
        assert ranked(scores, 2)[0][0] == "new"


def test_hearts_outside_the_window_do_not_count() -> None:
    scores = trending_scores([heart("a", "u", 25 * 60), heart("b", "u", 60)], NOW, "24h")

    assert scores == {"b": scores["b"]}
    assert trending_scores([heart("a", "u", 25 * 60)], NOW, "7d")["a"] > 0


def test_new_accounts_weigh_less() -> None:
    joined = NOW - timedelta(hours=2)

    assert heart_weight(joined, NOW) == 0.0
    assert heart_weight(NOW - timedelta(days=3), NOW) < heart_weight(NOW - timedelta(days=10), NOW) < 1.0
    assert heart_weight(NOW - timedelta(days=90), NOW) == 1.0


def test_hearting_is_idempotent_and_announced_once(api: Api, community: Community) -> None:
    assert api("PUT", "/products/pan/heart") == (200, {"product_id": "pan", "hearted": True, "hearts": 1})
    assert api("PUT", "/products/pan/heart") == (200, {"product_id": "pan", "hearted": True, "hearts": 1})
    assert api("PUT", "/products/pan/heart", user="u2")[1]["hearts"] == 2
    assert api("GET", "/products/pan/heart", user="u3") == (200, {"product_id": "pan", "hearted": False, "hearts": 2})

    assert api("DELETE", "/products/pan/heart") == (200, {"product_id": "pan", "hearted": False, "hearts": 1})
    assert api("DELETE", "/products/pan/heart") == (200, {"product_id": "pan", "hearted": False, "hearts": 1})
    assert [(e.user_id, e.hearted) for e in community.docs.of_type(ProductHearted)] == [
        ("u1", True),
        ("u2", True),
        ("u1", False),
    ]


def test_trending_ranks_by_weighted_recent_hearts(api: Api, community: Community) -> None:
    # Given established members (profiles from 60 days ago) and one brand-new account
    for user in ("u1", "u2", "u3"):
        api("PUT", "/me/profile", {"display_name": user}, user=user)
    community.clock.advance(days=60)
    api("PUT", "/products/mug/heart", user="u1")
    community.clock.advance(hours=3)
    for user in ("u2", "u3"):
        api("PUT", "/products/pan/heart", user=user)
    for n in range(5):
        api("PUT", "/products/spam/heart", user=f"sock{n}")

    status, ranking = api("GET", "/community/trending", user=None, query={"window": "24h"})

    assert status == 200
    assert [item["product_id"] for item in ranking["items"]] == ["pan", "mug"]
    assert ranking["items"][0]["hearts"] == 2
    assert api("GET", "/community/trending", query={"window": "1y"})[0] == 422
