"""In-memory implementations of the vendor logic's ports, with the stores' semantics.

Conditions behave as in DynamoDB (a stale revision is a Conflict), so logic tests exercise the
same paths as the moto-backed store tests in tests/integration/vendor.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import IO

from functions.common.errors import Conflict
from functions.vendor.logic.domain import (
    FeedImport,
    FeedObject,
    FeedSource,
    Offer,
    OfferListing,
    OfferSort,
    PresignedPost,
    SavedMapping,
    Vendor,
    VendorStats,
)
from functions.vendor.logic.feeds.pulls import PullRefused
from functions.vendor.models.events import FeedCounts


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


class FakeVendors:
    def __init__(self) -> None:
        self.items: dict[str, Vendor] = {}
        self.owners: dict[str, str] = {}
        self.counters: dict[str, VendorStats] = {}
        self.seen_events: set[str] = set()

    def create(self, vendor: Vendor) -> None:
        if vendor.owner_user_id in self.owners or vendor.vendor_id in self.items:
            raise Conflict("you have applied as a vendor already", code="already_applied")
        self.owners[vendor.owner_user_id] = vendor.vendor_id
        self.items[vendor.vendor_id] = vendor

    def get(self, vendor_id: str) -> Vendor | None:
        return self.items.get(vendor_id)

    def owned_by(self, user_id: str) -> Vendor | None:
        vendor_id = self.owners.get(user_id)
        return self.items.get(vendor_id) if vendor_id else None

    def with_status(self, status: str, limit: int, after: str | None) -> tuple[list[Vendor], str | None]:
        ordered = sorted(
            (v for v in self.items.values() if v.status == status), key=lambda v: (v.created_at, v.vendor_id)
        )
        keys = [f"{v.created_at.isoformat()}|{v.vendor_id}" for v in ordered]
        start = keys.index(after) + 1 if after in keys else 0
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return page, keys[start + limit - 1] if more else None

    def save(self, vendor: Vendor, expected_revision: int) -> None:
        current = self.items.get(vendor.vendor_id)
        if current is None or current.revision != expected_revision:
            raise Conflict("the vendor was changed concurrently")
        self.items[vendor.vendor_id] = vendor

    def stats(self, vendor_id: str) -> VendorStats:
        return self.counters.get(vendor_id, VendorStats()).model_copy()

    def add_stats(self, deltas: Mapping[str, VendorStats]) -> None:
        for vendor_id, delta in deltas.items():
            current = self.counters.setdefault(vendor_id, VendorStats())
            current.active_offers += delta.active_offers
            current.out_of_stock += delta.out_of_stock

    def record_sales(self, event_id: str, deltas: Mapping[str, VendorStats]) -> bool:
        if event_id in self.seen_events:
            return False
        self.seen_events.add(event_id)
        for vendor_id, delta in deltas.items():
            current = self.counters.setdefault(vendor_id, VendorStats())
            current.orders += delta.orders
            current.items_sold += delta.items_sold
            current.revenue += delta.revenue
        return True


class FakeOffers:
    def __init__(self) -> None:
        self.items: dict[str, Offer] = {}
        self.batch_writes = 0
        self.fail_on_bulk_write = False
        self.before_put: Callable[[str], None] | None = None
        """Called with each offer id just before a conditional bulk write checks it (races)."""

    def get(self, offer_id: str) -> Offer | None:
        return self.items.get(offer_id)

    def get_many(self, offer_ids: Sequence[str]) -> dict[str, Offer]:
        return {oid: self.items[oid] for oid in offer_ids if oid in self.items}

    def put(self, offer: Offer, expected_revision: int | None) -> None:
        current = self.items.get(offer.offer_id)
        if (current is None) != (expected_revision is None) or (
            current is not None and current.snapshot.revision != expected_revision
        ):
            raise Conflict("the offer was changed concurrently")
        self.items[offer.offer_id] = offer

    def put_unless_changed(self, offers: Sequence[tuple[Offer, int | None]]) -> set[str]:
        if self.fail_on_bulk_write:
            raise RuntimeError("database down")
        self.batch_writes += 1
        refused: set[str] = set()
        for offer, expected in offers:
            if self.before_put is not None:
                self.before_put(offer.offer_id)
            current = self.items.get(offer.offer_id)
            if (current.snapshot.revision if current is not None else None) != expected:
                refused.add(offer.offer_id)
            else:
                self.items[offer.offer_id] = offer
        return refused

    def put_all_or_nothing(self, offers: Sequence[tuple[Offer, int]]) -> None:
        for offer, expected in offers:
            current = self.items.get(offer.offer_id)
            if current is None or current.snapshot.revision != expected:
                raise Conflict("an offer was changed concurrently", code="concurrent_change")
        for offer, _ in offers:
            self.items[offer.offer_id] = offer

    def list_by_vendor(
        self,
        vendor_id: str,
        limit: int,
        after: str | None,
        *,
        listing: OfferListing = "live",
        sku_prefix: str | None = None,
        sort: OfferSort = "sku",
    ) -> tuple[list[Offer], str | None]:
        backwards = sort == "price_desc"
        listed = sorted(
            (
                o
                for o in self.items.values()
                if o.snapshot.vendor_id == vendor_id
                and o.listed_as(listing)
                and o.snapshot.sku.startswith(sku_prefix or "")
            ),
            key=lambda o: o.sort_key(sort),
            reverse=backwards,
        )
        if after:
            listed = [o for o in listed if (o.sort_key(sort) < after if backwards else o.sort_key(sort) > after)]
        page = listed[:limit]
        return page, page[-1].sort_key(sort) if len(page) == limit else None

    def vendor_offer_ids(self, vendor_id: str) -> Iterator[tuple[str, str]]:
        for offer in list(self.items.values()):
            if offer.snapshot.vendor_id == vendor_id:
                yield offer.offer_id, offer.status

    def active(self, vendor_id: str) -> list[Offer]:
        return [o for o in self.items.values() if o.snapshot.vendor_id == vendor_id and o.status == "active"]


class FakeFeeds:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], FeedImport] = {}
        self.progress_calls = 0

    def create(self, feed: FeedImport) -> None:
        key = (feed.vendor_id, feed.feed_id)
        if key in self.items:
            raise Conflict("exists")
        self.items[key] = feed

    def get(self, vendor_id: str, feed_id: str) -> FeedImport | None:
        return self.items.get((vendor_id, feed_id))

    def start(
        self, vendor_id: str, feed_id: str, *, sequencer: str, bytes_total: int, now: datetime, stale_before: datetime
    ) -> FeedImport | None:
        feed = self.items.get((vendor_id, feed_id))
        if feed is None:
            return None
        stale = feed.status == "importing" and feed.updated_at < stale_before
        if feed.status != "pending" and not stale:
            return None
        started = feed.model_copy(
            update={
                "status": "importing",
                "source_sequencer": sequencer,
                "bytes_total": bytes_total,
                "counts": FeedCounts(),
                "started_at": now,
                "updated_at": now,
            }
        )
        self.items[(vendor_id, feed_id)] = started
        return started

    def progress(self, vendor_id: str, feed_id: str, counts: FeedCounts, bytes_read: int, now: datetime) -> None:
        self.progress_calls += 1
        feed = self.items[(vendor_id, feed_id)]
        self.items[(vendor_id, feed_id)] = feed.model_copy(
            update={"counts": counts, "bytes_read": bytes_read, "updated_at": now}
        )

    def finish(self, feed: FeedImport) -> None:
        self.items[(feed.vendor_id, feed.feed_id)] = feed

    def release(self, vendor_id: str, feed_id: str) -> None:
        feed = self.items[(vendor_id, feed_id)]
        if feed.status == "importing":
            self.items[(vendor_id, feed_id)] = feed.model_copy(update={"status": "pending"})

    def latest(self, vendor_id: str) -> FeedImport | None:
        mine = [feed for (vid, _), feed in self.items.items() if vid == vendor_id]
        return max(mine, key=lambda f: f.feed_id) if mine else None

    def history(
        self, vendor_id: str, limit: int, *, since: datetime, before: str | None
    ) -> tuple[list[FeedImport], str | None]:
        mine = sorted(
            (
                feed
                for (vid, _), feed in self.items.items()
                if vid == vendor_id and feed.created_at >= since and (before is None or feed.feed_id < before)
            ),
            key=lambda feed: feed.feed_id,
            reverse=True,
        )
        return mine[:limit], mine[limit - 1].feed_id if len(mine) > limit else None

    def unfinished(self) -> Iterator[FeedImport]:
        yield from [feed for feed in self.items.values() if feed.status in ("pending", "importing")]


class FakeMappings:
    def __init__(self) -> None:
        self.items: dict[str, SavedMapping] = {}

    def get(self, vendor_id: str) -> SavedMapping | None:
        return self.items.get(vendor_id)

    def save(self, saved: SavedMapping) -> None:
        self.items[saved.vendor_id] = saved

    def delete(self, vendor_id: str) -> bool:
        return self.items.pop(vendor_id, None) is not None


class FakeSources:
    def __init__(self) -> None:
        self.items: dict[str, FeedSource] = {}

    def get(self, vendor_id: str) -> FeedSource | None:
        return self.items.get(vendor_id)

    def save(self, source: FeedSource) -> None:
        self.items[source.vendor_id] = source

    def delete(self, vendor_id: str) -> bool:
        return self.items.pop(vendor_id, None) is not None

    def due(self, now: datetime, limit: int) -> list[FeedSource]:
        due = sorted((s for s in self.items.values() if s.next_pull_at <= now), key=lambda s: s.next_pull_at)
        return due[:limit]


class FakeFetcher:
    """Serves `bodies` by URL; a URL in `refusals` (checked or fetched) is refused with it."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.refusals: dict[str, PullRefused] = {}
        self.fetched: list[str] = []

    def check(self, url: str) -> None:
        if url in self.refusals:
            raise self.refusals[url]

    def fetch(self, url: str, max_bytes: int) -> IO[bytes]:
        self.check(url)
        self.fetched.append(url)
        if url not in self.bodies:
            raise PullRefused("http_error", "the feed URL answered HTTP 404")
        if len(self.bodies[url]) > max_bytes:
            raise PullRefused("too_large", "the feed is too large")
        return io.BytesIO(self.bodies[url])


