"""OpenSearch `SearchBackend` (opensearch-py): OpenSearch Serverless on AWS, osmem-server in tests.

On an AWS endpoint (`*.aoss.amazonaws.com`, `*.es.amazonaws.com`) requests are signed with SigV4
using the function's credentials; anything else (osmem-server, a local OpenSearch) is plain HTTP.
The same fields as the tantivy adapter are indexed (logic.search.index_fields): the analyzed
`terms` of logic/analysis.py as a keyword array, `names` and `body` with a lower-case +
ASCII-folding analyzer, and the same integer sort keys. Queries are the tantivy adapter's:
constant scores per level of a matched term, the first part adding the tier as the tie breaker,
so both engines rank alike. (OpenSearch's own decompounder and synonym filters would need the word lists
on the cluster and would analyze differently from tantivy; one analysis in Python serves both.)
An index created before `terms` existed gets the field by `put_mapping`, its products by
re-indexing them.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from functions.catalog.logic.analysis import FUZZY_WEIGHT, WordQuery, plan_query
from functions.catalog.logic.search import (
    FACET_SIZE,
    MAX_CATEGORY_DEPTH,
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
    price_ranges,
    suggestions_from,
    term_clauses,
)
from functions.catalog.logic.text import fold, tokens, typo_distance
from functions.common.errors import Unavailable
from functions.common.settings import aws_settings

_TEXT = {"type": "text", "analyzer": "folded"}
_KEYWORD = {"type": "keyword"}
MAPPING: dict[str, Any] = {
    "settings": {
        "analysis": {
            "analyzer": {"folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}}
        }
    },
    "mappings": {
        "dynamic": False,
        "properties": {
            "family_id": _KEYWORD,
            "members": _KEYWORD,
            "hit": {"type": "object", "enabled": False},
            "terms": _KEYWORD,
            "body": _TEXT,
            "names": _TEXT,
            **dict.fromkeys(("brand", "brand_key", "vendor_ids", "vendor_facet", "category_path"), _KEYWORD),
            **{f"cat_d{depth}": _KEYWORD for depth in range(MAX_CATEGORY_DEPTH)},
            "price": {"type": "long"},
            "in_stock": {"type": "integer"},
            "rating": {"type": "double"},
            "reprice_at": {"type": "long"},
            **{name: {"type": "long"} for name in ("k_price", "k_popular", "k_rating", "k_newest")},
        },
    },
}
_AWS_SUFFIXES = (".aoss.amazonaws.com", ".es.amazonaws.com")
_DISJUNCTIVE = ("brand", "vendor", "price", "rating")
"""Filter dimensions whose facet ignores their own filter (category is a drill-down)."""
VOCABULARY_TTL_S = 60.0
VOCABULARY_CACHE_SIZE = 10_000


class OpenSearchBackend:
    def __init__(self, client: Any, index: str, refresh: bool = True):
        self._client = client
        self._index = index
        self._refresh = refresh
        self._ready = False
        self._batch_depth = 0
        self._dirty = False
        self._known: dict[str, tuple[float, bool]] = {}  # word → (checked at, some product has it)

    @classmethod
    def connect(cls, endpoint: str, index: str) -> OpenSearchBackend:
        from opensearchpy import OpenSearch, RequestsHttpConnection

        host = urlparse(endpoint).hostname or ""
        if host.endswith(_AWS_SUFFIXES):
            import boto3
            from opensearchpy import AWSV4SignerAuth

            service = "aoss" if host.endswith(".aoss.amazonaws.com") else "es"
            # <collection>.<region>.aoss.amazonaws.com, search-<domain>.<region>.es.amazonaws.com
            region = host.split(".")[-4] if host.count(".") >= 4 else aws_settings().region
            auth = AWSV4SignerAuth(boto3.session.Session().get_credentials(), region, service)
            client = OpenSearch(
                hosts=[endpoint],
                http_auth=auth,
                use_ssl=True,
                verify_certs=True,
                connection_class=RequestsHttpConnection,
            )
            # OpenSearch Serverless refreshes on its own and refuses `refresh` on writes.
            return cls(client, index, refresh=service != "aoss")
        return cls(OpenSearch(hosts=[endpoint], timeout=30), index)

    def ensure_index(self) -> None:
        if self._ready:
            return
        if not self._client.indices.exists(index=self._index):
            try:
                self._client.indices.create(index=self._index, body=MAPPING)
            except Exception as exc:
                if "already_exists" not in str(exc) and "resource_already_exists" not in str(exc):
                    raise
        else:  # fields added since the index was created (adding a field is always allowed)
            self._client.indices.put_mapping(index=self._index, body=MAPPING["mappings"])
        self._ready = True

    # ---- writes -------------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Writes inside the block skip the per-request refresh; one refresh when it ends."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._dirty and self._refresh:
                self._dirty = False
                self._client.indices.refresh(index=self._index)

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        actions: list[dict[str, Any]] = []
        for doc in documents:
            actions.append({"index": {"_index": self._index, "_id": doc.family_id}})
            actions.append({**index_fields(doc), "hit": hit_of(doc).model_dump(mode="json")})
        self._known.clear()
        self._bulk(actions)

    def delete(self, family_ids: Sequence[str]) -> None:
        self._known.clear()
        self._bulk([{"delete": {"_index": self._index, "_id": fid}} for fid in family_ids])

    def _bulk(self, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        self.ensure_index()
        params = {"refresh": "true"} if self._refresh and not self._batch_depth else {}
        self._dirty = True
        response = self._client.bulk(body=actions, params=params)
        if response.get("errors"):
            failed = [
                item
                for item in response.get("items", [])
                for outcome in item.values()
                if outcome.get("status", 200) >= 300 and not (outcome.get("status") == 404 and "delete" in item)
            ]
            if failed:
                raise Unavailable(f"the search index refused {len(failed)} writes", code="search_write_failed")

    # ---- reads --------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_index()
        text_tokens = tokens(query.text)
        if query.sort is Sort.RELEVANCE and text_tokens:
            sort: list[Any] = [{"_score": "desc"}, {"family_id": "asc"}]
        else:
            field, descending = SORT_FIELD.get(query.sort, SORT_FIELD[Sort.POPULAR])
            sort = [{field: "desc" if descending else "asc"}]
        filters = _filters(query)
        # Disjunctive facets: filters of faceted dimensions go to post_filter (hits and total),
        # each facet's aggregation applies every other one (OpenSearch's usual pattern).
        post = {name: f for name, f in filters.items() if name in _DISJUNCTIVE}
        must = [_word_query(word, index == 0) for index, word in enumerate(self._plan(query.text))]
        body: dict[str, Any] = {
            "query": {
                "bool": {
                    "must": must or [{"match_all": {}}],
                    "filter": [f for name, f in filters.items() if name not in post],
                }
            },
            "sort": sort,
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
            "_source": ["hit"],
        }
        if post:
            body["post_filter"] = {"bool": {"filter": list(post.values())}}
        if query.facets:
            body["aggs"] = self._aggs(query, post)
        response = self._client.search(index=self._index, body=body)
        if not response["hits"]["total"]["value"] and len(must) > 1:
            # No product has every word: those with the most of them (logic/analysis.py)
            body["query"]["bool"]["must"] = [{"bool": {"should": must, "minimum_should_match": 1}}]
            response = self._client.search(index=self._index, body=body)
        hits = [ProductHit.model_validate(h["_source"]["hit"]) for h in response["hits"]["hits"]]
        facets = self._facets(response.get("aggregations", {}), post) if query.facets else Facets()
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _plan(self, text: str) -> list[WordQuery]:
        return plan_query(text, self._known_words)

    def _known_words(self, words: Collection[str]) -> set[str]:
        """The words some product has in its title, brand, category, attributes or description.
        Words not checked in the last VOCABULARY_TTL_S seconds (or since this process's last
        write) are checked in one size-0 request; so for up to a minute a word another process
        just added or removed may be matched as it was before."""
        now = time.monotonic()
        candidates = {token for token in words if typo_distance(token)}
        unchecked = sorted(
            token
            for token in candidates
            if now - self._known.get(token, (-VOCABULARY_TTL_S, False))[0] >= VOCABULARY_TTL_S
        )
        if unchecked:
            known = {
                str(n): {"bool": {"should": [{"term": {"names": token}}, {"term": {"body": token}}]}}
                for n, token in enumerate(unchecked)
            }
            body = {"size": 0, "track_total_hits": False, "aggs": {"known": {"filters": {"filters": known}}}}
            buckets = self._client.search(index=self._index, body=body)["aggregations"]["known"]["buckets"]
            if len(self._known) + len(unchecked) > VOCABULARY_CACHE_SIZE:
                self._known.clear()
            for n, token in enumerate(unchecked):
                self._known[token] = (now, bool(buckets[str(n)]["doc_count"]))
        return {token for token in candidates if self._known[token][1]}

    def suggest(self, text: str, limit: int) -> list[Suggestion]:
        query_tokens = tokens(text)
        if not query_tokens:
            return []
        self.ensure_index()
        *whole, last = query_tokens
        plan = self._plan(" ".join(whole))
        must = [_word_query(word, index == 0) for index, word in enumerate(plan)] + [{"prefix": {"names": last}}]
        body = {
            "query": {"bool": {"must": must}},
            "sort": [{"k_popular": "desc"}],
            "size": limit,
            "_source": ["hit"],
            "aggs": {"brand": {"terms": {"field": "brand", "size": 50}}},
        }
        response = self._client.search(index=self._index, body=body)
        products = [(h["_source"]["hit"]["product_id"], h["_source"]["hit"]["title"]) for h in response["hits"]["hits"]]
        brands = [(b["key"], b["doc_count"]) for b in response["aggregations"]["brand"]["buckets"] if b["key"]]
        return suggestions_from(brands, products, last, limit)

    def get(self, product_ids: Sequence[str]) -> list[ProductHit]:
        if not product_ids:
            return []
        self.ensure_index()
        body = {"size": len(product_ids), "_source": ["hit"], "query": {"terms": {"members": list(product_ids)}}}
        response = self._client.search(index=self._index, body=body)
        hits = (ProductHit.model_validate(found["_source"]["hit"]) for found in response["hits"]["hits"])
        return in_product_order(product_ids, hits)

    def due_for_reprice(self, until: datetime, limit: int) -> list[str]:
        self.ensure_index()
        body = {"size": limit, "_source": False, "query": {"range": {"reprice_at": {"lte": epoch_seconds(until)}}}}
        response = self._client.search(index=self._index, body=body)
        return [hit["_id"] for hit in response["hits"]["hits"]]

    def category_counts(self) -> dict[str, int]:
        self.ensure_index()
        aggs = {
            f"d{depth}": {"terms": {"field": f"cat_d{depth}", "size": 10_000}} for depth in range(MAX_CATEGORY_DEPTH)
        }
        response = self._client.search(index=self._index, body={"size": 0, "aggs": aggs})
        counts: dict[str, int] = {}
        for depth in range(MAX_CATEGORY_DEPTH):
            for bucket in response["aggregations"][f"d{depth}"]["buckets"]:
                counts[bucket["key"]] = bucket["doc_count"]
        return counts

    # ---- query building -----------------------------------------------------------------------

    def _aggs(self, query: SearchQuery, post: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Facet aggregations over the query without its post filters: a facet whose counts need
        other dimensions' post filters sits under a `filter` aggregation named after it (the
        category drill-down needs all of them); the others are top-level, as without filters."""
        depth = category_children_depth(query)
        ranges = [{k: v for k, v in (("from", low), ("to", high)) if v is not None} for low, high in price_ranges()]
        facets: dict[str, dict[str, Any]] = {
            "category": {"category": {"terms": {"field": f"cat_d{depth}", "size": FACET_SIZE * 2}}},
            "brand": {"brand": {"terms": {"field": "brand", "size": FACET_SIZE * 2}}},
            "vendor": {"vendor": {"terms": {"field": "vendor_facet", "size": FACET_SIZE * 2}}},
            "price": {"price": {"range": {"field": "price", "ranges": ranges}}},
            "rating": {f"rating{step}": {"filter": {"range": {"rating": {"gte": step}}}} for step in RATING_STEPS},
        }
        aggs: dict[str, Any] = {}
        for dimension, facet in facets.items():
            others = [f for name, f in post.items() if name != dimension]
            if others:
                aggs[dimension] = {"filter": {"bool": {"filter": others}}, "aggs": facet}
            else:
                aggs.update(facet)
        return aggs

    def _facets(self, aggs: dict[str, Any], post: dict[str, dict[str, Any]]) -> Facets:
        def scope(dimension: str) -> dict[str, Any]:
            wrapped = any(name != dimension for name in post)
            return aggs[dimension] if wrapped else aggs

        def pairs(name: str) -> list[tuple[str, int]]:
            return [(b["key"], b["doc_count"]) for b in scope(name)[name]["buckets"]]

        return facets_of(
            pairs("category"),
            pairs("brand"),
            pairs("vendor"),
            [b["doc_count"] for b in scope("price")["price"]["buckets"]],
            {step: scope("rating")[f"rating{step}"]["doc_count"] for step in RATING_STEPS},
        )


