"""In-memory stand-ins for the campaign, audience and consent stores (logic/campaigns.py,
logic/segments.py, logic/newsletter.py) and the core's ports the campaigns use; the moto contract
test (tests/integration/notifications/test_campaigns_store.py) holds the DynamoDB store to the
same behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.notifications.logic.campaigns import Campaign, Outcome
from functions.notifications.logic.domain import (
    SEND_LEASE,
    Claim,
    Contact,
    Delivery,
    DueItem,
    OutgoingMail,
    Preferences,
    Topic,
)
from functions.notifications.logic.newsletter import ConsentRecord
from functions.notifications.logic.ports import Cursor
from functions.notifications.logic.segments import AudienceMember

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Recipient:
    status: str
    reason: str | None = None
    message_id: str | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None
    claimed_at: datetime | None = None


@dataclass
class InMemoryCampaignStore:
    """AudienceStore, CampaignStore and ConsentStore in memory."""

    members: dict[str, AudienceMember] = field(default_factory=dict)
    consents: dict[str, list[ConsentRecord]] = field(default_factory=dict)
    used_links: set[str] = field(default_factory=set)
    stored: dict[str, Campaign] = field(default_factory=dict)
    pages: set[tuple[str, int]] = field(default_factory=set)
    batches_done: set[tuple[str, str]] = field(default_factory=set)
    recipients: dict[tuple[str, str], Recipient] = field(default_factory=dict)
    outbox: list[DomainEvent] = field(default_factory=list)
    slots: dict[int, int] = field(default_factory=dict)

    # ---- audience
    def audience_member(self, user_id: str) -> AudienceMember | None:
        return self.members.get(user_id)

    def audience_members(self, user_ids: Sequence[str]) -> dict[str, AudienceMember]:
        return {u: self.members[u] for u in user_ids if u in self.members}

    def save_audience_member(self, member: AudienceMember) -> None:
        stored = self.members.get(member.user_id)
        if (stored.revision if stored else 0) != member.revision:
            raise Conflict("the member's audience record changed meanwhile", code="audience_changed")
        self.members[member.user_id] = replace(member, revision=member.revision + 1)

    def audience_page(self, subscribed_only: bool, limit: int, cursor: Cursor) -> tuple[list[AudienceMember], Cursor]:
        ordered = sorted(self.members.values(), key=lambda m: (not m.subscribed, m.user_id))
        if subscribed_only:
            ordered = [m for m in ordered if m.subscribed]
        start = int((cursor or {}).get("offset", 0))
        chunk = ordered[start : start + limit]
        after = {"offset": str(start + limit)} if start + limit < len(ordered) else None
        return chunk, after

    # ---- consents
    def add_consent(self, record: ConsentRecord) -> None:
        self.consents.setdefault(record.user_id, []).append(record)

    def latest_consent(self, user_id: str) -> ConsentRecord | None:
        found = self.consents.get(user_id)
        return found[-1] if found else None

    def use_link(self, nonce: str, user_id: str, at: datetime) -> bool:
        if nonce in self.used_links:
            return False
        self.used_links.add(nonce)
        return True

    # ---- campaigns
    def create_campaign(self, campaign: Campaign) -> None:
        if campaign.campaign_id in self.stored:
            raise Conflict("exists", code="campaign_exists")
        self.stored[campaign.campaign_id] = campaign

    def campaign(self, campaign_id: str) -> Campaign | None:
        return self.stored.get(campaign_id)

    def save_draft(self, campaign: Campaign, expected_revision: int) -> bool:
        current = self.stored.get(campaign.campaign_id)
        if current is None or current.status != "draft" or current.revision != expected_revision:
            return False
        self.stored[campaign.campaign_id] = campaign
        return True

    def campaigns(self, limit: int, cursor: Cursor) -> tuple[list[Campaign], Cursor]:
        ordered = sorted(self.stored.values(), key=lambda c: (c.created_at, c.campaign_id), reverse=True)
        start = int((cursor or {}).get("offset", 0))
        after = {"offset": str(start + limit)} if start + limit < len(ordered) else None
        return ordered[start : start + limit], after

    def queue_campaign(self, campaign: Campaign, event: DomainEvent) -> bool:
        current = self.stored[campaign.campaign_id]
        if current.status != "draft":
            return False
        self.stored[campaign.campaign_id] = replace(
            current,
            status="queued",
            send_key=campaign.send_key,
            queued_at=campaign.queued_at,
            queued_by=campaign.queued_by,
        )
        self.outbox.append(event)
        return True

    def _bump(self, campaign_id: str, **deltas: Any) -> None:
        current = self.stored[campaign_id]
        changes = {name: getattr(current, name) + delta for name, delta in deltas.items()}
        self.stored[campaign_id] = replace(current, **changes)

    def record_page(
        self, campaign_id: str, page: int, recipients: int, events: Sequence[DomainEvent], last: bool
    ) -> bool:
        if (campaign_id, page) in self.pages:
            return False
        self.pages.add((campaign_id, page))
        batch_count = sum(1 for e in events if e.detail_type == "CampaignBatchQueued")
        self._bump(campaign_id, recipients=recipients, batches=batch_count)
        if last:
            self.stored[campaign_id] = replace(self.stored[campaign_id], resolved=True)
        self.outbox.extend(events)
        return True

    def claim_recipient(self, campaign_id: str, user_id: str, at: datetime) -> Claim:
        found = self.recipients.get((campaign_id, user_id))
        if found is not None and found.status != "sending":
            return Claim.SENT
        if found is not None and found.claimed_at is not None and found.claimed_at >= at - SEND_LEASE:
            return Claim.BUSY
        self.recipients[(campaign_id, user_id)] = Recipient("sending", claimed_at=at)
        return Claim.CLAIMED

    def release_recipient(self, campaign_id: str, user_id: str) -> None:
        found = self.recipients.get((campaign_id, user_id))
        if found is not None and found.status == "sending":
            del self.recipients[(campaign_id, user_id)]

    def finish_recipient(
        self, campaign_id: str, user_id: str, outcome: Outcome, reason: str | None, message_id: str | None
    ) -> bool:
        key = (campaign_id, user_id)
        found = self.recipients.get(key)
        if outcome == "sent":
            if found is None or found.status != "sending":
                return False
            found.status, found.message_id = "sent", message_id
            self._bump(campaign_id, sent=1)
            return True
        if found is not None:
            return False
        self.recipients[key] = Recipient("skipped", reason=reason)
        current = self.stored[campaign_id]
        reasons = dict(current.skip_reasons)
        reasons[reason or "other"] = reasons.get(reason or "other", 0) + 1
        self.stored[campaign_id] = replace(current, skipped=current.skipped + 1, skip_reasons=reasons)
        return True

    def finish_batch(self, campaign_id: str, batch_id: str) -> bool:
        if (campaign_id, batch_id) in self.batches_done:
            return False
        self.batches_done.add((campaign_id, batch_id))
        self._bump(campaign_id, batches_done=1)
        return True

    def count_once(self, campaign_id: str, user_id: str, kind: Literal["opened", "clicked"], at: datetime) -> bool:
        found = self.recipients.get((campaign_id, user_id))
        if found is None or found.status != "sent" or getattr(found, f"{kind}_at") is not None:
            return False
        setattr(found, f"{kind}_at", at)
        self._bump(campaign_id, **{kind: 1})
        return True

    def take_send_slot(self, second: int, limit: int) -> bool:
        if self.slots.get(second, 0) >= limit:
            return False
        self.slots[second] = self.slots.get(second, 0) + 1
        return True


@dataclass
class RecordingMailer:
    sent: list[OutgoingMail] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)

    def send(self, mail: OutgoingMail) -> str:
        if mail.to_address in self.fail_for:
            raise RuntimeError("the mail service failed")
        self.sent.append(mail)
        return f"msg-{len(self.sent)}"


@dataclass
class Directory:
    contacts: dict[str, Contact] = field(default_factory=dict)

    def contact(self, user_id: str) -> Contact | None:
        return self.contacts.get(user_id)

    def vendor_users(self, vendor_id: str) -> list[str]:
        return []


@dataclass
class Gate:
    """The core's preferences, suppressions and delivery log, in memory."""

    prefs: dict[str, Preferences] = field(default_factory=dict)
    suppressed: set[str] = field(default_factory=set)
    deliveries: list[Delivery] = field(default_factory=list)
    scheduled: list[DueItem] = field(default_factory=list)
    revision_conflicts: int = 0

    def preferences(self, user_id: str) -> Preferences | None:
        return self.prefs.get(user_id)

    def save_preferences(self, prefs: Preferences) -> Preferences:
        if self.revision_conflicts:
            self.revision_conflicts -= 1
            raise Conflict("moved on", code="preferences_changed")
        saved = replace(prefs, revision=prefs.revision + 1)
        self.prefs[prefs.user_id] = saved
        return saved

    def is_suppressed(self, address: str) -> bool:
        return address in self.suppressed

    def sent_since(self, user_id: str, since: datetime) -> int:
        return sum(1 for d in self.deliveries if d.user_id == user_id and d.at >= since)

    def record_delivery(self, delivery: Delivery) -> None:
        self.deliveries.append(delivery)

    def schedule(self, item: DueItem) -> bool:
        if any(found.item_id == item.item_id for found in self.scheduled):
            return False
        self.scheduled.append(item)
        return True


class StaticUnsubscribe:
    def headers(self, user_id: str, topic: Topic) -> dict[str, str]:
        return {"List-Unsubscribe": f"<https://api.test/unsubscribe/{user_id}.{topic}>"}

    def link(self, user_id: str, topic: Topic) -> str:
        return f"https://web.test/#/unsubscribe/{user_id}.{topic}"
