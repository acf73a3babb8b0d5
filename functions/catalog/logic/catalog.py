"""The public catalog: product search, product pages, suggestions, categories and trending."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from functions.catalog.logic.analysis import text_terms
from functions.catalog.logic.domain import (
    Product,
    VendorInfo,
    available,
    current_price,
    is_grouped,
    members_of,
    sale_active,
    to_document,
    variants_of,
)
from functions.catalog.logic.ports import CatalogRepository
from functions.catalog.logic.search import (
    CATEGORY_SEPARATOR,
    MAX_RESULT_WINDOW,
    Facets,
    ProductHit,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    Sort,
    member_ids,
    parse_category,
)
from functions.catalog.models.api import (
    CategoryNode,
    CategoryTree,
    OfferOut,
    ProductDetail,
    ProductList,
    ShippingOut,
    SuggestResponse,
    TrendingList,
    TrendingProduct,
)
from functions.catalog.models.consumed import OfferView
from functions.common import taxonomy
from functions.common.errors import BadRequest, NotFound
from functions.common.pagination import CursorCodec
from functions.common.values import ShopLanguage

CURSOR_SCOPE = "catalog:products"
Window = Literal["24h", "7d"]
WINDOW_HOURS: dict[str, int] = {"24h": 24, "7d": 168}
HALF_LIFE_HOURS: dict[str, float] = {"24h": 6.0, "7d": 42.0}
TREND_WEIGHTS = (1.0, 3.0)  # hearts, sales
TREND_CANDIDATES = 200
VENDOR_NAMES_TTL = timedelta(seconds=60)
"""How long a search worker trusts the vendor names it read (a rename shows within this time)."""


class ProductSearch:
    """What GET /products accepts, after validation of the single fields."""

    def __init__(
        self,
        *,
        q: str = "",
        category: str | None = None,
        brands: list[str] | None = None,
        vendors: list[str] | None = None,
        price_min: int | None = None,
        price_max: int | None = None,
        in_stock: bool | None = None,
        rating_min: float | None = None,
        sort: Sort = Sort.RELEVANCE,
        limit: int = 20,
        cursor: str | None = None,
        language: ShopLanguage = "en",
    ) -> None:
        if price_min is not None and price_max is not None and price_min > price_max:
            raise BadRequest("price_min must not be above price_max", code="invalid_price_range")
        self.query = SearchQuery(
            text=q.strip(),
            category=parse_category(category) if category else [],
            brands=[b for b in (brands or []) if b.strip()],
            vendors=[v for v in (vendors or []) if v.strip()],
            price_min=price_min,
            price_max=price_max,
            in_stock=in_stock,
            rating_min=rating_min,
            sort=sort,
            limit=limit,
        )
        self.cursor = cursor
        self.language = language

    def category_labels(self) -> list[str]:
        return taxonomy.labels(self.query.category, self.language)

    def fingerprint(self) -> str:
        body = self.query.model_dump(mode="json", exclude={"offset", "limit", "facets"})
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


class CatalogService:
    def __init__(
        self,
        search: SearchBackend,
        repository: CatalogRepository,
        cursors: CursorCodec,
        clock: Callable[[], datetime],
    ) -> None:
        self._search = search
        self._repository = repository
        self._cursors = cursors
        self._clock = clock
        self._vendor_names: dict[str, tuple[str, datetime]] = {}

    # ---- search -------------------------------------------------------------------------------

    def search(self, request: ProductSearch) -> ProductList:
        fingerprint = request.fingerprint()
        offset = 0
        payload = self._cursors.decode(request.cursor, CURSOR_SCOPE)
        if payload is not None:
            raw_offset = payload.get("o")
            if payload.get("f") != fingerprint or not isinstance(raw_offset, int) or raw_offset < 0:
                raise BadRequest("the cursor belongs to another query", code="invalid_cursor")
            offset = raw_offset
        # Engines serve at most MAX_RESULT_WINDOW results (OpenSearch refuses from + size beyond it).
        offset = min(offset, MAX_RESULT_WINDOW)
        limit = max(min(request.query.limit, MAX_RESULT_WINDOW - offset), 0)
        query = request.query.model_copy(update={"offset": offset, "limit": limit})
        if limit == 0:
            counted = self._search.search(query.model_copy(update={"offset": 0, "limit": 1}))
            facets = _category_labels(self._with_current_vendor_names(counted.facets), request.language)
            return ProductList(
                items=[],
                facets=facets,
                total=counted.total,
                next_cursor=None,
                category_labels=request.category_labels(),
            )
        result = self._search.search(query)
        end = offset + len(result.hits)
        more = end < result.total and end + query.limit <= MAX_RESULT_WINDOW and bool(result.hits)
        next_cursor = self._cursors.encode({"o": end, "f": fingerprint}, CURSOR_SCOPE) if more else None
        facets = _category_labels(self._with_current_vendor_names(result.facets), request.language)
        asked = text_terms(query.text) if query.text else frozenset()
        return ProductList(
            items=[chosen_variant(hit, asked) for hit in result.hits],
            facets=facets,
            total=result.total,
            next_cursor=next_cursor,
            category_labels=request.category_labels(),
        )

    def _with_current_vendor_names(self, facets: Facets) -> Facets:
        """Vendor facet labels from the vendor registry, not from the indexed documents: a renamed
        vendor shows its new name without re-indexing every product it sells."""
        if not facets.vendor:
            return facets
        now = self._clock()
        stale = [
            bucket.value
            for bucket in facets.vendor
            if (cached := self._vendor_names.get(bucket.value)) is None or now - cached[1] > VENDOR_NAMES_TTL
        ]
        if stale:
            found = self._repository.get_vendors(stale)
            for vendor_id in stale:
                vendor = found.get(vendor_id)
                if vendor is not None:
                    self._vendor_names[vendor_id] = (vendor.name, now)
        labelled = [
            bucket.model_copy(update={"label": self._vendor_names[bucket.value][0]})
            if bucket.value in self._vendor_names
            else bucket
            for bucket in facets.vendor
        ]
        return facets.model_copy(update={"vendor": labelled})

    def suggest(self, text: str, limit: int) -> SuggestResponse:
        return SuggestResponse(suggestions=self._search.suggest(text, limit) if text.strip() else [])

    def categories(self, language: ShopLanguage = "en") -> CategoryTree:
        counts = self._search.category_counts()
        roots: list[CategoryNode] = []
        nodes: dict[str, CategoryNode] = {}
        for path in sorted(counts, key=lambda key: (key.count(CATEGORY_SEPARATOR), key)):
            parent_path, _, name = path.rpartition(CATEGORY_SEPARATOR)
            label = taxonomy.labels(path.split(CATEGORY_SEPARATOR), language)[-1]
            node = CategoryNode(name=name, label=label, path=path, count=counts[path])
            nodes[path] = node
            parent = nodes.get(parent_path) if parent_path else None
            (parent.children if parent else roots).append(node)
        for node in nodes.values():
            node.children.sort(key=lambda child: (-child.count, child.name))
        roots.sort(key=lambda root: (-root.count, root.name))
        return CategoryTree(categories=roots)

    # ---- product page -------------------------------------------------------------------------

    def product(self, product_id: str, country: str, language: ShopLanguage = "en") -> ProductDetail:
        product = self._repository.get_product(product_id)
        if product is None or not product.listed:
            raise NotFound("no such product", code="product_not_found")
        now = self._clock()
        offers = product.live_offers()
        family = self._family(product, now)
        vendors = self._repository.get_vendors(offer.vendor_id for offer in offers)
        shown = [self._offer_out(offer, vendors.get(offer.vendor_id), country, now) for offer in offers]
        shown.sort(
            key=lambda o: (
                not o.available,
                o.shipping.cost is None,
                o.current_price + (o.shipping.cost or 0),
                o.vendor_name,
                o.offer_id,
            )
        )
        detail = _detail(product, offers, shown, language)
        if len(family) < 2:
            return detail
        options, variants = variants_of(family)
        return detail.model_copy(update={"options": options, "variants": variants})

    def _family(self, product: Product, now: datetime) -> list[SearchDocument]:
        """The listed products of the product's family (it among them), as search documents."""
        family_id = product.family_id
        if not is_grouped(family_id):
            return []
        others = self._repository.family_members([family_id]).get(family_id, set()) - {product.product_id}
        products = [product, *self._repository.get_products(others).values()] if others else [product]
        members = members_of(family_id, products, now)
        return [document for p in members if (document := to_document(p, now)) is not None]

    def _offer_out(self, offer: OfferView, vendor: VendorInfo | None, country: str, now: datetime) -> OfferOut:
        return OfferOut(
            offer_id=offer.offer_id,
            vendor_id=offer.vendor_id,
            vendor_name=vendor.name if vendor else offer.vendor_name,
            sku=offer.sku,
            price=offer.price,
            sale_price=offer.sale_price if sale_active(offer, now) else None,
            current_price=current_price(offer, now),
            currency=offer.currency,
            availability=offer.availability,
            available=available(offer),
            condition=offer.condition,
            shipping=_shipping(offer, vendor, country, current_price(offer, now)),
            vendor_return_days=vendor.return_days if vendor else None,
            link=offer.link,
        )

    # ---- trending -----------------------------------------------------------------------------

    def trending(self, window: Window, category: str | None, limit: int) -> TrendingList:
        now = self._clock()
        hours = WINDOW_HOURS[window]
        half_life = HALF_LIFE_HOURS[window]
        buckets = [(now - timedelta(hours=age)).strftime("%Y%m%d%H") for age in range(hours)]
        counts = self._repository.trend_counts(buckets)
        scores: dict[str, float] = {}
        for age, bucket in enumerate(buckets):
            decay = 0.5 ** (age / half_life)
            for product_id, (hearts, sales) in counts.get(bucket, {}).items():
                weighted = hearts * TREND_WEIGHTS[0] + sales * TREND_WEIGHTS[1]
                scores[product_id] = scores.get(product_id, 0.0) + weighted * decay
        ranked = sorted((pid for pid, score in scores.items() if score > 0), key=lambda pid: (-scores[pid], pid))
        path = parse_category(category) if category else []
        hits = self._search.get(ranked[:TREND_CANDIDATES]) if ranked else []  # no events: no lookup
        items = [
            TrendingProduct(product=hit, score=round(max(scores.get(pid, 0.0) for pid in member_ids(hit)), 4))
            for hit in hits
            if hit.category[: len(path)] == path
        ][:limit]
        items.sort(key=lambda item: -item.score)  # a family scores as its most trending variant
        source = "events" if items else "popularity"
        if len(items) < limit:
            seen = {item.product.family_id for item in items}
            fallback = self._search.search(
                SearchQuery(category=path, sort=Sort.POPULAR, limit=limit + len(seen), facets=False)
            )
            items += [TrendingProduct(product=hit, score=0.0) for hit in fallback.hits if hit.family_id not in seen]
        return TrendingList(window=window, source=source, items=items[:limit])


