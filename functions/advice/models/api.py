"""Request and response models of the advice REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from functions.advice.logic.domain import (
    AdvisorProfile,
    ApplicationStatus,
    Article,
    Availability,
    Compensation,
    Message,
    Mode,
    ProductContext,
    SessionStatus,
)
from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.common.values import Identifier

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=40)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class ProgramCreate(StrictInput):
    name: Text
    vendor_id: Identifier | None = Field(default=None, description="Required for vendors: their own vendor id")
    categories: list[Text] = Field(default_factory=list, max_length=50)
    brands: list[Text] = Field(default_factory=list, max_length=50)
    compensation: Compensation


class ProgramOut(View):
    program_id: str
    name: str
    vendor_id: str | None
    categories: list[str]
    brands: list[str]
    compensation: Compensation
    invitation_url: str
    created_at: datetime


class ProgramList(View):
    items: list[ProgramOut]


MAX_INVITEES = 50
Invitee = Annotated[
    str,
    StringConstraints(
        max_length=254, pattern=r"^(?:[A-Za-z0-9_.:-]{1,128}|[^\s@\"\\]{1,64}@[^\s@\"\\]+\.[^\s@\"\\]+)$"
    ),
    Field(description="A member's e-mail address or user id"),
]


class InviteCreate(StrictInput):
    max_uses: int | None = Field(default=1, ge=1, le=100_000, description="1: single use; null: unlimited")
    expires_at: datetime | None = Field(default=None, description="Required for multi-use codes")
    invitees: list[Invitee] = Field(
        default_factory=list,
        max_length=MAX_INVITEES,
        description=(
            "Members to send the code to, by e-mail address or user id: each gets an invitation in "
            "their inbox and by e-mail. A code is sent to at most `max_uses` members (422 "
            "`too_few_uses`); an address no member has is refused (422 `unknown_invitee`)."
        ),
    )


class InviteOut(View):
    code: str
    program_id: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    link: str = Field(description="The invitation link for the program's site")


class KnowledgeBase(StrictInput):
    articles: list[Article] = Field(max_length=100)


class ApplicationCreate(StrictInput):
    invite_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{4,40}$")]


class ApplicationUpdate(StrictInput):
    knowledge_base_confirmed: Literal[True] = Field(description="The applicant read the knowledge base")


class QuestionOut(View):
    """A knowledge question without its answer."""

    question_id: str
    text: str
    choices: list[str]


class ScenarioOut(View):
    scenario_id: str
    prompt: str


class ApplicationOut(View):
    application_id: str
    program_id: str
    program_name: str
    status: ApplicationStatus
    attempts: int
    attempts_left: int
    retry_at: datetime | None
    pass_mark: float
    knowledge: list[QuestionOut]
    communication: list[ScenarioOut]
    motivation: list[str]
    articles: list[Article]
    knowledge_base_confirmed: bool


class Answers(StrictInput):
    knowledge: list[int] = Field(max_length=100, description="Chosen choice index per knowledge question, in order")
    communication: list[Annotated[str, StringConstraints(max_length=4000)]] = Field(default_factory=list, max_length=50)
    motivation: list[Annotated[str, StringConstraints(max_length=4000)]] = Field(default_factory=list, max_length=50)


class Feedback(View):
    passed: bool
    status: ApplicationStatus
    knowledge_score: float
    pass_mark: float
    wrong_questions: list[str]
    weak_scenarios: list[str]
    missing_motivation: bool
    attempts_left: int
    retry_at: datetime | None
    next_step: str


class ProfileUpdate(StrictInput):
    display_name: Text
    expertise: list[Tag] = Field(min_length=1, max_length=30)
    languages: list[Language] = Field(min_length=1, max_length=10)
    bio: Annotated[str, StringConstraints(max_length=2000)] = ""
    photo_url: Annotated[str, StringConstraints(pattern=r"^https?://\S{1,500}$")] | None = None
    availability: list[Availability] = Field(default_factory=list, max_length=50)


class AdvisorOut(View):
    profile: AdvisorProfile
    rating: float | None
    median_response_ms: int | None
    quality: float | None


class SessionOut(View):
    session_id: str
    program_id: str
    advisor_id: str
    advisor_name: str
    shopper_id: str
    product: ProductContext
    question: str
    mode: Mode
    status: SessionStatus
    requested_at: datetime
    accepted_at: datetime
    ended_at: datetime | None
    rated: bool


class SessionDetail(SessionOut):
    transcript: list[Message]
    csat: int | None = None
    nps: int | None = None
    feedback: str | None = None
    flagged: bool | None = Field(default=None, description="Only shown to admins")


class RatingIn(StrictInput):
    csat: int = Field(ge=1, le=5, description="Customer satisfaction, 1-5")
    nps: int | None = Field(default=None, ge=0, le=10, description="How likely to recommend, 0-10")
    feedback: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class RatingOut(View):
    session_id: str
    csat: int
    nps: int | None
    compensation: Compensation


class EarningOut(View):
    session_id: str
    program_id: str
    kind: Literal["points", "cash"]
    points: int
    cash: int
    earned_at: datetime


class Earnings(View):
    points: int
    cash: int
    currency: str
    sessions: int
    items: list[EarningOut]


class Kpis(View):
    requests: int
    accepted: int
    acceptance_rate: float | None
    response_ms_median: int | None
    response_ms_p90: int | None
    exchange_seconds_median: int | None
    rating_average: float | None
    csat: float | None = Field(description="Share of rated sessions with 4 or 5")
    nps: float | None = Field(description="Promoters minus detractors, -100..100")
    conversions: int
    conversion_rate: float | None
    revenue_influenced: int
    feedback: list[str]


class AdvisorKpis(Kpis):
    advisor_id: str
    advisor_name: str


class Report(View):
    program_id: str
    start: datetime
    end: datetime
    program: Kpis
    advisors: list[AdvisorKpis]