def _filters(query: SearchQuery) -> dict[str, dict[str, Any]]:
    """The query's filters by dimension."""
    filters: dict[str, dict[str, Any]] = {}
    if query.category:
        filters["category"] = {"term": {"category_path": category_key(query.category)}}
    if query.brands:
        filters["brand"] = {"terms": {"brand_key": [fold(b) for b in query.brands]}}
    if query.vendors:
        filters["vendor"] = {"terms": {"vendor_ids": list(query.vendors)}}
    if query.price_min is not None or query.price_max is not None:
        bounds = {k: v for k, v in (("gte", query.price_min), ("lte", query.price_max)) if v is not None}
        filters["price"] = {"range": {"price": bounds}}
    if query.in_stock:
        filters["in_stock"] = {"term": {"in_stock": 1}}
    if query.rating_min is not None:
        filters["rating"] = {"range": {"rating": {"gte": query.rating_min}}}
    return filters


def _constant(clause: dict[str, Any], weight: float) -> dict[str, Any]:
    return {"constant_score": {"filter": clause, "boost": weight}}


def _word_query(word: WordQuery, first: bool) -> dict[str, Any]:
    """Every part at its best level, or with typo tolerance a word of `names` (see the tantivy
    adapter's `_word_query`)."""
    parts = [_part_query(part, tiered=first and index == 0) for index, part in enumerate(word.parts)]
    exact = parts[0] if len(parts) == 1 else {"bool": {"must": parts}}
    if not word.distance:
        return exact
    fuzzy = {"fuzzy": {"names": {"value": word.fuzzy, "fuzziness": word.distance, "prefix_length": 0}}}
    return {"bool": {"should": [exact, _constant(fuzzy, FUZZY_WEIGHT)], "minimum_should_match": 1}}


def _part_query(term: str, tiered: bool) -> dict[str, Any]:
    should = [_constant({"term": {"terms": indexed}}, score) for indexed, score in term_clauses(term, tiered)]
    return {"bool": {"should": should, "minimum_should_match": 1}}
