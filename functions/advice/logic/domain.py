"""Domain models and pure rules of live advice: programs, tests, advisors, requests and sessions."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from functions.common.auth import Principal, Role
from functions.common.inputs import StrictInput
from functions.common.models import Record

MAX_PARALLEL_SESSIONS = 3
"""An advisor never has more sessions running at once than this."""
CONVERSION_WINDOW = timedelta(days=7)
"""An order of an advised product by the advised shopper within this counts as a conversion."""
PRESENCE_STALE_AFTER = timedelta(seconds=90)
"""An advisor without a heartbeat for this long is taken offline by the sweep."""
QUALITY_REVIEW_THRESHOLD = 0.5
"""Sessions scoring below this are flagged for review; advisors averaging below it get fewer offers."""


class CompensationKind(StrEnum):
    POINTS = "points"
    CASH = "cash"


class Compensation(StrictInput):
    model_config = ConfigDict(frozen=True)

    kind: CompensationKind
    points: int = Field(default=0, ge=0, le=100_000)
    cash: int = Field(default=0, ge=0, le=100_000, description="Minor units per rated session")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class Program(Record):
    program_id: str
    name: str
    owner_id: str = Field(description="The user who created it")
    vendor_id: str | None = Field(default=None, description="The vendor that owns it (none for admin programs)")
    categories: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)
    compensation: Compensation
    invitation_url: str
    created_at: datetime

    def managed_by(self, caller: Principal) -> bool:
        """Its creator, its vendor's users and admins manage a program."""
        if caller.has(Role.ADMIN) or caller.user_id == self.owner_id:
            return True
        return self.vendor_id is not None and caller.has(Role.VENDOR) and caller.vendor_id == self.vendor_id

    def matches(self, category: str | None, brand: str | None) -> bool:
        """Whether a product of `category`/`brand` is in this program's scope (no scope: everything)."""
        if not self.categories and not self.brands:
            return True
        lowered_brands = {b.lower() for b in self.brands}
        if brand and brand.lower() in lowered_brands:
            return True
        return category is not None and any(category.lower().startswith(c.lower()) for c in self.categories)


class Invite(Record):
    code: str
    program_id: str
    max_uses: int | None = Field(description="None: unlimited until it expires")
    uses: int = 0
    expires_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        not_expired = self.expires_at is None or now < self.expires_at
        return not_expired and (self.max_uses is None or self.uses < self.max_uses)


class ChoiceQuestion(StrictInput):
    question_id: str
    text: str
    choices: list[str] = Field(min_length=2, max_length=8)
    correct: int = Field(ge=0)


class Scenario(StrictInput):
    """A communication scenario: the answer is scored by the rubric keywords it uses."""

    scenario_id: str
    prompt: str
    rubric: list[str] = Field(min_length=1, max_length=20, description="Keywords a good answer mentions")
    required: int = Field(ge=1, description="How many rubric keywords a passing answer needs")


class ProgramTest(StrictInput):
    knowledge: list[ChoiceQuestion] = Field(default_factory=list)
    pass_mark: float = Field(default=0.8, ge=0, le=1, description="Share of knowledge questions to get right")
    max_attempts: int = Field(default=3, ge=1, le=10)
    retry_after_hours: int = Field(default=24, ge=0, le=24 * 30)
    communication: list[Scenario] = Field(default_factory=list)
    motivation: list[str] = Field(default_factory=list, description="Open questions; any honest answer counts")


class Article(StrictInput):
    article_id: str
    title: str
    body: str


class ApplicationStatus(StrEnum):
    TESTING = "testing"
    FAILED = "failed"
    PASSED = "passed"
    APPROVED = "approved"


class Application(Record):
    application_id: str
    program_id: str
    user_id: str
    username: str | None = None
    invite_code: str
    status: ApplicationStatus = ApplicationStatus.TESTING
    attempts: int = 0
    retry_at: datetime | None = None
    knowledge_score: float | None = None
    motivation: list[str] = Field(default_factory=list)
    knowledge_base_confirmed: bool = False
    created_at: datetime


class Grade(Record):
    passed: bool
    knowledge_score: float
    wrong_questions: list[str]
    scenario_scores: dict[str, int]
    weak_scenarios: list[str]
    missing_motivation: bool


def grade(test: ProgramTest, knowledge: list[int], communication: list[str], motivation: list[str]) -> Grade:
    """Grade one attempt: the knowledge pass mark, each scenario's rubric and non-empty motivation."""
    wrong = [
        q.question_id
        for index, q in enumerate(test.knowledge)
        if index >= len(knowledge) or knowledge[index] != q.correct
    ]
    score = 1.0 if not test.knowledge else (len(test.knowledge) - len(wrong)) / len(test.knowledge)
    scores = {
        s.scenario_id: rubric_hits(s, communication[index] if index < len(communication) else "")
        for index, s in enumerate(test.communication)
    }
    weak = [s.scenario_id for s in test.communication if scores[s.scenario_id] < s.required]
    missing = len(motivation) < len(test.motivation) or any(len(answer.strip()) < 10 for answer in motivation)
    passed = score >= test.pass_mark and not weak and not missing
    return Grade(
        passed=passed,
        knowledge_score=round(score, 4),
        wrong_questions=wrong,
        scenario_scores=scores,
        weak_scenarios=weak,
        missing_motivation=missing,
    )


