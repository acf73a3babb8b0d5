"""Newsletter campaigns: an admin composes one per language for a segment, previews it and sends
it once; recipients are resolved page by page and sent in batches by the campaigns consumer, at a
send rate shared by every running consumer, each member at most once; opens and clicks are
counted once per member.

How a send runs (every step idempotent, so a redelivered message changes nothing):
1. `CampaignService.send` moves the draft to `queued` (conditional on `draft`) with a
   `CampaignPageQueued` event for page 0, in one transaction (outbox).
2. `CampaignSender.resolve_page` reads one page of the audience, keeps the confirmed subscribers
   the segment matches, and saves, with a page marker, one `CampaignBatchQueued` per BATCH_SIZE of
   them and the event of the next page (or the total when it was the last).
3. `CampaignSender.send_batch` checks each member again (still subscribed, preferences, bounces
   and complaints, frequency cap; a member in quiet hours gets the mail from the sweeper when
   they end, checked again then), claims the member's recipient item with a
   conditional write (nobody gets a campaign twice, even on redelivery; a claim left by a run that
   died before confirming expires after `SEND_LEASE`, so the mail is sent late rather than never),
   waits for a send slot and sends; opens and clicks arrive through signed tracking links.
"""

from __future__ import annotations

import html
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import quote

import nh3

from functions.common.auth import Principal, Role
from functions.common.errors import BadRequest, Conflict, NotFound, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.notifications.logic.domain import (
    Channel,
    Claim,
    Decision,
    Delivery,
    DueItem,
    OutgoingMail,
    SendInFlight,
    Topic,
    decide,
    default_preferences,
)
from functions.notifications.logic.ports import Clock, Cursor, Mailer, Recipients
from functions.notifications.logic.segments import AudienceMember, AudienceStore, Segment
from functions.notifications.models.campaigns import (
    CampaignIn,
    CampaignOut,
    CampaignPreviewOut,
    CampaignStats,
    CampaignSummary,
    LanguageContent,
)
from functions.notifications.models.events import CampaignBatchQueued, CampaignPageQueued

BATCH_SIZE = 50
"""Members per batch message (one consumer invocation sends at most this many mails)."""
PAGE_SIZE = 200
"""Audience entries read per resolution step."""
DEFAULT_SEND_RATE = 10
"""Mails per second across all consumers (SES sandbox: 1/s; production accounts start at 14/s)."""
TRACKING_VALIDITY = timedelta(days=180)
LANGUAGES = ("nl", "de", "en")
FALLBACK_LANGUAGE = "en"
TRACKING_PURPOSE = "campaign-tracking"

CampaignStatus = Literal["draft", "queued", "sending", "sent"]
Outcome = Literal["sent", "skipped"]


# ================================================================ sanitising


_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "small",
    "blockquote", "ul", "ol", "li", "a", "img", "span", "div", "table", "tbody", "tr", "td", "th",
}  # fmt: skip
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "title"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"align"}, "th": {"align"}}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SIZE = re.compile(r"^\d{1,4}$")
_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)


def safe_url(value: str, schemes: frozenset[str] = frozenset({"http", "https", "mailto"})) -> bool:
    """An absolute URL with an allowed scheme, checked after decoding entities and removing controls."""
    compact = _CONTROL.sub("", html.unescape(value)).lower()
    match = _SCHEME.match(compact)
    return match is not None and match.group(1) in schemes


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return value if safe_url(value) else None
    if name == "src":
        return value if safe_url(value, frozenset({"http", "https"})) else None
    if name in {"width", "height"}:
        return value if _SIZE.match(value) else None
    if name == "align":
        return value if value in {"left", "right", "center"} else None
    return value


def sanitise_html(raw: str) -> str:
    """The allowed part of a campaign body: no scripts, no event handlers, no `style`, links only
    to http(s) and mailto (no `javascript:`), images only from http(s)."""
    return nh3.clean(
        raw,
        tags=_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel="noopener",
        url_schemes={"http", "https", "mailto"},
    ).strip()


