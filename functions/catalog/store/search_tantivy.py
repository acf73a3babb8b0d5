"""tantivy `SearchBackend`: the embedded engine of the local runtime and the tests.

tantivy is not a Lambda runtime dependency; it is imported when a backend is built. Several
processes may share one index directory: one writer (the indexer) and any number of readers
(the API). Tantivy's writer lock allows one writer at a time; readers reload when the index's
`meta.json` changed, checked with one `stat` per query.

Facet counts are exact: each terms aggregation asks every segment for all its terms
(`segment_size`), so counts do not depend on how the index is split into segments. Price and
rating facets come from one small-integer field (`facet_band`: price range and whole stars), one
terms aggregation instead of two range aggregations. Facets are disjunctive: one aggregation pass
on the full query for the facets of unfiltered dimensions, plus one pass per filtered dimension
(brand, vendor, price, rating) on the query without that dimension's filter.

Text is matched on `terms`, the analyzed terms of logic/analysis.py (whitespace-separated,
`<level><tier>:<term>`): every part of every query word must match at some level, each level
a constant score, the first part adding the product's tier (logic/search.py `term_clauses`) as
the tie breaker, so the ranking is the same as the other engines'. The total of a faceted query
comes from its first aggregation pass, not from a count in the top-k search. Typo tolerance
(a fuzzy clause on `names`) is added only for query words
outside the vocabulary that no product has (`Searcher.doc_freq` on `names` and `body`): the
fuzzy automaton walks the term dictionary in every pass that evaluates the query.

Query cost grows with the number of segments (measured: three segments cost about 20% more CPU
than one at 100k products). tantivy-py exposes no merge policy or explicit merge; the default
log merge policy merges small segments as commits add them. `CatalogIndexer.rebuild` writes the
whole catalog in one commit, which leaves one segment per WRITER_HEAP of buffered documents (the
100k-product benchmark catalog fits in one).

Facets and total of a query are cached per index generation (the searcher a reader reloads when
`meta.json` changes, or after this process's own commit), keyed by the normalised text and
filters (not the sort or page): segments of a generation never change, so a cached entry is
exact until the next reload, which drops the cache. OpenSearch's shard request cache works the
same way (invalidated on refresh).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from functions.catalog.logic.analysis import FUZZY_WEIGHT, WordQuery, plan_query
from functions.catalog.logic.search import (
    FACET_SIZE,
    MAX_CATEGORY_DEPTH,
    PRICE_EDGES,
    RATING_STEPS,
    SORT_FIELD,
    Facets,
    ProductHit,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    Suggestion,
    category_children_depth,
    category_key,
    epoch_seconds,
    facets_of,
    hit_of,
    in_product_order,
    index_fields,
    price_band,
    price_ranges,
    suggestions_from,
    term_clauses,
)
from functions.catalog.logic.text import fold, tokens
from functions.common.errors import Unavailable

SCHEMA_VERSION = 5  # v2: facet_band, v3: reprice_at, v4: analyzed terms, v5: one document per family
TOKENIZER = "plein_fold"
_JOINED = ("terms",)
"""Fields indexed as one whitespace-separated text (many terms per product)."""
SEGMENT_SIZE = 1 << 24  # every term of every segment: exact counts
WRITER_HEAP = 64_000_000
# Cache sizes per index generation, least recently used dropped first: facet entries are the
# total and the facets' JSON (at most 4 KB in the benchmark; as models about 45 KB), hits 1.7 KB.
FACET_CACHE_SIZE = 2048
HIT_CACHE_SIZE = 5000
PART_QUERY_CACHE_SIZE = 4096
_LOCK_ATTEMPTS = 50
_STARS = 8  # facet_band = price band * _STARS + whole stars (0..5)
_BANDS = (len(PRICE_EDGES) + 1) * _STARS
_DISJUNCTIVE = ("brand", "vendor", "price", "rating")
"""Filter dimensions whose facet ignores their own filter (category is a drill-down)."""

_CacheKey = tuple[object, ...]


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("family_id", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("members", tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("hit", stored=True)
    for name in _JOINED:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="basic")
    for name in ("body", "names"):
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="basic")
    for name in ("brand", "vendor_facet", *(f"cat_d{depth}" for depth in range(MAX_CATEGORY_DEPTH))):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for name in ("brand_key", "vendor_ids", "category_path"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_integer_field("in_stock", indexed=True, fast=True)
    builder.add_float_field("rating", indexed=True, fast=True)
    builder.add_unsigned_field("facet_band", fast=True)
    builder.add_integer_field("reprice_at", indexed=True)
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
        self._read_lock = threading.RLock()  # reader state: generation, facet cache (not held by writes)
        self._generation = 0
        self._facet_cache: OrderedDict[_CacheKey, tuple[int, bytes]] = OrderedDict()
        self._cache_hits = 0
        self._cache_misses = 0
        self._hit_cache: OrderedDict[tuple[int, int], ProductHit] = OrderedDict()
        self._docs_cached = 0
        self._docs_read = 0
        self._part_query = functools.lru_cache(maxsize=PART_QUERY_CACHE_SIZE)(self._build_part_query)

    # ---- writes (the indexer process) ---------------------------------------------------------

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        with self._lock:
            writer = self._writer_locked()
            for doc in documents:
                writer.delete_documents_by_term("family_id", doc.family_id)
                writer.add_document(self._document(doc))
            self._commit(writer)

    def delete(self, family_ids: Sequence[str]) -> None:
        if not family_ids:
            return
        with self._lock:
            writer = self._writer_locked()
            for family_id in family_ids:
                writer.delete_documents_by_term("family_id", family_id)
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
        self._new_generation()

    def _document(self, doc: SearchDocument) -> Any:
        fields = index_fields(doc)
        document = self._t.Document()
        for name, value in fields.items():
            values = [" ".join(value)] if name in _JOINED else value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str):
                    document.add_text(name, item)
                elif isinstance(item, float):
                    document.add_float(name, item)
                else:
                    document.add_integer(name, item)
        document.add_unsigned("facet_band", price_band(doc.price) * _STARS + min(int(doc.rating), _STARS - 1))
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
        return self._searcher_generation()[0]

    def _searcher_generation(self) -> tuple[Any, int]:
        """The current searcher (reloaded if another process committed) and its generation."""
        stamp = self._meta_stamp()
        with self._read_lock:
            if stamp != self._seen:
                self._index.reload()
                self._seen = stamp
                self._new_generation()
            return self._index.searcher(), self._generation

    def _new_generation(self) -> None:
        with self._read_lock:
            self._generation += 1
            self._facet_cache.clear()
            self._hit_cache.clear()

    def cache_stats(self) -> dict[str, int]:
        """Since the last clear_cache(): facet cache hits and misses (queries), decoded hits
        served from the hit cache and read from the store (documents)."""
        return {
            "facet_hits": self._cache_hits,
            "facet_misses": self._cache_misses,
            "docs_cached": self._docs_cached,
            "docs_read": self._docs_read,
        }

    def clear_cache(self) -> None:
        """Empty both caches and reset their counters (benchmarks: measure from a cold cache)."""
        with self._read_lock:
            self._facet_cache.clear()
            self._hit_cache.clear()
            self._cache_hits = self._cache_misses = self._docs_cached = self._docs_read = 0

    def segment_count(self) -> int:
        return int(self._searcher().num_segments)

    def search(self, query: SearchQuery) -> SearchResult:
        reader = self._searcher_generation()
        plan, filters = self._clauses(query, reader[0])
        result = self._search(query, reader, plan, filters, relaxed=False)
        if result.total or len(plan) < 2:
            return result
        return self._search(query, reader, plan, filters, relaxed=True)  # no product has every word

    def _search(
        self,
        query: SearchQuery,
        reader: tuple[Any, int],
        plan: list[WordQuery],
        filters: dict[str, Any],
        *,
        relaxed: bool,
    ) -> SearchResult:
        """The query's hits, total and facets (`relaxed`: the products with any of the words)."""
        searcher, generation = reader
        text = self._text(plan, ranked=False, relaxed=relaxed)
        tantivy_query = _combine(self._t, text, filters.values())
        key = (*_cache_key(query), relaxed) if query.facets else None
        cached = self._cached(key) if key is not None else None
        count = not query.facets  # with facets, the first aggregation pass counts (see _facets)
        if query.sort is Sort.RELEVANCE and text:
            ranked = _combine(self._t, self._text(plan, ranked=True, relaxed=relaxed), filters.values())
            result = searcher.search(ranked, query.limit, count=count, offset=query.offset)
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            order = self._t.Order.Desc if descending else self._t.Order.Asc
            result = searcher.search(
                tantivy_query, query.limit, count=count, order_by_field=field, offset=query.offset, order=order
            )
        hits = self._hits(searcher, [address for _, address in result.hits])
        if not query.facets:
            return SearchResult(total=result.count or 0, hits=hits)
        if cached is not None:
            return SearchResult(total=cached[0], hits=hits, facets=Facets.model_validate_json(cached[1]))
        passes = self._passes(text, filters, tantivy_query, query)
        total, facets = self._facets(filters, [searcher.aggregate(*p) for p in passes])
        if key is not None and generation == self._generation:
            self._remember(key, total, facets)
        return SearchResult(total=total, hits=hits, facets=facets)

    def _hits(self, searcher: Any, addresses: list[Any]) -> list[ProductHit]:
        """Stored hits, decoded once per index generation (a doc address names the same stored
        document until the next reload; at most HIT_CACHE_SIZE kept, least recently used dropped)."""
        found: list[ProductHit] = []
        with self._read_lock:
            cache = self._hit_cache
            for address in addresses:
                key = (address.segment_ord, address.doc)
                hit = cache.get(key)
                if hit is None:
                    hit = ProductHit.model_validate_json(searcher.doc(address)["hit"][0])
                    cache[key] = hit
                    self._docs_read += 1
                else:
                    cache.move_to_end(key)
                    self._docs_cached += 1
                found.append(hit)
            while len(cache) > HIT_CACHE_SIZE:
                cache.popitem(last=False)
        return found

    def _cached(self, key: _CacheKey) -> tuple[int, bytes] | None:
        with self._read_lock:
            entry = self._facet_cache.get(key)
            if entry is None:
                self._cache_misses += 1
                return None
            self._cache_hits += 1
            self._facet_cache.move_to_end(key)
            return entry

    def _remember(self, key: _CacheKey, total: int, facets: Facets) -> None:
        entry = (total, facets.model_dump_json().encode())
        with self._read_lock:
            self._facet_cache[key] = entry
            if len(self._facet_cache) > FACET_CACHE_SIZE:
                self._facet_cache.popitem(last=False)

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        query_tokens = tokens(text)
        if not query_tokens:
            return []
        *whole, last = query_tokens
        t = self._t
        searcher = self._searcher()
        plan = plan_query(" ".join(whole), lambda words: self._known(searcher, words))
        clauses = [(t.Occur.Must, clause) for clause in self._text(plan, ranked=False, relaxed=False)]
        clauses.append((t.Occur.Must, t.Query.fuzzy_term_query(self._schema, "names", last, 0, True, True)))
        query = t.Query.boolean_query(clauses)
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
        query = self._t.Query.term_set_query(self._schema, "members", list(product_ids))
        result = searcher.search(query, len(product_ids), count=False)
        return in_product_order(
            product_ids, (ProductHit.model_validate_json(searcher.doc(a)["hit"][0]) for _, a in result.hits)
        )

    def due_for_reprice(self, until: datetime, limit: int) -> list[str]:
        searcher = self._searcher()
        t = self._t
        due = t.Query.range_query(self._schema, "reprice_at", t.FieldType.Integer, None, epoch_seconds(until))
        result = searcher.search(due, limit, count=False)
        return [ProductHit.model_validate_json(searcher.doc(address)["hit"][0]).family_id for _, address in result.hits]

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

    def _text(self, plan: list[WordQuery], *, ranked: bool, relaxed: bool) -> list[Any]:
        """One clause per query word (logic/analysis.py plan_query), every one must match
        (`relaxed`: any one); `ranked`: the first part of the first word adds the tie breaker
        (logic/search.py term_clauses); only the top-k search needs it, not counts or facets."""
        t = self._t
        clauses = [self._word_query(word, tiered=ranked and index == 0) for index, word in enumerate(plan)]
        if relaxed and len(clauses) > 1:
            return [t.Query.boolean_query([(t.Occur.Should, clause) for clause in clauses])]
        return clauses

    def _word_query(self, word: WordQuery, tiered: bool) -> Any:
        """Every part at its best level, or with typo tolerance a word of `names` within the
        distance (constant scores: the same ranking as the other engines)."""
        t, schema = self._t, self._schema
        parts = [self._part_query(part, tiered and index == 0) for index, part in enumerate(word.parts)]
        exact = parts[0] if len(parts) == 1 else t.Query.boolean_query([(t.Occur.Must, p) for p in parts])
        if not word.distance:
            return exact
        fuzzy = t.Query.fuzzy_term_query(schema, "names", word.fuzzy, word.distance, True, False)
        typo = t.Query.const_score_query(fuzzy, FUZZY_WEIGHT)
        return t.Query.boolean_query([(t.Occur.Should, exact), (t.Occur.Should, typo)])

    def _build_part_query(self, term: str, tiered: bool) -> Any:
        """The query of one term at every level (cached per backend in `_part_query`: building
        the nested clauses costs more than running them)."""
        t, schema = self._t, self._schema
        return t.Query.boolean_query(
            [
                (t.Occur.Should, t.Query.const_score_query(t.Query.term_query(schema, "terms", indexed), score))
                for indexed, score in term_clauses(term, tiered)
            ]
        )

    @staticmethod
    def _known(searcher: Any, words: Iterable[str]) -> set[str]:
        """The words some product has in its title, brand, category, attributes or description
        (counts documents deleted but not yet merged away, like every Lucene-style doc_freq)."""
        return {word for word in words if searcher.doc_freq("names", word) or searcher.doc_freq("body", word)}

    def _clauses(self, query: SearchQuery, searcher: Any) -> tuple[list[WordQuery], dict[str, Any]]:
        """The query's words (logic/analysis.py plan_query) and the filters by dimension."""
        t, schema = self._t, self._schema
        plan = plan_query(query.text, lambda words: self._known(searcher, words))
        filters: dict[str, Any] = {}
        if query.category:
            filters["category"] = t.Query.term_query(schema, "category_path", category_key(query.category))
        if query.brands:
            filters["brand"] = t.Query.term_set_query(schema, "brand_key", [fold(b) for b in query.brands])
        if query.vendors:
            filters["vendor"] = t.Query.term_set_query(schema, "vendor_ids", list(query.vendors))
        if query.price_min is not None or query.price_max is not None:
            filters["price"] = t.Query.range_query(
                schema, "price", t.FieldType.Integer, query.price_min, query.price_max
            )
        if query.in_stock:
            filters["in_stock"] = t.Query.term_query(schema, "in_stock", 1)
        if query.rating_min is not None:
            filters["rating"] = t.Query.range_query(schema, "rating", t.FieldType.Float, float(query.rating_min), None)
        return plan, filters

    def _passes(
        self, text: list[Any], filters: dict[str, Any], tantivy_query: Any, query: SearchQuery
    ) -> list[tuple[Any, dict[str, Any]]]:
        """The aggregation passes (query, request) of a query's total and facets: one on the full
        query for the total, the category facet and every unfiltered dimension, one more per
        filtered dimension on the query without its own filter."""
        aggs: dict[str, Any] = {"category": _terms(f"cat_d{category_children_depth(query)}", FACET_SIZE * 2)}
        if "brand" not in filters:
            aggs["brand"] = _terms("brand", FACET_SIZE * 2)
        if "vendor" not in filters:
            aggs["vendor"] = _terms("vendor_facet", FACET_SIZE * 2)
        aggs["band"] = _terms("facet_band", _BANDS)  # every document has one: the total
        passes = [(tantivy_query, aggs)]
        for dimension in _DISJUNCTIVE:
            if dimension in filters:
                others = _combine(self._t, text, (f for name, f in filters.items() if name != dimension))
                agg = {
                    "brand": {"brand": _terms("brand", FACET_SIZE * 2)},
                    "vendor": {"vendor": _terms("vendor_facet", FACET_SIZE * 2)},
                }.get(dimension, {"band": _terms("facet_band", _BANDS)})
                passes.append((others, agg))
        return passes

    @staticmethod
    def _facets(filters: dict[str, Any], outcomes: list[dict[str, Any]]) -> tuple[int, Facets]:
        """The total and the facets from the outcomes of `_passes` (same order). The total is
        the sum of the first pass's `facet_band` buckets (every document has one band), so the
        top-k search need not count."""
        result, extra = outcomes[0], iter(outcomes[1:])
        total = sum(bucket["doc_count"] for bucket in result["band"]["buckets"])
        results = {dimension: next(extra) if dimension in filters else result for dimension in _DISJUNCTIVE}
        prices = [0] * len(price_ranges())
        for bucket in results["price"]["band"]["buckets"]:
            prices[int(bucket["key"]) // _STARS] += bucket["doc_count"]
        stars = [0] * _STARS
        for bucket in results["rating"]["band"]["buckets"]:
            stars[int(bucket["key"]) % _STARS] += bucket["doc_count"]
        return total, facets_of(
            _pairs(result, "category"),
            _pairs(results["brand"], "brand"),
            _pairs(results["vendor"], "vendor"),
            prices,
            {step: sum(stars[step:]) for step in RATING_STEPS},
        )


def _combine(t: Any, text: Sequence[Any], filters: Iterable[Any]) -> Any:
    """Every text clause scores, every filter must match without scoring; nothing: all products."""
    clauses = [(t.Occur.Must, clause) for clause in text]
    clauses += [(t.Occur.Must, t.Query.const_score_query(f, 0.0)) for f in filters]
    if not clauses:
        return t.Query.all_query()
    return t.Query.boolean_query(clauses)


def _cache_key(query: SearchQuery) -> _CacheKey:
    """What a query's total and facets depend on: text tokens and filters, not sort or page."""
    return (
        tuple(tokens(query.text)),
        tuple(query.category),
        frozenset(fold(brand) for brand in query.brands),
        frozenset(query.vendors),
        query.price_min,
        query.price_max,
        bool(query.in_stock),
        query.rating_min,
    )


def _terms(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size, "segment_size": SEGMENT_SIZE}}


def _pairs(result: dict[str, Any], name: str) -> Iterator[tuple[str, int]]:
    return ((bucket["key"], bucket["doc_count"]) for bucket in result[name]["buckets"])
