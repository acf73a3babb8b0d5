"""tantivy `SearchBackend`: the embedded engine of the local runtime and the tests.

tantivy is not a Lambda runtime dependency; it is imported when a backend is built. Several
processes may share one index directory: one writer (the indexer) and any number of readers
(the API). Tantivy's writer lock allows one writer at a time; readers reload when the index's
`meta.json` changed, checked with one `stat` per query.

Facet counts are exact: each terms aggregation asks every segment for all its terms
(`segment_size`), so counts do not depend on how the index is split into segments.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from functions.catalog.logic.search import (
    FACET_SIZE,
    MAX_CATEGORY_DEPTH,
    RATING_STEPS,
    SORT_FIELD,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    category_bucket,
    category_children_depth,
    category_key,
    hit_of,
    index_fields,
    ordered_buckets,
    price_buckets,
    price_ranges,
    rating_buckets,
    suggestions_from,
    vendor_bucket,
)
from functions.catalog.logic.text import fold, tokens, typo_distance
from functions.catalog.models.api import FacetBucket, Facets, ProductHit, Suggestion
from functions.common.errors import Unavailable

SCHEMA_VERSION = 1
TOKENIZER = "plein_fold"
SEGMENT_SIZE = 1 << 24  # every term of every segment: exact counts
WRITER_HEAP = 64_000_000
_LOCK_ATTEMPTS = 50


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("product_id", tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("hit", stored=True)
    for name in ("title", "brand_text", "body"):
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="freq")
    builder.add_text_field("names", tokenizer_name=TOKENIZER, index_option="basic")
    for name in ("brand", "vendor_facet", *(f"cat_d{depth}" for depth in range(MAX_CATEGORY_DEPTH))):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for name in ("brand_key", "vendor_ids", "category_path"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_integer_field("in_stock", indexed=True, fast=True)
    builder.add_float_field("rating", indexed=True, fast=True)
    for name in ("k_price", "k_popular", "k_rating", "k_newest"):
        builder.add_integer_field(name, fast=True)
    return builder.build()


def _analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


class TantivySearchBackend:
    """One tantivy index in `<path>/<name>-v<schema version>`."""

    def __init__(self, path: str | os.PathLike[str], name: str = "products"):
        import tantivy

        self._t = tantivy
        self._dir = Path(path) / f"{name}-v{SCHEMA_VERSION}"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(self._dir), reuse=True)
        self._index.register_tokenizer(TOKENIZER, _analyzer())
        self._index.config_reader(reload_policy="manual")
        self._meta = self._dir / "meta.json"
        self._seen = self._meta_stamp()
        self._writer: Any = None
        self._lock = threading.RLock()
        self._batch_depth = 0
        self._dirty = False

    # ---- writes (the indexer process) ---------------------------------------------------------

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        with self._lock:
            writer = self._writer_locked()
            for doc in documents:
                writer.delete_documents_by_term("product_id", doc.product_id)
                writer.add_document(self._document(doc))
            self._commit(writer)

    def delete(self, product_ids: Sequence[str]) -> None:
        if not product_ids:
            return
        with self._lock:
            writer = self._writer_locked()
            for product_id in product_ids:
                writer.delete_documents_by_term("product_id", product_id)
            self._commit(writer)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One commit for every write inside the block (a commit costs an fsync; the indexer
        wraps each SQS batch of up to ten events in one)."""
        with self._lock:
            self._batch_depth += 1
            try:
                yield
            finally:
                self._batch_depth -= 1
                if self._batch_depth == 0 and self._dirty:
                    self._commit(self._writer_locked())

    def close(self) -> None:
        """Release the writer lock (other processes may then write)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    def _writer_locked(self) -> Any:
        if self._writer is None:
            for attempt in range(_LOCK_ATTEMPTS):
                try:
                    self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
                    break
                except ValueError:
                    time.sleep(min(0.01 * (attempt + 1), 0.2))
            else:
                raise Unavailable("the search index is locked by another writer", code="search_index_locked")
        return self._writer

    def _commit(self, writer: Any) -> None:
        if self._batch_depth:
            self._dirty = True
            return
        self._dirty = False
        try:
            writer.commit()
        except Exception:
            self._writer = None  # drop the writer (and its lock); the retried batch starts afresh
            raise
        self._index.reload()
        self._seen = self._meta_stamp()

    def _document(self, doc: SearchDocument) -> Any:
        fields = index_fields(doc)
        document = self._t.Document()
        for name, value in fields.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str):
                    document.add_text(name, item)
                elif isinstance(item, float):
                    document.add_float(name, item)
                else:
                    document.add_integer(name, item)
        document.add_bytes("hit", hit_of(doc).model_dump_json().encode())
        return document

    # ---- reads (any process) ------------------------------------------------------------------

    def _meta_stamp(self) -> tuple[int, int]:
        try:
            stat = self._meta.stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size)

    def _searcher(self) -> Any:
        stamp = self._meta_stamp()
        if stamp != self._seen:
            self._index.reload()
            self._seen = stamp
        return self._index.searcher()

    def segment_count(self) -> int:
        return int(self._searcher().num_segments)

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._searcher()
        tantivy_query = self._query(query)
        text_tokens = tokens(query.text)
        if query.sort is Sort.RELEVANCE and text_tokens:
            result = searcher.search(tantivy_query, query.limit, count=True, offset=query.offset)
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            order = self._t.Order.Desc if descending else self._t.Order.Asc
            result = searcher.search(
                tantivy_query, query.limit, count=True, order_by_field=field, offset=query.offset, order=order
            )
        hits = [ProductHit.model_validate_json(searcher.doc(address)["hit"][0]) for _, address in result.hits]
        facets = self._facets(searcher, tantivy_query, query) if query.facets else Facets()
        return SearchResult(total=result.count or 0, hits=hits, facets=facets)

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        query_tokens = tokens(text)
        if not query_tokens:
            return []
        *whole, last = query_tokens
        t = self._t
        clauses = [(t.Occur.Must, self._token_query(token)) for token in whole]
        clauses.append((t.Occur.Must, t.Query.fuzzy_term_query(self._schema, "names", last, 0, True, True)))
        query = t.Query.boolean_query(clauses)
        searcher = self._searcher()
        result = searcher.search(query, limit, count=False, order_by_field="k_popular", order=t.Order.Desc)
        products = []
        for _, address in result.hits:
            hit = ProductHit.model_validate_json(searcher.doc(address)["hit"][0])
            products.append((hit.product_id, hit.title))
        aggregation = searcher.aggregate(query, {"brand": _terms("brand", 50)})
        brands = [(b["key"], b["doc_count"]) for b in aggregation["brand"]["buckets"] if b["key"]]
        return suggestions_from(brands, products, last, limit)

    def get(self, product_ids: Sequence[str]) -> list[ProductHit]:
        if not product_ids:
            return []
        searcher = self._searcher()
        query = self._t.Query.term_set_query(self._schema, "product_id", list(product_ids))
        result = searcher.search(query, len(product_ids), count=False)
        found = {
            hit.product_id: hit
            for hit in (ProductHit.model_validate_json(searcher.doc(a)["hit"][0]) for _, a in result.hits)
        }
        return [found[pid] for pid in product_ids if pid in found]

    def category_counts(self) -> dict[str, int]:
        searcher = self._searcher()
        aggs = {f"d{depth}": _terms(f"cat_d{depth}", 100_000) for depth in range(MAX_CATEGORY_DEPTH)}
        result = searcher.aggregate(self._t.Query.all_query(), aggs)
        counts: dict[str, int] = {}
        for depth in range(MAX_CATEGORY_DEPTH):
            for bucket in result[f"d{depth}"]["buckets"]:
                if bucket["key"]:
                    counts[bucket["key"]] = bucket["doc_count"]
        return counts

    # ---- query building -----------------------------------------------------------------------

    def _token_query(self, token: str) -> Any:
        t, schema = self._t, self._schema
        should = [
            t.Query.boost_query(t.Query.term_query(schema, "title", token), 3.0),
            t.Query.boost_query(t.Query.term_query(schema, "brand_text", token), 2.0),
            t.Query.term_query(schema, "body", token),
        ]
        distance = typo_distance(token)
        if distance:
            fuzzy = t.Query.fuzzy_term_query(schema, "names", token, distance, True, False)
            should.append(t.Query.boost_query(fuzzy, 0.5))
        return t.Query.boolean_query([(t.Occur.Should, clause) for clause in should])

    def _query(self, query: SearchQuery) -> Any:
        t, schema = self._t, self._schema
        clauses: list[tuple[Any, Any]] = [(t.Occur.Must, self._token_query(token)) for token in tokens(query.text)]
        filters: list[Any] = []
        if query.category:
            filters.append(t.Query.term_query(schema, "category_path", category_key(query.category)))
        if query.brands:
            filters.append(t.Query.term_set_query(schema, "brand_key", [fold(b) for b in query.brands]))
        if query.vendors:
            filters.append(t.Query.term_set_query(schema, "vendor_ids", list(query.vendors)))
        if query.price_min is not None or query.price_max is not None:
            filters.append(t.Query.range_query(schema, "price", t.FieldType.Integer, query.price_min, query.price_max))
        if query.in_stock:
            filters.append(t.Query.term_query(schema, "in_stock", 1))
        if query.rating_min is not None:
            filters.append(t.Query.range_query(schema, "rating", t.FieldType.Float, float(query.rating_min), None))
        clauses += [(t.Occur.Must, t.Query.const_score_query(f, 0.0)) for f in filters]
        if not clauses:
            return t.Query.all_query()
        return t.Query.boolean_query(clauses)

    def _facets(self, searcher: Any, tantivy_query: Any, query: SearchQuery) -> Facets:
        depth = category_children_depth(query)
        ranges = [{k: v for k, v in (("from", low), ("to", high)) if v is not None} for low, high in price_ranges()]
        steps = sorted(RATING_STEPS)
        edges: list[float | None] = [None, *(float(step) for step in steps), None]
        rating_ranges = [
            {k: v for k, v in (("from", low), ("to", high)) if v is not None} for low, high in itertools.pairwise(edges)
        ]
        aggs = {
            "category": _terms(f"cat_d{depth}", FACET_SIZE * 2),
            "brand": _terms("brand", FACET_SIZE * 2),
            "vendor": _terms("vendor_facet", FACET_SIZE * 2),
            "price": {"range": {"field": "price", "ranges": ranges}},
            "rating": {"range": {"field": "rating", "ranges": rating_ranges}},
        }
        result = searcher.aggregate(tantivy_query, aggs)
        per_step = {round(b.get("from", 0.0)): b["doc_count"] for b in result["rating"]["buckets"] if "from" in b}
        at_least = {step: sum(n for start, n in per_step.items() if start >= step) for step in steps}
        return Facets(
            category=ordered_buckets([category_bucket(b["key"], b["doc_count"]) for b in _keyed(result, "category")]),
            brand=ordered_buckets(
                [
                    FacetBucket.model_construct(value=b["key"], label=b["key"], count=b["doc_count"])
                    for b in _keyed(result, "brand")
                ]
            ),
            vendor=ordered_buckets([vendor_bucket(b["key"], b["doc_count"]) for b in _keyed(result, "vendor")]),
            price=price_buckets(_range_counts(result["price"]["buckets"])),
            rating=rating_buckets(at_least),
        )


def _terms(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size, "segment_size": SEGMENT_SIZE}}


def _keyed(result: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [bucket for bucket in result[name]["buckets"] if bucket.get("key")]


def _range_counts(buckets: list[dict[str, Any]]) -> list[int]:
    """Counts per price range, in price_ranges() order (an empty index returns no buckets)."""
    by_bounds = {(b.get("from"), b.get("to")): int(b["doc_count"]) for b in buckets}

    def bound(value: int | None) -> float | None:
        return None if value is None else float(value)

    return [by_bounds.get((bound(low), bound(high)), 0) for low, high in price_ranges()]
