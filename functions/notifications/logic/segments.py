"""Segments for newsletters: a projection of every member the notifications context has heard of
(journey stage from rewards, last activity and affinities from orders and community, language and
newsletter status from the double opt-in), and the filters an admin targets a campaign with.

The projection is fed by events (`AudienceProjection.handle`), idempotent on `event_id`; a
stage or an interest list is only replaced by a newer one (events may arrive out of order).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from pydantic import ConfigDict, Field, ValidationError

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, UnprocessableEntity
from functions.common.inputs import StrictInput
from functions.common.models import Record, View
from functions.notifications.logic.ports import Clock, Cursor

JourneyStage = Literal["new", "regular", "engaged", "fan", "ambassador"]
SegmentLanguage = Literal["nl", "de", "en"]
NewsletterStatus = Literal["none", "pending", "subscribed", "unsubscribed"]

SAMPLE_SIZE = 10
SCAN_PAGE = 200
MAX_SCANNED = 100_000
"""A preview or a send reads at most this many audience entries (the projection holds one per member)."""
MAX_AFFINITIES = 50


class Segment(StrictInput):
    """Who a campaign is for; an empty list means "any". Only confirmed subscribers ever receive it."""

    model_config = ConfigDict(frozen=True)

    stages: list[JourneyStage] = Field(default_factory=list, max_length=5, description="Journey stages")
    affinities: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Interest or category names; a member matches with any one of them",
    )
    active_within_days: int | None = Field(
        default=None, ge=1, le=3650, description="Active (ordered, reviewed, hearted...) within this many days"
    )
    languages: list[SegmentLanguage] = Field(default_factory=list, max_length=3)

    def matches(self, member: AudienceMember, now: datetime) -> bool:
        if self.stages and member.stage not in self.stages:
            return False
        if self.languages and member.language not in self.languages:
            return False
        if self.affinities and not ({a.casefold() for a in self.affinities} & member.affinities):
            return False
        if self.active_within_days is not None:
            if member.last_active_at is None:
                return False
            return member.last_active_at >= now - timedelta(days=self.active_within_days)
        return True


@dataclass(frozen=True)
class AudienceMember:
    """One member as segments see them. `affinities` are case-folded."""

    user_id: str
    stage: str = "new"
    stage_at: datetime | None = None
    language: str = "nl"
    affinities: frozenset[str] = frozenset()
    affinities_at: datetime | None = None
    last_active_at: datetime | None = None
    email: str | None = None
    newsletter: NewsletterStatus = "none"
    extra: dict[str, str] = field(default_factory=dict)
    revision: int = 0
    """Saves so far: a save expects the revision it read (two events of one member may arrive at
    once; the loser re-reads and merges again instead of overwriting the winner)."""

    @property
    def subscribed(self) -> bool:
        return self.newsletter == "subscribed"


class AudienceStore(Protocol):
    def audience_member(self, user_id: str) -> AudienceMember | None: ...

    def audience_members(self, user_ids: Sequence[str]) -> dict[str, AudienceMember]: ...

    def save_audience_member(self, member: AudienceMember) -> None:
        """Save as revision `member.revision + 1`; Conflict `audience_changed` when another save
        came first (the stored revision is not `member.revision`)."""
        """Replace the member's entry (the last writer wins; callers merge first)."""
        ...

    def audience_page(self, subscribed_only: bool, limit: int, cursor: Cursor) -> tuple[list[AudienceMember], Cursor]:
        """Members in a stable order (by user id), only confirmed subscribers when asked."""
        ...


class SegmentPreview(View):
    """How many a segment reaches, with a few of them."""

    recipients: int = Field(description="Confirmed newsletter subscribers in the segment: who a campaign reaches")
    members: int = Field(description="Every known member in the segment, subscribed or not")
    sample: list[str] = Field(description="Up to 10 recipients' user ids")
    scanned: int
    truncated: bool = Field(description="True when the projection was larger than a preview reads")


def iterate_audience(store: AudienceStore, subscribed_only: bool, cursor: Cursor = None) -> Iterator[AudienceMember]:
    scanned = 0
    while scanned < MAX_SCANNED:
        members, cursor = store.audience_page(subscribed_only, SCAN_PAGE, cursor)
        yield from members
        scanned += len(members)
        if cursor is None:
            return


