"""DynamoDB implementations of the vendor repositories (PynamoDB on the vendor table)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from functions.common.dynamo import bind_table, cancellation_codes, condition_held, error_code, translate_errors
from functions.common.errors import Conflict
from functions.vendor.logic import ids
from functions.vendor.logic.domain import (
    FEED_HISTORY,
    FeedImport,
    FeedSource,
    Offer,
    OfferListing,
    OfferSort,
    SavedMapping,
    StreamChange,
    Vendor,
    VendorStats,
    VendorStatus,
)
from functions.vendor.models.events import FeedCounts, OfferSnapshot
from functions.vendor.store.records import (
    ITEM_MODELS,
    MAPPING,
    OFFER,
    PROFILE,
    SOURCE,
    SOURCES,
    STATS,
    EventMarker,
    FeedItem,
    MappingItem,
    OfferItem,
    OwnerItem,
    SourceItem,
    StatsItem,
    VendorItem,
    VendorRecord,
    feed_sk,
    offer_pk,
    offers_gsi,
    owner_pk,
    vendor_pk,
    vendor_status_gsi,
)

BATCH_GET = 100
TRANSACTION_ITEMS = 100
MARKER_TTL_SECONDS = 30 * 24 * 3600


def bind(table_name: str) -> None:
    """Point every vendor item model at `table_name` (and forget cached connections)."""
    bind_table(VendorRecord, table_name)
    for model in ITEM_MODELS:
        model._connection = None


def _connection() -> Connection:
    """The models' own connection (same endpoint and credentials), for transactions."""
    connection: Connection = VendorItem._get_connection().connection
    return connection


def _cancelled_by_condition(exc: Exception) -> bool:
    return "ConditionalCheckFailed" in (cancellation_codes(exc) or []) or (
        error_code(exc) in ("ConditionalCheckFailedException", "TransactionCanceledException")
    )


# --- vendors ---------------------------------------------------------------------------------


def _vendor_item(vendor: Vendor) -> VendorItem:
    return VendorItem(
        vendor_pk(vendor.vendor_id),
        PROFILE,
        data=vendor.model_dump_json(),
        revision=vendor.revision,
        gsi1pk=vendor_status_gsi(vendor.status),
        gsi1sk=vendor.created_at.isoformat(),
    )


class DynamoVendors:
    def create(self, vendor: Vendor) -> None:
        owner = OwnerItem(owner_pk(vendor.owner_user_id), "VENDOR", vendor_id=vendor.vendor_id)
        try:
            with translate_errors(), TransactWrite(connection=_connection()) as transaction:
                transaction.save(owner, condition=OwnerItem.pk.does_not_exist())
                transaction.save(_vendor_item(vendor), condition=VendorItem.pk.does_not_exist())
        except TransactWriteError as exc:
            if _cancelled_by_condition(exc):
                raise Conflict("you have applied as a vendor already", code="already_applied") from exc
            raise

    def get(self, vendor_id: str) -> Vendor | None:
        # the profile is its JSON `data`, read off the wire item (no model object)
        with translate_errors():
            found = VendorItem._get_connection().get_item(vendor_pk(vendor_id), PROFILE)
        item = found.get("Item")
        return Vendor.model_validate_json(item["data"]["S"]) if item else None

    def owned_by(self, user_id: str) -> Vendor | None:
        with translate_errors():
            try:
                owner = OwnerItem.get(owner_pk(user_id), "VENDOR")
            except DoesNotExist:
                return None
        return self.get(owner.vendor_id)

    def with_status(self, status: VendorStatus, limit: int, after: str | None) -> tuple[list[Vendor], str | None]:
        start = json.loads(after) if after else None
        with translate_errors():
            found = VendorItem.by_gsi1.query(vendor_status_gsi(status), limit=limit, last_evaluated_key=start)
            vendors = [Vendor.model_validate_json(item.data) for item in found]
        last = found.last_evaluated_key
        return vendors, json.dumps(last, sort_keys=True) if last else None

    def save(self, vendor: Vendor, expected_revision: int) -> None:
        with translate_errors("the vendor was changed concurrently, reload and retry"):
            _vendor_item(vendor).save(condition=VendorItem.revision == expected_revision)

    def stats(self, vendor_id: str) -> VendorStats:
        with translate_errors():
            try:
                item = StatsItem.get(vendor_pk(vendor_id), STATS)
            except DoesNotExist:
                return VendorStats()
        return VendorStats(
            active_offers=max(0, int(item.active_offers or 0)),
            out_of_stock=max(0, int(item.out_of_stock or 0)),
            orders=int(item.orders or 0),
            items_sold=int(item.items_sold or 0),
            revenue=int(item.revenue or 0),
        )

    def add_stats(self, deltas: Mapping[str, VendorStats]) -> None:
        for vendor_id, delta in deltas.items():
            item = StatsItem(vendor_pk(vendor_id), STATS)
            with translate_errors():
                item.update(
                    actions=[
                        StatsItem.active_offers.add(delta.active_offers),
                        StatsItem.out_of_stock.add(delta.out_of_stock),
                    ]
                )

    def record_sales(self, event_id: str, deltas: Mapping[str, VendorStats]) -> bool:
        """Add sales counters and an event marker in one transaction; False if the event was seen."""
        marker = EventMarker(f"EVENT#{event_id}", "SALES", ttl=int(time.time()) + MARKER_TTL_SECONDS)
        try:
            with translate_errors(), TransactWrite(connection=_connection()) as transaction:
                transaction.save(marker, condition=EventMarker.pk.does_not_exist())
                for vendor_id, delta in deltas.items():
                    transaction.update(
                        StatsItem(vendor_pk(vendor_id), STATS),
                        actions=[
                            StatsItem.orders.add(delta.orders),
                            StatsItem.items_sold.add(delta.items_sold),
                            StatsItem.revenue.add(delta.revenue),
                        ],
                    )
        except TransactWriteError as exc:
            if _cancelled_by_condition(exc):
                return False
            raise
        return True


