"""The composition root of the vendor functions: settings, and one provider per service, each
built once per process on first use.

Only Powertools, pydantic and the models are imported at cold start; stores (PynamoDB, boto3)
are imported inside the providers. Routes receive services through Powertools
`Depends(vendor_service)`; tests replace them with `app.dependency_overrides[vendor_service]`.
Consumers call the providers directly.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from pydantic import Field

from functions.common.events import EventBridgePublisher, utc_now
from functions.common.pagination import CursorCodec
from functions.common.settings import (
    ApiSettings,
    EventBusSettings,
    FeedsBucketSettings,
    Observability,
    Stage,
    TableSettings,
    load_settings,
)
from functions.vendor.logic.feeds.history import FeedHistory
from functions.vendor.logic.feeds.importer import FeedService
from functions.vendor.logic.feeds.pulls import FeedPulls
from functions.vendor.logic.offers import OfferService
from functions.vendor.logic.relay import OfferRelay
from functions.vendor.logic.sales import SalesService
from functions.vendor.logic.vendors import VendorService


class VendorApiSettings(ApiSettings):
    """The vendor API: table, bus, cursor key and (on AWS) the user pool that approval binds."""

    user_pool_id: str | None = Field(default=None, alias="USER_POOL_ID")


class FeedSettings(Observability, TableSettings, EventBusSettings, FeedsBucketSettings):
    """The feed service, in the API (uploads, status) and in the import function."""


class FeedHistorySettings(VendorApiSettings, FeedsBucketSettings):
    """The import history in the vendor API: its table, the report links and the cursor key."""


class FeedPullSettings(Observability, Stage, TableSettings, EventBusSettings, FeedsBucketSettings):
    """Scheduled pulls of feed URLs (in the API: registering one; in the schedule: fetching)."""

    @property
    def private_hosts_allowed(self) -> bool:
        """Only the local runtime fetches from private addresses (its demo feed is on 127.0.0.1)."""
        return self.stage in PRIVATE_FETCH_STAGES


PRIVATE_FETCH_STAGES = frozenset({"local", "test"})


class RelaySettings(Observability, TableSettings, EventBusSettings):
    """The offer relay: the table whose stream it reads and the bus it publishes to."""


def clock() -> datetime:
    return utc_now()


@cache
def _bound(table_name: str) -> None:
    from functions.vendor.store.dynamo import bind

    bind(table_name)


@cache
def _publisher(bus_name: str) -> EventBridgePublisher:
    from functions.common.aws import client

    return EventBridgePublisher(bus_name, client("events"))


@cache
def vendor_service() -> VendorService:
    from functions.common.aws import client
    from functions.vendor.logic.ports import UserDirectory
    from functions.vendor.store.cognito import CognitoUserDirectory, UnboundUserDirectory
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoOffers, DynamoVendors

    settings = load_settings(VendorApiSettings)
    _bound(settings.table_name)
    users: UserDirectory = (
        CognitoUserDirectory(settings.user_pool_id, client("cognito-idp"))
        if settings.user_pool_id
        else UnboundUserDirectory()
    )
    return VendorService(
        vendors=DynamoVendors(),
        offers=DynamoOffers(),
        feeds=DynamoFeeds(),
        users=users,
        publisher=_publisher(settings.event_bus_name),
        cursors=CursorCodec(settings.cursor_secret),
        clock=clock,
    )


@cache
def offer_service() -> OfferService:
    from functions.vendor.store.dynamo import DynamoOffers, DynamoVendors

    settings = load_settings(VendorApiSettings)
    _bound(settings.table_name)
    return OfferService(
        vendors=DynamoVendors(), offers=DynamoOffers(), cursors=CursorCodec(settings.cursor_secret), clock=clock
    )


@cache
def feed_service() -> FeedService:
    from functions.common.aws import client
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoMappings, DynamoOffers, DynamoVendors
    from functions.vendor.store.s3 import S3FeedFiles

    settings = load_settings(FeedSettings)
    _bound(settings.table_name)
    return FeedService(
        vendors=DynamoVendors(),
        offers=DynamoOffers(),
        feeds=DynamoFeeds(),
        mappings=DynamoMappings(),
        files=S3FeedFiles(settings.feeds_bucket, client("s3")),
        publisher=_publisher(settings.event_bus_name),
        clock=clock,
    )


@cache
def feed_history() -> FeedHistory:
    from functions.common.aws import client
    from functions.vendor.store.dynamo import DynamoFeeds
    from functions.vendor.store.s3 import S3FeedFiles

    settings = load_settings(FeedHistorySettings)
    _bound(settings.table_name)
    return FeedHistory(
        feeds=DynamoFeeds(),
        files=S3FeedFiles(settings.feeds_bucket, client("s3")),
        cursors=CursorCodec(settings.cursor_key),
        clock=clock,
    )


@cache
def feed_pulls() -> FeedPulls:
    from functions.common.aws import client
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoSources, DynamoVendors
    from functions.vendor.store.http import SafeFetcher
    from functions.vendor.store.s3 import S3FeedFiles

    settings = load_settings(FeedPullSettings)
    _bound(settings.table_name)
    return FeedPulls(
        vendors=DynamoVendors(),
        sources=DynamoSources(),
        feeds=DynamoFeeds(),
        files=S3FeedFiles(settings.feeds_bucket, client("s3")),
        fetcher=SafeFetcher(allow_private=settings.private_hosts_allowed),
        publisher=_publisher(settings.event_bus_name),
        clock=clock,
    )


@cache
def offer_relay() -> OfferRelay:
    from functions.vendor.store.dynamo import DynamoOfferStream, DynamoVendors

    settings = load_settings(RelaySettings)
    _bound(settings.table_name)
    return OfferRelay(
        stream=DynamoOfferStream(), publisher=_publisher(settings.event_bus_name), vendors=DynamoVendors()
    )


@cache
def sales_service() -> SalesService:
    from functions.vendor.store.dynamo import DynamoVendors

    _bound(load_settings(TableSettings).table_name)
    return SalesService(DynamoVendors())
