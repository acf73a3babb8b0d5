"""In-memory, brute-force `SearchBackend`: the reference semantics of catalog search.

Used by unit tests and as the oracle the engines' facet counts are checked against. It
evaluates every query by scanning every document, so keep it to small catalogs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from functions.catalog.logic.search import (
    RATING_STEPS,
    SORT_FIELD,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    category_children_depth,
    category_key,
    category_prefixes,
    facets_of,
    hit_of,
    index_fields,
    price_ranges,
    sort_keys,
    suggestions_from,
    vendor_facet_value,
)
from functions.catalog.logic.text import edit_distance, fold, tokens, typo_distance
from functions.catalog.models.api import Facets, ProductHit, Suggestion

_FIELD_BOOSTS = (("title", 3.0), ("brand_text", 2.0), ("body", 1.0))
_FUZZY_BOOST = 0.5
_DISJUNCTIVE = ("brand", "vendor", "price", "rating")


class _Indexed:
    def __init__(self, doc: SearchDocument):
        self.doc = doc
        fields = index_fields(doc)
        self.words = {name: set(tokens(fields[name], limit=10_000)) for name, _ in _FIELD_BOOSTS}
        self.names = set(tokens(fields["names"], limit=10_000))
        self.keys = sort_keys(doc)
        self.categories = set(category_prefixes(doc.category))


class MemorySearchBackend:
    def __init__(self) -> None:
        self._docs: dict[str, _Indexed] = {}

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        for doc in documents:
            self._docs[doc.product_id] = _Indexed(doc)

    def delete(self, product_ids: Sequence[str]) -> None:
        for product_id in product_ids:
            self._docs.pop(product_id, None)

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()

    def get(self, product_ids: Sequence[str]) -> list[ProductHit]:
        return [hit_of(self._docs[pid].doc) for pid in product_ids if pid in self._docs]

    def due_for_reprice(self, until: datetime, limit: int) -> list[str]:
        due = (item.doc for item in self._docs.values())
        return [doc.product_id for doc in due if doc.reprice_at is not None and doc.reprice_at <= until][:limit]

    def _fuzzy(self, query_tokens: Sequence[str]) -> set[str]:
        """The words matched with typo tolerance: long enough and in no product's title, brand,
        category, attributes or description (a known word matches exactly, see logic/text.py)."""
        return {
            token
            for token in query_tokens
            if typo_distance(token)
            and not any(token in item.names or token in item.words["body"] for item in self._docs.values())
        }

    def search(self, query: SearchQuery) -> SearchResult:
        query_tokens = tokens(query.text)
        fuzzy = self._fuzzy(query_tokens)
        scored = [
            (score, item)
            for item in self._docs.values()
            if self._passes(item, query) and (score := _text_score(item, query_tokens, fuzzy)) is not None
        ]
        if query.sort is Sort.RELEVANCE and query_tokens:
            scored.sort(key=lambda pair: (-pair[0], pair[1].doc.product_id))
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            scored.sort(key=lambda pair: pair[1].keys[field], reverse=descending)
        window = scored[query.offset : query.offset + query.limit]
        return SearchResult(
            total=len(scored),
            hits=[hit_of(item.doc) for _, item in window],
            facets=self._facets(query, query_tokens, fuzzy) if query.facets else Facets(),
        )

    def _facets(self, query: SearchQuery, query_tokens: Sequence[str], fuzzy: set[str]) -> Facets:
        """Disjunctive: each facet counts the products matching every filter but its own."""

        def matching(skip: str | None) -> list[_Indexed]:
            return [
                item
                for item in self._docs.values()
                if self._passes(item, query, skip) and _text_score(item, query_tokens, fuzzy) is not None
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
        fuzzy = self._fuzzy(whole)
        matched = [
            item
            for item in self._docs.values()
            if _text_score(item, whole, fuzzy) is not None and any(word.startswith(last) for word in item.names)
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


def _text_score(item: _Indexed, query_tokens: Sequence[str], fuzzy: set[str]) -> float | None:
    """Sum of field boosts of every token; None when a token matches nowhere (AND semantics).
    Tokens in `fuzzy` also match words of `names` within their typo distance."""
    total = 0.0
    for token in query_tokens:
        score = sum(boost for name, boost in _FIELD_BOOSTS if token in item.words[name])
        distance = typo_distance(token) if token in fuzzy else 0
        if distance and any(edit_distance(token, word, distance) <= distance for word in item.names):
            score += _FUZZY_BOOST
        if score == 0:
            return None
        total += score
    return total


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
