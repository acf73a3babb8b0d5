"""Settings and services of the vendor functions, built once per process on first use.

Only Powertools, pydantic and the models are imported at cold start; stores (PynamoDB, boto3)
are imported inside these factories.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from pydantic import Field

from functions.common.events import EventBridgePublisher, utc_now
from functions.common.settings import (
    ApiSettings,
    EventBusSettings,
    FeedsBucketSettings,
    Observability,
    TableSettings,
    load_settings,
)
from functions.vendor.logic.feeds.importer import FeedService
from functions.vendor.logic.offers import OfferService
from functions.vendor.logic.vendors import VendorService


class VendorApiSettings(ApiSettings, FeedsBucketSettings):
    user_pool_id: str | None = Field(default=None, alias="USER_POOL_ID")


class FeedImportSettings(Observability, TableSettings, EventBusSettings, FeedsBucketSettings):
    pass


class RelaySettings(Observability, TableSettings, EventBusSettings):
    pass


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
def api_settings() -> VendorApiSettings:
    settings: VendorApiSettings = load_settings(VendorApiSettings)
    return settings


@cache
def vendor_service() -> VendorService:
    from functions.common.aws import client
    from functions.vendor.logic.ports import UserDirectory
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoOffers, DynamoVendors
    from functions.vendor.store.users import CognitoUserDirectory, UnboundUserDirectory

    settings = api_settings()
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
        clock=clock,
    )


@cache
def offer_service() -> OfferService:
    from functions.vendor.store.dynamo import DynamoOffers, DynamoVendors

    _bound(api_settings().table_name)
    return OfferService(DynamoVendors(), DynamoOffers(), clock)


def _feed_service(table_name: str, bus_name: str, bucket: str) -> FeedService:
    from functions.common.aws import client
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoOffers, DynamoVendors
    from functions.vendor.store.files import S3FeedFiles

    _bound(table_name)
    files = S3FeedFiles(bucket, client("s3"))
    return FeedService(
        vendors=DynamoVendors(),
        offers=DynamoOffers(),
        feeds=DynamoFeeds(),
        files=files,
        publisher=_publisher(bus_name),
        clock=clock,
    )


@cache
def api_feed_service() -> FeedService:
    settings = api_settings()
    return _feed_service(settings.table_name, settings.event_bus_name, settings.feeds_bucket)


@cache
def import_feed_service() -> FeedService:
    settings = load_settings(FeedImportSettings)
    return _feed_service(settings.table_name, settings.event_bus_name, settings.feeds_bucket)
