"""Feed files: the presigned upload, then the import that the upload's S3 event starts.

The import streams the file (`parsing.open_feed`), validates each row (`rows.validate_row`),
reads the stored offers of a batch at once (BatchGet), writes only the rows that change
something (one transaction of conditional puts per batch, so a PATCH made meanwhile is merged, not
overwritten), records progress and counts, writes rejected rows to a CSV error report
and publishes `FeedImportCompleted`. Batches are disjoint (a SKU appears once per feed), so
several are read and written at the same time while the parser reads ahead.

Guards: the pending → importing transition is conditional (a re-delivered S3 event imports
nothing); a file that is not a feed, or whose first rows are all rejected, fails before anything
is written; replace mode withdraws absent offers only after a fully successful read, and only
offers whose SKU is absent from the file: a row that is in the file but rejected keeps its
offer as it was (counted as `kept_rejected`, and its report line says so).
"""

from __future__ import annotations

import csv
import io
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO

from functions.common.auth import Principal
from functions.common.errors import BadRequest, Conflict, NotFound
from functions.common.events import EventPublisher
from functions.vendor.logic import ids
from functions.vendor.logic.domain import (
    FEEDS_PREFIX,
    REPORTS_PREFIX,
    FeedImport,
    FeedMapping,
    FeedMode,
    Offer,
    SavedMapping,
    Vendor,
)
from functions.vendor.logic.feeds.parsing import FeedRejected, RawRow, RowProblem, open_feed
from functions.vendor.logic.feeds.preview import preview as dry_run
from functions.vendor.logic.feeds.rows import FeedRow, FieldError, offer_content, validate_row
from functions.vendor.logic.offers import OfferInvalid, build_offer, withdrawn
from functions.vendor.logic.ports import FeedFiles, FeedMappings, FeedRepository, OfferRepository, VendorRepository
from functions.vendor.models.api import FeedCreated, FeedPreview, FeedPreviewRequest, FeedRequest, FeedStatusOut
from functions.vendor.models.events import FeedCounts, FeedImportCompleted

MAX_FEED_BYTES = 200 * 1024 * 1024
UPLOAD_EXPIRES_SECONDS = 15 * 60
REPORT_URL_SECONDS = 15 * 60
BATCH_ROWS = 100
PROGRESS_EVERY_ROWS = 5_000
SAMPLE_ROWS = 100
MAX_REPORT_LINES = 100_000
WRITE_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=16)
"""An import whose heartbeat is older than the Lambda timeout (15 min) may be taken over."""

CONTENT_TYPES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".jsonl": "application/jsonl",
    ".ndjson": "application/x-ndjson",
    ".json": "application/jsonl",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_CONTENT_TYPES = frozenset(CONTENT_TYPES.values()) | {"text/xml", "application/x-jsonlines"}
REPORT_HEADER = ("line", "field", "code", "message")
MAX_SKU_LENGTH = 50
KEPT_NOTE = "; replace mode keeps the existing offer for this id as it was"


def object_key(vendor_id: str, feed_id: str, filename: str) -> str:
    return f"{FEEDS_PREFIX}{vendor_id}/{feed_id}/{filename}"


def report_key(vendor_id: str, feed_id: str) -> str:
    return f"{REPORTS_PREFIX}{vendor_id}/{feed_id}.csv"


def parse_object_key(key: str) -> tuple[str, str] | None:
    parts = key.split("/", 3)
    if len(parts) != 4 or parts[0] != "feeds" or not parts[3]:
        return None
    return parts[1], parts[2]


def content_type_for(filename: str, given: str | None) -> str:
    if given:
        if given not in ALLOWED_CONTENT_TYPES:
            raise BadRequest(
                f"content type {given} is not a feed type ({', '.join(sorted(ALLOWED_CONTENT_TYPES))})",
                code="unsupported_content_type",
            )
        return given
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in CONTENT_TYPES:
        raise BadRequest(
            f"a feed file ends with one of {', '.join(sorted(CONTENT_TYPES))}", code="unsupported_file_type"
        )
    return CONTENT_TYPES[suffix]


