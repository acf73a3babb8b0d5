"""Ports the vendor logic needs; stores (DynamoDB, S3, Cognito) and test fakes implement them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, Any, Protocol

from functions.vendor.logic.domain import (
    FeedImport,
    FeedObject,
    FeedSource,
    Offer,
    OfferListing,
    OfferSort,
    PresignedPost,
    SavedMapping,
    StreamChange,
    Vendor,
    VendorStats,
    VendorStatus,
)
from functions.vendor.models.events import FeedCounts


class VendorRepository(Protocol):
    def create(self, vendor: Vendor) -> None:
        """Store a new application; Conflict when the owner already has a vendor account."""

    def get(self, vendor_id: str) -> Vendor | None: ...

    def owned_by(self, user_id: str) -> Vendor | None:
        """The vendor account (or application) of the user who applied for it."""

    def with_status(self, status: VendorStatus, limit: int, after: str | None) -> tuple[list[Vendor], str | None]:
        """Vendors in `status`, oldest application first, from after the key `after`; with the
        key to continue from (None at the end)."""

    def save(self, vendor: Vendor, expected_revision: int) -> None:
        """Replace the vendor if its stored revision is `expected_revision`, else Conflict."""

    def stats(self, vendor_id: str) -> VendorStats: ...

    def add_stats(self, deltas: dict[str, VendorStats]) -> None:
        """Add offer counter deltas per vendor (used by the stream relay)."""

    def record_sales(self, event_id: str, deltas: dict[str, VendorStats]) -> bool:
        """Add sales counter deltas unless `event_id` was recorded before; False when it was."""


class OfferRepository(Protocol):
    def get(self, offer_id: str) -> Offer | None: ...

    def get_many(self, offer_ids: Sequence[str]) -> dict[str, Offer]: ...

    def put(self, offer: Offer, expected_revision: int | None) -> None:
        """Write one offer if the stored revision matches (None: must not exist), else Conflict."""

    def put_unless_changed(self, offers: Sequence[tuple[Offer, int | None]]) -> set[str]:
        """Write many offers, each only if the stored revision is still the given one (None: no
        offer stored); returns the ids of those refused because it changed (the rest are written)."""

    def put_all_or_nothing(self, offers: Sequence[tuple[Offer, int]]) -> None:
        """Write up to 100 offers in one transaction, each guarded by its expected revision."""

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
        """A vendor's offers of one listing in `sort` order (`Offer.sort_key`), only SKUs starting
        with `sku_prefix` when given; full pages (the second value is the sort key to continue
        after, None at the end)."""

    def vendor_offer_ids(self, vendor_id: str) -> Iterator[tuple[str, str]]:
        """(offer_id, status) of every offer of a vendor, streamed page by page."""


class FeedRepository(Protocol):
    def create(self, feed: FeedImport) -> None: ...

    def get(self, vendor_id: str, feed_id: str) -> FeedImport | None: ...

    def start(
        self, vendor_id: str, feed_id: str, *, sequencer: str, bytes_total: int, now: datetime, stale_before: datetime
    ) -> FeedImport | None:
        """pending → importing (or take over an import whose heartbeat is older than `stale_before`).

        Returns None when the transition is not allowed: the import ran or is running.
        """

    def progress(self, vendor_id: str, feed_id: str, counts: FeedCounts, bytes_read: int, now: datetime) -> None: ...

    def finish(self, feed: FeedImport) -> None: ...

    def release(self, vendor_id: str, feed_id: str) -> None:
        """importing → pending after an unexpected failure, so that the retried event imports again."""

    def latest(self, vendor_id: str) -> FeedImport | None: ...

    def history(
        self, vendor_id: str, limit: int, *, since: datetime, before: str | None
    ) -> tuple[list[FeedImport], str | None]:
        """A vendor's imports created at or after `since`, newest first, older than the feed id
        `before` when given; the second value is the feed id to continue before."""

    def unfinished(self) -> Iterator[FeedImport]:
        """Every import, of any vendor, that is pending or importing (a maintenance read: a scan)."""


class FeedMappings(Protocol):
    """Each vendor's one saved column mapping."""

    def get(self, vendor_id: str) -> SavedMapping | None: ...

    def save(self, saved: SavedMapping) -> None: ...

    def delete(self, vendor_id: str) -> bool:
        """Remove the vendor's mapping; False when there was none."""


class FeedSources(Protocol):
    """Each vendor's one feed URL, and which are due for their daily pull."""

    def get(self, vendor_id: str) -> FeedSource | None: ...

    def save(self, source: FeedSource) -> None: ...

    def delete(self, vendor_id: str) -> bool:
        """Remove the vendor's feed URL; False when there was none."""

    def due(self, now: datetime, limit: int) -> list[FeedSource]:
        """Sources whose next pull is at or before `now`, the longest waiting first."""


class FeedFetcher(Protocol):
    def check(self, url: str) -> None:
        """Raise PullRefused unless the URL may be fetched (scheme, credentials, the addresses its
        host resolves to)."""

    def fetch(self, url: str, max_bytes: int) -> IO[bytes]:
        """The body at `url` as a stream that fails (PullRefused) past `max_bytes`; redirects are
        followed only to URLs that pass `check`. Raises PullRefused when nothing can be fetched."""


class FeedFiles(Protocol):
    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedPost: ...

    def open(self, key: str) -> FeedObject | None: ...

    def put_report(self, key: str, body: IO[bytes]) -> None: ...

    def put_feed(self, key: str, body: IO[bytes], content_type: str) -> None:
        """Store a fetched feed file as an upload would (its ObjectCreated event starts the import)."""

    def announce(self, key: str) -> bool:
        """Have the storage announce the uploaded file `key` again (a new ObjectCreated event);
        False when there is no such file."""

    def report_url(self, key: str, expires_seconds: int) -> str: ...


class OfferStream(Protocol):
    def change(self, record: Mapping[str, Any]) -> StreamChange | None:
        """The offer change in one record of the table's stream; None for records of other items."""


class UserDirectory(Protocol):
    def bind_vendor(self, username: str, vendor_id: str) -> None:
        """Put the user in the `vendor` group and set its `custom:vendor_id` attribute."""
