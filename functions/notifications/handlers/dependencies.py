"""The composition root of the notifications functions: settings, and the services built once per
process on first use (stores and AWS adapters are imported inside the providers).

Routes receive services through Powertools `Depends(...)`; tests replace them with
`app.dependency_overrides[member_service] = lambda: MemberService(fakes...)`. The consumer and
the sweeper get theirs from `worker()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import Field

from functions.common.pagination import CursorCodec
from functions.common.settings import (
    ApiSettings,
    CursorSettings,
    EnvSettings,
    LinkSettings,
    Observability,
    Stage,
    TableSettings,
    load_settings,
)
from functions.common.signed_links import REVIEW_INVITATION, UNSUBSCRIBE, SignedLinks
from functions.notifications.logic.campaigns import CampaignSender, CampaignService, CampaignTracking
from functions.notifications.logic.delivery import Links, Notifier
from functions.notifications.logic.domain import Contact, OutgoingMail
from functions.notifications.logic.members import MemberService
from functions.notifications.logic.newsletter import AudienceConsumer, NewsletterService
from functions.notifications.logic.ports import Clock, Mailer, NotificationsStore, Pusher, Recipients
from functions.notifications.logic.segments import SegmentService

if TYPE_CHECKING:  # imported by build(): the API and the campaign functions never load the event views
    from functions.notifications.logic.consumers import EventConsumer

DEFAULT_REVIEW_DELAY_SECONDS = 7 * 24 * 3600


class NotificationSettings(LinkSettings):
    """Where mail comes from and links point to; what is configured for push."""

    mail_sender: str | None = Field(default=None, alias="MAIL_SENDER", min_length=3)
    mail_configuration_set: str | None = Field(default=None, alias="MAIL_CONFIGURATION_SET")
    push_applications: str = Field(default="", alias="PUSH_APPLICATIONS", description="platform=arn,...")
    user_pool_id: str | None = Field(default=None, alias="USER_POOL_ID")
    review_request_delay_seconds: int = Field(
        default=DEFAULT_REVIEW_DELAY_SECONDS, ge=0, le=90 * 24 * 3600, alias="REVIEW_REQUEST_DELAY_SECONDS"
    )

    @property
    def applications(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.push_applications.split(",") if "=" in item)
        return {platform.strip(): arn.strip() for platform, arn in pairs}


class NotificationsApiSettings(ApiSettings, NotificationSettings):
    """The REST API: the table and, for device registration, the push applications."""


class WorkerSettings(Observability, Stage, TableSettings, CursorSettings, NotificationSettings):
    """The consumer and the sweeper: the table (events leave through its outbox), SES, SNS, Cognito."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class _NoMail:
    """The mailer of a stage without a sender identity: mail is logged, not sent."""

    def send(self, mail: OutgoingMail) -> str:
        from functions.common.observability import logger

        logger().warning("no MAIL_SENDER configured: e-mail not sent", extra={"subject": mail.subject})
        return "not-sent"


class _NoDirectory:
    """Recipients of a stage without a user pool: nobody has an address."""

    def contact(self, user_id: str) -> Contact | None:
        return Contact(user_id=user_id, email=None)


@dataclass(frozen=True)
class Notifications:
    members: MemberService
    notifier: Notifier
    consumer: EventConsumer


def build(
    store: NotificationsStore,
    recipients: Recipients,
    *,
    mailer: Mailer,
    pusher: Pusher,
    secret: Any,
    settings: NotificationSettings,
    clock: Clock = utc_now,
) -> Notifications:
    from functions.common.observability import logger
    from functions.notifications.logic.consumers import EventConsumer

    links = Links(settings.web_base, settings.api_base())
    unsubscribe = SignedLinks(secret, UNSUBSCRIBE)
    reviews = SignedLinks(secret, REVIEW_INVITATION)

    def note(message: str, extra: dict[str, Any]) -> None:
        logger().info(message, extra=extra)

    def error(message: str, extra: dict[str, Any]) -> None:
        logger().error(message, extra=extra)

    notifier = Notifier(
        store,
        recipients,
        mailer=mailer,
        pusher=pusher,
        links=links,
        unsubscribe_links=unsubscribe,
        clock=clock,
        on_skip=note,
        on_error=error,
    )
    delay = timedelta(seconds=settings.review_request_delay_seconds)
    return Notifications(
        members=MemberService(
            store,
            pusher,
            cursors=CursorCodec(secret),
            unsubscribe_links=unsubscribe,
            clock=clock,
            push_platforms=frozenset(settings.applications),
        ),
        notifier=notifier,
        consumer=EventConsumer(
            store, notifier, review_links=reviews, links=links, clock=clock, review_delay=delay, note=note
        ),
    )