def chosen_variant(hit: ProductHit, asked: frozenset[str]) -> ProductHit:
    """The hit showing the variant whose option values the query names most (`rode sneaker`: the
    red one; ties keep the shown variant, then the first in stock), else the hit unchanged."""
    if len(hit.variants) < 2 or not asked:
        return hit
    named = {v.product_id: len(asked & text_terms(" ".join(v.options.values()))) for v in hit.variants}
    best = max(named.values())
    if best == 0 or named.get(hit.product_id) == best:
        return hit
    choice = min(
        (v for v in hit.variants if named[v.product_id] == best), key=lambda v: not v.in_stock
    )  # min is stable: the first in stock, in the selector's order
    return hit.model_copy(
        update={
            "product_id": choice.product_id,
            "title": choice.title,
            "image_link": choice.image_link or hit.image_link,
        }
    )


def _shipping(offer: OfferView, vendor: VendorInfo | None, country: str, price: int) -> ShippingOut:
    days = offer.handling_days
    if offer.shipping_cost is not None:
        return ShippingOut(cost=offer.shipping_cost, min_days=days + 1, max_days=days + 3)
    rules = vendor.shipping_rules if vendor else []
    if not rules:
        return ShippingOut(cost=None)
    matching = [rule for rule in rules if country in rule.countries] or [
        rule for rule in rules if "*" in rule.countries
    ]
    if not matching:
        return ShippingOut(cost=None)
    rule = min(matching, key=lambda r: r.cost)
    free = rule.free_from is not None and price >= rule.free_from
    return ShippingOut(
        cost=0 if free else rule.cost,
        free_from=rule.free_from,
        min_days=days + rule.min_days,
        max_days=days + rule.max_days,
    )


