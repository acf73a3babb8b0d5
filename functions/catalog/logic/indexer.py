"""Keeps the product read model and the search index up to date from events.

Offer changes are merged into the stored products (BatchGets, then conditional writes of the
products that changed; on an optimistic-lock conflict only the conflicting products are read and
merged again), then the products' search documents are upserted, or deleted when no offer is
left. Redelivered or reordered events converge to the same state (see logic/domain.py); the
index is always rewritten, so a crash between the table write and the index write heals on
redelivery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from functions.catalog.logic.domain import Product, Signal, VendorInfo, family_document, is_grouped, merge
from functions.catalog.logic.ports import CatalogRepository, ProductConflict
from functions.catalog.logic.search import SearchBackend, SearchQuery
from functions.catalog.models.consumed import (
    OfferChangeView,
    OffersChangedView,
    OrderPlacedView,
    ProductHeartedView,
    ProductRatingChangedView,
    VendorUpdatedView,
)
from functions.common.errors import Conflict
from functions.common.observability import logger

MERGE_ATTEMPTS = 8
REPRICE_PAGE = 500
REPRICE_PAGES = 20
REBUILD_PAGE = 500


def utc_now() -> datetime:
    return datetime.now(UTC)


class CatalogIndexer:
    def __init__(
        self, repository: CatalogRepository, search: SearchBackend, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._repository = repository
        self._search = search
        self._clock = clock

    def batch(self) -> AbstractContextManager[None]:
        """Group the index writes of several events (one commit or refresh at the end)."""
        return self._search.batch()

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        """Apply one consumed event; a detail that does not validate raises (its record fails → DLQ)."""
        match (source, detail_type):
            case (OffersChangedView.source, OffersChangedView.detail_type):
                self.offers_changed([OffersChangedView.model_validate(detail)])
            case (VendorUpdatedView.source, VendorUpdatedView.detail_type):
                self.vendor_updated(VendorUpdatedView.model_validate(detail))
            case (OrderPlacedView.source, OrderPlacedView.detail_type):
                self.order_placed(OrderPlacedView.model_validate(detail))
            case (ProductHeartedView.source, ProductHeartedView.detail_type):
                self.product_hearted(ProductHeartedView.model_validate(detail))
            case (ProductRatingChangedView.source, ProductRatingChangedView.detail_type):
                self.rating_changed(ProductRatingChangedView.model_validate(detail))
            case ("aws.events", "Scheduled Event"):  # the wiring's tick, sent into this queue (one index writer)
                self.reprice_due()
            case _:
                logger().warning("ignoring an event the catalog does not consume", extra={"source": source})

    def offers_changed_batch(self, details: Sequence[dict[str, Any]]) -> list[Product]:
        """A batch's OffersChanged events together: their products are read and written in a few
        requests instead of a few per event (the index keeps pace with a feed import)."""
        return self.offers_changed([OffersChangedView.model_validate(detail) for detail in details])

    def offers_changed(self, events: Sequence[OffersChangedView]) -> list[Product]:
        """Apply one or more OffersChanged events; returns the merged products."""
        changes: dict[str, list[tuple[OfferChangeView, datetime]]] = defaultdict(list)
        for event in events:
            for change in event.changes:
                changes[change.product_id].append((change, event.occurred_at))
        if not changes:
            return []
        merged: dict[str, Product] = {}
        previous: dict[str, set[str]] = defaultdict(set)  # family → its products before the merge
        pending = set(changes)
        for attempt in range(MERGE_ATTEMPTS):
            stored = self._repository.get_products(pending)
            for product in stored.values():
                previous[product.family_id].add(product.product_id)
            ids = [pid for pid in changes if pid in pending]  # in event order
            merged |= {pid: merge(stored.get(pid) or Product(product_id=pid), changes[pid]) for pid in ids}
            changed = [merged[pid] for pid in ids if merged[pid] != stored.get(pid)]
            if not changed:
                break
            try:
                self._repository.save_products(changed)
                break
            except Conflict as conflict:
                if attempt == MERGE_ATTEMPTS - 1:
                    raise
                if isinstance(conflict, ProductConflict):
                    pending &= set(conflict.product_ids)  # the others were written: re-merge only these
        products = [merged[pid] for pid in changes]
        self._record_families(products, previous)
        self.reindex(products, previous)
        return products

    def _record_families(self, products: Sequence[Product], previous: Mapping[str, set[str]] | None = None) -> None:
        """Every listed product joins its family (again: idempotent, so a crash before this heals
        on redelivery) and leaves the one it was in; families of one product are not recorded."""
        joined: dict[str, set[str]] = defaultdict(set)
        for product in products:
            if product.listed and is_grouped(product.family_id):
                joined[product.family_id].add(product.product_id)
        now_in = {product.product_id: product.family_id if product.listed else "" for product in products}
        left = {
            family_id: {pid for pid in product_ids if now_in.get(pid, family_id) != family_id}
            for family_id, product_ids in (previous or {}).items()
            if is_grouped(family_id)
        }
        self._repository.update_families(joined, left)

    def rebuild(self, page_size: int = REBUILD_PAGE) -> int:
        """Index every product of the read model again (the search index is derived data): for a
        new or emptied index, e.g. after a schema change. One batch, so one commit or refresh at
        the end (tantivy: one segment). Products deleted from the index but still stored are
        written back; documents whose product is gone from the table are not removed. Returns the
        number of products read."""
        read = 0
        with self._search.batch():
            for products in self._repository.scan_products(page_size):
                self._record_families(products)  # also for products stored before families were
                # a variant indexed on its own before it had a family: its family document replaces it
                self._search.delete([p.product_id for p in products if p.product_id != p.family_id])
                self.reindex(products)
                read += len(products)
        return read

    def rebuild_if_empty(self, page_size: int = REBUILD_PAGE) -> int | None:
        """`rebuild()` if the search index has no document; None (nothing read) otherwise."""
        if self._search.search(SearchQuery(limit=1, facets=False)).total:
            return None
        return self.rebuild(page_size)

    def reprice_due(self, limit: int = REPRICE_PAGE) -> int:
        """Index again the products whose indexed price a sale starting or ending has made stale
        (run on a schedule, so search prices follow sale windows within its rate). Returns how
        many were re-indexed; stops when none is due, or after REPRICE_PAGES pages."""
        done = 0
        for _ in range(REPRICE_PAGES):
            due = self._search.due_for_reprice(self._clock(), limit)
            if not due:
                break
            with self._search.batch():
                self.reindex([], {family_id: set() for family_id in due})
            done += len(due)
        return done

    def reindex(self, products: Sequence[Product], families: Mapping[str, set[str]] | None = None) -> None:
        """Write the search documents of these products' families, and of `families` (family →
        products known to have been in it), reading the members not given from the repository;
        a family with no listed member leaves the index."""
        known = {product.product_id: product for product in products}
        members: dict[str, set[str]] = defaultdict(set)
        for family_id, product_ids in (families or {}).items():
            members[family_id] |= product_ids
        for product in products:
            members[product.family_id].add(product.product_id)
        grouped = [family_id for family_id in members if is_grouped(family_id)]
        for family_id, recorded in self._repository.family_members(grouped).items():
            members[family_id] |= recorded
        for family_id, product_ids in members.items():
            if not is_grouped(family_id):
                product_ids.add(family_id)  # a product's own id: the product itself
        missing = {pid for product_ids in members.values() for pid in product_ids} - known.keys()
        known |= self._repository.get_products(missing) if missing else {}
        now = self._clock()
        documents, gone = [], []
        for family_id, product_ids in members.items():
            document = family_document(family_id, (known[pid] for pid in product_ids if pid in known), now)
            if document is None:
                gone.append(family_id)
            else:
                documents.append(document)
        self._search.upsert(documents)
        self._search.delete(gone)

    def vendor_updated(self, event: VendorUpdatedView) -> None:
        self._repository.put_vendor(
            VendorInfo(
                vendor_id=event.vendor_id,
                name=event.name,
                status=event.status,
                shipping_rules=event.shipping_rules,
                return_days=event.return_days,
            )
        )

    def order_placed(self, event: OrderPlacedView) -> None:
        sales: dict[str, int] = defaultdict(int)
        for line in event.lines:
            sales[line.product_id] += line.quantity
        self._signals(event.event_id, [Signal(product_id=pid, sales=n) for pid, n in sales.items()], event.occurred_at)

    def product_hearted(self, event: ProductHeartedView) -> None:
        signal = Signal(product_id=event.product_id, hearts=1 if event.hearted else -1)
        self._signals(event.event_id, [signal], event.occurred_at)

    def rating_changed(self, event: ProductRatingChangedView) -> None:
        """The rating as community counts it (reviews removed by moderators included), unless a
        newer one was stored already: events may arrive out of order."""
        if self._repository.set_rating(event.product_id, event.rating_sum, event.count, event.occurred_at):
            product = self._repository.get_products([event.product_id]).get(event.product_id)
            if product is not None and product.listed:
                self.reindex([product])

    def _signals(self, event_id: str, signals: list[Signal], at: datetime) -> None:
        if signals and self._repository.apply_signals(event_id, signals, at):
            products = self._repository.get_products(signal.product_id for signal in signals)
            self.reindex([product for product in products.values() if product.listed])
