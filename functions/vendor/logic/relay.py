"""Offer changes from the table stream, as `OffersChanged` events and dashboard counters.

Catalog and orders never read the vendor table: every committed offer change reaches them as an
`OfferChange` with the full snapshot, batched per vendor (at most 100 changes and about 200 KB
per event, far below EventBridge's 256 KB entry limit), in stream order.

An active offer whose product id changed (its GTIN was added, changed or removed) moves: a
`withdrawn` change for the old product comes right before the `upserted` one for the new, in the
same event, so a consumer that keeps offers per product drops it from the old product.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from functions.common.events import EventPublisher
from functions.vendor.logic.domain import Offer, StreamChange, VendorStats
from functions.vendor.logic.ports import OfferStream, VendorRepository
from functions.vendor.models.events import OfferChange, OffersChanged

MAX_CHANGES_PER_EVENT = 100
MAX_EVENT_BYTES = 200 * 1024
_ENVELOPE_BYTES = 400


class OfferRelay:
    """Relays one batch of stream records: publishes the `OffersChanged` events, then adds the
    dashboard counter deltas. A failure raises, so the whole batch is retried in order."""

    def __init__(self, *, stream: OfferStream, publisher: EventPublisher, vendors: VendorRepository):
        self._stream = stream
        self._publisher = publisher
        self._vendors = vendors

    def relay(self, records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
        """What was relayed, with the milliseconds each step took (for the log)."""
        started = time.perf_counter()
        changes = [change for record in records if (change := self._stream.change(record)) is not None]
        if not changes:
            return {"events": 0}
        events = events_for(changes)
        parsed = time.perf_counter()
        if events:
            self._publisher.publish(events)
        published = time.perf_counter()
        deltas = stats_deltas(changes)
        if deltas:
            self._vendors.add_stats(deltas)
        return {
            "events": len(events),
            "changes": len(changes),
            "parse_ms": round((parsed - started) * 1000),
            "publish_ms": round((published - parsed) * 1000),
            "stats_ms": round((time.perf_counter() - published) * 1000),
        }


def offer_changes(change: StreamChange) -> list[OfferChange]:
    """What one stream record tells consumers: nothing, an upsert, a withdrawal, or a move (the
    old product's withdrawal, then the upsert)."""
    new = change.new
    live_before = change.old if change.old is not None and change.old.status == "active" else None
    if new is not None and new.status == "active":
        upserted = OfferChange(
            offer_id=new.offer_id, product_id=new.snapshot.product_id, change="upserted", offer=new.snapshot
        )
        if live_before is not None and live_before.snapshot.product_id != new.snapshot.product_id:
            return [_withdrawal(live_before, new), upserted]
        return [upserted]
    if live_before is None:
        return []
    return [_withdrawal(live_before, new)]


def _withdrawal(live_before: Offer, now: Offer | None) -> OfferChange:
    """`live_before` leaves its product; timed and numbered by the offer as it is `now` (none: the
    item was deleted, so the consumer times it by the event)."""
    return OfferChange(
        offer_id=live_before.offer_id,
        product_id=live_before.snapshot.product_id,
        change="withdrawn",
        offer=None,
        withdrawn_at=now.snapshot.updated_at if now is not None else None,
        revision=now.snapshot.revision if now is not None else None,
    )


def events_for(changes: Iterable[StreamChange]) -> list[OffersChanged]:
    """OffersChanged events for a batch of stream records, grouped by vendor, order kept. A
    record's changes stay in one event, so a move is never split."""
    by_vendor: dict[str, list[list[OfferChange]]] = {}
    for change in changes:
        items = offer_changes(change)
        if not items:
            continue
        vendor_id = (change.new or change.old).snapshot.vendor_id  # type: ignore[union-attr]
        by_vendor.setdefault(vendor_id, []).append(items)
    events: list[OffersChanged] = []
    for vendor_id, records in by_vendor.items():
        batch: list[OfferChange] = []
        size = _ENVELOPE_BYTES
        for items in records:
            items_size = sum(len(item.model_dump_json()) + 1 for item in items)
            full = len(batch) + len(items) > MAX_CHANGES_PER_EVENT or size + items_size > MAX_EVENT_BYTES
            if batch and full:
                events.append(OffersChanged(vendor_id=vendor_id, changes=batch))
                batch, size = [], _ENVELOPE_BYTES
            batch += items
            size += items_size
        if batch:
            events.append(OffersChanged(vendor_id=vendor_id, changes=batch))
    return events


def _counts(offer: Offer | None) -> tuple[int, int]:
    if offer is None or offer.status != "active":
        return 0, 0
    return 1, int(offer.out_of_stock)


def stats_deltas(changes: Iterable[StreamChange]) -> dict[str, VendorStats]:
    """How each vendor's active and out-of-stock offer counts change with these records."""
    deltas: dict[str, VendorStats] = {}
    for change in changes:
        reference = change.new or change.old
        if reference is None:
            continue
        new_active, new_out = _counts(change.new)
        old_active, old_out = _counts(change.old)
        if (new_active, new_out) == (old_active, old_out):
            continue
        delta = deltas.setdefault(reference.snapshot.vendor_id, VendorStats())
        delta.active_offers += new_active - old_active
        delta.out_of_stock += new_out - old_out
    return deltas
