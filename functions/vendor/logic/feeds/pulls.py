"""Scheduled pulls: a vendor registers the URL its shop system publishes its feed at, and it is
fetched once a day (a schedule runs `pull_due` every few minutes and takes the sources whose time
has come). Each fetch is stored in the feeds bucket as an upload would be, so the same import runs
and the import history lists it; a fetch that fails is an import that failed, with the reason, so
the vendor learns of it the same way (history, FeedImportCompleted).

What may be fetched is the fetcher's to decide (store/http.py): https only, no credentials in the
URL, and on AWS stages no host that resolves to a private, loopback, link-local or otherwise
non-public address, checked again at every redirect.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from functions.common.auth import Principal
from functions.common.errors import NotFound, UnprocessableEntity
from functions.common.events import EventPublisher
from functions.vendor.logic.domain import FeedImport, FeedSource, PullResult
from functions.vendor.logic.feeds.importer import CONTENT_TYPES, MAX_FEED_BYTES, content_type_for, new_import
from functions.vendor.logic.ports import FeedFetcher, FeedFiles, FeedRepository, FeedSources, VendorRepository
from functions.vendor.models.api import FeedSourceIn
from functions.vendor.models.events import FeedCounts, FeedImportCompleted

PULL_EVERY = timedelta(days=1)
PULLS_PER_RUN = 20
"""At most this many sources are pulled by one run of the schedule; the rest wait for the next."""
PULLED_BY = "schedule"


class PullRefused(Exception):
    """The URL may not or could not be fetched: `code` says which, `reason` in plain words."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def filename_for(url: str, given: str | None) -> str:
    """The given name, else the URL path's last segment when it names a feed file type, else feed.csv
    (the import recognises the format from the content either way)."""
    if given:
        return given
    name = posixpath.basename(urlsplit(url).path)
    suffix = posixpath.splitext(name)[1].lower()
    return name if suffix in CONTENT_TYPES and len(name) <= 200 and name.isprintable() else "feed.csv"


class FeedPulls:
    def __init__(
        self,
        *,
        vendors: VendorRepository,
        sources: FeedSources,
        feeds: FeedRepository,
        files: FeedFiles,
        fetcher: FeedFetcher,
        publisher: EventPublisher,
        clock: Callable[[], datetime],
    ):
        self._vendors = vendors
        self._sources = sources
        self._feeds = feeds
        self._files = files
        self._fetcher = fetcher
        self._publisher = publisher
        self._clock = clock

    # --- API ------------------------------------------------------------------------------

    def register(self, caller: Principal, vendor_id: str, body: FeedSourceIn) -> FeedSource:
        """Save the vendor's feed URL (replacing one saved before); its first pull is due at once."""
        caller.require_vendor(vendor_id)
        vendor = self._vendors.get(vendor_id)
        if vendor is None:
            raise NotFound("no such vendor", code="vendor_not_found")
        try:
            self._fetcher.check(body.url)
        except PullRefused as refused:
            raise UnprocessableEntity(refused.reason, code=refused.code) from refused
        filename = filename_for(body.url, body.filename)
        content_type_for(filename, None)  # a name that is not a feed file type is refused here
        now = self._clock()
        existing = self._sources.get(vendor_id)
        source = FeedSource(
            vendor_id=vendor_id,
            url=body.url,
            mode=body.mode,
            filename=filename,
            created_by=caller.user_id,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            next_pull_at=now,
            last_pull=existing.last_pull if existing else None,
        )
        self._sources.save(source)
        return source

    def source(self, caller: Principal, vendor_id: str) -> FeedSource:
        caller.require_vendor(vendor_id)
        found = self._sources.get(vendor_id)
        if found is None:
            raise NotFound("no feed URL is registered", code="feed_source_not_found")
        return found

    def remove(self, caller: Principal, vendor_id: str) -> None:
        caller.require_vendor(vendor_id)
        if not self._sources.delete(vendor_id):
            raise NotFound("no feed URL is registered", code="feed_source_not_found")

    def pull_soon(self, caller: Principal, vendor_id: str) -> FeedSource:
        """Make the vendor's feed URL due now: the next run of the schedule fetches it."""
        source = self.source(caller, vendor_id)
        now = self._clock()
        due = source.model_copy(update={"next_pull_at": now, "updated_at": now})
        self._sources.save(due)
        return due

    # --- schedule -------------------------------------------------------------------------

    def pull_due(self) -> list[PullResult]:
        """Pull every source whose time has come (at most PULLS_PER_RUN)."""
        now = self._clock()
        return [self.pull(source) for source in self._sources.due(now, PULLS_PER_RUN)]

    def pull(self, source: FeedSource) -> PullResult:
        """Fetch the source into the feeds bucket as a new import; a refusal fails that import."""
        now = self._clock()
        feed = new_import(source.vendor_id, source.mode, source.filename, None, PULLED_BY, now)
        self._feeds.create(feed)
        try:
            body = self._fetcher.fetch(source.url, MAX_FEED_BYTES)
            with body:
                self._files.put_feed(feed.object_key, body, feed.content_type)
            result = PullResult(at=now, feed_id=feed.feed_id)
        except PullRefused as refused:
            self._failed(feed, refused.reason)
            result = PullResult(at=now, feed_id=feed.feed_id, code=refused.code, reason=refused.reason)
        later = source.model_copy(update={"next_pull_at": now + PULL_EVERY, "last_pull": result})
        if self._sources.get(source.vendor_id) == source:  # not changed or removed while it was pulled
            self._sources.save(later)
        return result

    def _failed(self, feed: FeedImport, reason: str) -> None:
        now = self._clock()
        failed = feed.model_copy(update={"status": "failed", "reason": reason, "finished_at": now, "updated_at": now})
        self._feeds.finish(failed)
        event = FeedImportCompleted(
            vendor_id=feed.vendor_id, feed_id=feed.feed_id, status="failed", counts=FeedCounts(), reason=reason
        )
        self._publisher.publish([event])
