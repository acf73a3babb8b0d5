"""Request and response models of newsletters, segments and campaigns (the HTTP edge of
logic/newsletter.py, logic/segments.py and logic/campaigns.py); kept apart from models/api.py,
which holds the rest of the context's."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.notifications.logic.segments import JourneyStage, NewsletterStatus, Segment, SegmentLanguage

CampaignLanguage = Literal["nl", "de", "en"]
CampaignStatus = Literal["draft", "queued", "sending", "sent"]


# ---------------------------------------------------------------- campaigns


class LanguageContent(StrictInput):
    subject: str = Field(min_length=1, max_length=200)
    html: str = Field(
        min_length=1,
        max_length=100_000,
        description="The body as HTML; stored sanitised (no scripts, event handlers, styles or javascript: links)",
    )

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the subject is empty")
        return value


class CampaignIn(StrictInput):
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    content: dict[CampaignLanguage, LanguageContent] = Field(
        min_length=1, description="Subject and body per language (nl, de, en); members get their language or English"
    )
    segment: Segment = Field(default_factory=Segment)
    expected_revision: int | None = Field(default=None, ge=0, description="PUT: the revision the edit is based on")


class CampaignStats(View):
    recipients: int = Field(description="Subscribers the segment matched when the campaign was sent")
    delivered: int = Field(description="Mails handed to the mail service")
    skipped: int = Field(description="Matched but not sent (unsubscribed, bounced, preferences, cap, quiet hours)")
    opened: int = Field(description="Members who opened it (each counted once)")
    clicked: int = Field(description="Members who clicked a link in it (each counted once)")
    skip_reasons: dict[str, int] = Field(default_factory=dict)


class CampaignSummary(View):
    campaign_id: str
    name: str
    status: CampaignStatus
    languages: list[str]
    created_at: datetime
    queued_at: datetime | None = None
    stats: CampaignStats


class CampaignOut(View):
    campaign_id: str
    name: str
    status: CampaignStatus
    content: dict[str, LanguageContent]
    segment: Segment
    revision: int
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None = None
    stats: CampaignStats


class CampaignsPage(View):
    items: list[CampaignSummary]
    next_cursor: str | None = None


class PreviewIn(StrictInput):
    language: CampaignLanguage = "nl"


class CampaignPreviewOut(View):
    campaign_id: str
    language: str = Field(description="The language rendered (the one asked for, else English, else the first)")
    subject: str
    html: str
    text: str
    recipients: int = Field(description="Subscribers the segment reaches now")


# ---------------------------------------------------------------- segments


class SegmentQuery(View):
    """The segment preview's query string: comma-separated lists."""

    stages: list[JourneyStage] = Field(default_factory=list)
    affinities: list[str] = Field(default_factory=list)
    active_within_days: int | None = None
    languages: list[SegmentLanguage] = Field(default_factory=list)


# ---------------------------------------------------------------- newsletter


class NewsletterWording(View):
    """What the confirmation page shows: the consent text the member agrees to."""

    email: str | None = Field(description="The address the newsletter goes to, partly masked")
    language: str
    wording_id: str
    wording: str
    interests: list[str] = Field(description="Interests the member may pick")


class NewsletterConfirmIn(StrictInput):
    wording_id: str = Field(min_length=1, max_length=40, description="The wording the page showed (from GET)")
    interests: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("interests")
    @classmethod
    def _short(cls, values: list[str]) -> list[str]:
        cleaned = [" ".join(v.split()) for v in values]
        if any(not v or len(v) > 40 for v in cleaned):
            raise ValueError("each interest has 1 to 40 characters")
        return list(dict.fromkeys(cleaned))


class ConsentOut(View):
    at: datetime
    wording_id: str
    wording: str
    language: str


class NewsletterOut(View):
    status: NewsletterStatus
    email: str | None = None
    interests: list[str] = Field(default_factory=list)
    consent: ConsentOut | None = Field(default=None, description="The opt-in as given: when and the exact wording")
    unsubscribed_at: datetime | None = None
    profile_confirm_url: str | None = Field(
        default=None, description="After a confirmation: the community's own confirmation link, for the profile"
    )