_BLOCK_END = re.compile(r"</(p|div|h[1-4]|li|tr|blockquote)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def html_to_text(fragment: str) -> str:
    """The plain-text alternative of a sanitised fragment: blocks on their own lines, links as
    `text (url)`."""
    with_links = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", fragment)
    with_breaks = _BLOCK_END.sub("\n", with_links)
    text = html.unescape(nh3.clean(with_breaks, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


# ================================================================ domain


@dataclass(frozen=True)
class Content:
    subject: str
    html: str


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    content: dict[str, Content]
    segment: Segment
    created_at: datetime
    updated_at: datetime
    created_by: str
    status: CampaignStatus = "draft"
    revision: int = 0
    send_key: str | None = None
    queued_at: datetime | None = None
    queued_by: str | None = None
    resolved: bool = False
    recipients: int = 0
    batches: int = 0
    batches_done: int = 0
    sent: int = 0
    skipped: int = 0
    opened: int = 0
    clicked: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def effective_status(self) -> CampaignStatus:
        if self.status == "draft":
            return "draft"
        if self.resolved and self.batches_done >= self.batches:
            return "sent"
        return "sending" if self.recipients or self.resolved else "queued"


def batches(user_ids: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    """`user_ids` in order, in chunks of at most `size` (none empty)."""
    if size < 1:
        raise ValueError("a batch holds at least one member")
    return [list(user_ids[start : start + size]) for start in range(0, len(user_ids), size)]


def pick_language(campaign: Campaign, wanted: str) -> str:
    if wanted in campaign.content:
        return wanted
    if FALLBACK_LANGUAGE in campaign.content:
        return FALLBACK_LANGUAGE
    return next(iter(campaign.content))


# ================================================================ ports


CAMPAIGN_MAIL = "campaign_mail"
"""The kind of due item a campaign mail deferred past quiet hours is kept as."""


class CampaignStore(Protocol):
    def create_campaign(self, campaign: Campaign) -> None:
        """Save a new campaign (Conflict when its id exists)."""
        ...

    def campaign(self, campaign_id: str) -> Campaign | None: ...

    def save_draft(self, campaign: Campaign, expected_revision: int) -> bool:
        """Replace a draft if it is still a draft at `expected_revision`; False otherwise."""
        ...

    def campaigns(self, limit: int, cursor: Cursor) -> tuple[list[Campaign], Cursor]:
        """Newest first."""
        ...

    def queue_campaign(self, campaign: Campaign, event: DomainEvent) -> bool:
        """Move a draft to `queued` (with `send_key`, `queued_at`, `queued_by`) and save `event` in
        the outbox, in one transaction; False when the campaign was not a draft any more."""
        ...

    def record_page(
        self, campaign_id: str, page: int, recipients: int, events: Sequence[DomainEvent], last: bool
    ) -> bool:
        """Save a page's outcome once: a page marker, its batch events (and the next page's), the
        recipient and batch counts, `resolved` when `last`; False when the page was recorded."""
        ...

    def claim_recipient(self, campaign_id: str, user_id: str, at: datetime) -> Claim:
        """Claim the member's mail as `sending` at `at`: CLAIMED when nobody sent or skipped it and
        no claim younger than `SEND_LEASE` holds it, else SENT (sent or skipped) or BUSY."""
        ...

    def release_recipient(self, campaign_id: str, user_id: str) -> None:
        """Remove a `sending` claim whose mail could not be handed over (so a retry sends it)."""
        ...

    def finish_recipient(
        self, campaign_id: str, user_id: str, outcome: Outcome, reason: str | None, message_id: str | None
    ) -> bool:
        """Mark the member `sent` or `skipped` (creating the item when skipped without a claim)
        and count it on the campaign, once; False when it was already finished."""
        ...

    def finish_batch(self, campaign_id: str, batch_id: str) -> bool:
        """Count a batch as done, once per batch id."""
        ...

    def count_once(self, campaign_id: str, user_id: str, kind: Literal["opened", "clicked"], at: datetime) -> bool:
        """Count the member's first open (or click) of a campaign they were sent; False for a
        repeat or for someone the campaign was not sent to."""
        ...

    def take_send_slot(self, second: int, limit: int) -> bool:
        """One of the `limit` sends allowed in that epoch second, across all consumers."""
        ...


class MemberGate(Protocol):
    """The core's per-member rules: preferences, suppressions and the delivery log (caps)."""

    def preferences(self, user_id: str) -> Any: ...

    def is_suppressed(self, address: str) -> bool: ...

    def sent_since(self, user_id: str, since: datetime) -> int: ...

    def record_delivery(self, delivery: Delivery) -> None: ...

    def schedule(self, item: DueItem) -> bool:
        """Keep work for the sweeper (False when an item with that id was scheduled before)."""
        ...


class Signer(Protocol):
    """Signed tokens for one purpose (functions/common/signed_links.SignedLinks)."""

    def issue(self, claims: dict[str, Any], expires_at: datetime | None = None) -> str: ...

    def verify(self, token: str, now: datetime) -> dict[str, Any]: ...


class Unsubscribe(Protocol):
    """The one-click unsubscribe of a topic: the link and the List-Unsubscribe headers."""

    def headers(self, user_id: str, topic: Topic) -> dict[str, str]: ...

    def link(self, user_id: str, topic: Topic) -> str: ...


Sleep = Callable[[float], None]


# ================================================================ rate limit


class SendThrottle:
    """At most `rate` sends per second across every consumer running at once: each send takes a
    slot of the current second in the table (a conditional counter); when the second is full, wait
    for the next one."""

    def __init__(self, store: CampaignStore, rate: int, clock: Clock, sleep: Sleep = time.sleep, max_wait: float = 60):
        if rate < 1:
            raise ValueError("the send rate is at least one mail per second")
        self._store = store
        self._rate = rate
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_wait

    def acquire(self) -> None:
        waited = 0.0
        while True:
            now = self._clock().timestamp()
            second = int(now)
            if self._store.take_send_slot(second, self._rate):
                return
            pause = max(second + 1 - now, 0.01)
            if waited + pause > self._max_wait:
                raise Conflict("no send slot became free", code="send_rate_exhausted")
            self._sleep(pause)
            waited += pause


# ================================================================ rendering


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    html: str
    text: str


def _layout(body: str, footer: str, pixel: str | None, language: str) -> str:
    image = f'<img src="{html.escape(pixel)}" width="1" height="1" alt="">' if pixel else ""
    return (
        f'<!doctype html><html lang="{language}"><body>'
        f'<div class="campaign">{body}</div><hr><p class="footer"><small>{footer}</small></p>{image}'
        "</body></html>"
    )


FOOTER = {
    "nl": ("Je ontvangt deze nieuwsbrief omdat je je hebt aangemeld.", "Afmelden"),
    "de": ("Du erhältst diesen Newsletter, weil du dich angemeldet hast.", "Abmelden"),
    "en": ("You receive this newsletter because you signed up for it.", "Unsubscribe"),
}


def render(
    campaign: Campaign,
    language: str,
    *,
    track: Callable[[str], str] | None = None,
    pixel: str | None = None,
    unsubscribe: str | None = None,
) -> Rendered:
    """The mail of `campaign` in `language` (or its fallback). `track` wraps each link (the click
    tracking URL), `pixel` is the open-tracking image, `unsubscribe` the footer's link."""
    chosen = pick_language(campaign, language)
    content = campaign.content[chosen]
    body = content.html
    if track is not None:
        wrap = track
        body = _HREF.sub(lambda m: m.group(1) + html.escape(wrap(html.unescape(m.group(2)))) + m.group(3), body)
    reason, action = FOOTER.get(chosen, FOOTER[FALLBACK_LANGUAGE])
    link = f' <a href="{html.escape(unsubscribe)}">{action}</a>' if unsubscribe else ""
    text_footer = f"{reason}\n{action}: {unsubscribe}" if unsubscribe else reason
    return Rendered(
        language=chosen,
        subject=content.subject,
        html=_layout(body, html.escape(reason) + link, pixel, chosen),
        text=f"{html_to_text(content.html)}\n\n-- \n{text_footer}",
    )


# ================================================================ admin use cases


def _content(request: CampaignIn) -> dict[str, Content]:
    content: dict[str, Content] = {}
    for language, entry in request.content.items():
        cleaned = sanitise_html(entry.html)
        if not html_to_text(cleaned):
            raise UnprocessableEntity(f"the {language} body is empty once sanitised", code="empty_body")
        content[language] = Content(subject=" ".join(entry.subject.split()), html=cleaned)
    if not content:
        raise UnprocessableEntity("write the campaign in at least one language", code="no_content")
    return content


class CampaignService:
    """What admins do with campaigns."""

    def __init__(
        self,
        store: CampaignStore,
        audience: AudienceStore,
        cursors: CursorCodec,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:16],
    ):
        self._store = store
        self._audience = audience
        self._cursors = cursors
        self._clock = clock
        self._new_id = new_id

    def create(self, caller: Principal, request: CampaignIn) -> CampaignOut:
        caller.require(Role.ADMIN)
        now = self._clock()
        campaign = Campaign(
            campaign_id=self._new_id(),
            name=request.name.strip(),
            content=_content(request),
            segment=request.segment,
            created_at=now,
            updated_at=now,
            created_by=caller.user_id,
        )
        self._store.create_campaign(campaign)
        return campaign_out(campaign)

    def _campaign(self, campaign_id: str) -> Campaign:
        campaign = self._store.campaign(campaign_id)
        if campaign is None:
            raise NotFound("no such campaign", code="campaign_not_found")
        return campaign

    def get(self, caller: Principal, campaign_id: str) -> CampaignOut:
        caller.require(Role.ADMIN)
        return campaign_out(self._campaign(campaign_id))

    def update(self, caller: Principal, campaign_id: str, request: CampaignIn) -> CampaignOut:
        """Replace a draft; 409 `campaign_not_draft` once it was sent, `campaign_changed` when
        `expected_revision` is stale."""
        caller.require(Role.ADMIN)
        campaign = self._campaign(campaign_id)
        if campaign.status != "draft":
            raise Conflict("a campaign cannot change once it was sent", code="campaign_not_draft")
        if request.expected_revision is not None and request.expected_revision != campaign.revision:
            raise Conflict("the campaign was changed meanwhile; reload it", code="campaign_changed")
        updated = replace(
            campaign,
            name=request.name.strip(),
            content=_content(request),
            segment=request.segment,
            updated_at=self._clock(),
            revision=campaign.revision + 1,
        )
        if not self._store.save_draft(updated, campaign.revision):
            current = self._campaign(campaign_id)
            code = "campaign_not_draft" if current.status != "draft" else "campaign_changed"
            raise Conflict("the campaign was changed or sent meanwhile", code=code)
        return campaign_out(updated)

    def list(self, caller: Principal, limit: int | None, cursor: str | None) -> Page[CampaignSummary]:
        caller.require(Role.ADMIN)
        scope = "campaigns"
        found, after = self._store.campaigns(clamp_limit(limit), self._cursors.decode(cursor, scope))
        return Page[CampaignSummary](
            items=[campaign_summary(c) for c in found], next_cursor=self._cursors.encode(after, scope)
        )

    def preview(self, caller: Principal, campaign_id: str, language: str) -> CampaignPreviewOut:
        """The mail as a recipient in `language` would get it (links untracked) and how many it reaches."""
        from functions.notifications.logic.segments import preview

        caller.require(Role.ADMIN)
        campaign = self._campaign(campaign_id)
        rendered = render(campaign, language, unsubscribe="#unsubscribe")
        reach = preview(self._audience, campaign.segment, self._clock())
        return CampaignPreviewOut(
            campaign_id=campaign_id,
            language=rendered.language,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            recipients=reach.recipients,
        )

    def send(self, caller: Principal, campaign_id: str, key: str | None) -> CampaignOut:
        """Queue the campaign for sending, once. A repeat with the same Idempotency-Key answers as
        the first time; any other repeat is 409 `campaign_already_sent`."""
        caller.require(Role.ADMIN)
        if key is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", key):
            raise BadRequest("the Idempotency-Key is not valid", code="invalid_idempotency_key")
        campaign = self._campaign(campaign_id)
        if campaign.status != "draft":
            return self._sent_before(campaign, key)
        now = self._clock()
        queued = replace(campaign, status="queued", send_key=key, queued_at=now, queued_by=caller.user_id)
        event = CampaignPageQueued(event_id=f"{campaign_id}.page.0", campaign_id=campaign_id, page=0)
        if not self._store.queue_campaign(queued, event):
            return self._sent_before(self._campaign(campaign_id), key)
        return campaign_out(queued)

    @staticmethod
    def _sent_before(campaign: Campaign, key: str | None) -> CampaignOut:
        if key is not None and campaign.send_key == key:
            return campaign_out(campaign)
        raise Conflict("this campaign was sent already", code="campaign_already_sent")


def campaign_summary(campaign: Campaign) -> CampaignSummary:
    return CampaignSummary(
        campaign_id=campaign.campaign_id,
        name=campaign.name,
        status=campaign.effective_status,
        languages=sorted(campaign.content),
        created_at=campaign.created_at,
        queued_at=campaign.queued_at,
        stats=_stats(campaign),
    )


def _stats(campaign: Campaign) -> CampaignStats:
    return CampaignStats(
        recipients=campaign.recipients,
        delivered=campaign.sent,
        skipped=campaign.skipped,
        opened=campaign.opened,
        clicked=campaign.clicked,
        skip_reasons=dict(campaign.skip_reasons),
    )


def campaign_out(campaign: Campaign) -> CampaignOut:
    return CampaignOut(
        campaign_id=campaign.campaign_id,
        name=campaign.name,
        status=campaign.effective_status,
        content={lang: LanguageContent(subject=c.subject, html=c.html) for lang, c in campaign.content.items()},
        segment=campaign.segment,
        revision=campaign.revision,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        queued_at=campaign.queued_at,
        stats=_stats(campaign),
    )


# ================================================================ sending (the consumer)


@dataclass(frozen=True)
class SenderConfig:
    api_url: str
    rate_per_second: int = DEFAULT_SEND_RATE
    batch_size: int = BATCH_SIZE
    page_size: int = PAGE_SIZE


class CampaignSender:
    """The campaigns consumer: resolves recipients page by page and sends batches."""

    def __init__(
        self,
        *,
        store: CampaignStore,
        audience: AudienceStore,
        gate: MemberGate,
        contacts: Recipients,
        mailer: Mailer,
        signer: Signer,
        unsubscribe: Unsubscribe,
        throttle: SendThrottle,
        config: SenderConfig,
        clock: Clock,
    ):
        self._store = store
        self._audience = audience
        self._gate = gate
        self._contacts = contacts
        self._mailer = mailer
        self._signer = signer
        self._unsubscribe = unsubscribe
        self._throttle = throttle
        self._config = config
        self._clock = clock

    def handle(self, detail_type: str, detail: dict[str, Any]) -> None:
        if detail_type == CampaignPageQueued.detail_type:
            self.resolve_page(CampaignPageQueued.model_validate(detail))
        elif detail_type == CampaignBatchQueued.detail_type:
            self.send_batch(CampaignBatchQueued.model_validate(detail))

    # ------------------------------------------------------------ resolution

    def resolve_page(self, event: CampaignPageQueued) -> None:
        campaign = self._store.campaign(event.campaign_id)
        if campaign is None or campaign.status == "draft":
            return
        now = self._clock()
        members, after = self._audience.audience_page(True, self._config.page_size, event.cursor)
        chosen = [m.user_id for m in members if m.subscribed and campaign.segment.matches(m, now)]
        events: list[DomainEvent] = [
            CampaignBatchQueued(
                event_id=f"{campaign.campaign_id}.page.{event.page}.batch.{number}",
                campaign_id=campaign.campaign_id,
                batch_id=f"{event.page}.{number}",
                user_ids=chunk,
            )
            for number, chunk in enumerate(batches(chosen, self._config.batch_size))
        ]
        if after is not None:
            events.append(
                CampaignPageQueued(
                    event_id=f"{campaign.campaign_id}.page.{event.page + 1}",
                    campaign_id=campaign.campaign_id,
                    page=event.page + 1,
                    cursor=after,
                )
            )
        self._store.record_page(campaign.campaign_id, event.page, len(chosen), events, last=after is None)

    # ------------------------------------------------------------ sending

    def send_batch(self, event: CampaignBatchQueued) -> None:
        campaign = self._store.campaign(event.campaign_id)
        if campaign is None or campaign.status == "draft":
            return
        members = self._audience.audience_members(event.user_ids)
        for user_id in event.user_ids:
            self._send_one(campaign, user_id, members.get(user_id))
        self._store.finish_batch(campaign.campaign_id, event.batch_id)

    def send_due(self, item: DueItem) -> None:
        """A member's mail deferred past their quiet hours (a due item of kind CAMPAIGN_MAIL)."""
        campaign = self._store.campaign(item.payload["campaign_id"])
        if campaign is None or campaign.status == "draft":
            return
        user_id = item.payload["user_id"]
        self._send_one(campaign, user_id, self._audience.audience_members([user_id]).get(user_id))

    def _skip(self, campaign: Campaign, user_id: str, reason: str) -> None:
        self._store.finish_recipient(campaign.campaign_id, user_id, "skipped", reason, None)

    def _send_one(self, campaign: Campaign, user_id: str, member: AudienceMember | None) -> None:
        now = self._clock()
        if member is None or not member.subscribed:
            return self._skip(campaign, user_id, "not_subscribed")
        contact = None if member.email else self._contacts.contact(user_id)
        address = member.email or (contact.email if contact else None)
        if not address:
            return self._skip(campaign, user_id, "no_address")
        prefs = self._gate.preferences(user_id) or default_preferences(user_id, member.language)
        verdict = decide(
            prefs,
            Topic.NEWSLETTER,
            Channel.EMAIL,
            now,
            self._gate.sent_since(user_id, now - timedelta(days=1)),
            suppressed=self._gate.is_suppressed(address),
        )
        if verdict.decision is Decision.DEFER and verdict.not_before is not None:
            # Quiet hours: the sweeper sends it when they end (checking everything again then).
            # One item per member and quiet period, so a redelivered batch schedules nothing more.
            item_id = f"campaign#{campaign.campaign_id}#{user_id}#{verdict.not_before.isoformat()}"
            payload = {"campaign_id": campaign.campaign_id, "user_id": user_id}
            self._gate.schedule(DueItem(verdict.not_before, item_id, CAMPAIGN_MAIL, payload))
            return None
        if verdict.decision is not Decision.SEND:
            return self._skip(campaign, user_id, verdict.decision.value)
        claim = self._store.claim_recipient(campaign.campaign_id, user_id, now)
        if claim is Claim.SENT:
            return None  # sent (or skipped) by an earlier delivery of this batch
        if claim is Claim.BUSY:
            raise SendInFlight(f"campaign {campaign.campaign_id} mail to {user_id} is being sent by another run")
        mail = self._mail(campaign, user_id, address, member.language)
        self._throttle.acquire()
        try:
            message_id = self._mailer.send(mail)
        except Exception:
            self._store.release_recipient(campaign.campaign_id, user_id)
            raise
        self._store.finish_recipient(campaign.campaign_id, user_id, "sent", None, message_id)
        self._gate.record_delivery(
            Delivery(
                user_id=user_id,
                notification_id=f"campaign-{campaign.campaign_id}",
                channel=Channel.EMAIL,
                topic=Topic.NEWSLETTER,
                status="sent",
                at=now,
                message_id=message_id,
            )
        )
        return None

    def _mail(self, campaign: Campaign, user_id: str, address: str, language: str) -> OutgoingMail:
        expires = self._clock() + TRACKING_VALIDITY
        base = {"c": campaign.campaign_id, "u": user_id}
        api = self._config.api_url.rstrip("/")

        def track(url: str) -> str:
            if not safe_url(url, frozenset({"http", "https"})):
                return url  # mailto: stays as it is
            token = self._signer.issue({**base, "k": "c", "l": url}, expires)
            return f"{api}/t/c/{quote(token)}"

        pixel = f"{api}/t/o/{quote(self._signer.issue({**base, 'k': 'o'}, expires))}.gif"
        rendered = render(
            campaign,
            language,
            track=track,
            pixel=pixel,
            unsubscribe=self._unsubscribe.link(user_id, Topic.NEWSLETTER),
        )
        return OutgoingMail(
            to_address=address,
            language=rendered.language,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            headers=self._unsubscribe.headers(user_id, Topic.NEWSLETTER),
            tags={"topic": Topic.NEWSLETTER.value, "campaign": campaign.campaign_id},
        )


# ================================================================ tracking


TRANSPARENT_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


class CampaignTracking:
    """Opens (the pixel) and clicks (the redirect), counted once per member and kind."""

    def __init__(self, store: CampaignStore, signer: Signer, clock: Clock):
        self._store = store
        self._signer = signer
        self._clock = clock

    def _claims(self, token: str, kind: str) -> dict[str, Any] | None:
        try:
            claims = self._signer.verify(token, self._clock())
        except (NotFound, BadRequest):
            return None
        if claims.get("k") != kind or not isinstance(claims.get("c"), str) or not isinstance(claims.get("u"), str):
            return None
        return claims

    def opened(self, token: str) -> None:
        """Count an open; an invalid token counts nothing (the pixel is served either way)."""
        claims = self._claims(token.removesuffix(".gif"), "o")
        if claims is not None:
            self._store.count_once(claims["c"], claims["u"], "opened", self._clock())

    def clicked(self, token: str) -> str:
        """The link's target (only ever the URL signed into the token); a click counts as an open
        too (mail clients often block images). 404 `link_not_found` for any other token."""
        claims = self._claims(token, "c")
        target = claims.get("l") if claims else None
        if claims is None or not isinstance(target, str) or not safe_url(target, frozenset({"http", "https"})):
            raise NotFound("this link is not valid", code="link_not_found")
        now = self._clock()
        self._store.count_once(claims["c"], claims["u"], "opened", now)
        self._store.count_once(claims["c"], claims["u"], "clicked", now)
        return target


class LinkUnsubscribe:
    """`Unsubscribe` over the core's signed unsubscribe tokens (`Notifier.unsubscribe_token`):
    the web page to unsubscribe from, and RFC 8058 one-click headers when the API's URL is known."""

    def __init__(self, token: Callable[[str, Topic, Channel], str], web_url: str, api_url: str | None):
        self._token = token
        self._web_url = web_url.rstrip("/")
        self._api_url = api_url.rstrip("/") if api_url else None

    def link(self, user_id: str, topic: Topic) -> str:
        return f"{self._web_url}/#/unsubscribe/{self._token(user_id, topic, Channel.EMAIL)}"

    def headers(self, user_id: str, topic: Topic) -> dict[str, str]:
        if self._api_url is None:
            return {"List-Unsubscribe": f"<{self.link(user_id, topic)}>"}
        one_click = f"{self._api_url}/unsubscribe/{self._token(user_id, topic, Channel.EMAIL)}"
        return {"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
