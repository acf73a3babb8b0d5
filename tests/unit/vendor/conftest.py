from __future__ import annotations

from dataclasses import dataclass

import pytest

from functions.common.auth import Principal, Role
from functions.common.pagination import CursorCodec
from functions.vendor.logic.feeds.history import FeedHistory
from functions.vendor.logic.feeds.importer import FeedService
from functions.vendor.logic.feeds.pulls import FeedPulls
from functions.vendor.logic.offers import OfferService
from functions.vendor.logic.vendors import VendorService
from functions.vendor.models.api import VendorApplication
from tests.support.events import RecordingPublisher
from tests.unit.vendor.fakes import (
    FakeClock,
    FakeDirectory,
    FakeFeeds,
    FakeFetcher,
    FakeFiles,
    FakeMappings,
    FakeOffers,
    FakeSources,
    FakeVendors,
)

ADMIN = Principal(user_id="admin-1", username="admin", groups=frozenset({Role.ADMIN}))
CURSORS = CursorCodec("test-cursor-secret-0123456789")


@dataclass
class World:
    vendors: FakeVendors
    offers: FakeOffers
    feeds: FakeFeeds
    mappings: FakeMappings
    files: FakeFiles
    users: FakeDirectory
    publisher: RecordingPublisher
    clock: FakeClock
    vendor_service: VendorService
    offer_service: OfferService
    feed_service: FeedService
    feed_history: FeedHistory
    sources: FakeSources
    fetcher: FakeFetcher
    feed_pulls: FeedPulls

    def approved_vendor(self, username: str = "anna", name: str = "Wolkenweber") -> tuple[str, Principal]:
        applicant = Principal(user_id=f"sub-{username}", username=username)
        vendor = self.vendor_service.apply(applicant, VendorApplication(name=name))
        self.vendor_service.approve(ADMIN, vendor.vendor_id, _approval())
        owner = Principal(
            user_id=applicant.user_id, username=username, groups=frozenset({Role.VENDOR}), vendor_id=vendor.vendor_id
        )
        return vendor.vendor_id, owner


def _approval():
    from functions.vendor.models.api import VendorApproval

    return VendorApproval()


@pytest.fixture
def world() -> World:
    vendors, offers, feeds, files, mappings = FakeVendors(), FakeOffers(), FakeFeeds(), FakeFiles(), FakeMappings()
    users, publisher, clock = FakeDirectory(), RecordingPublisher(), FakeClock()
    sources, fetcher = FakeSources(), FakeFetcher()
    return World(
        vendors=vendors,
        offers=offers,
        feeds=feeds,
        mappings=mappings,
        files=files,
        users=users,
        publisher=publisher,
        clock=clock,
        vendor_service=VendorService(
            vendors=vendors, offers=offers, feeds=feeds, users=users, publisher=publisher, cursors=CURSORS, clock=clock
        ),
        offer_service=OfferService(vendors=vendors, offers=offers, cursors=CURSORS, clock=clock),
        feed_service=FeedService(
            vendors=vendors,
            offers=offers,
            feeds=feeds,
            mappings=mappings,
            files=files,
            publisher=publisher,
            clock=clock,
            workers=2,
        ),
        feed_history=FeedHistory(feeds=feeds, files=files, cursors=CURSORS, clock=clock),
        sources=sources,
        fetcher=fetcher,
        feed_pulls=FeedPulls(
            vendors=vendors,
            sources=sources,
            feeds=feeds,
            files=files,
            fetcher=fetcher,
            publisher=publisher,
            clock=clock,
        ),
    )
