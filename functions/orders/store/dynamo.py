"""The orders table: inventory projection with atomic stock counters, carts, orders, reservations,
idempotency records and the local payment ledger. The only code that knows the layout (see records.py).

Stock counters move only inside conditional update expressions:
- reserve  `SET available = available - :q, reserved = reserved + :q` if `available >= :q`
- release  `SET available = available + :q, reserved = reserved - :q` if `reserved >= :q`
- ship     `SET reserved = reserved - :q, vendor_quantity = vendor_quantity - :q` if `reserved >= :q`
- restock  `SET vendor_quantity = vendor_quantity + :q, available = available + :q`
- vendor   `SET vendor_quantity = :n, available = :n - reserved` if the offer revision is newer

Events leave through the transactional outbox (functions/common/outbox.py): `commit` and `save` write
an `outbox#<event_id>` item per event in the same TransactWriteItems as the order, and the table
stream's relay publishes them.
"""

from __future__ import annotations

import functools
import json
import random
import time
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.common.dynamo import bind_table, cancellation_codes, error_code, translate_errors
from functions.common.errors import Conflict, Unavailable
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_item
from functions.orders.logic.domain import (
    Cart,
    ChunkStatus,
    InventoryOffer,
    OfferStatus,
    Order,
    OrderStatus,
    ReservationChunk,
    StockMove,
    SubOrderStatus,
    VendorTerms,
    newest_per_offer,
)
from functions.orders.logic.ports import (
    Cursor,
    IdempotencyRecord,
    OutOfStock,
    Payment,
    VendorOrderView,
)
from functions.orders.store.records import OrdersRecord

HELD_INDEX = "RESERVATIONS#HELD"
COMPLETION_INDEX = "COMPLETION"
PAYMENTS_INDEX = "PAYMENTS"
_UNPAID = frozenset({OrderStatus.PLACED, OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED})
_TX_ATTEMPTS = 6
_TX_ITEMS = 100


class InventoryItem(OrdersRecord):
    vendor_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    sku = UnicodeAttribute()
    title = UnicodeAttribute()
    image_link = UnicodeAttribute(null=True)
    price = NumberAttribute()
    sale_price = NumberAttribute(null=True)
    sale_starts_at = UnicodeAttribute(null=True)
    sale_ends_at = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    availability = UnicodeAttribute()
    shipping_cost = NumberAttribute(null=True)
    revision = NumberAttribute()
    variant = UnicodeAttribute(null=True)
    """The variant's option values as a JSON object (a DynamoDB map keeps no order); absent without one."""
    vendor_quantity = NumberAttribute()
    reserved = NumberAttribute()
    available = NumberAttribute()


class DocItem(OrdersRecord):
    """Every other item: a pydantic document as JSON plus the attributes conditions need."""

    kind = UnicodeAttribute()
    doc = UnicodeAttribute()
    version = NumberAttribute(default=0)
    status = UnicodeAttribute(null=True)


class OutboxItem(OrdersRecord):
    """An event waiting for the stream relay (functions/common/outbox.py writes its layout)."""

    source = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    detail = UnicodeAttribute()
    occurred_at = UnicodeAttribute()


def _outbox(tx: TransactWrite, events: Sequence[DomainEvent]) -> None:
    """Save `events` in the outbox as part of `tx`, once per event id."""
    for event in events:
        wire = outbox_item(event)
        item = OutboxItem(
            wire["pk"]["S"],
            wire["sk"]["S"],
            source=wire["source"]["S"],
            detail_type=wire["detail_type"]["S"],
            detail=wire["detail"]["S"],
            occurred_at=wire["occurred_at"]["S"],
        )
        item.ttl = int(wire["ttl"]["N"])
        tx.save(item, condition=OutboxItem.pk.does_not_exist())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dt(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw)


def _offer_key(offer_id: str) -> tuple[str, str]:
    return f"OFFER#{offer_id}", "INVENTORY"


def _order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def _chunk_sk(index: int) -> str:
    return f"CHUNK#{index:04d}"