def _adapters(settings: WorkerSettings | NotificationsApiSettings) -> tuple[Any, Any, Any, Any]:
    from functions.common.aws import client
    from functions.notifications.store.dynamo import DynamoNotificationsStore
    from functions.notifications.store.sns import SnsPusher

    store = DynamoNotificationsStore(client("dynamodb"), settings.table_name)
    pusher = SnsPusher(client("sns"), settings.applications)
    mailer: Mailer = _NoMail()
    if settings.mail_sender:
        from functions.notifications.store.ses import SesMailer

        mailer = SesMailer(client("ses"), settings.mail_sender, "Plein", settings.mail_configuration_set)
    recipients: Recipients = _NoDirectory()
    if settings.user_pool_id:
        from functions.notifications.store.cognito import CognitoRecipients

        recipients = CognitoRecipients(client("cognito-idp"), settings.user_pool_id)
    return store, recipients, mailer, pusher


@cache
def api_services() -> Notifications:
    settings = load_settings(NotificationsApiSettings)
    store, recipients, mailer, pusher = _adapters(settings)
    return build(store, recipients, mailer=mailer, pusher=pusher, secret=settings.cursor_key, settings=settings)


@cache
def worker() -> Notifications:
    settings = load_settings(WorkerSettings)
    store, recipients, mailer, pusher = _adapters(settings)
    return build(store, recipients, mailer=mailer, pusher=pusher, secret=settings.cursor_key, settings=settings)


def member_service() -> MemberService:
    return api_services().members


def event_consumer() -> EventConsumer:
    return worker().consumer


# ==== newsletters and campaigns (logic/campaigns.py, logic/newsletter.py, logic/segments.py) ====


class CampaignSettings(EnvSettings):
    """Mails per second every campaigns consumer shares (a counter in the table holds it)."""

    campaign_send_rate: int = Field(default=10, ge=1, le=1000, alias="CAMPAIGN_SEND_RATE")


@dataclass(frozen=True)
class CampaignServices:
    campaigns: CampaignService
    segments: SegmentService
    newsletter: NewsletterService
    tracking: CampaignTracking
    sender: CampaignSender
    audience: AudienceConsumer


def build_campaigns(
    *,
    store: Any,
    core: NotificationsStore,
    notifications: Notifications,
    recipients: Recipients,
    mailer: Mailer,
    secret: Any,
    settings: NotificationSettings,
    rate: int,
    clock: Clock = utc_now,
) -> CampaignServices:
    """The campaign services over the campaign store (store/campaigns.py) and the core's store
    (preferences, suppressions, delivery log) and unsubscribe links."""
    from functions.notifications.logic.campaigns import TRACKING_PURPOSE, LinkUnsubscribe, SenderConfig, SendThrottle
    from functions.notifications.logic.newsletter import NEWSLETTER_PURPOSE
    from functions.notifications.logic.segments import AudienceProjection

    tracking_links = SignedLinks(secret, TRACKING_PURPOSE)
    api_url = settings.api_base() or settings.web_base
    newsletter = NewsletterService(
        audience=store,
        consents=store,
        preferences=core,
        contacts=recipients,
        mailer=mailer,
        signer=SignedLinks(secret, NEWSLETTER_PURPOSE),
        web_url=settings.web_base,
        clock=clock,
    )
    sender = CampaignSender(
        store=store,
        audience=store,
        gate=core,
        contacts=recipients,
        mailer=mailer,
        signer=tracking_links,
        unsubscribe=LinkUnsubscribe(notifications.notifier.unsubscribe_token, settings.web_base, settings.api_base()),
        throttle=SendThrottle(store, rate, clock),
        config=SenderConfig(api_url=api_url, rate_per_second=rate),
        clock=clock,
    )
    return CampaignServices(
        campaigns=CampaignService(store, store, CursorCodec(secret), clock),
        segments=SegmentService(store, clock),
        newsletter=newsletter,
        tracking=CampaignTracking(store, tracking_links, clock),
        sender=sender,
        audience=AudienceConsumer(newsletter, AudienceProjection(store)),
    )


def _campaigns(settings: WorkerSettings | NotificationsApiSettings, notifications: Notifications) -> CampaignServices:
    from functions.common.aws import client
    from functions.notifications.store.campaigns import DynamoCampaignStore

    core, recipients, mailer, _ = _adapters(settings)
    rate = load_settings(CampaignSettings).campaign_send_rate
    store = DynamoCampaignStore(settings.table_name, client("dynamodb"))
    return build_campaigns(
        store=store,
        core=core,
        notifications=notifications,
        recipients=recipients,
        mailer=mailer,
        secret=settings.cursor_key,
        settings=settings,
        rate=rate,
    )


@cache
def campaign_api() -> CampaignServices:
    return _campaigns(load_settings(NotificationsApiSettings), api_services())


@cache
def campaign_worker() -> CampaignServices:
    return _campaigns(load_settings(WorkerSettings), worker())


def campaign_service() -> CampaignService:
    return campaign_api().campaigns


def segment_service() -> SegmentService:
    return campaign_api().segments


def newsletter_service() -> NewsletterService:
    return campaign_api().newsletter


def tracking_service() -> CampaignTracking:
    return campaign_api().tracking