def rubric_hits(scenario: Scenario, answer: str) -> int:
    words = answer.lower()
    return sum(1 for keyword in scenario.rubric if keyword.lower() in words)


class Availability(StrictInput):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class AdvisorProfile(Record):
    user_id: str
    display_name: str
    expertise: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    bio: str = ""
    photo_url: str | None = None
    availability: list[Availability] = Field(default_factory=list)
    programs: list[str] = Field(default_factory=list, description="Programs the advisor is approved for")


class AdvisorStats(Record):
    """What routing knows about an advisor's record, kept up to date as sessions end and are rated."""

    rating_sum: int = 0
    rating_count: int = 0
    response_ms: list[int] = Field(default_factory=list, description="The latest response times")
    quality_sum: float = 0.0
    quality_count: int = 0

    @property
    def rating(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def median_response_ms(self) -> int | None:
        return percentile(self.response_ms, 0.5)

    @property
    def quality(self) -> float | None:
        return self.quality_sum / self.quality_count if self.quality_count else None


RESPONSE_SAMPLES = 50


class PresenceStatus(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Candidate(Record):
    """An advisor as routing sees them: an online card kept by presence and sessions."""

    user_id: str
    display_name: str
    programs: list[str]
    expertise: list[str]
    languages: list[str]
    status: PresenceStatus
    active_sessions: int = Field(ge=0)
    rating: float | None = None
    median_response_ms: int | None = None
    quality: float | None = None
    last_offered_at: datetime | None = None
    heartbeat_at: datetime


class Mode(StrEnum):
    CHAT = "chat"
    VIDEO = "video"


class ProductContext(Record):
    product_id: str
    title: str | None = None
    category: str | None = None
    brand: str | None = None


class Classification(Record):
    """What the question is about: expertise topics recognised in it and in the product."""

    topics: list[str] = Field(default_factory=list)


class RequestStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    NO_ADVISOR = "no_advisor"
    CANCELLED = "cancelled"


class AdviceRequest(Record):
    request_id: str
    program_id: str
    shopper_id: str
    shopper_name: str | None = None
    product: ProductContext
    question: str
    language: str
    mode: Mode
    topics: list[str] = Field(default_factory=list)
    status: RequestStatus = RequestStatus.OPEN
    offered: list[str] = Field(default_factory=list)
    declined: list[str] = Field(default_factory=list)
    rounds: int = 0
    created_at: datetime
    escalate_at: datetime
    accepted_by: str | None = None
    session_id: str | None = None


class SessionStatus(StrEnum):
    ACTIVE = "active"
    FORWARDED = "forwarded"
    ENDED = "ended"


class Rating(Record):
    csat: int = Field(ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10)
    feedback: str | None = None
    rated_at: datetime
    idempotency_key: str | None = Field(default=None, description="The client's key of the rating request")


class MediaJoin(Record):
    """What one participant needs to join the session's media."""

    provider: Literal["chime", "kvs", "p2p"]
    data: dict[str, object] = Field(default_factory=dict)


class Session(Record):
    session_id: str
    request_id: str
    program_id: str
    advisor_id: str
    advisor_name: str
    shopper_id: str
    product: ProductContext
    question: str
    language: str
    mode: Mode
    topics: list[str] = Field(default_factory=list)
    status: SessionStatus = SessionStatus.ACTIVE
    requested_at: datetime
    accepted_at: datetime
    first_response_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None
    media_ref: str | None = Field(default=None, description="The provider's meeting or channel, once started")
    rating: Rating | None = None
    quality: float | None = None
    flagged: bool = False
    flags: list[str] = Field(default_factory=list)
    conversions: int = 0
    revenue: int = 0

    def participant(self, user_id: str) -> bool:
        return user_id in (self.advisor_id, self.shopper_id)

    def peer_of(self, user_id: str) -> str:
        return self.shopper_id if user_id == self.advisor_id else self.advisor_id

    @property
    def response_ms(self) -> int:
        return int((self.accepted_at - self.requested_at).total_seconds() * 1000)

    @property
    def duration_seconds(self) -> int:
        end = self.ended_at or self.accepted_at
        return max(0, int((end - self.accepted_at).total_seconds()))


class Message(Record):
    session_id: str
    sender_id: str
    role: Literal["advisor", "shopper", "system"]
    text: str
    sent_at: datetime


class Conversion(Record):
    session_id: str
    order_id: str
    revenue: int
    ordered_at: datetime


class Earning(Record):
    session_id: str
    program_id: str
    kind: CompensationKind
    points: int
    cash: int
    currency: str
    earned_at: datetime


class Connection(Record):
    connection_id: str
    user_id: str
    username: str | None = None
    advisor: bool
    connected_at: datetime


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


_CONTACT = re.compile(
    r"(https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|(\+|00)?\d[\d\s-]{8,}\d",
    re.IGNORECASE,
)


def leaks_contact(text: str) -> bool:
    """Whether a message shares a link, an e-mail address or a phone number."""
    return bool(_CONTACT.search(text))