# --- offers ----------------------------------------------------------------------------------


def offer_item(offer: Offer) -> OfferItem:
    snapshot = offer.snapshot
    return OfferItem(
        offer_pk(snapshot.offer_id),
        OFFER,
        vendor_id=snapshot.vendor_id,
        sku=snapshot.sku,
        status=offer.status,
        revision=snapshot.revision,
        content_hash=offer.content_hash,
        data=snapshot.model_dump_json(),
        gsi1pk=offers_gsi(snapshot.vendor_id),
        gsi1sk=offer.sort_key("sku"),
        gsi2pk=offers_gsi(snapshot.vendor_id),
        gsi2sk=offer.sort_key("price_asc"),
        gsi3pk=offers_gsi(snapshot.vendor_id),
        gsi3sk=offer.sort_key("stock_asc"),
    )


def offer_from_item(item: OfferItem) -> Offer:
    return Offer(
        snapshot=OfferSnapshot.model_validate_json(item.data),
        status="withdrawn" if item.status == "withdrawn" else "active",
        content_hash=item.content_hash,
    )


def offer_from_image(image: Mapping[str, Any] | None) -> Offer | None:
    """The offer in a DynamoDB stream image (None for other items or no image)."""
    if not image or image.get("sk", {}).get("S") != OFFER:
        return None
    return _offer_from_wire(image)


class DynamoOfferStream:
    """Reads the offer items' images in the table's stream records (NEW_AND_OLD_IMAGES)."""

    def change(self, record: Mapping[str, Any]) -> StreamChange | None:
        images = record.get("dynamodb", {})
        old, new = offer_from_image(images.get("OldImage")), offer_from_image(images.get("NewImage"))
        if old is None and new is None:
            return None
        return StreamChange(old=old, new=new)


OFFERS_INDEX: str = OfferItem.by_gsi1.Meta.index_name
SORTED: dict[OfferSort, tuple[str, UnicodeAttribute, bool]] = {
    "sku": (OFFERS_INDEX, OfferItem.gsi1sk, True),
    "price_asc": (OfferItem.by_price.Meta.index_name, OfferItem.gsi2sk, True),
    "price_desc": (OfferItem.by_price.Meta.index_name, OfferItem.gsi2sk, False),
    "stock_asc": (OfferItem.by_stock.Meta.index_name, OfferItem.gsi3sk, True),
}
"""Each listing order: its index, that index's sort key attribute, and whether it runs forward."""