def new_import(  # noqa: PLR0917 - the facts an import starts from
    vendor_id: str, mode: FeedMode, filename: str, content_type: str | None, created_by: str, now: datetime
) -> FeedImport:
    """A pending import of a file about to be stored under its object key (BadRequest for a file
    type that is not a feed)."""
    feed_id = ids.feed_id(now)
    return FeedImport(
        feed_id=feed_id,
        vendor_id=vendor_id,
        mode=mode,
        filename=filename,
        content_type=content_type_for(filename, content_type),
        object_key=object_key(vendor_id, feed_id, filename),
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )


def status_of(feed: FeedImport, report_url: str | None) -> FeedStatusOut:
    if feed.status == "completed":
        progress = 1.0
    elif feed.bytes_total:
        progress = min(1.0, feed.bytes_read / feed.bytes_total)
    else:
        progress = 0.0
    return FeedStatusOut(
        **feed.model_dump(exclude={"report_key"}),
        progress=round(progress, 4),
        error_report_url=report_url,
        error_report_lines=feed.report_lines,
    )


def described(feed: FeedImport, files: FeedFiles) -> FeedStatusOut:
    """The import's status with a fresh link to its error report (when it has one)."""
    return status_of(feed, files.report_url(feed.report_key, REPORT_URL_SECONDS) if feed.report_key else None)


