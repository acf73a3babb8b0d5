"""In-memory, brute-force `SearchBackend`: the reference semantics of catalog search.

Used by unit tests and as the oracle the engines' facet counts and rankings are checked against.
It evaluates every query by scanning every document, so keep it to small catalogs. Scores are
the engines': per query word the level weights of its parts' terms (logic/analysis.py), the
typo weight for a fuzzy word of `names`, plus the tier (logic/search.py) as the tie breaker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from functions.catalog.logic.analysis import FUZZY_WEIGHT, LEVELS, WordQuery, plan_query
from functions.catalog.logic.search import (
    RATING_STEPS,
    SORT_FIELD,
    TIER_SCALE,
    Facets,
    ProductHit,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    Suggestion,
    category_children_depth,
    category_key,
    category_prefixes,
    facets_of,
    hit_of,
    in_product_order,
    index_fields,
    price_ranges,
    sort_keys,
    suggestions_from,
    tier,
    vendor_facet_value,
)
from functions.catalog.logic.text import edit_distance, fold, tokens

_DISJUNCTIVE = ("brand", "vendor", "price", "rating")


class _Indexed:
    def __init__(self, doc: SearchDocument):
        self.doc = doc
        fields = index_fields(doc)
        self.terms: dict[str, float] = {}  # term → weight of the level it is indexed at
        for indexed in fields["terms"]:  # `h:bike` and `h11:bike` (the tier: self.tie)
            prefix, _, term = indexed.partition(":")
            self.terms[term] = LEVELS[prefix[0]]
        self.body = set(tokens(fields["body"], limit=10_000))
        self.names = set(tokens(fields["names"], limit=10_000))
        self.tie = tier(doc.in_stock, doc.popularity, doc.rating) * TIER_SCALE
        self.keys = sort_keys(doc)
        self.categories = set(category_prefixes(doc.category))


class MemorySearchBackend:
    def __init__(self) -> None:
        self._docs: dict[str, _Indexed] = {}

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        for doc in documents:
            self._docs[doc.family_id] = _Indexed(doc)

    def delete(self, family_ids: Sequence[str]) -> None:
        for family_id in family_ids:
            self._docs.pop(family_id, None)

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()

    def get(self, product_ids: Sequence[str]) -> list[ProductHit]:
        return in_product_order(product_ids, (hit_of(item.doc) for item in self._docs.values()))

    def due_for_reprice(self, until: datetime, limit: int) -> list[str]:
        due = (item.doc for item in self._docs.values())
        return [doc.family_id for doc in due if doc.reprice_at is not None and doc.reprice_at <= until][:limit]

    def _plan(self, text: str) -> list[WordQuery]:
        return plan_query(text, self._known)

    def _known(self, words: Iterable[str]) -> set[str]:
        """The words some product has in its title, brand, category, attributes or description."""
        return {word for word in words if any(word in item.names or word in item.body for item in self._docs.values())}

    def search(self, query: SearchQuery) -> SearchResult:
        plan = self._plan(query.text)
        relaxed = False
        scored = self._scored(query, plan, relaxed)
        if not scored and len(plan) > 1:  # no product has every word: those with the most of them
            relaxed = True
            scored = self._scored(query, plan, relaxed)
        if query.sort is Sort.RELEVANCE and plan:
            scored.sort(key=lambda pair: (-pair[0], pair[1].doc.family_id))
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            scored.sort(key=lambda pair: pair[1].keys[field], reverse=descending)
        window = scored[query.offset : query.offset + query.limit]
        return SearchResult(
            total=len(scored),
            hits=[hit_of(item.doc) for _, item in window],
            facets=self._facets(query, plan, relaxed) if query.facets else Facets(),
        )

    def _scored(self, query: SearchQuery, plan: Sequence[WordQuery], relaxed: bool) -> list[tuple[float, _Indexed]]:
        return [
            (score, item)
            for item in self._docs.values()
            if self._passes(item, query) and (score := _text_score(item, plan, relaxed)) is not None
        ]

    def _facets(self, query: SearchQuery, plan: Sequence[WordQuery], relaxed: bool) -> Facets:
        """Disjunctive: each facet counts the products matching every filter but its own."""

        def matching(skip: str | None) -> list[_Indexed]:
            return [
                item
                for item in self._docs.values()
                if self._passes(item, query, skip) and _text_score(item, plan, relaxed) is not None
            ]

        filtered = {
            "brand": bool(query.brands),
            "vendor": bool(query.vendors),
            "price": query.price_min is not None or query.price_max is not None,
            "rating": query.rating_min is not None,
        }
        everything = matching(None)
        without = {dimension: matching(dimension) if filtered[dimension] else everything for dimension in _DISJUNCTIVE}
        return _facets(without, everything, query)

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        query_tokens = tokens(text)
        if not query_tokens:
            return []
        *whole, last = query_tokens
        plan = self._plan(" ".join(whole))
        matched = [
            item
            for item in self._docs.values()
            if _text_score(item, plan) is not None and any(word.startswith(last) for word in item.names)
        ]
        matched.sort(key=lambda item: item.keys["k_popular"], reverse=True)
        brands = Counter(item.doc.brand for item in matched if item.doc.brand)
        return suggestions_from(
            [(brand, count) for brand, count in brands.items()],
            [(item.doc.product_id, item.doc.title) for item in matched[:limit]],
            last,
            limit,
        )

    def category_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for item in self._docs.values():
            counts.update(item.categories)
        return dict(counts)

    def _passes(self, item: _Indexed, query: SearchQuery, skip: str | None = None) -> bool:
        """Every filter of the query holds, except the dimension `skip` (for its facet)."""
        doc = item.doc
        checks: list[tuple[str, Callable[[], bool]]] = [
            ("category", lambda: not query.category or category_key(query.category) in item.categories),
            ("brand", lambda: not query.brands or fold(doc.brand or "") in {fold(b) for b in query.brands}),
            ("vendor", lambda: not query.vendors or any(v.vendor_id in query.vendors for v in doc.vendors)),
            ("price", lambda: query.price_min is None or doc.price >= query.price_min),
            ("price", lambda: query.price_max is None or doc.price <= query.price_max),
            ("in_stock", lambda: not query.in_stock or doc.in_stock),
            ("rating", lambda: query.rating_min is None or doc.rating >= query.rating_min),
        ]
        return all(check() for dimension, check in checks if dimension != skip)


def _text_score(item: _Indexed, plan: Sequence[WordQuery], relaxed: bool = False) -> float | None:
    """Sum over the query's words of their parts' level weights (every part must match; the
    first part of the first word adds the tier), plus the typo weight where a fuzzy word is near
    a word of `names`; None when a word matches nowhere (`relaxed`: when no word matches)."""
    total = 0.0
    matched = False
    for index, word in enumerate(plan):
        weights = [item.terms.get(part) for part in word.parts]
        exact = None
        if all(weight is not None for weight in weights):
            exact = sum(weight for weight in weights if weight is not None) + (item.tie if index == 0 else 0.0)
        near = (edit_distance(word.fuzzy, name, word.distance) <= word.distance for name in item.names)
        typo = bool(word.distance) and any(near)
        if exact is None and not typo:
            if relaxed:
                continue
            return None
        matched = True
        total += (exact or 0.0) + (FUZZY_WEIGHT if typo else 0.0)
    return None if relaxed and not matched else total


def _facets(without: Mapping[str, Sequence[_Indexed]], matched: Sequence[_Indexed], query: SearchQuery) -> Facets:
    """Category children of the full result; brand, vendor, price and rating each of the products
    matching everything but their own filter (`without[dimension]`)."""
    depth = category_children_depth(query)
    categories: Counter[str] = Counter()
    brands: Counter[str] = Counter()
    vendors: Counter[str] = Counter()
    prices = [0] * len(price_ranges())
    ratings: Counter[int] = Counter()
    for item in matched:
        if len(item.doc.category) > depth:
            categories[category_key(item.doc.category[: depth + 1])] += 1
    for item in without["brand"]:
        if item.doc.brand:
            brands[item.doc.brand] += 1
    for item in without["vendor"]:
        vendors.update(vendor_facet_value(vendor) for vendor in item.doc.vendors)
    for item in without["price"]:
        for index, (low, high) in enumerate(price_ranges()):
            if (low is None or item.doc.price >= low) and (high is None or item.doc.price < high):
                prices[index] += 1
    for item in without["rating"]:
        ratings.update(step for step in RATING_STEPS if item.doc.rating >= step)
    return facets_of(categories.items(), brands.items(), vendors.items(), prices, ratings)