LISTINGS: dict[OfferListing, Condition] = {
    "live": OfferItem.status == "active",
    # `Offer.out_of_stock`, read off the offer's JSON as pydantic writes it (compact, fields in
    # order; a title holding the same text is escaped, so it cannot match)
    "out_of_stock": (OfferItem.status == "active")
    & (OfferItem.data.contains('"quantity":0,') | OfferItem.data.contains('"availability":"out_of_stock"')),
    "withdrawn": OfferItem.status == "withdrawn",
}


def _key_range(sort: OfferSort, after: str | None, prefix: str | None) -> Condition | None:
    """The listing's key range: past `after` (exclusive) and, in SKU order with a prefix, within it
    (in other orders the prefix is a filter)."""
    _, key, forward = SORTED[sort]
    if not prefix or sort != "sku":
        if not after:
            return None
        return key > after if forward else key < after
    # after + NUL is the least string above after; U+10FFFF sorts after every SKU character
    start = max(prefix, f"{after}\x00") if after else prefix
    return key.between(start, f"{prefix}\U0010ffff")


def _offer_from_wire(item: Mapping[str, Any]) -> Offer:
    """An offer from its item in DynamoDB's wire format (a stream image or a Query result)."""
    return Offer(
        snapshot=OfferSnapshot.model_validate_json(item["data"]["S"]),
        status="withdrawn" if item["status"]["S"] == "withdrawn" else "active",
        content_hash=item["content_hash"]["S"],
    )


def _revision_condition(expected_revision: int | None) -> Condition:
    """The stored offer still has this revision (None: no offer stored yet)."""
    if expected_revision is None:
        return OfferItem.pk.does_not_exist()
    return OfferItem.revision == expected_revision


class DynamoOffers:
    def get(self, offer_id: str) -> Offer | None:
        with translate_errors():
            try:
                return offer_from_item(OfferItem.get(offer_pk(offer_id), OFFER))
            except DoesNotExist:
                return None

    def get_many(self, offer_ids: Sequence[str]) -> dict[str, Offer]:
        found: dict[str, Offer] = {}
        unique = list(dict.fromkeys(offer_ids))
        for start in range(0, len(unique), BATCH_GET):
            keys = [(offer_pk(offer_id), OFFER) for offer_id in unique[start : start + BATCH_GET]]
            with translate_errors():
                for item in OfferItem.batch_get(keys, consistent_read=True):
                    offer = offer_from_item(item)
                    found[offer.offer_id] = offer
        return found

    def put(self, offer: Offer, expected_revision: int | None) -> None:
        try:
            with translate_errors("the offer was changed concurrently, reload and retry"):
                offer_item(offer).save(condition=_revision_condition(expected_revision))
        except PutError as exc:  # pragma: no cover - translate_errors maps condition failures
            raise Conflict("the offer was changed concurrently") from exc

    def put_new(self, offers: Sequence[Offer]) -> None:
        """Batch-write offers that nobody else writes meanwhile (demo data, seeded before the API
        serves): no conditions, half the write cost of the feed import's transactions."""
        with translate_errors(), OfferItem.batch_write() as batch:
            for offer in offers:
                batch.save(offer_item(offer))

    def put_unless_changed(self, offers: Sequence[tuple[Offer, int | None]]) -> set[str]:
        """Transactions of up to 100 conditional puts; items whose condition failed are left out
        and the rest of their transaction is written again. Returns the offer ids not written."""
        refused: set[str] = set()
        for start in range(0, len(offers), TRANSACTION_ITEMS):
            pending = list(offers[start : start + TRANSACTION_ITEMS])
            while pending:
                failed = self._transact_puts(pending)
                if not failed:
                    break
                refused |= {pending[index][0].offer_id for index in failed}
                pending = [write for index, write in enumerate(pending) if index not in failed]
        return refused

    def _transact_puts(self, offers: Sequence[tuple[Offer, int | None]]) -> set[int]:
        """Positions in `offers` whose condition failed or that a concurrent transaction held."""
        try:
            with translate_errors(), TransactWrite(connection=_connection()) as transaction:
                for offer, expected in offers:
                    transaction.save(offer_item(offer), condition=_revision_condition(expected))
        except TransactWriteError as exc:
            positions = {
                index
                for index, code in enumerate(cancellation_codes(exc) or [])
                if code in ("ConditionalCheckFailed", "TransactionConflict")
            }
            if not positions:
                raise
            return positions
        return set()

    def put_all_or_nothing(self, offers: Sequence[tuple[Offer, int]]) -> None:
        try:
            with translate_errors(), TransactWrite(connection=_connection()) as transaction:
                for offer, expected in offers:
                    transaction.save(offer_item(offer), condition=OfferItem.revision == expected)
        except TransactWriteError as exc:
            if _cancelled_by_condition(exc):
                raise Conflict("an offer was changed concurrently, reload and retry", code="concurrent_change") from exc
            raise

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
        """The vendor's first `limit` offers of `listing` after `after`, in `sort` order (SORTED).

        The hottest read of the context (offers page, storefront): offers are read from the wire
        items, without PynamoDB model objects (a quarter fewer Python calls per page in the handler).
        No ProjectionExpression: moto converts each projected item to plain JSON and back, which
        costs the local runtime more than parsing the few small attributes saves. Pages ask for
        `limit` items as DynamoDB counts them before the filter, and go on while filtered-out
        offers leave the page short. In SKU order a SKU prefix narrows the key range itself.
        """
        table = OfferItem._get_connection()
        index, _, forward = SORTED[sort]
        range_condition = _key_range(sort, after, sku_prefix)
        wanted = LISTINGS[listing]
        if sku_prefix and sort != "sku":
            wanted &= OfferItem.sku.startswith(sku_prefix)
        offers: list[Offer] = []
        start: dict[str, Any] | None = None
        with translate_errors():
            while len(offers) < limit:
                page = table.query(
                    offers_gsi(vendor_id),
                    range_condition,
                    filter_condition=wanted,
                    index_name=index,
                    exclusive_start_key=start,
                    limit=limit,
                    scan_index_forward=forward,
                )
                offers += [_offer_from_wire(item) for item in page.get("Items", ())]
                start = page.get("LastEvaluatedKey")
                if start is None:
                    break
        offers = offers[:limit]
        last = offers[-1].sort_key(sort) if len(offers) == limit else None
        return offers, last

    def vendor_offer_ids(self, vendor_id: str) -> Iterator[tuple[str, str]]:
        with translate_errors():
            found: Any = OfferItem.by_gsi1.query(
                offers_gsi(vendor_id), attributes_to_get=["pk", "status"], page_size=1000
            )
            for item in found:
                yield item.pk.removeprefix("OFFER#"), item.status


