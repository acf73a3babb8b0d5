"""Checkout: cart → reserved stock → payment → one paid order with a sub-order per vendor.

Steps, each with its compensation:
1. an idempotency record (user, Idempotency-Key, request hash) is created conditionally; a repeat
   returns the first outcome, a different body with the same key is refused;
2. the cart is validated against the inventory projection: current prices (changed prices are
   written back to the cart and refused with 409 `prices_changed`), stock, limits, shipping;
3. stock is reserved in chunks of ≤98 lines, each one DynamoDB transaction with its chunk record
   (and the order item with the first chunk); if a chunk fails, the earlier chunks are released;
4. the payment is authorised (key = order id, so one payment per order); a decline or a provider
   failure releases every chunk and marks the order `payment_failed`;
5. the order becomes `paid` in one transaction that also commits every chunk, only if none of
   them expired meanwhile (else the authorisation is voided); then the payment is captured;
   (gift cards and points are charged in step 2 through the rewards context, once per order id;
   every failure after that gives them back; an order they pay in full needs no payment)
6. the purchased lines leave the cart; `OrderPlaced` was saved in the commit's transaction (the
   store's transactional outbox), so it is relayed even if the function dies right after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus

from functions.common.errors import (
    BadRequest,
    Conflict,
    ErrorDetail,
    PaymentRequired,
    PleinError,
    Unavailable,
    UnprocessableEntity,
)
from functions.common.observability import logger
from functions.common.values import DEFAULT_CURRENCY, is_identifier
from functions.orders.logic import emit
from functions.orders.logic.cart import check_quantity
from functions.orders.logic.domain import (
    MAX_LINES_PER_VENDOR,
    MAX_VENDORS_PER_ORDER,
    RESERVATION_MINUTES,
    Cart,
    InventoryOffer,
    Order,
    OrderLine,
    OrderStatus,
    ReservationChunk,
    StatusChange,
    StockMove,
    SubOrder,
    SubOrderStatus,
    VendorTerms,
    commission_of,
    new_id,
    plan_chunks,
    shipping_cost,
)
from functions.orders.logic.ports import (
    CartRepository,
    Clock,
    IdempotencyRecord,
    IdempotencyState,
    IdempotencyStore,
    InventoryRepository,
    OrderRepository,
    OutOfStock,
    PaymentDeclined,
    PaymentError,
    PaymentProvider,
    Redeemed,
    Redemptions,
)
from functions.orders.models.api import CheckoutInput

IDEMPOTENCY_HOURS = 24
FAILED_RELEASE = "checkout_failed"


@dataclass
class CheckoutResult:
    order: Order
    created: bool


class CheckoutService:
    def __init__(
        self,
        *,
        carts: CartRepository,
        inventory: InventoryRepository,
        orders: OrderRepository,
        idempotency: IdempotencyStore,
        payments: PaymentProvider,
        redemptions: Redemptions,
        clock: Clock,
        new_id: Callable[[], str] = new_id,
    ) -> None:
        self._carts = carts
        self._inventory = inventory
        self._orders = orders
        self._idempotency = idempotency
        self._payments = payments
        self._redemptions = redemptions
        self._clock = clock
        self._new_id = new_id

    def checkout(self, user_id: str, idempotency_key: str | None, request: CheckoutInput) -> CheckoutResult:
        key = check_key(idempotency_key)
        request_hash = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        now = self._clock.now()
        record = IdempotencyRecord(
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            order_id=self._new_id(),
            expires_at=now + timedelta(hours=IDEMPOTENCY_HOURS),
        )
        existing = self._idempotency.begin(record)
        if existing is not None:
            return self._replay(existing, request_hash)
        try:
            order, chunks = self._plan(user_id, record.order_id, request)
        except Exception:
            # Nothing was charged and nothing is reserved: the key may be used again.
            self._idempotency.forget(user_id, key)
            raise
        try:
            self._reserve(order, chunks)
        except Exception:
            # What gift cards and points paid goes back, nothing stays reserved: the key may be used again.
            self._give_back(order)
            self._idempotency.forget(user_id, key)
            raise
        return CheckoutResult(self._pay(order, chunks, record), created=True)

    # ------------------------------------------------------------ repeat requests

    def _replay(self, existing: IdempotencyRecord, request_hash: str) -> CheckoutResult:
        if existing.request_hash != request_hash:
            raise UnprocessableEntity(
                "this Idempotency-Key was used for a different checkout request", code="idempotency_key_reused"
            )
        if existing.state == IdempotencyState.FAILED:
            raise replayed_error(existing)
        order = self._orders.get_order(existing.order_id)
        if order is None:
            raise Conflict("this checkout is still being processed, retry shortly", code="checkout_in_progress")
        return CheckoutResult(order, created=False)

    # ------------------------------------------------------------ validation

    def _plan(self, user_id: str, order_id: str, request: CheckoutInput) -> tuple[Order, list[ReservationChunk]]:
        now = self._clock.now()
        cart = self._carts.get_cart(user_id)
        if not cart.lines:
            raise UnprocessableEntity("the cart is empty", code="cart_empty")
        currency = cart.lines[0].currency or DEFAULT_CURRENCY
        if request.currency is not None and request.currency != currency:
            raise UnprocessableEntity(f"the cart is in {currency}, not {request.currency}", code="currency_mismatch")
        offers = self._inventory.get_offers([line.offer_id for line in cart.lines])
        self._check_offers(cart, offers)
        self._check_prices(cart, offers)
        terms = self._inventory.get_terms({offer.vendor_id for offer in offers.values()})
        country = request.shipping_address.country
        by_vendor: dict[str, list[OrderLine]] = {}
        for line in cart.lines:
            offer = offers[line.offer_id]
            price = offer.unit_price(now)
            by_vendor.setdefault(offer.vendor_id, []).append(
                OrderLine(
                    offer_id=offer.offer_id,
                    product_id=offer.product_id,
                    vendor_id=offer.vendor_id,
                    sku=offer.sku,
                    title=offer.title,
                    image_link=offer.image_link,
                    variant=offer.variant,
                    quantity=line.quantity,
                    unit_price=price,
                    line_total=price * line.quantity,
                )
            )
        if len(by_vendor) > MAX_VENDORS_PER_ORDER:
            raise UnprocessableEntity(f"at most {MAX_VENDORS_PER_ORDER} vendors per order", code="too_many_vendors")
        subs = [
            self._sub_order(vendor_id, lines, terms.get(vendor_id), country, offers)
            for vendor_id, lines in by_vendor.items()
        ]
        items_total = sum(sub.subtotal for sub in subs)
        shipping_total = sum(sub.shipping for sub in subs)
        gross = items_total + shipping_total
        if request.expected_total is not None and request.expected_total != gross:
            raise Conflict(
                f"the total is {gross}, not {request.expected_total}",
                code="total_changed",
                details=[ErrorDetail(field="expected_total", code="total_changed", message=str(gross))],
            )
        redeemed = Redeemed(discount=0)
        if request.gift_card_code is not None or request.points is not None:
            # Once per order id: a retried checkout (same Idempotency-Key) never gets here again,
            # and a repeated charge of the same key returns the first result.
            redeemed = self._redemptions.redeem(
                user_id=user_id,
                gift_card=request.gift_card_code,
                points=request.points,
                amount=gross,
                currency=currency,
                key=order_id,
            )
        discount = redeemed.discount
        history = [StatusChange(status=OrderStatus.PLACED, at=now)]
        order = Order(
            order_id=order_id,
            user_id=user_id,
            status=OrderStatus.PLACED,
            currency=currency,
            sub_orders=subs,
            items_total=items_total,
            shipping_total=shipping_total,
            discount_total=discount,
            gift_card_paid=redeemed.gift_card_amount,
            points_paid=redeemed.points_value,
            points_used=redeemed.points,
            total=gross - discount,
            shipping_address=request.shipping_address.to_domain(),
            payment_method=request.payment_method,
            referral_code=request.referral_code,
            advice_session_id=request.advice_session_id,
            created_at=now,
            updated_at=now,
            history=history,
        )
        wanted = [(line.offer_id, line.quantity) for line in cart.lines]
        chunks = plan_chunks(order_id, wanted, now + timedelta(minutes=RESERVATION_MINUTES))
        order = order.model_copy(update={"chunk_count": len(chunks)})
        return order, chunks

    def _give_back(self, order: Order) -> None:
        """A checkout that failed after gift cards or points paid part of it gives that back (once:
        the release key is the same for every failure of the order)."""
        if order.discount_total <= 0:
            return
        try:
            self._redemptions.release(key=order.order_id, release_key=FAILED_RELEASE)
        except PleinError as exc:
            logger().error(
                "could not give back what gift cards and points paid",
                extra={"order_id": order.order_id, "code": exc.code},
            )

    def _check_offers(self, cart: Cart, offers: dict[str, InventoryOffer]) -> None:
        gone = [
            line.offer_id for line in cart.lines if line.offer_id not in offers or not offers[line.offer_id].sellable
        ]
        if gone:
            raise Conflict(
                "some offers in the cart are no longer sold; remove them",
                code="offer_unavailable",
                details=[
                    ErrorDetail(field=offer_id, code="offer_unavailable", message="not sold") for offer_id in gone
                ],
            )
        for line in cart.lines:
            check_quantity(line.quantity)
            offer = offers[line.offer_id]
            if offer.currency != cart.lines[0].currency:
                raise UnprocessableEntity("a cart holds offers of one currency", code="currency_mismatch")
        short = [line.offer_id for line in cart.lines if line.quantity > offers[line.offer_id].available]
        if short:
            raise OutOfStock(short)

    def _check_prices(self, cart: Cart, offers: dict[str, InventoryOffer]) -> None:
        """Prices are re-read: if any changed since the shopper saw them, show the new ones and refuse."""
        now = self._clock.now()
        changed = [
            (line, offers[line.offer_id].unit_price(now))
            for line in cart.lines
            if offers[line.offer_id].unit_price(now) != line.seen_unit_price
        ]
        if not changed:
            return
        updated = cart
        for line, price in changed:
            updated = updated.with_line(line.model_copy(update={"seen_unit_price": price}))
        try:
            self._carts.save_cart(updated)
        except Conflict:
            logger().info("cart changed while showing new prices", extra={"user_id": cart.user_id})
        raise Conflict(
            "prices changed since the items were added; review the cart and check out again",
            code="prices_changed",
            details=[
                ErrorDetail(field=line.offer_id, code="price_changed", message=f"{line.seen_unit_price} -> {price}")
                for line, price in changed
            ],
        )

    def _sub_order(
        self,
        vendor_id: str,
        lines: list[OrderLine],
        terms: VendorTerms | None,
        country: str,
        offers: dict[str, InventoryOffer],
    ) -> SubOrder:
        if terms is None or terms.status != "approved":
            raise Conflict(f"vendor {vendor_id} does not sell at the moment", code="vendor_unavailable")
        if len(lines) > MAX_LINES_PER_VENDOR:
            raise UnprocessableEntity(
                f"at most {MAX_LINES_PER_VENDOR} offers of one vendor per order", code="too_many_lines_for_vendor"
            )
        subtotal = sum(line.line_total for line in lines)
        shipping = shipping_cost(terms, country, subtotal, [offers[line.offer_id] for line in lines])
        if shipping is None:
            raise UnprocessableEntity(f"vendor {terms.name} does not ship to {country}", code="not_shippable")
        commission = commission_of(subtotal, terms.commission_bps)
        now = self._clock.now()
        return SubOrder(
            vendor_id=vendor_id,
            vendor_name=terms.name,
            status=SubOrderStatus.PLACED,
            lines=lines,
            subtotal=subtotal,
            shipping=shipping,
            total=subtotal + shipping,
            commission_bps=terms.commission_bps,
            commission=commission,
            payout=subtotal + shipping - commission,
            return_days=terms.return_days,
            history=[StatusChange(status=SubOrderStatus.PLACED, at=now)],
        )

    # ------------------------------------------------------------ stock

    def _reserve(self, order: Order, chunks: list[ReservationChunk]) -> None:
        done: list[ReservationChunk] = []
        for chunk in chunks:
            try:
                self._orders.reserve(chunk, order if chunk.index == 0 else None)
            except (OutOfStock, Conflict, Unavailable):
                self._release(order.order_id, done)
                if done:
                    self._close(order, OrderStatus.EXPIRED, "stock ran out during checkout")
                raise
            done.append(chunk)

    def _release(self, order_id: str, chunks: list[ReservationChunk]) -> None:
        for chunk in chunks:
            self._orders.release(order_id, chunk.index)

    def _close(self, order: Order, status: OrderStatus, note: str) -> None:
        """Mark an unpaid order failed or expired (its stock is already released)."""
        current = self._orders.get_order(order.order_id)
        if current is None or current.status != OrderStatus.PLACED:
            return
        self._orders.save(with_status(current, status, self._clock.now(), note), [])

    # ------------------------------------------------------------ payment

    def _pay(self, order: Order, chunks: list[ReservationChunk], record: IdempotencyRecord) -> Order:
        if order.total == 0:  # gift cards and points paid it all: nothing to authorise
            return self._paid_without_payment(order, chunks, record)
        try:
            payment = self._payments.authorize(
                key=order.order_id,
                user_id=order.user_id,
                amount=order.total,
                currency=order.currency,
                method=order.payment_method,
            )
        except PaymentDeclined as exc:
            declined = PaymentRequired(f"the payment was declined: {exc.reason}", code="payment_declined")
            self._fail(order, chunks, record, declined)
            raise declined from exc
        except PaymentError as exc:
            failed = Unavailable("the payment provider failed; try again", code="payment_unavailable")
            self._fail(order, chunks, record, failed)
            raise failed from exc
        except UnprocessableEntity as exc:
            self._fail(order, chunks, record, exc)
            raise

        now = self._clock.now()
        paid = with_status(order, OrderStatus.PAID, now).model_copy(update={"payment_id": payment.payment_id})
        try:
            self._orders.commit(paid, [chunk.index for chunk in chunks], [emit.placed(paid, now)])
        except Conflict as exc:
            self._payments.void(payment.payment_id)
            expired = Conflict("the checkout took too long; try again", code="checkout_expired")
            self._fail(order, chunks, record, expired)
            raise expired from exc
        paid = paid.model_copy(update={"version": paid.version + 1})
        try:
            self._payments.capture(payment.payment_id)
        except (PaymentDeclined, PaymentError) as exc:
            self._payments.void(payment.payment_id)
            moves = [StockMove(line.offer_id, line.quantity, "release") for line in paid.lines]
            failed_at = self._clock.now()
            # OrderPlaced left with the commit: OrderCancelled tells its consumers the order is off.
            withdrawn = emit.cancelled(paid, paid.sub_orders, 0, "capture failed", failed_at)
            gone = with_status(paid, OrderStatus.PAYMENT_FAILED, failed_at, "capture failed")
            self._orders.save(gone, moves, [withdrawn])
            self._give_back(paid)
            not_captured = Unavailable("the payment could not be captured", code="payment_unavailable")
            self._finish_failed(record, not_captured)
            raise not_captured from exc

        return self._placed(paid, record)

    def _paid_without_payment(self, order: Order, chunks: list[ReservationChunk], record: IdempotencyRecord) -> Order:
        now = self._clock.now()
        paid = with_status(order, OrderStatus.PAID, now)
        try:
            self._orders.commit(paid, [chunk.index for chunk in chunks], [emit.placed(paid, now)])
        except Conflict as exc:
            expired = Conflict("the checkout took too long; try again", code="checkout_expired")
            self._fail(order, chunks, record, expired)
            raise expired from exc
        return self._placed(paid.model_copy(update={"version": paid.version + 1}), record)

    def _placed(self, paid: Order, record: IdempotencyRecord) -> Order:
        self._clear_cart(paid)
        self._idempotency.finish(record.model_copy(update={"state": IdempotencyState.COMPLETED}))
        return paid

    def _fail(self, order: Order, chunks: list[ReservationChunk], record: IdempotencyRecord, error: PleinError) -> None:
        self._release(order.order_id, chunks)
        self._close(order, OrderStatus.PAYMENT_FAILED, error.message)
        self._give_back(order)
        self._finish_failed(record, error)

    def _finish_failed(self, record: IdempotencyRecord, error: PleinError) -> None:
        self._idempotency.finish(
            record.model_copy(
                update={
                    "state": IdempotencyState.FAILED,
                    "error_status": int(error.status),
                    "error_code": error.code,
                    "error_message": error.message,
                }
            )
        )

    def _clear_cart(self, order: Order) -> None:
        bought = {line.offer_id for line in order.lines}
        for _ in range(3):
            cart = self._carts.get_cart(order.user_id)
            try:
                self._carts.save_cart(cart.without(bought))
                return
            except Conflict:
                continue
        logger().warning("could not clear the cart after checkout", extra={"order_id": order.order_id})


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise BadRequest("send an Idempotency-Key header with checkout", code="missing_idempotency_key")
    key = key.strip()
    if not is_identifier(key):
        raise BadRequest("the Idempotency-Key must be 1-128 letters, digits or _.:-", code="invalid_idempotency_key")
    return key


def replayed_error(record: IdempotencyRecord) -> PleinError:
    status = record.error_status or HTTPStatus.CONFLICT
    code, message = record.error_code or "checkout_failed", record.error_message or "this checkout failed"
    if status == HTTPStatus.PAYMENT_REQUIRED:
        return PaymentRequired(message, code=code)
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        return Unavailable(message, code=code)
    if status == HTTPStatus.UNPROCESSABLE_ENTITY:
        return UnprocessableEntity(message, code=code)
    return Conflict(message, code=code)


def with_status(order: Order, status: OrderStatus, at: datetime, note: str | None = None) -> Order:
    """The order (and its sub-orders) moved to `status`, with a history entry."""
    sub_status = SubOrderStatus(status.value)
    subs = [
        sub.model_copy(
            update={
                "status": sub_status,
                "history": [*sub.history, StatusChange(status=sub_status, at=at, note=note)],
            }
        )
        for sub in order.sub_orders
    ]
    return order.model_copy(
        update={
            "status": status,
            "sub_orders": subs,
            "updated_at": at,
            "history": [*order.history, StatusChange(status=status, at=at, note=note)],
        }
    )
