"""A vendor's import history: the imports of the last FEED_HISTORY, newest first, each with its
counts and a fresh link to its error report.

Uploads that were asked for but never made (the presigned POST expired with no file) are left out:
they are not imports, and listing them would bury the real ones under every cancelled dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.common.auth import Principal
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.vendor.logic.domain import FEED_HISTORY, FeedImport
from functions.vendor.logic.feeds.importer import UPLOAD_EXPIRES_SECONDS, described
from functions.vendor.logic.ports import FeedFiles, FeedRepository
from functions.vendor.models.api import FeedStatusOut

NEVER_UPLOADED_AFTER = timedelta(seconds=UPLOAD_EXPIRES_SECONDS) + timedelta(hours=1)
"""A pending import this old lost its upload window (plus an hour for a queued S3 event)."""


def never_uploaded(feed: FeedImport, now: datetime) -> bool:
    return feed.status == "pending" and feed.created_at + NEVER_UPLOADED_AFTER < now


class FeedHistory:
    def __init__(self, *, feeds: FeedRepository, files: FeedFiles, cursors: CursorCodec, clock: Callable[[], datetime]):
        self._feeds = feeds
        self._files = files
        self._cursors = cursors
        self._clock = clock

    def list(self, caller: Principal, vendor_id: str, limit: int | None, cursor: str | None) -> Page[FeedStatusOut]:
        """A page of the vendor's imports, newest first; `cursor` continues a previous page. A page
        may hold fewer than `limit` imports while `next_cursor` still leads to more."""
        caller.require_vendor(vendor_id)
        scope = f"feeds:{vendor_id}"
        before = (self._cursors.decode(cursor, scope) or {}).get("before")
        now = self._clock()
        feeds, last = self._feeds.history(vendor_id, clamp_limit(limit), since=now - FEED_HISTORY, before=before)
        return Page[FeedStatusOut](
            items=[described(feed, self._files) for feed in feeds if not never_uploaded(feed, now)],
            next_cursor=self._cursors.encode({"before": last} if last else None, scope),
        )
