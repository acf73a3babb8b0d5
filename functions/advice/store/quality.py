"""Answer quality from the rating, the response time and the transcript.

Signals: the shopper's CSAT, how fast the advisor answered, whether the advisor's answers use the
question's terms, their length, politeness, and whether anyone shared contact details or links
(which moves the conversation off the platform: always flagged for review).
"""

from __future__ import annotations

import re

from functions.advice.logic.domain import Message, Rating, Session, leaks_contact
from functions.advice.logic.ports import QualityVerdict

POLITE = ("hi", "hello", "hallo", "hoi", "dank", "thanks", "thank", "graag", "please", "alstublieft", "welkom", "bitte")
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "ik",
        "je",
        "is",
        "dat",
        "die",
        "in",
        "op",
        "te",
        "wat",
        "voor",
        "met",
        "zijn",
        "niet",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "is",
        "it",
        "for",
        "with",
        "my",
        "this",
        "that",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)
FAST_RESPONSE_SECONDS = 30
SUBSTANTIAL_CHARACTERS = 80


class TranscriptQualityScorer:
    def score(self, session: Session, transcript: list[Message], rating: Rating) -> QualityVerdict:
        answers = [m.text for m in transcript if m.role == "advisor"]
        answered = " ".join(answers).lower()
        flags = []
        if any(leaks_contact(m.text) for m in transcript if m.role != "system"):
            flags.append("contact_details_shared")
        if not answers:
            flags.append("no_answer")
        terms = {w for w in _WORD.findall(session.question.lower()) if len(w) > 2 and w not in STOPWORDS}
        answered_words = set(_WORD.findall(answered))
        coverage = len(terms & answered_words) / len(terms) if terms else 1.0
        length = min(1.0, len(answered) / SUBSTANTIAL_CHARACTERS)
        polite = 1.0 if any(word in answered_words for word in POLITE) else 0.0
        first = session.first_response_at or session.accepted_at
        waited = (first - session.accepted_at).total_seconds() + session.response_ms / 1000
        speed = 1.0 if waited <= FAST_RESPONSE_SECONDS else max(0.0, 1 - waited / 600)
        csat = (rating.csat - 1) / 4
        total = 0.4 * csat + 0.2 * coverage + 0.15 * length + 0.1 * polite + 0.15 * speed
        if flags:
            total = min(total, 0.4)
        return QualityVerdict(score=round(total, 4), flags=flags)
