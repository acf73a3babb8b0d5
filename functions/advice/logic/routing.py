"""Who gets offered a shopper's request: pure scoring of the online advisors of a program.

An advisor is eligible when online, approved for the request's program, running fewer than
`MAX_PARALLEL_SESSIONS` sessions, not the shopper, and has neither declined nor been offered the
request already. Eligible advisors are scored by expertise match, language, rating, median
response time, current load and fairness (time since their last offer); advisors whose answer
quality averages below the review threshold score half. The first `wave` best go first; when
nobody accepts in time the sweep offers the next `wave`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from functions.advice.logic.domain import (
    MAX_PARALLEL_SESSIONS,
    QUALITY_REVIEW_THRESHOLD,
    AdviceRequest,
    Candidate,
    PresenceStatus,
)

WAVE = 3
"""How many advisors are offered a request at once."""
OFFER_TIMEOUT = timedelta(seconds=20)
"""How long a wave has to accept before the next wave is offered."""
MAX_ROUNDS = 4
"""After this many waves without an accept the shopper is told nobody is available."""
FAIRNESS_HORIZON = timedelta(minutes=30)
NEUTRAL_RATING = 4.0
NEUTRAL_RESPONSE_MS = 15_000

EXPERTISE_WEIGHT = 3.0
LANGUAGE_WEIGHT = 2.0
RATING_WEIGHT = 1.0
RESPONSE_WEIGHT = 1.0
LOAD_WEIGHT = 1.0
FAIRNESS_WEIGHT = 0.5
LOW_QUALITY_FACTOR = 0.5


def scorer(request: AdviceRequest, now: datetime) -> Callable[[Candidate], float]:
    """The score function of one request, with what depends only on the request computed once
    (routing scores up to every online advisor per decision, so the weights are folded into
    closure constants). Expertise tags and topics are lower case (profiles store them so, the
    classifier emits them so)."""
    topics = frozenset(request.topics)
    per_topic = EXPERTISE_WEIGHT / len(topics) if topics else 0.0
    language, language_weight = request.language, LANGUAGE_WEIGHT
    rating_step, neutral_rating = RATING_WEIGHT / 5, RATING_WEIGHT * NEUTRAL_RATING / 5
    neutral_response = RESPONSE_WEIGHT / (1 + NEUTRAL_RESPONSE_MS / 10_000)
    load_step, most_sessions = LOAD_WEIGHT / MAX_PARALLEL_SESSIONS, MAX_PARALLEL_SESSIONS
    horizon, fairness = FAIRNESS_HORIZON.total_seconds(), FAIRNESS_WEIGHT
    threshold, low_quality = QUALITY_REVIEW_THRESHOLD, LOW_QUALITY_FACTOR

    def scored(candidate: Candidate) -> float:
        total = per_topic * len(topics.intersection(candidate.expertise)) if topics else 0.0
        if language in candidate.languages:
            total += language_weight
        rating = candidate.rating
        total += neutral_rating if rating is None else rating_step * rating
        median = candidate.median_response_ms
        total += neutral_response if median is None else RESPONSE_WEIGHT / (1 + median / 10_000)
        total += load_step * (most_sessions - candidate.active_sessions)
        offered = candidate.last_offered_at
        if offered is None:
            total += fairness
        else:
            waited = (now - offered).total_seconds()
            if waited >= horizon:
                total += fairness
            elif waited > 0:
                total += fairness * waited / horizon
        quality = candidate.quality
        if quality is not None and quality < threshold:
            total *= low_quality
        return total

    return scored


def next_wave(
    request: AdviceRequest, candidates: Iterable[Candidate], now: datetime, wave: int = WAVE
) -> list[Candidate]:
    """The best `wave` eligible candidates, best first (ties broken by user id, for determinism)."""
    excluded = {request.shopper_id, *request.declined, *request.offered}
    program = request.program_id
    online = PresenceStatus.ONLINE
    scored = scorer(request, now)
    eligible = (
        c
        for c in candidates
        if program in c.programs  # the most selective test first
        and c.status is online
        and c.active_sessions < MAX_PARALLEL_SESSIONS
        and c.user_id not in excluded
    )
    # Keyed, not decorated: only the running best few are kept, so a decision over thousands of
    # advisors holds no list of scores for the collector to walk. Ties go to the larger user id.
    return heapq.nlargest(wave, eligible, key=lambda c: (scored(c), c.user_id))