# --- feeds -----------------------------------------------------------------------------------


def _feed_item(feed: FeedImport) -> FeedItem:
    return FeedItem(
        vendor_pk(feed.vendor_id),
        feed_sk(feed.feed_id),
        data=feed.model_dump_json(),
        status=feed.status,
        heartbeat=feed.updated_at.isoformat(),
        ttl=int((feed.created_at + FEED_HISTORY).timestamp()),
    )


def _vendor_data(item_class: type[MappingItem | SourceItem], vendor_id: str, sk: str) -> str | None:
    """The `data` of a vendor's one item of this kind (its mapping, its feed source), if it has one."""
    with translate_errors():
        try:
            return item_class.get(vendor_pk(vendor_id), sk, consistent_read=True).data
        except DoesNotExist:
            return None


def _delete_vendor_item(item_class: type[MappingItem | SourceItem], vendor_id: str, sk: str) -> bool:
    item = item_class(vendor_pk(vendor_id), sk)
    return condition_held(lambda: item.delete(condition=item_class.pk.exists()))


class DynamoMappings:
    def get(self, vendor_id: str) -> SavedMapping | None:
        data = _vendor_data(MappingItem, vendor_id, MAPPING)
        return SavedMapping.model_validate_json(data) if data else None

    def save(self, saved: SavedMapping) -> None:
        with translate_errors():
            MappingItem(vendor_pk(saved.vendor_id), MAPPING, data=saved.model_dump_json()).save()

    def delete(self, vendor_id: str) -> bool:
        return _delete_vendor_item(MappingItem, vendor_id, MAPPING)


class DynamoSources:
    def get(self, vendor_id: str) -> FeedSource | None:
        data = _vendor_data(SourceItem, vendor_id, SOURCE)
        return FeedSource.model_validate_json(data) if data else None

    def save(self, source: FeedSource) -> None:
        with translate_errors():
            SourceItem(
                vendor_pk(source.vendor_id),
                SOURCE,
                data=source.model_dump_json(),
                gsi1pk=SOURCES,
                gsi1sk=source.next_pull_at.isoformat(),
            ).save()

    def delete(self, vendor_id: str) -> bool:
        return _delete_vendor_item(SourceItem, vendor_id, SOURCE)

    def due(self, now: datetime, limit: int) -> list[FeedSource]:
        with translate_errors():
            found = SourceItem.by_gsi1.query(SOURCES, SourceItem.gsi1sk <= now.isoformat(), limit=limit)
            return [FeedSource.model_validate_json(item.data) for item in found]


