"""Routing properties: load cap, no re-offer after a decline, the best advisor first."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.advice.logic import routing
from functions.advice.logic.domain import (
    MAX_PARALLEL_SESSIONS,
    AdviceRequest,
    Candidate,
    Mode,
    PresenceStatus,
    ProductContext,
)
from tests.unit.advice.fakes import T0

TAGS = ("coffee", "cycling", "audio", "fashion")


def request(topics: list[str], declined: list[str]) -> AdviceRequest:
    return AdviceRequest(
        request_id="r1",
        program_id="p1",
        shopper_id="shopper",
        product=ProductContext(product_id="prod"),
        question="?",
        language="nl",
        mode=Mode.CHAT,
        topics=topics,
        created_at=T0,
        escalate_at=T0 + routing.OFFER_TIMEOUT,
        declined=declined,
    )


def available_for(req: AdviceRequest, c: Candidate) -> bool:
    """The test's own statement of who may be offered a request."""
    return (
        c.status is PresenceStatus.ONLINE
        and c.active_sessions < MAX_PARALLEL_SESSIONS
        and req.program_id in c.programs
        and c.user_id not in {req.shopper_id, *req.declined, *req.offered}
    )


candidates = st.builds(
    Candidate,
    user_id=st.sampled_from([f"a{i}" for i in range(12)]),
    display_name=st.just("x"),
    programs=st.sampled_from([["p1"], ["p2"], ["p1", "p2"]]),
    expertise=st.lists(st.sampled_from(TAGS), max_size=3),
    languages=st.lists(st.sampled_from(["nl", "en", "de"]), min_size=1, max_size=2),
    status=st.sampled_from(list(PresenceStatus)),
    active_sessions=st.integers(0, MAX_PARALLEL_SESSIONS + 1),
    rating=st.none() | st.floats(1, 5),
    median_response_ms=st.none() | st.integers(0, 120_000),
    quality=st.none() | st.floats(0, 1),
    last_offered_at=st.none() | st.integers(0, 7200).map(lambda s: T0 - timedelta(seconds=s)),
    heartbeat_at=st.just(T0),
)
pools = st.lists(candidates, max_size=20, unique_by=lambda c: c.user_id)
topic_lists = st.lists(st.sampled_from(TAGS), max_size=2, unique=True)


@settings(max_examples=150, deadline=None)
@given(pool=pools, topics=topic_lists, declined=st.lists(st.sampled_from([f"a{i}" for i in range(12)])))
def test_offers_go_only_to_online_members_below_the_load_cap_who_did_not_decline(
    pool: list[Candidate], topics: list[str], declined: list[str]
) -> None:
    wave = routing.next_wave(request(topics, declined), pool, T0)
    assert len(wave) <= routing.WAVE
    for chosen in wave:
        assert chosen.active_sessions < MAX_PARALLEL_SESSIONS
        assert chosen.user_id not in declined
        assert chosen.status is PresenceStatus.ONLINE
        assert "p1" in chosen.programs


@settings(max_examples=150, deadline=None)
@given(pool=pools, topics=topic_lists, declined=st.lists(st.sampled_from([f"a{i}" for i in range(12)])))
def test_the_best_scoring_available_advisor_gets_the_first_offer(
    pool: list[Candidate], topics: list[str], declined: list[str]
) -> None:
    req = request(topics, declined)
    wave = routing.next_wave(req, pool, T0)
    available = [c for c in pool if available_for(req, c)]
    assert bool(wave) == bool(available)
    if wave:
        best = max(routing.scorer(req, T0)(c) for c in available)
        assert routing.scorer(req, T0)(wave[0]) == best
        scores = [routing.scorer(req, T0)(c) for c in wave]
        assert scores == sorted(scores, reverse=True)


@settings(max_examples=100, deadline=None)
@given(pool=pools, topics=topic_lists)
def test_escalation_never_offers_the_same_advisor_twice(pool: list[Candidate], topics: list[str]) -> None:
    req = request(topics, [])
    seen: list[str] = []
    for _ in range(routing.MAX_ROUNDS + 2):
        wave = routing.next_wave(req, pool, T0)
        ids = [c.user_id for c in wave]
        assert not set(ids) & set(seen)
        seen += ids
        req = req.model_copy(update={"offered": seen, "declined": seen[:1]})


def test_expertise_and_language_outrank_the_rest() -> None:
    base = {"display_name": "x", "programs": ["p1"], "status": PresenceStatus.ONLINE, "heartbeat_at": T0}
    expert = Candidate(user_id="expert", expertise=["coffee"], languages=["nl"], active_sessions=2, **base)
    idle = Candidate(user_id="idle", expertise=["audio"], languages=["en"], active_sessions=0, rating=5, **base)
    wave = routing.next_wave(request(["coffee"], []), [idle, expert], T0)
    assert [c.user_id for c in wave] == ["expert", "idle"]


def test_low_answer_quality_lowers_the_score() -> None:
    base = {"display_name": "x", "programs": ["p1"], "status": PresenceStatus.ONLINE, "heartbeat_at": T0}
    good = Candidate(user_id="good", expertise=[], languages=["nl"], active_sessions=0, quality=0.9, **base)
    poor = Candidate(user_id="poor", expertise=[], languages=["nl"], active_sessions=0, quality=0.2, **base)
    req = request([], [])
    assert routing.scorer(req, T0)(poor) < routing.scorer(req, T0)(good)
    assert routing.next_wave(req, [poor, good], T0, wave=1)[0].user_id == "good"
