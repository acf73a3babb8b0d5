"""Ideas: support once, milestones (configurable) and their events, review at the last milestone,
decisions, expiry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.community.handlers import expiry
from functions.community.logic.domain import Idea, IdeaStatus, support_step
from functions.community.models.events import IdeaDecided, IdeaMilestoneReached, IdeaSupported
from tests.unit.community.conftest import MILESTONES, Api, Community

IDEA = {"title": "Cast-iron waffle pan", "description": "Heart-shaped, for induction", "vendor_id": "v1"}


def propose(api: Api) -> str:
    status, idea = api("POST", "/ideas", IDEA, user="author")
    assert (status, idea["state"], idea["next_milestone"]) == (201, "open", MILESTONES[0])
    return str(idea["idea_id"])


def test_support_counts_once_and_milestones_fire_once(api: Api, community: Community) -> None:
    idea_id = propose(api)
    path = f"/ideas/{idea_id}/support"

    assert api("GET", path, user="s1")[1] == {"idea_id": idea_id, "supported": False, "supporters": 0}
    assert api("PUT", path, user="s1")[1] == {"idea_id": idea_id, "supported": True, "supporters": 1}
    assert api("GET", path, user="s1")[1]["supported"] is True
    assert api("PUT", path, user="s1")[1]["supporters"] == 1
    assert api("PUT", path, user="s2")[1]["supporters"] == 2  # milestone 2
    assert api("DELETE", path, user="s2")[1] == {"idea_id": idea_id, "supported": False, "supporters": 1}
    assert api("PUT", path, user="s2")[1]["supporters"] == 2  # back at 2: no second milestone event
    assert api("PUT", path, user="s3")[1]["supporters"] == 3  # milestone 3

    reached = community.docs.of_type(IdeaMilestoneReached)
    assert [(e.milestone, e.supporters) for e in reached] == [(2, 2), (3, 3)]
    assert [e.supporters for e in community.docs.of_type(IdeaSupported)] == [1, 2, 2, 3]
    _, idea = api("GET", f"/ideas/{idea_id}", user=None)
    assert (idea["milestone"], idea["next_milestone"], idea["state"]) == (3, 5, "open")


def test_the_last_milestone_sends_the_idea_to_review_and_a_decision_closes_it(api: Api, community: Community) -> None:
    idea_id = propose(api)
    for n in range(5):
        api("PUT", f"/ideas/{idea_id}/support", user=f"s{n}")
    assert api("GET", f"/ideas/{idea_id}")[1]["state"] == "in_review"

    decision = {"decision": "accepted", "feedback": "We will make it", "product_id": "waffle-pan"}
    status, error = api("POST", f"/admin/ideas/{idea_id}/decision", decision, user="s1")
    assert (status, error["error"]["code"]) == (403, "not_your_idea")
    other_vendor = api("POST", f"/admin/ideas/{idea_id}/decision", decision, user="w", groups="vendor", vendor_id="v2")
    assert other_vendor[0] == 403

    status, decided = api(
        "POST", f"/admin/ideas/{idea_id}/decision", decision, user="w", groups="vendor", vendor_id="v1"
    )
    assert (status, decided["state"], decided["product_id"]) == (200, "accepted", "waffle-pan")
    assert [(e.decision, e.product_id) for e in community.docs.of_type(IdeaDecided)] == [("accepted", "waffle-pan")]
    again = api("POST", f"/admin/ideas/{idea_id}/decision", decision, user="a", groups="admin")
    assert (again[0], again[1]["error"]["code"]) == (409, "idea_not_in_review")
    assert api("PUT", f"/ideas/{idea_id}/support", user="late")[1]["error"]["code"] == "idea_closed"


def test_an_idea_that_misses_its_next_milestone_in_time_expires(api: Api, community: Community) -> None:
    idea_id = propose(api)
    quick = propose_other(api)
    community.clock.advance(days=59)
    for user in ("s1", "s2"):
        api("PUT", f"/ideas/{quick}/support", user=user)  # milestone reached: the window restarts
    community.clock.advance(days=2)

    assert community.ideas.expire_due() == 1
    assert community.ideas.expire_due() == 0

    assert api("GET", f"/ideas/{idea_id}")[1]["state"] == "expired"
    assert api("GET", f"/ideas/{quick}")[1]["state"] == "open"
    assert [i["idea_id"] for i in api("GET", "/ideas", query={"state": "expired"})[1]["items"]] == [idea_id]


def test_the_scheduled_job_expires_due_ideas(api: Api, community: Community, monkeypatch: pytest.MonkeyPatch) -> None:
    idea_id = propose(api)
    monkeypatch.setattr(expiry, "idea_service", lambda: community.ideas)
    assert expiry.handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None) == {"expired": 0}
    community.clock.advance(days=61)

    assert expiry.handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None) == {"expired": 1}
    assert api("GET", f"/ideas/{idea_id}")[1]["state"] == "expired"
    assert api("PUT", f"/ideas/{idea_id}/support", user="late")[1]["error"]["code"] == "idea_closed"


def propose_other(api: Api) -> str:
    return str(api("POST", "/ideas", {**IDEA, "title": "Egg poacher"}, user="author2")[1]["idea_id"])


def test_authors_cannot_support_their_own_idea(api: Api) -> None:
    idea_id = propose(api)

    status, error = api("PUT", f"/ideas/{idea_id}/support", user="author")

    assert (status, error["error"]["code"]) == (403, "own_idea")


@given(
    supporters=st.integers(0, 12_000),
    milestone_index=st.integers(0, 4),
    delta=st.sampled_from([-1, 1]),
)
def test_milestone_steps_never_go_back_and_each_milestone_is_reached_once(
    supporters: int, milestone_index: int, delta: int
) -> None:
    # Given a consistent idea: its milestone is the highest one its supporters reached, or a
    # higher one reached before some supporters withdrew.
    milestones = (100, 1000, 5000, 10000)
    passed = max([0, *(m for m in milestones if m <= supporters)])
    idea = _idea(supporters=supporters, milestone=max(passed, [0, *milestones][milestone_index]))

    step = support_step(idea, delta, milestones)

    assert step.milestone >= idea.milestone
    assert all(idea.milestone < m <= step.supporters for m in step.reached)
    assert step.supporters == max(0, supporters + delta)
    if delta < 0:
        assert step.reached == []
    assert (step.state is IdeaStatus.IN_REVIEW) == (step.milestone >= milestones[-1])


@pytest.mark.parametrize(
    ("supporters", "milestone", "reached", "state"),
    [(99, 0, [100], IdeaStatus.OPEN), (999, 100, [1000], IdeaStatus.OPEN), (9999, 5000, [10000], IdeaStatus.IN_REVIEW)],
)
def test_milestone_transitions(supporters: int, milestone: int, reached: list[int], state: IdeaStatus) -> None:
    step = support_step(_idea(supporters=supporters, milestone=milestone), +1, (100, 1000, 5000, 10000))

    assert (step.reached, step.state) == (reached, state)


def _idea(**fields: object) -> Idea:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 1, tzinfo=UTC)
    base: dict[str, object] = {
        "idea_id": "i1",
        "author_id": "a",
        "title": "t",
        "description": "d",
        "deadline": at,
        "created_at": at,
    }
    return Idea.model_validate({**base, **fields})
