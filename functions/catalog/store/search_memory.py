"""In-memory, brute-force `SearchBackend`: the reference semantics of catalog search.

Used by unit tests and as the oracle the engines' facet counts are checked against. It
evaluates every query by scanning every document, so keep it to small catalogs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

from functions.catalog.logic.search import (
    RATING_STEPS,
    SORT_FIELD,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    category_bucket,
    category_children_depth,
    category_key,
    category_prefixes,
    hit_of,
    index_fields,
    ordered_buckets,
    price_buckets,
    price_ranges,
    rating_buckets,
    sort_keys,
    suggestions_from,
    vendor_bucket,
    vendor_facet_value,
)
from functions.catalog.logic.text import edit_distance, fold, tokens, typo_distance
from functions.catalog.models.api import FacetBucket, Facets, ProductHit, Suggestion

_FIELD_BOOSTS = (("title", 3.0), ("brand_text", 2.0), ("body", 1.0))
_FUZZY_BOOST = 0.5


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

    def search(self, query: SearchQuery) -> SearchResult:
        query_tokens = tokens(query.text)
        scored = [
            (score, item)
            for item in self._docs.values()
            if self._passes(item, query) and (score := _text_score(item, query_tokens)) is not None
        ]
        if query.sort is Sort.RELEVANCE and query_tokens:
            scored.sort(key=lambda pair: (-pair[0], pair[1].doc.product_id))
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            scored.sort(key=lambda pair: pair[1].keys[field], reverse=descending)
        window = scored[query.offset : query.offset + query.limit]
        matched = [item for _, item in scored]
        return SearchResult(
            total=len(scored),
            hits=[hit_of(item.doc) for _, item in window],
            facets=_facets(matched, query) if query.facets else Facets(),
        )

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        query_tokens = tokens(text)
        if not query_tokens:
            return []
        *whole, last = query_tokens
        matched = [
            item
            for item in self._docs.values()
            if _text_score(item, whole) is not None and any(word.startswith(last) for word in item.names)
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

    def _passes(self, item: _Indexed, query: SearchQuery) -> bool:
        doc = item.doc
        checks: list[Callable[[], bool]] = [
            lambda: not query.category or category_key(query.category) in item.categories,
            lambda: not query.brands or fold(doc.brand or "") in {fold(brand) for brand in query.brands},
            lambda: not query.vendors or any(v.vendor_id in query.vendors for v in doc.vendors),
            lambda: query.price_min is None or doc.price >= query.price_min,
            lambda: query.price_max is None or doc.price <= query.price_max,
            lambda: not query.in_stock or doc.in_stock,
            lambda: query.rating_min is None or doc.rating >= query.rating_min,
        ]
        return all(check() for check in checks)


def _text_score(item: _Indexed, query_tokens: Sequence[str]) -> float | None:
    """Sum of field boosts of every token; None when a token matches nowhere (AND semantics)."""
    total = 0.0
    for token in query_tokens:
        score = sum(boost for name, boost in _FIELD_BOOSTS if token in item.words[name])
        distance = typo_distance(token)
        if distance and any(edit_distance(token, word, distance) <= distance for word in item.names):
            score += _FUZZY_BOOST
        if score == 0:
            return None
        total += score
    return total


def _facets(matched: Sequence[_Indexed], query: SearchQuery) -> Facets:
    depth = category_children_depth(query)
    categories: Counter[str] = Counter()
    brands: Counter[str] = Counter()
    vendors: Counter[str] = Counter()
    prices = [0] * len(price_ranges())
    ratings: Counter[int] = Counter()
    for item in matched:
        doc = item.doc
        if len(doc.category) > depth:
            categories[category_key(doc.category[: depth + 1])] += 1
        if doc.brand:
            brands[doc.brand] += 1
        vendors.update(vendor_facet_value(vendor) for vendor in doc.vendors)
        for index, (low, high) in enumerate(price_ranges()):
            if (low is None or doc.price >= low) and (high is None or doc.price < high):
                prices[index] += 1
        ratings.update(step for step in RATING_STEPS if doc.rating >= step)
    return Facets(
        category=ordered_buckets([category_bucket(key, n) for key, n in categories.items()]),
        brand=ordered_buckets(
            [FacetBucket.model_construct(value=key, label=key, count=n) for key, n in brands.items()]
        ),
        vendor=ordered_buckets([vendor_bucket(key, n) for key, n in vendors.items()]),
        price=price_buckets(prices),
        rating=rating_buckets(dict(ratings)),
    )
