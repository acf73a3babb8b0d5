"""What each consumed event tells whom, and the due work of the sweeper.

`EventConsumer.handle(source, detail_type, detail)` validates the detail against its view in
models/consumed.py and turns it into intents for `Notifier`. Every notification id derives from
the event id (or, for review requests, from order, product and member), so a redelivered event
sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from functions.common.signed_links import SignedLinks
from functions.notifications.logic.delivery import DELIVER, Intent, Links, Notifier
from functions.notifications.logic.domain import DueItem, Topic
from functions.notifications.logic.ports import Clock, NotificationsStore
from functions.notifications.models import consumed as c

REVIEW_REQUEST = "review_request"
"""Kind of a due item: send the review request of one delivered product."""
REVIEW_LINK_DAYS = 60


def money(amount: int, currency: str) -> str:
    symbol = {"EUR": "€"}.get(currency, currency + " ")
    return f"{symbol}{amount // 100},{amount % 100:02d}" if currency == "EUR" else f"{symbol}{amount / 100:.2f}"


class EventConsumer:
    def __init__(
        self,
        store: NotificationsStore,
        notifier: Notifier,
        *,
        review_links: SignedLinks,
        links: Links,
        clock: Clock,
        review_delay: timedelta,
        note: Callable[[str, dict[str, Any]], None] | None = None,
    ):
        self._store = store
        self._notifier = notifier
        self._review_links = review_links
        self._links = links
        self._clock = clock
        self._review_delay = review_delay
        self._note = note or (lambda _message, _extra: None)
        self._routes: dict[tuple[str, str], tuple[type[BaseModel], Callable[[Any], None]]] = {
            (c.ORDERS, "OrderPlaced"): (c.OrderPlacedView, self.order_placed),
            (c.ORDERS, "OrderShipped"): (c.OrderShippedView, self.order_shipped),
            (c.ORDERS, "OrderDelivered"): (c.OrderDeliveredView, self.order_delivered),
            (c.COMMUNITY, "AnswerPosted"): (c.AnswerPostedView, self.answer_posted),
            (c.COMMUNITY, "ReviewReplied"): (c.ReviewRepliedView, self.review_replied),
            (c.COMMUNITY, "IdeaMilestoneReached"): (c.IdeaMilestoneReachedView, self.idea_milestone),
            (c.COMMUNITY, "IdeaDecided"): (c.IdeaDecidedView, self.idea_decided),
            (c.COMMUNITY, "ArticlePublished"): (c.ArticlePublishedView, self.article_published),
            (c.COMMUNITY, "FollowChanged"): (c.FollowChangedView, self.follow_changed),
            (c.REWARDS, "PointsAwarded"): (c.PointsAwardedView, self.points_awarded),
            (c.REWARDS, "StageChanged"): (c.StageChangedView, self.stage_changed),
            (c.REWARDS, "GiftCardIssued"): (c.GiftCardIssuedView, self.gift_card_issued),
            (c.VENDOR, "VendorApproved"): (c.VendorApprovedView, self.vendor_approved),
            (c.VENDOR, "VendorDeclined"): (c.VendorDeclinedView, self.vendor_declined),
            (c.VENDOR, "FeedImportCompleted"): (c.FeedImportCompletedView, self.feed_import_completed),
            (c.ADVICE, "AdvisorApproved"): (c.AdvisorApprovedView, self.advisor_approved),
            (c.ADVICE, "AdvisorInvited"): (c.AdvisorInvitedView, self.advisor_invited),
            (c.ADVICE, "AdviceMissed"): (c.AdviceMissedView, self.advice_missed),
            (c.REWARDS, "AdvisorPaid"): (c.AdvisorPaidView, self.advisor_paid),
            (c.SES, "Email Bounced"): (c.SesBounceView, self.email_bounced),
            (c.SES, "Email Complaint Received"): (c.SesComplaintView, self.email_complaint),
        }

    @property
    def subscriptions(self) -> list[tuple[str, str]]:
        return list(self._routes)

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        """Route one event; a detail that does not validate raises (its record goes to the DLQ)."""
        route = self._routes.get((source, detail_type))
        if route is None:
            self._note("ignoring an event notifications does not consume", {"source": source, "type": detail_type})
            return
        view, use_case = route
        use_case(view.model_validate(detail))

    # ---- orders ---------------------------------------------------------------------------------
    def order_placed(self, event: c.OrderPlacedView) -> None:
        self._notifier.notify(
            Intent(
                event.user_id,
                Topic.ORDER,
                "order_placed",
                event.event_id,
                {"order_id": event.order_id, "total": money(event.total, event.currency)},
                f"#/orders/{event.order_id}",
            )
        )
        for vendor_id in sorted(set(event.vendor_ids) or {line.vendor_id for line in event.lines}):
            users = self._store.vendor_users(vendor_id)
            if not users:
                self._note("no user known for a vendor: new-order notice not sent", {"vendor_id": vendor_id})
                continue
            lines = sum(line.quantity for line in event.lines if line.vendor_id == vendor_id)
            for user_id in users:
                self._notifier.notify(
                    Intent(
                        user_id,
                        Topic.VENDOR,
                        "vendor_new_order",
                        f"{event.event_id}#{vendor_id}",
                        {"order_id": event.order_id, "lines": str(lines)},
                        "#/vendor",
                    )
                )

    def order_shipped(self, event: c.OrderShippedView) -> None:
        values = {"order_id": event.order_id, "carrier": event.carrier, "tracking_number": event.tracking_number}
        path = f"#/orders/{event.order_id}"
        self._notifier.notify(Intent(event.user_id, Topic.ORDER, "order_shipped", event.event_id, values, path))

    def order_delivered(self, event: c.OrderDeliveredView) -> None:
        path = f"#/orders/{event.order_id}"
        values = {"order_id": event.order_id}
        self._notifier.notify(Intent(event.user_id, Topic.ORDER, "order_delivered", event.event_id, values, path))
        due = event.occurred_at + self._review_delay
        products = sorted({line.product_id for line in event.lines if line.vendor_id == event.vendor_id})
        for product_id in products:
            item_id = f"review#{event.user_id}#{event.order_id}#{product_id}"
            payload = {"user_id": event.user_id, "order_id": event.order_id, "product_id": product_id}
            self._store.schedule(DueItem(due, item_id, REVIEW_REQUEST, payload))

    def review_request(self, item: DueItem) -> None:
        user_id, order_id, product_id = item.payload["user_id"], item.payload["order_id"], item.payload["product_id"]
        expires = self._clock() + timedelta(days=REVIEW_LINK_DAYS)
        token = self._review_links.issue({"u": user_id, "o": order_id, "p": product_id}, expires)
        self._notifier.notify(
            Intent(
                user_id,
                Topic.REVIEW_REQUEST,
                "review_request",
                item.item_id,
                {"order_id": order_id, "product_id": product_id},
                f"#/review/{token}",
                action_url=self._links.web(f"#/review/{token}"),
            )
        )

    def run_due(self, others: Mapping[str, Callable[[DueItem], None]] | None = None) -> int:
        """Every due item: review requests and deferred deliveries here, other kinds (campaign
        mail deferred past quiet hours) by the handler `others` names for them."""
        handlers: dict[str, Callable[[DueItem], None]] = {
            REVIEW_REQUEST: self.review_request,
            DELIVER: self._notifier.deliver_due,
            **(others or {}),
        }

        def due(item: DueItem) -> None:
            handle = handlers.get(item.kind)
            if handle is None:
                self._note("unknown due item dropped", {"kind": item.kind, "item_id": item.item_id})
            else:
                handle(item)

        return self._notifier.run_due(due)

    # ---- community ------------------------------------------------------------------------------
    def answer_posted(self, event: c.AnswerPostedView) -> None:
        if event.asker_id == event.user_id:
            return
        path = f"#/product/{event.product_id}"
        self._notifier.notify(Intent(event.asker_id, Topic.COMMUNITY, "answer_posted", event.event_id, {}, path))

    def review_replied(self, event: c.ReviewRepliedView) -> None:
        path = f"#/product/{event.product_id}"
        self._notifier.notify(Intent(event.user_id, Topic.COMMUNITY, "review_replied", event.event_id, {}, path))

    def idea_milestone(self, event: c.IdeaMilestoneReachedView) -> None:
        values = {"milestone": str(event.milestone), "supporters": str(event.supporters)}
        path = f"#/ideas/{event.idea_id}"
        self._notifier.notify(Intent(event.author_id, Topic.COMMUNITY, "idea_milestone", event.event_id, values, path))

    def idea_decided(self, event: c.IdeaDecidedView) -> None:
        kind = "idea_accepted" if event.decision == "accepted" else "idea_declined"
        path = f"#/ideas/{event.idea_id}"
        values = {"feedback": event.feedback}
        self._notifier.notify(Intent(event.author_id, Topic.COMMUNITY, kind, event.event_id, values, path))

    def follow_changed(self, event: c.FollowChangedView) -> None:
        self._store.set_follow(event.user_id, event.follower_id, event.following, event.occurred_at)

    def article_published(self, event: c.ArticlePublishedView) -> None:
        """Tell the members who follow the author (for a vendor's article, also those who follow
        anyone acting for that vendor: there are no follows of vendors themselves) in topic
        `content`. The notification id derives from the event and the member: once each."""
        authors = {event.author_id, *(self._store.vendor_users(event.vendor_id) if event.vendor_id else ())}
        readers = {follower for author in sorted(authors) for follower in self._store.followers(author)} - authors
        values = {"title": event.title}
        path = f"#/articles/{event.article_id}"
        for user_id in sorted(readers):
            intent = Intent(user_id, Topic.CONTENT, "article_published", event.event_id, values, path)
            self._notifier.notify(intent)

    # ---- rewards --------------------------------------------------------------------------------
    def points_awarded(self, event: c.PointsAwardedView) -> None:
        if event.points <= 0:
            return
        values = {"points": str(event.points), "balance": str(event.balance)}
        self._notifier.notify(
            Intent(event.user_id, Topic.REWARDS, "points_awarded", event.event_id, values, "#/rewards")
        )

    def stage_changed(self, event: c.StageChangedView) -> None:
        values = {"stage": event.new_stage}
        self._notifier.notify(
            Intent(event.user_id, Topic.REWARDS, "stage_changed", event.event_id, values, "#/rewards")
        )

    def gift_card_issued(self, event: c.GiftCardIssuedView) -> None:
        values = {"amount": money(event.amount, event.currency)}
        intent = Intent(event.user_id, Topic.REWARDS, "gift_card_issued", event.event_id, values, "#/rewards")
        self._notifier.notify(intent)

    # ---- vendor and advice ----------------------------------------------------------------------
    def vendor_approved(self, event: c.VendorApprovedView) -> None:
        self._store.add_vendor_user(event.vendor_id, event.owner_user_id)
        values = {"vendor_name": event.name}
        intent = Intent(event.owner_user_id, Topic.VENDOR, "vendor_approved", event.event_id, values, "#/vendor")
        self._notifier.notify(intent)

    def vendor_declined(self, event: c.VendorDeclinedView) -> None:
        values = {"vendor_name": event.name, "reason": event.reason}
        intent = Intent(event.owner_user_id, Topic.VENDOR, "vendor_declined", event.event_id, values, "#/sell")
        self._notifier.notify(intent)

    def feed_import_completed(self, event: c.FeedImportCompletedView) -> None:
        users = self._store.vendor_users(event.vendor_id)
        if not users:
            self._note("no user known for a vendor: feed import notice not sent", {"vendor_id": event.vendor_id})
        counts = event.counts
        values = {
            "status": event.status,
            "created": str(counts.created),
            "updated": str(counts.updated),
            "rejected": str(counts.rejected),
        }
        for user_id in users:
            key = f"{event.event_id}#{user_id}"
            self._notifier.notify(Intent(user_id, Topic.VENDOR, "feed_import_completed", key, values, "#/vendor"))

    def advisor_approved(self, event: c.AdvisorApprovedView) -> None:
        path = "#/advice"
        self._notifier.notify(Intent(event.advisor_id, Topic.ADVICE, "advisor_approved", event.event_id, {}, path))

    def advisor_invited(self, event: c.AdvisorInvitedView) -> None:
        """A brand's invitation: the code, and a link to the advisor console with it filled in."""
        values = {"program": event.program_name, "code": event.code}
        path = f"#/advice?code={quote(event.code)}"
        intent = Intent(event.invitee_id, Topic.ADVICE, "advisor_invited", event.event_id, values, path)
        self._notifier.notify(intent)

    def advice_missed(self, event: c.AdviceMissedView) -> None:
        """A shopper asked while these advisors were away: each hears of it once."""
        values = {"product": event.product_title or "a product", "question": event.question}
        for advisor_id in event.advisor_ids:
            intent = Intent(advisor_id, Topic.ADVICE, "advice_missed", event.event_id, values, "#/advice")
            self._notifier.notify(intent)

    def advisor_paid(self, event: c.AdvisorPaidView) -> None:
        values = {"period": event.period, "amount": money(event.amount, event.currency)}
        intent = Intent(event.advisor_id, Topic.ADVICE, "advisor_paid", event.event_id, values, "#/advice")
        self._notifier.notify(intent)

    # ---- SES feedback ---------------------------------------------------------------------------
    def email_bounced(self, event: c.SesBounceView) -> None:
        if event.bounce.bounce_type != "Permanent":
            return  # transient bounces are retried by SES; only hard bounces stop mail
        for recipient in event.bounce.bounced_recipients:
            self._store.suppress(recipient.email_address, "bounce", self._clock())

    def email_complaint(self, event: c.SesComplaintView) -> None:
        for recipient in event.complaint.complained_recipients:
            self._store.suppress(recipient.email_address, "complaint", self._clock())