def _category_labels(facets: Facets, language: ShopLanguage) -> Facets:
    """Category facet labels in the shopper's language (the value stays the tree's English path)."""
    if language == "en" or not facets.category:
        return facets
    labelled = [
        bucket.model_copy(update={"label": taxonomy.labels(bucket.value.split(CATEGORY_SEPARATOR), language)[-1]})
        for bucket in facets.category
    ]
    return facets.model_copy(update={"category": labelled})


def _detail(product: Product, offers: list[OfferView], shown: list[OfferOut], language: ShopLanguage) -> ProductDetail:
    newest = offers[0]
    images: list[str] = []
    for offer in offers:
        for link in (offer.image_link, *offer.additional_image_links):
            if link and link not in images:
                images.append(link)
    attributes: dict[str, str] = {}
    for offer in reversed(offers):
        attributes.update(offer.attributes)
    return ProductDetail(
        product_id=product.product_id,
        family_id=product.family_id,
        title=newest.title,
        brand=next((o.brand for o in offers if o.brand), None),
        description=next((o.description for o in offers if o.description), ""),
        category=(category := next((o.category for o in offers if o.category), [])),
        category_labels=taxonomy.labels(category, language),
        attributes=attributes,
        gtin=next((o.gtin for o in offers if o.gtin), None),
        images=images,
        rating=product.counters.rating,
        rating_count=product.counters.rating_count,
        hearts=max(product.counters.hearts, 0),
        offers=shown,
    )