class DynamoOrdersStore:
    """Implements InventoryRepository, CartRepository, OrderRepository, IdempotencyStore and PaymentLedger."""

    def __init__(self, table_name: str):
        for model in (OrdersRecord, InventoryItem, DocItem):
            bind_table(model, table_name)

    def _connection(self) -> Connection:
        connection: Connection = DocItem._get_connection().connection
        return connection

    # ================================================================ inventory

    def get_offers(self, offer_ids: Collection[str]) -> dict[str, InventoryOffer]:
        keys = [_offer_key(offer_id) for offer_id in dict.fromkeys(offer_ids)]
        if not keys:
            return {}
        with translate_errors():
            items = list(InventoryItem.batch_get(keys))
        offers = [_offer_of(item) for item in items]
        return {offer.offer_id: offer for offer in offers}

    def upsert_offer(self, offer: InventoryOffer) -> bool:
        pk, sk = _offer_key(offer.offer_id)
        for _ in range(3):
            try:
                with translate_errors():
                    InventoryItem(pk, sk).update(
                        actions=[
                            *_describe(offer),
                            InventoryItem.vendor_quantity.set(offer.vendor_quantity),
                            InventoryItem.available.set(offer.vendor_quantity - InventoryItem.reserved),
                        ],
                        condition=InventoryItem.pk.exists() & (InventoryItem.revision < offer.revision),
                    )
                return True
            except Conflict:
                pass
            item = _inventory_item(offer.model_copy(update={"reserved": 0, "available": offer.vendor_quantity}))
            try:
                with translate_errors():
                    item.save(condition=InventoryItem.pk.does_not_exist())
                return True
            except Conflict:
                existing = self.get_offers([offer.offer_id]).get(offer.offer_id)
                if existing is not None and existing.revision >= offer.revision:
                    return False
        return False

    def upsert_offers(self, offers: Sequence[InventoryOffer]) -> int:
        """`upsert_offer` in bulk: one BatchGet per 100 offers, nothing written for offers whose
        stored revision is as new, and the others in TransactWriteItems of up to 100 conditional
        writes (one request instead of 100-200; locally moto spends ~3 ms of CPU per request, measured).
        An operation whose condition fails (a concurrent change) is taken out and goes through
        `upsert_offer`; the rest of its transaction is sent again. The transaction only batches
        writes that are each correct alone: every condition is the one `upsert_offer` uses."""
        newest = newest_per_offer(offers)
        stored = self.get_offers([offer.offer_id for offer in newest])
        pending = [
            offer
            for offer in newest
            if offer.offer_id not in stored or stored[offer.offer_id].revision < offer.revision
        ]
        applied = 0
        for start in range(0, len(pending), _TX_ITEMS):
            applied += self._upsert_chunk(pending[start : start + _TX_ITEMS], stored)
        return applied

    def _upsert_chunk(self, offers: list[InventoryOffer], stored: dict[str, InventoryOffer]) -> int:
        fallback: list[InventoryOffer] = []
        while offers:
            reasons = self._transact(functools.partial(_upsert_all, offers, stored))
            if reasons is None:
                break
            if len(reasons) != len(offers) or not any(reasons):
                raise Unavailable("the inventory write was cancelled, retry shortly", code="busy")
            fallback += [offer for offer, reason in zip(offers, reasons, strict=True) if reason]
            offers = [offer for offer, reason in zip(offers, reasons, strict=True) if not reason]
        written = len(offers)
        return written + sum(self.upsert_offer(offer) for offer in fallback)

    def withdraw_offers(self, offer_ids: Collection[str]) -> int:
        """Mark the stored ones of these offers withdrawn, in TransactWriteItems of up to 100
        updates (a `replace` feed can withdraw thousands at once); an offer that is not stored
        fails its condition and is taken out, the rest is sent again. How many were stored."""
        pending = list(dict.fromkeys(offer_ids))
        withdrawn = 0
        for start in range(0, len(pending), _TX_ITEMS):
            chunk = pending[start : start + _TX_ITEMS]
            while chunk:
                reasons = self._transact(functools.partial(_withdraw_all, chunk))
                if reasons is None:
                    withdrawn += len(chunk)
                    break
                if len(reasons) != len(chunk) or not any(reasons):
                    raise Unavailable("the inventory write was cancelled, retry shortly", code="busy")
                chunk = [offer_id for offer_id, reason in zip(chunk, reasons, strict=True) if not reason]
        return withdrawn

    def get_terms(self, vendor_ids: Collection[str]) -> dict[str, VendorTerms]:
        keys = [(f"VENDOR#{vendor_id}", "TERMS") for vendor_id in dict.fromkeys(vendor_ids)]
        if not keys:
            return {}
        with translate_errors():
            items = list(DocItem.batch_get(keys))
        terms = [VendorTerms.model_validate_json(item.doc) for item in items]
        return {t.vendor_id: t for t in terms}

    def put_terms(self, terms: VendorTerms) -> bool:
        item = DocItem(f"VENDOR#{terms.vendor_id}", "TERMS", kind="terms", doc=terms.model_dump_json())
        item.version = terms.version
        try:
            with translate_errors():
                item.save(condition=DocItem.pk.does_not_exist() | (DocItem.version < terms.version))
        except Conflict:
            return False
        return True

    # ================================================================ carts

    def get_cart(self, user_id: str) -> Cart:
        item = self._get_doc(f"CART#{user_id}", "CART")
        if item is None:
            return Cart(user_id=user_id)
        return Cart.model_validate_json(item.doc).model_copy(update={"version": int(item.version)})

    def save_cart(self, cart: Cart) -> Cart:
        saved = cart.model_copy(update={"version": cart.version + 1})
        item = DocItem(f"CART#{cart.user_id}", "CART", kind="cart", doc=saved.model_dump_json())
        item.version = saved.version
        condition = DocItem.pk.does_not_exist() if cart.version == 0 else DocItem.version == cart.version
        with translate_errors("the cart was changed concurrently"):
            item.save(condition=condition)
        return saved

    # ================================================================ idempotency

    def begin(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        item = self._idempotency_item(record)
        try:
            with translate_errors():
                item.save(condition=DocItem.pk.does_not_exist())
        except Conflict:
            existing = self._get_doc(item.pk, item.sk)
            if existing is None:
                raise Conflict("the checkout is being processed", code="checkout_in_progress") from None
            return IdempotencyRecord.model_validate_json(existing.doc)
        return None

    def finish(self, record: IdempotencyRecord) -> None:
        with translate_errors():
            self._idempotency_item(record).save()

    def forget(self, user_id: str, key: str) -> None:
        try:
            with translate_errors():
                DocItem(f"CHECKOUT#{user_id}#{key}", "IDEMPOTENCY").delete()
        except DeleteError:
            return

    @staticmethod
    def _idempotency_item(record: IdempotencyRecord) -> DocItem:
        item = DocItem(
            f"CHECKOUT#{record.user_id}#{record.key}",
            "IDEMPOTENCY",
            kind="idempotency",
            doc=record.model_dump_json(),
            status=record.state.value,
        )
        item.ttl = int(record.expires_at.timestamp())
        return item

    # ================================================================ orders and reservations

    def reserve(self, chunk: ReservationChunk, order: Order | None) -> None:
        offer_ids = [offer_id for offer_id, _ in chunk.lines]

        def write(tx: TransactWrite) -> None:
            if order is not None:
                tx.save(self._order_item(order, order.version), condition=DocItem.pk.does_not_exist())
            tx.save(self._chunk_item(chunk), condition=DocItem.pk.does_not_exist())
            for offer_id, quantity in chunk.lines:
                tx.update(
                    _inventory_ref(offer_id), actions=_reserve(quantity), condition=InventoryItem.available >= quantity
                )

        first_offer = 2 if order is not None else 1
        reasons = self._transact(write)
        if reasons is None:
            return
        failed = [
            offer_ids[i - first_offer]
            for i, reason in enumerate(reasons)
            if i >= first_offer and reason == "ConditionalCheckFailed"
        ]
        if failed:
            raise OutOfStock(failed)
        raise Conflict("this checkout was already started", code="checkout_in_progress")

    def release(self, order_id: str, index: int) -> bool:
        item = self._get_doc(_order_pk(order_id), _chunk_sk(index))
        if item is None or item.status != ChunkStatus.HELD:
            return False
        chunk = ReservationChunk.model_validate_json(item.doc)
        released = chunk.model_copy(update={"status": ChunkStatus.RELEASED})

        def write(tx: TransactWrite) -> None:
            tx.save(self._chunk_item(released), condition=DocItem.status == ChunkStatus.HELD.value)
            for offer_id, quantity in chunk.lines:
                tx.update(
                    _inventory_ref(offer_id), actions=_release(quantity), condition=InventoryItem.reserved >= quantity
                )

        reasons = self._transact(write)
        if reasons is None:
            return True
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return False
        raise Conflict(f"stock counters of order {order_id} are inconsistent", code="stock_conflict")

    def commit(self, order: Order, indexes: Sequence[int], events: Sequence[DomainEvent] = ()) -> None:
        chunks = [self._get_doc(_order_pk(order.order_id), _chunk_sk(i)) for i in indexes]
        if any(item is None or item.status != ChunkStatus.HELD for item in chunks):
            raise Conflict("the reservation expired", code="checkout_expired")

        def write(tx: TransactWrite) -> None:
            tx.save(self._order_item(order, order.version + 1), condition=DocItem.version == order.version)
            for item in chunks:
                assert item is not None
                chunk = ReservationChunk.model_validate_json(item.doc).model_copy(
                    update={"status": ChunkStatus.COMMITTED}
                )
                tx.save(self._chunk_item(chunk), condition=DocItem.status == ChunkStatus.HELD.value)
            for sub_item in self._sub_items(order, None):
                tx.save(sub_item)
            _outbox(tx, events)

        if self._transact(write) is not None:
            raise Conflict("the reservation expired", code="checkout_expired")

    def save(self, order: Order, moves: Sequence[StockMove], events: Sequence[DomainEvent] = ()) -> Order:
        previous = self.get_order(order.order_id)
        merged: dict[tuple[str, str], int] = {}
        for move in moves:
            merged[(move.offer_id, move.kind)] = merged.get((move.offer_id, move.kind), 0) + move.quantity

        def write(tx: TransactWrite) -> None:
            tx.save(self._order_item(order, order.version + 1), condition=DocItem.version == order.version)
            if order.status not in _UNPAID:
                for sub_item in self._sub_items(order, previous):
                    tx.save(sub_item)
            known = {r.return_id for sub in (previous.sub_orders if previous else []) for r in sub.returns}
            for sub in order.sub_orders:
                for request in sub.returns:
                    if request.return_id not in known:
                        tx.save(
                            DocItem(
                                f"RETURN#{request.return_id}",
                                "RETURN",
                                kind="return",
                                doc=order.order_id,
                                status=sub.vendor_id,
                            )
                        )
            for (offer_id, kind), quantity in merged.items():
                actions, condition = _move(kind, quantity)
                tx.update(_inventory_ref(offer_id), actions=actions, condition=condition)
            _outbox(tx, events)

        reasons = self._transact(write)
        if reasons is None:
            return order.model_copy(update={"version": order.version + 1})
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise Conflict("the order was changed concurrently")
        raise Conflict("the stock of this order cannot move that way", code="stock_conflict")

    def get_order(self, order_id: str) -> Order | None:
        item = self._get_doc(_order_pk(order_id), "ORDER")
        if item is None:
            return None
        return Order.model_validate_json(item.doc).model_copy(update={"version": int(item.version)})

    def get_chunks(self, order_id: str, count: int) -> list[ReservationChunk]:
        keys = [(_order_pk(order_id), _chunk_sk(i)) for i in range(count)]
        with translate_errors():
            items = list(DocItem.batch_get(keys))
        return sorted((ReservationChunk.model_validate_json(item.doc) for item in items), key=lambda c: c.index)

    def list_for_shopper(self, user_id: str, limit: int, after: Cursor | None) -> tuple[list[Order], Cursor | None]:
        items, last = self._page(f"SHOPPER#{user_id}", limit, after)
        orders = [
            Order.model_validate_json(item.doc).model_copy(update={"version": int(item.version)}) for item in items
        ]
        return orders, last

    def list_for_vendor(
        self, vendor_id: str, limit: int, after: Cursor | None, status: SubOrderStatus | None = None
    ) -> tuple[list[VendorOrderView], Cursor | None]:
        only = DocItem.status == status.value if status else None
        items, last = self._page(f"VENDOR#{vendor_id}#ORDERS", limit, after, only)
        return [VendorOrderView.model_validate_json(item.doc) for item in items], last

    def vendor_orders_placed_in(self, vendor_id: str, month: str) -> Iterator[VendorOrderView]:
        # gsi1sk is `<placed at, ISO UTC>#<order id>`: a month is a key prefix
        with translate_errors():
            for item in DocItem.by_gsi1.query(f"VENDOR#{vendor_id}#ORDERS", DocItem.gsi1sk.startswith(f"{month}-")):
                yield VendorOrderView.model_validate_json(item.doc)

    def order_of_return(self, return_id: str) -> str | None:
        item = self._get_doc(f"RETURN#{return_id}", "RETURN")
        return None if item is None else item.doc

    def expired_chunks(self, now: datetime, limit: int) -> list[ReservationChunk]:
        with translate_errors():
            items = cast(
                list[DocItem], list(DocItem.by_gsi1.query(HELD_INDEX, DocItem.gsi1sk < _iso(now), limit=limit))
            )
        return [ReservationChunk.model_validate_json(item.doc) for item in items]

    def due_for_completion(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        with translate_errors():
            items = cast(
                list[DocItem], list(DocItem.by_gsi2.query(COMPLETION_INDEX, DocItem.gsi2sk < _iso(now), limit=limit))
            )
        return [(item.pk.removeprefix("ORDER#"), item.sk.removeprefix("SUB#")) for item in items]

    # ================================================================ payment ledger

    def put_if_absent(self, payment: Payment) -> Payment:
        try:
            with translate_errors():
                self._payment_item(payment).save(condition=DocItem.pk.does_not_exist())
        except Conflict:
            stored = self.get(payment.payment_id)
            if stored is None:
                raise
            return stored
        return payment

    def get(self, payment_id: str) -> Payment | None:
        item = self._get_doc(f"PAYMENT#{payment_id}", "PAYMENT")
        return None if item is None else Payment.model_validate_json(item.doc)

    def replace(self, payment: Payment, expected: Payment) -> None:
        with translate_errors("the payment was changed concurrently"):
            self._payment_item(payment).save(condition=DocItem.doc == expected.model_dump_json())

    def payments(self) -> list[Payment]:
        """Every payment of the local provider (tests and the debug tooling count them)."""
        with translate_errors():
            items = cast(list[DocItem], list(DocItem.by_gsi1.query(PAYMENTS_INDEX)))
        return [Payment.model_validate_json(item.doc) for item in items]

    @staticmethod
    def _payment_item(payment: Payment) -> DocItem:
        return DocItem(
            f"PAYMENT#{payment.payment_id}",
            "PAYMENT",
            kind="payment",
            doc=payment.model_dump_json(),
            status=payment.status.value,
            gsi1pk=PAYMENTS_INDEX,
            gsi1sk=f"{_iso(payment.created_at)}#{payment.payment_id}",
        )

    # ================================================================ helpers

    def _get_doc(self, pk: str, sk: str) -> DocItem | None:
        with translate_errors():
            try:
                return DocItem.get(pk, sk, consistent_read=True)
            except DocItem.DoesNotExist:
                return None

    def _page(
        self, partition: str, limit: int, after: Cursor | None, only: Condition | None = None
    ) -> tuple[list[DocItem], Cursor | None]:
        """A page of the gsi1 partition, newest first; with `only` (a filter), pynamodb reads on
        until `limit` items match or the partition ends."""
        with translate_errors():
            results = DocItem.by_gsi1.query(
                partition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=after or None,
                filter_condition=only,
            )
            items = cast(list[DocItem], list(results))
            last = results.last_evaluated_key
        return items, (last if items and last else None)

    def _transact(self, write: Any) -> list[str | None] | None:
        """Run a transaction, retrying on transaction conflicts; the cancellation reason codes if
        conditions failed, None on success."""
        for attempt in range(_TX_ATTEMPTS):
            try:
                with TransactWrite(connection=self._connection()) as tx:
                    write(tx)
                return None
            except TransactWriteError as exc:
                reasons = cancellation_codes(exc) or []
                if "TransactionConflict" in reasons or error_code(exc) == "TransactionConflictException":
                    time.sleep(random.uniform(0, 0.02 * (2**attempt)))
                    continue
                if reasons:
                    return reasons
                with translate_errors():
                    raise
        raise Unavailable("the orders table is busy, retry shortly", code="busy")

    @staticmethod
    def _order_item(order: Order, version: int) -> DocItem:
        stored = order.model_copy(update={"version": version})
        item = DocItem(
            _order_pk(order.order_id), "ORDER", kind="order", doc=stored.model_dump_json(), status=order.status.value
        )
        item.version = version
        if order.status not in _UNPAID:
            item.gsi1pk = f"SHOPPER#{order.user_id}"
            item.gsi1sk = f"{_iso(order.created_at)}#{order.order_id}"
        return item

    @staticmethod
    def _chunk_item(chunk: ReservationChunk) -> DocItem:
        item = DocItem(
            _order_pk(chunk.order_id),
            _chunk_sk(chunk.index),
            kind="chunk",
            doc=chunk.model_dump_json(),
            status=chunk.status.value,
        )
        if chunk.status == ChunkStatus.HELD:
            item.gsi1pk = HELD_INDEX
            item.gsi1sk = f"{_iso(chunk.expires_at)}#{chunk.order_id}#{chunk.index:04d}"
        return item

    @staticmethod
    def _sub_items(order: Order, previous: Order | None) -> Iterator[DocItem]:
        before = (
            {sub.vendor_id: sub for sub in previous.sub_orders} if previous and previous.status not in _UNPAID else {}
        )
        for sub in order.sub_orders:
            if before.get(sub.vendor_id) == sub:
                continue
            view = VendorOrderView(
                order_id=order.order_id,
                created_at=order.created_at,
                shipping_address=order.shipping_address,
                currency=order.currency,
                sub_order=sub,
            )
            item = DocItem(
                _order_pk(order.order_id),
                f"SUB#{sub.vendor_id}",
                kind="sub_order",
                doc=view.model_dump_json(),
                status=sub.status.value,
                gsi1pk=f"VENDOR#{sub.vendor_id}#ORDERS",
                gsi1sk=f"{_iso(order.created_at)}#{order.order_id}",
            )
            if sub.status == SubOrderStatus.DELIVERED and sub.complete_after is not None:
                item.gsi2pk = COMPLETION_INDEX
                item.gsi2sk = f"{_iso(sub.complete_after)}#{order.order_id}#{sub.vendor_id}"
            yield item


def _upsert_all(offers: Sequence[InventoryOffer], stored: Collection[str], tx: TransactWrite) -> None:
    """`upsert_offer`'s conditional writes in one transaction: an update of the stored offers, a
    create of the others."""
    for offer in offers:
        if offer.offer_id in stored:
            pk, sk = _offer_key(offer.offer_id)
            tx.update(
                InventoryItem(pk, sk),
                actions=[
                    *_describe(offer),
                    InventoryItem.vendor_quantity.set(offer.vendor_quantity),
                    InventoryItem.available.set(offer.vendor_quantity - InventoryItem.reserved),
                ],
                condition=InventoryItem.pk.exists() & (InventoryItem.revision < offer.revision),
            )
        else:
            item = _inventory_item(offer.model_copy(update={"reserved": 0, "available": offer.vendor_quantity}))
            tx.save(item, condition=InventoryItem.pk.does_not_exist())


def _withdraw_all(offer_ids: Sequence[str], tx: TransactWrite) -> None:
    for offer_id in offer_ids:
        tx.update(
            _inventory_ref(offer_id),
            actions=[InventoryItem.status.set(OfferStatus.WITHDRAWN.value)],
            condition=InventoryItem.pk.exists(),
        )


def _inventory_ref(offer_id: str) -> InventoryItem:
    pk, sk = _offer_key(offer_id)
    return InventoryItem(pk, sk)


def _reserve(quantity: int) -> list[Action]:
    return [
        InventoryItem.available.set(InventoryItem.available - quantity),
        InventoryItem.reserved.set(InventoryItem.reserved + quantity),
    ]


def _release(quantity: int) -> list[Action]:
    return [
        InventoryItem.available.set(InventoryItem.available + quantity),
        InventoryItem.reserved.set(InventoryItem.reserved - quantity),
    ]


def _move(kind: str, quantity: int) -> tuple[list[Action], Condition | None]:
    if kind == "release":
        return _release(quantity), InventoryItem.reserved >= quantity
    if kind == "ship":
        return [
            InventoryItem.reserved.set(InventoryItem.reserved - quantity),
            InventoryItem.vendor_quantity.set(InventoryItem.vendor_quantity - quantity),
        ], InventoryItem.reserved >= quantity
    if kind == "restock":
        return [
            InventoryItem.vendor_quantity.set(InventoryItem.vendor_quantity + quantity),
            InventoryItem.available.set(InventoryItem.available + quantity),
        ], InventoryItem.pk.exists()
    if kind == "reserve":
        return _reserve(quantity), InventoryItem.available >= quantity
    raise ValueError(f"unknown stock move {kind}")


def _describe(offer: InventoryOffer) -> list[Action]:
    values: list[tuple[Any, Any]] = [
        (InventoryItem.vendor_id, offer.vendor_id),
        (InventoryItem.product_id, offer.product_id),
        (InventoryItem.sku, offer.sku),
        (InventoryItem.title, offer.title),
        (InventoryItem.image_link, offer.image_link),
        (InventoryItem.price, offer.price),
        (InventoryItem.sale_price, offer.sale_price),
        (InventoryItem.sale_starts_at, _iso(offer.sale_starts_at) if offer.sale_starts_at else None),
        (InventoryItem.sale_ends_at, _iso(offer.sale_ends_at) if offer.sale_ends_at else None),
        (InventoryItem.currency, offer.currency),
        (InventoryItem.status, offer.status.value),
        (InventoryItem.availability, offer.availability),
        (InventoryItem.shipping_cost, offer.shipping_cost),
        (InventoryItem.revision, offer.revision),
        (InventoryItem.variant, _variant_json(offer.variant)),
    ]
    return [attribute.remove() if value is None else attribute.set(value) for attribute, value in values]


def _variant_json(variant: dict[str, str]) -> str | None:
    return json.dumps(variant, ensure_ascii=False) if variant else None


def _inventory_item(offer: InventoryOffer) -> InventoryItem:
    pk, sk = _offer_key(offer.offer_id)
    return InventoryItem(
        pk,
        sk,
        vendor_id=offer.vendor_id,
        product_id=offer.product_id,
        sku=offer.sku,
        title=offer.title,
        image_link=offer.image_link,
        price=offer.price,
        sale_price=offer.sale_price,
        sale_starts_at=_iso(offer.sale_starts_at) if offer.sale_starts_at else None,
        sale_ends_at=_iso(offer.sale_ends_at) if offer.sale_ends_at else None,
        currency=offer.currency,
        status=offer.status.value,
        availability=offer.availability,
        shipping_cost=offer.shipping_cost,
        revision=offer.revision,
        variant=_variant_json(offer.variant),
        vendor_quantity=offer.vendor_quantity,
        reserved=offer.reserved,
        available=offer.available,
    )


def _offer_of(item: InventoryItem) -> InventoryOffer:
    return InventoryOffer(
        offer_id=item.pk.removeprefix("OFFER#"),
        vendor_id=item.vendor_id,
        product_id=item.product_id,
        sku=item.sku,
        title=item.title,
        image_link=item.image_link,
        price=int(item.price),
        sale_price=None if item.sale_price is None else int(item.sale_price),
        sale_starts_at=_dt(item.sale_starts_at),
        sale_ends_at=_dt(item.sale_ends_at),
        currency=item.currency,
        status=OfferStatus(item.status),
        availability=item.availability,
        shipping_cost=None if item.shipping_cost is None else int(item.shipping_cost),
        revision=int(item.revision),
        variant=json.loads(item.variant) if item.variant else {},
        vendor_quantity=int(item.vendor_quantity),
        reserved=int(item.reserved),
        available=int(item.available),
    )