class SegmentService:
    """Admin previews of segments."""

    def __init__(self, store: AudienceStore, clock: Clock):
        self._store = store
        self._clock = clock

    def preview(self, caller: Principal, segment: Segment) -> SegmentPreview:
        caller.require(Role.ADMIN)
        return preview(self._store, segment, self._clock())


def preview(store: AudienceStore, segment: Segment, now: datetime) -> SegmentPreview:
    recipients = members = scanned = 0
    sample: list[str] = []
    for member in iterate_audience(store, subscribed_only=False):
        scanned += 1
        if not segment.matches(member, now):
            continue
        members += 1
        if member.subscribed:
            recipients += 1
            if len(sample) < SAMPLE_SIZE:
                sample.append(member.user_id)
    return SegmentPreview(
        recipients=recipients, members=members, sample=sample, scanned=scanned, truncated=scanned >= MAX_SCANNED
    )


def parse_segment(raw: dict[str, Any]) -> Segment:
    try:
        return Segment.model_validate(raw)
    except ValidationError as exc:
        raise UnprocessableEntity("the segment is not valid", code="invalid_segment") from exc


# ---------------------------------------------------------------- the projection


def _affinities(values: Sequence[str]) -> frozenset[str]:
    cleaned = [v.strip().casefold() for v in values if v and v.strip()]
    return frozenset(cleaned[:MAX_AFFINITIES])


def with_stage(member: AudienceMember, stage: str, at: datetime) -> AudienceMember:
    if member.stage_at is not None and member.stage_at >= at:
        return member
    return replace(member, stage=stage, stage_at=at)


def with_activity(member: AudienceMember, at: datetime, categories: Sequence[str] = ()) -> AudienceMember:
    last = member.last_active_at if member.last_active_at and member.last_active_at >= at else at
    return replace(member, last_active_at=last, affinities=member.affinities | _affinities(categories))


def with_interests(
    member: AudienceMember, interests: Sequence[str], languages: Sequence[str], at: datetime
) -> AudienceMember:
    if member.affinities_at is not None and member.affinities_at >= at:
        return member
    language = next((lang for lang in languages if lang in ("nl", "de", "en")), member.language)
    return replace(member, affinities=_affinities(interests), affinities_at=at, language=language)


class AudienceEvent(Record):
    """The fields the projection reads of any consumed event (see models/consumed.py)."""

    model_config = ConfigDict(extra="ignore")

    event_id: str
    occurred_at: datetime
    user_id: str
    new_stage: str | None = None
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)


STAGE_EVENTS = frozenset({"StageChanged"})
PROFILE_EVENTS = frozenset({"ProfileUpdated"})
ACTIVITY_EVENTS = frozenset(
    {"OrderPlaced", "ReviewPublished", "ProductHearted", "AnswerPosted", "CollectionPublished", "IdeaSupported"}
)


MERGE_ATTEMPTS = 3


class AudienceProjection:
    """Keeps the audience projection from other contexts' events (idempotent on `event_id`)."""

    def __init__(self, store: AudienceStore):
        self._store = store

    def handle(self, detail_type: str, event: AudienceEvent) -> None:
        if detail_type not in STAGE_EVENTS | PROFILE_EVENTS | ACTIVITY_EVENTS:
            return
        for attempt in range(MERGE_ATTEMPTS):
            try:
                self._merge(detail_type, event)
                return
            except Conflict:
                if attempt == MERGE_ATTEMPTS - 1:
                    raise  # the queue delivers the event again

    def _merge(self, detail_type: str, event: AudienceEvent) -> None:
        member = self._store.audience_member(event.user_id) or AudienceMember(user_id=event.user_id)
        if detail_type in STAGE_EVENTS and event.new_stage:
            updated = with_stage(member, event.new_stage, event.occurred_at)
        elif detail_type in PROFILE_EVENTS:
            updated = with_interests(member, event.interests, event.languages, event.occurred_at)
        else:
            updated = with_activity(member, event.occurred_at, event.categories)
        # Every merge is idempotent (a newer-wins register, a maximum, a union): a redelivered
        # event changes nothing the second time, so no event-id marker is needed.
        if updated != member:
            self._store.save_audience_member(updated)