class DynamoFeeds:
    def create(self, feed: FeedImport) -> None:
        with translate_errors():
            _feed_item(feed).save(condition=FeedItem.pk.does_not_exist())

    def _item(self, vendor_id: str, feed_id: str) -> FeedItem | None:
        with translate_errors():
            try:
                return FeedItem.get(vendor_pk(vendor_id), feed_sk(feed_id), consistent_read=True)
            except DoesNotExist:
                return None

    def get(self, vendor_id: str, feed_id: str) -> FeedImport | None:
        item = self._item(vendor_id, feed_id)
        return FeedImport.model_validate_json(item.data) if item else None

    def start(
        self, vendor_id: str, feed_id: str, *, sequencer: str, bytes_total: int, now: datetime, stale_before: datetime
    ) -> FeedImport | None:
        item = self._item(vendor_id, feed_id)
        if item is None:
            return None
        stale = item.status == "importing" and item.heartbeat < stale_before.isoformat()
        if item.status != "pending" and not stale:
            return None
        feed = FeedImport.model_validate_json(item.data).model_copy(
            update={
                "status": "importing",
                "source_sequencer": sequencer,
                "bytes_total": bytes_total,
                "bytes_read": 0,
                "counts": FeedCounts(),
                "started_at": now,
                "updated_at": now,
            }
        )
        try:
            with translate_errors():
                _feed_item(feed).save(
                    condition=(FeedItem.status == item.status) & (FeedItem.heartbeat == item.heartbeat)
                )
        except Conflict:
            return None  # another delivery of the same event won the race
        return feed

    def progress(self, vendor_id: str, feed_id: str, counts: FeedCounts, bytes_read: int, now: datetime) -> None:
        current = self.get(vendor_id, feed_id)
        if current is None or current.status != "importing":
            return
        feed = current.model_copy(update={"counts": counts, "bytes_read": bytes_read, "updated_at": now})
        with translate_errors():
            _feed_item(feed).save(condition=FeedItem.status == "importing")

    def finish(self, feed: FeedImport) -> None:
        with translate_errors():
            _feed_item(feed).save()

    def release(self, vendor_id: str, feed_id: str) -> None:
        current = self.get(vendor_id, feed_id)
        if current is None or current.status != "importing":
            return
        with translate_errors():
            _feed_item(current.model_copy(update={"status": "pending"})).save()

    def latest(self, vendor_id: str) -> FeedImport | None:
        with translate_errors():
            for item in FeedItem.query(
                vendor_pk(vendor_id), FeedItem.sk.startswith("FEED#"), scan_index_forward=False, limit=1
            ):
                return FeedImport.model_validate_json(item.data)
        return None

    def history(
        self, vendor_id: str, limit: int, *, since: datetime, before: str | None
    ) -> tuple[list[FeedImport], str | None]:
        # Feed ids start with their creation time, so the key range is the time window (TTL removes
        # expired items up to two days late; the range leaves them out already).
        oldest = feed_sk(ids.feed_id_floor(since))
        newest = feed_sk(before) if before else feed_sk("fd_~")
        feeds: list[FeedImport] = []
        with translate_errors():
            for item in FeedItem.query(
                vendor_pk(vendor_id), FeedItem.sk.between(oldest, newest), scan_index_forward=False, limit=limit + 2
            ):
                feed = FeedImport.model_validate_json(item.data)
                if feed.feed_id != before:
                    feeds.append(feed)
                if len(feeds) > limit:
                    break
        if len(feeds) > limit:
            return feeds[:limit], feeds[limit - 1].feed_id
        return feeds, None

    def unfinished(self) -> Iterator[FeedImport]:
        condition = FeedItem.sk.startswith("FEED#") & FeedItem.status.is_in("pending", "importing")
        with translate_errors():
            for item in FeedItem.scan(condition):
                yield FeedImport.model_validate_json(item.data)