class ErrorReport:
    """Rejected rows as CSV (line, field, code, message), spooled to disk beyond 1 MB."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
        self._text = io.TextIOWrapper(self._file, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._writer.writerow(REPORT_HEADER)
        self.lines = 0
        self._lock = threading.Lock()

    def add(self, line: int, field_name: str | None, code: str, message: str) -> None:
        with self._lock:
            if self.lines < MAX_REPORT_LINES:
                self._writer.writerow((line, field_name or "", code, message))
            elif self.lines == MAX_REPORT_LINES:
                self._writer.writerow((line, "", "too_many_errors", "further errors are not listed"))
            self.lines += 1

    def body(self) -> IO[bytes]:
        self._text.flush()
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        self._text.close()


@dataclass
class _Pending:
    line: int
    sku: str
    row: FeedRow


@dataclass
class _Run:
    vendor: Vendor
    feed: FeedImport
    counts: FeedCounts = field(default_factory=FeedCounts)
    seen: set[str] = field(default_factory=set)
    rejected_ids: set[str] = field(default_factory=set)
    report: ErrorReport = field(default_factory=ErrorReport)
    lock: threading.Lock = field(default_factory=threading.Lock)
    batches_written: int = 0


class FeedService:
    def __init__(
        self,
        *,
        vendors: VendorRepository,
        offers: OfferRepository,
        feeds: FeedRepository,
        mappings: FeedMappings,
        files: FeedFiles,
        publisher: EventPublisher,
        clock: Callable[[], datetime],
        workers: int = 4,
    ):
        self._vendors = vendors
        self._offers = offers
        self._feeds = feeds
        self._mappings = mappings
        self._files = files
        self._publisher = publisher
        self._clock = clock
        self._workers = workers

    # --- API ------------------------------------------------------------------------------

    def request_upload(self, caller: Principal, vendor_id: str, body: FeedRequest) -> FeedCreated:
        caller.require_vendor(vendor_id)
        vendor = self._vendors.get(vendor_id)
        if vendor is None:
            raise NotFound("no such vendor", code="vendor_not_found")
        if vendor.status != "approved":
            raise Conflict("the vendor is not approved yet", code="vendor_not_approved")
        now = self._clock()
        feed = new_import(vendor_id, body.mode, body.filename, body.content_type, caller.user_id, now)
        self._feeds.create(feed)
        upload = self._files.presign_upload(feed.object_key, feed.content_type, MAX_FEED_BYTES, UPLOAD_EXPIRES_SECONDS)
        return FeedCreated(
            feed_id=feed.feed_id,
            status="pending",
            mode=body.mode,
            upload=upload,
            max_bytes=MAX_FEED_BYTES,
            expires_at=now + timedelta(seconds=UPLOAD_EXPIRES_SECONDS),
        )

    def status(self, caller: Principal, vendor_id: str, feed_id: str) -> FeedStatusOut:
        caller.require_vendor(vendor_id)
        feed = self._feeds.get(vendor_id, feed_id)
        if feed is None:
            raise NotFound("no such feed", code="feed_not_found")
        return described(feed, self._files)

    def preview(self, caller: Principal, vendor_id: str, body: FeedPreviewRequest) -> FeedPreview:
        """A dry run of the import on a sample of the vendor's feed, through the mapping sent or
        the saved one (nothing is stored)."""
        caller.require_vendor(vendor_id)
        mapping = body.mapping or self._saved_mapping(vendor_id)
        return dry_run(body.sample.encode("utf-8"), body.mode, mapping)

    # --- column mapping -------------------------------------------------------------------

    def mapping(self, caller: Principal, vendor_id: str) -> SavedMapping:
        caller.require_vendor(vendor_id)
        saved = self._mappings.get(vendor_id)
        if saved is None:
            raise NotFound("no column mapping is saved", code="mapping_not_found")
        return saved

    def save_mapping(self, caller: Principal, vendor_id: str, mapping: FeedMapping) -> SavedMapping:
        """Save the vendor's column mapping; every later upload with its id column is read through it."""
        caller.require_vendor(vendor_id)
        if self._vendors.get(vendor_id) is None:
            raise NotFound("no such vendor", code="vendor_not_found")
        saved = SavedMapping(vendor_id=vendor_id, mapping=mapping, updated_at=self._clock(), updated_by=caller.user_id)
        self._mappings.save(saved)
        return saved

    def delete_mapping(self, caller: Principal, vendor_id: str) -> None:
        caller.require_vendor(vendor_id)
        if not self._mappings.delete(vendor_id):
            raise NotFound("no column mapping is saved", code="mapping_not_found")

    def _saved_mapping(self, vendor_id: str) -> FeedMapping | None:
        saved = self._mappings.get(vendor_id)
        return saved.mapping if saved else None

    # --- import ---------------------------------------------------------------------------

    def import_object(self, key: str, size: int, sequencer: str) -> FeedImport | None:
        """Import the uploaded object `key`; None when there is nothing (more) to do for it."""
        parsed = parse_object_key(key)
        if parsed is None:
            return None
        vendor_id, feed_id = parsed
        feed = self._feeds.get(vendor_id, feed_id)
        vendor = self._vendors.get(vendor_id)
        if feed is None or vendor is None or feed.object_key != key:
            return None
        now = self._clock()
        started = self._feeds.start(
            vendor_id, feed_id, sequencer=sequencer, bytes_total=size, now=now, stale_before=now - STALE_AFTER
        )
        if started is None:
            return None  # imported already, or being imported: a re-delivered event
        try:
            return self._run(vendor, started)
        except Exception:
            self._feeds.release(vendor_id, feed_id)
            raise

    def resume_interrupted(self) -> list[FeedImport]:
        """Start again every import a stopped system left unfinished (pending with its file
        uploaded, or importing), as if S3 announced the file again; the imports it resumed.

        On AWS nothing calls this: SQS delivers an unfinished import's event again and the import
        takes over once the heartbeat is stale. The local runtime calls it after a restart, since
        its queues did not survive (local/hooks/vendor.py). Re-importing is safe: unchanged rows
        write nothing."""
        resumed = []
        for feed in self._feeds.unfinished():
            self._feeds.release(feed.vendor_id, feed.feed_id)
            if self._files.announce(feed.object_key):
                resumed.append(feed)
        return resumed

    def _run(self, vendor: Vendor, feed: FeedImport) -> FeedImport:
        run = _Run(vendor=vendor, feed=feed)
        try:
            source = self._files.open(feed.object_key)
            if source is None:
                raise FeedRejected("missing_object", "the uploaded file is gone")
            reader = open_feed(source.chunks, feed.mode, mapping=self._saved_mapping(feed.vendor_id))
            feed = feed.model_copy(
                update={"format": reader.format, "mapped": reader.mapped, "encoding": reader.encoding}
            )
            run.feed = feed
            self._import_rows(run, reader.rows(), lambda: reader.bytes_read)
            if run.counts.received - run.counts.rejected == 0:
                raise FeedRejected("no_valid_rows", "the feed has no valid rows; nothing was changed")
            if feed.mode == "replace":
                self._withdraw_absent(run)
            return self._finish(run, "completed", None, reader.bytes_read)
        except FeedRejected as rejected:
            return self._finish(run, "failed", rejected.reason, None)
        finally:
            run.report.close()

    def _import_rows(self, run: _Run, rows: Iterator[RawRow | RowProblem], bytes_read: Callable[[], int]) -> None:
        pending: list[_Pending] = []
        in_flight: list[Future[None]] = []
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="feed-batch") as pool:
            for item in rows:
                run.counts.received += 1
                self._accept(run, item, pending)
                if run.counts.received == SAMPLE_ROWS and run.counts.rejected == SAMPLE_ROWS:
                    raise FeedRejected(
                        "no_valid_rows", f"none of the first {SAMPLE_ROWS} rows is a valid offer; nothing was changed"
                    )
                if len(pending) >= BATCH_ROWS and run.counts.received > SAMPLE_ROWS:
                    in_flight.append(self._submit(pool, run, pending))
                    pending = []
                    in_flight = self._drain(in_flight, limit=self._workers * 2)
                if run.counts.received % PROGRESS_EVERY_ROWS == 0:
                    in_flight = self._drain(in_flight, limit=self._workers * 2)
                    with run.lock:
                        counts = run.counts.model_copy()
                    self._feeds.progress(run.vendor.vendor_id, run.feed.feed_id, counts, bytes_read(), self._clock())
            if pending:
                in_flight.append(self._submit(pool, run, pending))
            self._drain(in_flight, limit=0)

    @staticmethod
    def _drain(in_flight: list[Future[None]], limit: int) -> list[Future[None]]:
        """Wait until at most `limit` batches are in flight; re-raise the first batch failure."""
        while len(in_flight) > limit:
            in_flight.pop(0).result()
        still = []
        for future in in_flight:
            if future.done():
                future.result()
            else:
                still.append(future)
        return still

    def _submit(self, pool: ThreadPoolExecutor, run: _Run, batch: list[_Pending]) -> Future[None]:
        if run.batches_written == 0:
            # The first batch runs alone so that clients and connections are created once.
            run.batches_written += 1
            future: Future[None] = Future()
            self._write_batch(run, batch)
            future.set_result(None)
            return future
        run.batches_written += 1
        return pool.submit(self._write_batch, run, batch)

    def _accept(self, run: _Run, item: RawRow | RowProblem, pending: list[_Pending]) -> None:
        if isinstance(item, RowProblem):
            self._reject(run, item.line, [FieldError(item.field, item.code, item.message)])
            return
        checked = validate_row(item.fields, run.feed.mode)
        if isinstance(checked, list):
            self._reject(run, item.line, checked, self._row_offer_id(run, item))
            return
        offer_id = ids.offer_id(run.vendor.vendor_id, checked.id)
        if offer_id in run.seen:
            self._reject(
                run, item.line, [FieldError("id", "duplicate_id", f"id {checked.id} appears earlier in the feed")]
            )
            return
        run.seen.add(offer_id)
        pending.append(_Pending(item.line, checked.id, checked))

    @staticmethod
    def _row_offer_id(run: _Run, item: RawRow) -> str | None:
        """The offer a rejected row names, when its id is readable (it then keeps that offer)."""
        given = item.fields.get("id")
        sku = given.strip() if isinstance(given, str) else ""
        return ids.offer_id(run.vendor.vendor_id, sku) if 0 < len(sku) <= MAX_SKU_LENGTH else None

    @staticmethod
    def _reject(run: _Run, line: int, errors: list[FieldError], offer_id: str | None = None) -> None:
        keeps = run.feed.mode == "replace" and offer_id is not None
        with run.lock:
            run.counts.rejected += 1
            if keeps and offer_id is not None:
                run.rejected_ids.add(offer_id)
        for error in errors:
            message = f"{error.message}{KEPT_NOTE}" if keeps else error.message
            run.report.add(line, error.field, error.code, message)

    def _write_batch(self, run: _Run, batch: list[_Pending]) -> None:
        """Write the rows that change something, each only if its offer is still as read; rows
        whose offer changed meanwhile (a PATCH, another import) are merged again from a fresh
        read, and rejected with `concurrent_change` when that keeps failing."""
        vendor_id = run.vendor.vendor_id
        pending = {ids.offer_id(vendor_id, item.sku): item for item in batch}
        for _ in range(WRITE_ATTEMPTS):
            existing = self._offers.get_many(list(pending))
            writes = self._planned_writes(run, pending, existing)
            refused = self._offers.put_unless_changed([(offer, expected) for offer, expected, _ in writes.values()])
            created = sum(1 for oid, (_, _, new) in writes.items() if new and oid not in refused)
            with run.lock:
                run.counts.created += created
                run.counts.updated += len(writes) - len(refused) - created
            pending = {oid: item for oid, item in pending.items() if oid in refused}
            if not pending:
                return
        for offer_id, item in pending.items():
            message = "the offer kept changing while the feed was imported; upload the row again"
            self._reject(run, item.line, [FieldError("id", "concurrent_change", message)], offer_id)

    def _planned_writes(
        self, run: _Run, pending: dict[str, _Pending], existing: dict[str, Offer]
    ) -> dict[str, tuple[Offer, int | None, bool]]:
        """Per offer id: the offer to write, the revision it must still have, whether it is new.
        Rows that are invalid against the stored offer are rejected, unchanged ones counted."""
        now = self._clock()
        writes: dict[str, tuple[Offer, int | None, bool]] = {}
        unchanged = 0
        for offer_id, item in pending.items():
            current = existing.get(offer_id)
            content = offer_content(item.row, run.feed.mode, current)
            if isinstance(content, FieldError):
                self._reject(run, item.line, [content], offer_id)
                continue
            try:
                offer = build_offer(run.vendor.vendor_id, run.vendor.name, item.sku, content, current, now)
            except OfferInvalid as exc:
                self._reject(run, item.line, [FieldError(exc.field, exc.code, exc.message)], offer_id)
                continue
            except ValueError as exc:
                self._reject(run, item.line, [FieldError(None, "invalid_offer", str(exc)[:300])], offer_id)
                continue
            if offer is None:
                unchanged += 1
                continue
            expected = current.snapshot.revision if current is not None else None
            writes[offer_id] = (offer, expected, current is None or current.status != "active")
        with run.lock:
            run.counts.unchanged += unchanged
        return writes

    def _withdraw_absent(self, run: _Run) -> None:
        absent: list[str] = []
        for offer_id, status in self._offers.vendor_offer_ids(run.vendor.vendor_id):
            if status != "active":
                continue
            if offer_id in run.rejected_ids:
                run.counts.kept_rejected += 1
            elif offer_id not in run.seen:
                absent.append(offer_id)
                if len(absent) >= BATCH_ROWS:
                    self._withdraw(run, absent)
                    absent = []
        if absent:
            self._withdraw(run, absent)

    def _withdraw(self, run: _Run, offer_ids: list[str]) -> None:
        """Withdraw offers that are still active; one changed meanwhile is read again (a PATCH
        does not revive it: the vendor replaced the assortment), so each is withdrawn once."""
        pending = offer_ids
        for _ in range(WRITE_ATTEMPTS):
            now = self._clock()
            current = self._offers.get_many(pending)
            live = [offer for offer in current.values() if offer.status == "active"]
            gone = [(withdrawn(offer, now), offer.snapshot.revision) for offer in live]
            refused = self._offers.put_unless_changed(gone)
            run.counts.withdrawn += len(gone) - len(refused)
            pending = sorted(refused)
            if not pending:
                return
        raise Conflict("offers kept changing while absent offers were withdrawn", code="concurrent_change")

    def _finish(self, run: _Run, status: str, reason: str | None, bytes_read: int | None) -> FeedImport:
        feed = run.feed
        key = None
        if run.report.lines:
            key = report_key(feed.vendor_id, feed.feed_id)
            self._files.put_report(key, run.report.body())
        now = self._clock()
        finished = FeedImport.model_validate(
            {
                **feed.model_dump(),
                "status": status,
                "reason": reason,
                "counts": run.counts,
                "report_key": key,
                "report_lines": run.report.lines,
                "bytes_read": bytes_read if bytes_read is not None else feed.bytes_read,
                "finished_at": now,
                "updated_at": now,
            }
        )
        self._feeds.finish(finished)
        self._publisher.publish(
            [
                FeedImportCompleted(
                    vendor_id=feed.vendor_id,
                    feed_id=feed.feed_id,
                    status="completed" if status == "completed" else "failed",
                    counts=run.counts,
                    reason=reason,
                )
            ]
        )
        return finished
