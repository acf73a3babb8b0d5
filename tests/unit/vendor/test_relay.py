"""Stream records → OffersChanged batches and dashboard counters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.common.errors import Unavailable
from functions.common.events import DomainEvent
from functions.vendor.logic.domain import Offer, StreamChange
from functions.vendor.logic.offers import build_offer, withdrawn
from functions.vendor.logic.relay import MAX_CHANGES_PER_EVENT, MAX_EVENT_BYTES, OfferRelay, events_for, stats_deltas
from functions.vendor.models.events import OffersChanged
from tests.support.events import RecordingPublisher
from tests.unit.vendor.fakes import FakeVendors

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def make(vendor: str, sku: str, quantity: int = 3, description: str = "") -> Offer:
    built = build_offer(
        vendor, "V", sku, {"title": sku, "price": 100, "quantity": quantity, "description": description}, None, NOW
    )
    assert built is not None
    return built


def test_upserts_and_withdrawals() -> None:
    a, b = make("v1", "a"), make("v1", "b")
    changes = [
        StreamChange(old=None, new=a),
        StreamChange(old=b, new=withdrawn(b, NOW)),
        StreamChange(old=withdrawn(b, NOW), new=withdrawn(b, NOW)),  # no news
        StreamChange(old=a, new=None),  # deleted item
    ]

    [event] = events_for(changes)

    assert event.vendor_id == "v1"
    assert [(c.offer_id, c.change) for c in event.changes] == [
        (a.offer_id, "upserted"),
        (b.offer_id, "withdrawn"),
        (a.offer_id, "withdrawn"),
    ]
    assert event.changes[0].offer == a.snapshot
    gone = withdrawn(b, NOW)  # a withdrawal is timed and numbered by the offer; a deletion is not
    assert (event.changes[1].withdrawn_at, event.changes[1].revision) == (NOW, gone.snapshot.revision)
    assert (event.changes[2].withdrawn_at, event.changes[2].revision) == (None, None)


def test_an_offer_whose_product_changed_is_withdrawn_from_the_old_product_before_its_upsert() -> None:
    # Given an active offer without GTIN that gets one (or a stored variant rewritten onto its own product)
    before = make("v1", "a")
    content = {"title": "a", "price": 100, "quantity": 3, "gtin": "4006381333931"}
    after = build_offer("v1", "V", "a", content, before, NOW)
    assert after is not None
    assert after.snapshot.product_id != before.snapshot.product_id

    [event] = events_for([StreamChange(old=before, new=after)])

    # Then the old product loses the offer first, and the new one gets it, in the same event
    assert [(c.offer_id, c.product_id, c.change) for c in event.changes] == [
        (before.offer_id, before.snapshot.product_id, "withdrawn"),
        (after.offer_id, after.snapshot.product_id, "upserted"),
    ]
    assert (event.changes[0].withdrawn_at, event.changes[0].revision) == (NOW, after.snapshot.revision)
    # a withdrawn offer that comes back on another product has nothing live to take from the old one
    gone = withdrawn(before, NOW)
    [revived] = events_for([StreamChange(old=gone, new=after)])
    assert [c.change for c in revived.changes] == ["upserted"]


def test_a_move_is_never_split_across_events() -> None:
    # Given 99 new offers, then an offer that moves to another product (two changes)
    before = make("v1", "moving")
    after = build_offer(
        "v1", "V", "moving", {"title": "m", "price": 100, "quantity": 1, "gtin": "4006381333931"}, before, NOW
    )
    assert after is not None
    records = [StreamChange(old=None, new=make("v1", f"s{i}")) for i in range(99)]

    events = events_for([*records, StreamChange(old=before, new=after)])

    # Then the move's two changes open the next event together
    assert [len(e.changes) for e in events] == [99, 2]
    assert [c.change for c in events[1].changes] == ["withdrawn", "upserted"]


def test_batches_by_vendor_count_and_size() -> None:
    many = [StreamChange(old=None, new=make("v1", f"s{i}")) for i in range(250)]
    big = [StreamChange(old=None, new=make("v2", f"b{i}", description="x" * 4000)) for i in range(80)]

    events = events_for(many + big)

    v1 = [e for e in events if e.vendor_id == "v1"]
    v2 = [e for e in events if e.vendor_id == "v2"]
    assert [len(e.changes) for e in v1] == [100, 100, 50]
    assert sum(len(e.changes) for e in v2) == 80
    assert len(v2) >= 2
    assert all(len(e.changes) <= MAX_CHANGES_PER_EVENT for e in events)
    assert all(len(e.model_dump_json()) <= MAX_EVENT_BYTES for e in events)


def test_stats_deltas() -> None:
    a, b = make("v1", "a"), make("v1", "b", quantity=0)
    a_out = build_offer("v1", "V", "a", {"title": "a", "price": 100, "quantity": 0}, a, NOW)

    deltas = stats_deltas(
        [
            StreamChange(old=None, new=a),
            StreamChange(old=None, new=b),
            StreamChange(old=a, new=a_out),
            StreamChange(old=b, new=withdrawn(b, NOW)),
        ]
    )

    assert deltas["v1"].active_offers == 1
    assert deltas["v1"].out_of_stock == 1


class FakeStream:
    """Records are `{"old": Offer | None, "new": Offer | None}`; anything else is another item."""

    def change(self, record: Mapping[str, Any]) -> StreamChange | None:
        old, new = record.get("old"), record.get("new")
        return None if old is None and new is None else StreamChange(old=old, new=new)


class FailingPublisher:
    def publish(self, events: Sequence[DomainEvent]) -> None:
        raise Unavailable("the bus is down", code="bus_unavailable")


def test_relay_publishes_the_changes_then_counts_them() -> None:
    # Given a batch with two new offers of one vendor, one of them out of stock, and a record of another item
    a, b = make("v1", "a"), make("v1", "b", quantity=0)
    publisher, vendors = RecordingPublisher(), FakeVendors()
    relay = OfferRelay(stream=FakeStream(), publisher=publisher, vendors=vendors)

    # When the relay handles it
    summary = relay.relay([{"old": None, "new": a}, {"pk": "VENDOR#v1"}, {"old": None, "new": b}])

    # Then one OffersChanged carries both, and the dashboard counts them
    [event] = publisher.of_type(OffersChanged)
    assert [c.offer_id for c in event.changes] == [a.offer_id, b.offer_id]
    assert (vendors.stats("v1").active_offers, vendors.stats("v1").out_of_stock) == (2, 1)
    assert (summary["events"], summary["changes"]) == (1, 2)


def test_a_batch_without_offer_changes_publishes_nothing() -> None:
    publisher, vendors = RecordingPublisher(), FakeVendors()
    relay = OfferRelay(stream=FakeStream(), publisher=publisher, vendors=vendors)

    assert relay.relay([{"pk": "VENDOR#v1"}]) == {"events": 0}
    assert publisher.events == []
    assert vendors.counters == {}


def test_a_failed_publish_counts_nothing_so_the_retried_batch_counts_once() -> None:
    vendors = FakeVendors()
    relay = OfferRelay(stream=FakeStream(), publisher=FailingPublisher(), vendors=vendors)

    with pytest.raises(Unavailable):
        relay.relay([{"old": None, "new": make("v1", "a")}])

    assert vendors.counters == {}