class FakeFiles:
    def __init__(self, chunk_size: int = 7_919) -> None:
        self.objects: dict[str, bytes] = {}
        self.reports: dict[str, bytes] = {}
        self.announced: list[str] = []
        self.chunk_size = chunk_size

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedPost:
        return PresignedPost(
            url="https://feeds.example/upload",
            fields={"key": key, "Content-Type": content_type, "policy": f"max={max_bytes};ttl={expires_seconds}"},
        )

    def open(self, key: str) -> FeedObject | None:
        data = self.objects.get(key)
        if data is None:
            return None
        chunks = (data[i : i + self.chunk_size] for i in range(0, len(data), self.chunk_size))
        return FeedObject(size=len(data), chunks=chunks)

    def put_report(self, key: str, body: IO[bytes]) -> None:
        self.reports[key] = body.read()

    def put_feed(self, key: str, body: IO[bytes], content_type: str) -> None:
        self.objects[key] = body.read()

    def announce(self, key: str) -> bool:
        if key not in self.objects:
            return False
        self.announced.append(key)
        return True

    def report_url(self, key: str, expires_seconds: int) -> str:
        return f"https://feeds.example/{key}?ttl={expires_seconds}"

    def report_rows(self, key: str) -> list[list[str]]:
        import csv

        return list(csv.reader(io.StringIO(self.reports[key].decode())))


class FakeDirectory:
    def __init__(self) -> None:
        self.bound: dict[str, str] = {}

    def bind_vendor(self, username: str, vendor_id: str) -> None:
        self.bound[username] = vendor_id
