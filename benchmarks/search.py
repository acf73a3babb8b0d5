# ruff: noqa: S608  (SQL text is built from constants; every value is a bound parameter)
"""Search benchmark: the catalog's tantivy backend vs SQLite FTS5 on the same synthetic catalog.

    .venv/bin/python -m benchmarks.search --products 100000 --queries 1000

Builds a synthetic catalog (Dutch, German and English titles, brands, a three-level category
tree, several vendors per product), indexes it in both engines, and runs the same mix of queries
against each, taking turns (see below), every query with all five facets (category children,
brand, vendor, price ranges, rating) and a total count:
- text: one or two words, some with a typo (fuzzy distance 1 from 4 chars, 2 from 8, for words
  no product has; FTS5 has no fuzzy matching, so the baseline expands each such word to the
  indexed terms within the same edit distance, found in its fts5vocab table, and ORs them);
- filters: category path, brand, vendor, price range, in stock, minimum rating;
- sorts: relevance, price, popularity, rating, newest; some second and third pages.
Facets are disjunctive in both engines (a facet of a filtered dimension counts the products
matching the other filters: one more pass per filtered brand, vendor, price or rating).
Reports p50/p99/mean per engine and the ratio, and how often both engines agree on the total.

tantivy indexes the catalog in one commit (`--commits 1`, as `CatalogIndexer.rebuild` does: one
segment); `--commits 10` commits every 10,000 documents as round 1 did (three segments after
tantivy's merges). The engines take turns in blocks of `--block` queries (default 50, the
engine going first alternating per block); `--block 1` interleaves query by query, which lets
SQLite's much larger working set evict tantivy's from the CPU caches before every query.

The tantivy backend caches facets and totals per index generation (keyed by text and filters,
not sort or page) and decoded hits; the cache is emptied after the warm-up, so hits come only
from queries of the measured mix that repeat an earlier one's text and filters (the synthetic
vocabulary is small, so single words repeat). The report gives the hit counts and the tantivy
rows over cache misses alone (the engine's cost for a query it has not seen in this generation).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.catalog.logic.search import (
    MAX_CATEGORY_DEPTH,
    PRICE_EDGES,
    RATING_STEPS,
    SearchDocument,
    SearchQuery,
    Sort,
    VendorRef,
    category_key,
    category_prefixes,
    index_fields,
    sort_keys,
)
from functions.catalog.logic.text import edit_distance, fold, tokens, typo_distance

T0 = datetime(2025, 1, 1, tzinfo=UTC)

CATEGORIES: dict[str, dict[str, list[str]]] = {
    "Huis & Keuken": {
        "Koken": ["Pannen", "Messen", "Snijplanken", "Ovenschalen"],
        "Koffie & Thee": ["Koffiemolens", "Theepotten", "Mokken"],
        "Verlichting": ["Tafellampen", "Hanglampen"],
    },
    "Küche & Haushalt": {
        "Kochen": ["Bratpfannen", "Töpfe", "Küchenmesser"],
        "Kaffee": ["Kaffeemühlen", "Kaffeebecher", "Espressokocher"],
        "Wohnen": ["Kissen", "Decken", "Vasen"],
    },
    "Sport & Outdoor": {
        "Fietsen": ["Stadsfietsen", "Fietsbellen", "Fietstassen"],
        "Wandern": ["Rucksäcke", "Wanderschuhe", "Zelte"],
        "Running": ["Running Shoes", "Jackets"],
    },
    "Fashion": {
        "Dames": ["Truien", "Sjaals", "Jassen"],
        "Herren": ["Pullover", "Mützen", "Hemden"],
        "Kids": ["Sweaters", "Caps"],
    },
    "Electronics": {
        "Audio": ["Headphones", "Speakers"],
        "Computers": ["Keyboards", "Monitors", "Laptop Sleeves"],
    },
}
NOUNS = {
    "nl": [
        "koekenpan",
        "koksmes",
        "snijplank",
        "ovenschaal",
        "koffiemolen",
        "theepot",
        "mok",
        "tafellamp",
        "hanglamp",
        "stadsfiets",
        "fietsbel",
        "fietstas",
        "trui",
        "sjaal",
        "jas",
        "kussen",
        "deken",
    ],
    "de": [
        "Bratpfanne",
        "Kochtopf",
        "Küchenmesser",
        "Kaffeemühle",
        "Kaffeebecher",
        "Espressokocher",
        "Kissen",
        "Decke",
        "Vase",
        "Rucksack",
        "Wanderschuh",
        "Zelt",
        "Pullover",
        "Mütze",
        "Hemd",
        "Schal",
        "Straßenlampe",
    ],
    "en": [
        "frying pan",
        "chef knife",
        "cutting board",
        "coffee grinder",
        "teapot",
        "mug",
        "desk lamp",
        "backpack",
        "running shoe",
        "rain jacket",
        "headphones",
        "speaker",
        "keyboard",
        "monitor",
        "laptop sleeve",
        "cap",
    ],
}
ADJECTIVES = {
    "nl": [
        "roestvrij",
        "handgemaakt",
        "duurzaam",
        "klassiek",
        "groot",
        "klein",
        "wollen",
        "katoenen",
        "zwart",
        "grijs",
    ],
    "de": [
        "edelstahl",
        "handgefertigt",
        "nachhaltig",
        "klassisch",
        "groß",
        "klein",
        "wollen",
        "schwarz",
        "grün",
        "gemütlich",
        "spülmaschinenfest",
    ],
    "en": [
        "stainless",
        "handmade",
        "durable",
        "classic",
        "large",
        "small",
        "woolen",
        "cotton",
        "black",
        "waterproof",
        "lightweight",
        "wireless",
    ],
}
MATERIALS = ["Edelstahl", "Gusseisen", "Keramik", "Porselein", "Eikenhout", "Merino", "Katoen", "Leder", "Bamboo"]
COLORS = ["zwart", "wit", "grau", "blau", "rood", "grün", "beige", "navy", "olijf", "bordeaux"]
BRAND_PARTS = [
    "Berg",
    "Noord",
    "Zee",
    "Wolken",
    "Tatra",
    "Lind",
    "Kiel",
    "Van",
    "Huis",
    "Stern",
    "Fjäll",
    "Café",
    "Müller",
    "Dijk",
    "Søn",
    "Weber",
    "Koch",
    "Haven",
    "Licht",
    "Stad",
]
BRAND_TAILS = ["feld", "qvist", "werk", "mann", " & Söhne", " Design", "haus", "kamp", "lux", " Co.", "berg", "stad"]


def brands(rnd: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add(rnd.choice(BRAND_PARTS) + rnd.choice(BRAND_TAILS))
    return sorted(found)


def leaf_paths() -> list[list[str]]:
    return [[root, mid, leaf] for root, mids in CATEGORIES.items() for mid, leaves in mids.items() for leaf in leaves]


def catalog(size: int, seed: int = 42) -> list[SearchDocument]:
    rnd = random.Random(seed)
    all_brands = brands(rnd, 200)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(all_brands))]
    paths = leaf_paths()
    vendors = [VendorRef(vendor_id=f"v{n:03}", name=f"Winkel {n:03}") for n in range(60)]
    documents = []
    for index in range(size):
        language = rnd.choice(("nl", "de", "en"))
        noun = rnd.choice(NOUNS[language])
        adjective = rnd.choice(ADJECTIVES[language])
        brand = rnd.choices(all_brands, weights)[0] if rnd.random() < 0.93 else None
        path = rnd.choice(paths)
        if rnd.random() < 0.05:
            path = path[:2]
        color = rnd.choice(COLORS)
        material = rnd.choice(MATERIALS)
        size_label = rnd.choice(["S", "M", "L", "XL", "28 cm", "1 L", "500 ml", "2-pack", "42"])
        title = f"{brand or ''} {adjective} {noun} {material} {size_label}".strip()
        description = (
            f"{adjective.capitalize()} {noun} van {material}, kleur {color}. "
            f"{rnd.choice(ADJECTIVES['en'])} {rnd.choice(NOUNS['en'])} quality, "
            f"{rnd.choice(ADJECTIVES['de'])} und {rnd.choice(ADJECTIVES['de'])}."
        )
        rating_count = int(rnd.expovariate(1 / 8)) if rnd.random() < 0.6 else 0
        documents.append(
            SearchDocument(
                product_id=f"p{index:06}",
                title=title,
                brand=brand,
                description=description,
                attributes={"color": color, "material": material, "size": size_label},
                category=path,
                vendors=sorted(rnd.sample(vendors, rnd.choice((1, 1, 1, 2, 2, 3, 5))), key=lambda v: v.vendor_id),
                price=int(min(rnd.lognormvariate(8.3, 1.1), 5_000_000)),
                in_stock=rnd.random() < 0.8,
                offer_count=1,
                rating=round(rnd.uniform(1, 5), 1) if rating_count else 0.0,
                rating_count=rating_count,
                popularity=float(int(rnd.expovariate(1 / 20))),
                created_at=T0 + timedelta(minutes=rnd.randint(0, 500_000)),
            )
        )
    return documents


# ---- query mix -------------------------------------------------------------------------------


def typo(rnd: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    position = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == "drop":
        return word[:position] + word[position + 1 :]
    if kind == "double":
        return word[:position] + word[position] + word[position:]
    return word[:position] + rnd.choice("aeiou") + word[position + 1 :]


def queries(documents: Sequence[SearchDocument], count: int, seed: int = 7) -> list[tuple[str, SearchQuery]]:
    rnd = random.Random(seed)
    popular_brands = [d.brand for d in documents[:5000] if d.brand]
    vendor_ids = sorted({v.vendor_id for d in documents[:2000] for v in d.vendors})
    mix: list[tuple[str, SearchQuery]] = []
    for _ in range(count):
        sample = rnd.choice(documents)
        words = [w for w in tokens(sample.title) if len(w) > 2 and not w.isdigit()]
        kind = rnd.choices(("word", "two words", "typo", "filters", "text+filters"), (30, 20, 20, 15, 15))[0]
        sort = Sort.RELEVANCE
        fields: dict[str, Any] = {}
        if kind == "word":
            fields["text"] = rnd.choice(words)
        elif kind == "two words":
            fields["text"] = " ".join(rnd.sample(words, 2)) if len(words) > 1 else words[0]
        elif kind == "typo":
            long_words = [w for w in words if len(w) >= 5] or words
            fields["text"] = typo(rnd, rnd.choice(long_words))
        else:
            path = sample.category[: rnd.randint(1, len(sample.category))]
            fields["category"] = path
            if rnd.random() < 0.5:
                low = rnd.choice((0, 1_000, 2_500, 5_000))
                fields["price_min"], fields["price_max"] = low, low + rnd.choice((2_500, 10_000, 50_000))
            if rnd.random() < 0.5:
                fields["in_stock"] = True
            sort = rnd.choice((Sort.PRICE_ASC, Sort.PRICE_DESC, Sort.POPULAR, Sort.NEWEST, Sort.RATING))
            if kind == "text+filters":
                fields["text"] = rnd.choice(words)
                sort = rnd.choice((Sort.RELEVANCE, Sort.PRICE_ASC, Sort.POPULAR))
                choice = rnd.random()
                if choice < 0.3:
                    fields["brands"] = [rnd.choice(popular_brands)]
                elif choice < 0.6:
                    fields["vendors"] = rnd.sample(vendor_ids, 2)
                else:
                    fields["rating_min"] = rnd.choice((3.0, 4.0))
        offset = rnd.choice((0, 0, 0, 0, 20, 40))
        mix.append((kind, SearchQuery(sort=sort, offset=offset, limit=20, **fields)))
    return mix


# ---- SQLite FTS5 baseline --------------------------------------------------------------------


class SqliteSearch:
    """The same queries on SQLite FTS5 (unicode61, diacritics removed) plus plain tables."""

    def __init__(self, documents: Sequence[SearchDocument]):
        self.db = sqlite3.connect(":memory:")
        db = self.db
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, brand_text, body, names, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        depth_columns = ", ".join(f"cat_d{d} TEXT" for d in range(MAX_CATEGORY_DEPTH))
        db.execute(
            "CREATE TABLE products (id INTEGER PRIMARY KEY, product_id TEXT, hit TEXT, brand TEXT, brand_key TEXT, "
            f"price INTEGER, rating REAL, in_stock INTEGER, k_price INTEGER, k_popular INTEGER, k_rating INTEGER, "
            f"k_newest INTEGER, {depth_columns})"
        )
        db.execute("CREATE TABLE product_vendors (id INTEGER, vendor_id TEXT, facet TEXT)")
        db.execute("CREATE TABLE product_categories (id INTEGER, path TEXT)")
        for rowid, doc in enumerate(documents, 1):
            fields = index_fields(doc)
            db.execute(
                "INSERT INTO fts(rowid, title, brand_text, body, names) VALUES (?, ?, ?, ?, ?)",
                (rowid, doc.title, doc.brand or "", fields["body"], fields["names"]),
            )
            keys = sort_keys(doc)
            depths = [fields.get(f"cat_d{d}") for d in range(MAX_CATEGORY_DEPTH)]
            db.execute(
                f"INSERT INTO products VALUES ({', '.join('?' * (12 + MAX_CATEGORY_DEPTH))})",
                (
                    rowid,
                    doc.product_id,
                    json.dumps({"product_id": doc.product_id, "title": doc.title, "price": doc.price}),
                    doc.brand,
                    fields["brand_key"],
                    doc.price,
                    doc.rating,
                    int(doc.in_stock),
                    keys["k_price"],
                    keys["k_popular"],
                    keys["k_rating"],
                    keys["k_newest"],
                    *depths,
                ),
            )
            db.executemany(
                "INSERT INTO product_vendors VALUES (?, ?, ?)",
                [(rowid, v.vendor_id, f"{v.vendor_id}\x1f{v.name}") for v in doc.vendors],
            )
            db.executemany(
                "INSERT INTO product_categories VALUES (?, ?)", [(rowid, p) for p in category_prefixes(doc.category)]
            )
        for statement in (
            "CREATE INDEX pv_vendor ON product_vendors(vendor_id, id)",
            "CREATE INDEX pv_id ON product_vendors(id)",
            "CREATE INDEX pc_path ON product_categories(path, id)",
            "CREATE INDEX p_brand ON products(brand_key)",
            "CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, row)",
        ):
            db.execute(statement)
        db.commit()
        self.vocabulary = [row[0] for row in db.execute("SELECT term FROM vocab")]
        self.known = set(self.vocabulary)

    def _match(self, text: str) -> str | None:
        """Every word: exactly in any column, or, if no product has the word (typo tolerance,
        logic/text.py), a vocabulary term within the word's edit distance in `names` (title,
        brand, categories, attributes), like the engines."""
        parts = []
        for token in tokens(text):
            distance = typo_distance(token) if token not in self.known else 0
            near = set()
            if distance:
                near = {
                    term
                    for term in self.vocabulary
                    if abs(len(term) - len(token)) <= distance and edit_distance(token, term, distance) <= distance
                }
            quoted = " OR ".join('"' + term + '"' for term in sorted(near))
            fuzzy = f" OR names : ({quoted})" if near else ""
            parts.append(f'("{token}"{fuzzy})')
        return " AND ".join(parts) or None

    def search(self, query: SearchQuery) -> tuple[int, list[str], dict[str, Any]]:
        """Hits, total and the same disjunctive facets as the engines: the brand, vendor, price
        and rating facets of a query filtered on that dimension count the products matching the
        other filters (one more temporary table per filtered dimension, as tantivy's extra pass)."""
        db = self.db
        conditions: list[tuple[str, str, list[Any]]] = []  # (dimension, SQL, parameters)
        match = self._match(query.text)
        source = "products p"
        if match:
            source = "fts JOIN products p ON p.id = fts.rowid"
            conditions.append(("text", "fts MATCH ?", [match]))
        if query.category:
            path = category_key(query.category)
            conditions.append(("category", "p.id IN (SELECT id FROM product_categories WHERE path = ?)", [path]))
        if query.brands:
            marks = ", ".join("?" * len(query.brands))
            conditions.append(("brand", f"p.brand_key IN ({marks})", [fold(b) for b in query.brands]))
        if query.vendors:
            marks = ", ".join("?" * len(query.vendors))
            sql = f"p.id IN (SELECT id FROM product_vendors WHERE vendor_id IN ({marks}))"
            conditions.append(("vendor", sql, list(query.vendors)))
        if query.price_min is not None:
            conditions.append(("price", "p.price >= ?", [query.price_min]))
        if query.price_max is not None:
            conditions.append(("price", "p.price <= ?", [query.price_max]))
        if query.in_stock:
            conditions.append(("in_stock", "p.in_stock = 1", []))
        if query.rating_min is not None:
            conditions.append(("rating", "p.rating >= ?", [query.rating_min]))
        if query.sort is Sort.RELEVANCE and match:
            order = "bm25(fts, 3.0, 2.0, 1.0, 0.5) ASC"
        else:
            order = {
                Sort.PRICE_ASC: "p.k_price ASC",
                Sort.PRICE_DESC: "p.k_price DESC",
                Sort.RATING: "p.k_rating DESC",
                Sort.NEWEST: "p.k_newest DESC",
            }.get(query.sort, "p.k_popular DESC")

        def matching(table: str, skip: str | None) -> str:
            kept = [(sql, values) for dimension, sql, values in conditions if dimension != skip]
            where = " AND ".join(["1", *(sql for sql, _ in kept)])
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
            db.execute(
                f"CREATE TEMP TABLE {table} AS SELECT p.id AS id, {order.rsplit(' ', 1)[0]} AS rank "
                f"FROM {source} WHERE {where}",
                [value for _, values in kept for value in values],
            )
            return table

        hits = matching("hits", None)
        filtered = {dimension for dimension, _, _ in conditions}
        table = {
            dimension: matching(f"hits_{dimension}", dimension) if dimension in filtered else hits
            for dimension in ("brand", "vendor", "price", "rating")
        }
        direction = "DESC" if order.endswith("DESC") else "ASC"
        page = [
            json.loads(row[0])["product_id"]
            for row in db.execute(
                f"SELECT p.hit FROM {hits} h JOIN products p ON p.id = h.id "
                f"ORDER BY h.rank {direction} LIMIT ? OFFSET ?",
                (query.limit, query.offset),
            )
        ]
        total = db.execute(f"SELECT count(*) FROM {hits}").fetchone()[0]
        depth = min(len(query.category), MAX_CATEGORY_DEPTH - 1)
        cases = " ".join(f"WHEN p.price < {edge} THEN {edge}" for edge in PRICE_EDGES)
        facets = {
            "category": db.execute(
                f"SELECT p.cat_d{depth}, count(*) FROM {hits} h JOIN products p ON p.id = h.id "
                f"WHERE p.cat_d{depth} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 30"
            ).fetchall(),
            "brand": db.execute(
                f"SELECT p.brand, count(*) FROM {table['brand']} h JOIN products p ON p.id = h.id "
                "WHERE p.brand IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 30"
            ).fetchall(),
            "vendor": db.execute(
                f"SELECT v.facet, count(*) FROM {table['vendor']} h JOIN product_vendors v ON v.id = h.id "
                "GROUP BY 1 ORDER BY 2 DESC LIMIT 30"
            ).fetchall(),
            "price": db.execute(
                f"SELECT CASE {cases} ELSE 0 END, count(*) FROM {table['price']} h JOIN products p ON p.id = h.id "
                "GROUP BY 1"
            ).fetchall(),
            "rating": db.execute(
                "SELECT "
                + ", ".join(f"sum(p.rating >= {step})" for step in RATING_STEPS)
                + f" FROM {table['rating']} h JOIN products p ON p.id = h.id"
            ).fetchall(),
        }
        return total, page, facets


# ---- run -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--commits", type=int, default=1, help="tantivy commits while indexing (segments)")
    parser.add_argument("--block", type=int, default=50, help="queries per engine turn (1: query by query)")
    parser.add_argument(
        "--gateway",
        type=int,
        default=0,
        metavar="PRODUCTS",
        help="also time GET /products through the local runtime's REST gateway, seeded with PRODUCTS",
    )
    return parser.parse_args()


def gateway_phase(products: int, requests: int, console: Any) -> None:
    """GET /products over HTTP through the local API gateway (catalog API in its worker process,
    tantivy index written by the indexer worker), seeded by the runtime's own seeders."""
    import socket
    from pathlib import Path

    import httpx

    from local.config import RuntimeConfig
    from local.runtime import Runtime, RuntimeThread

    def free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
            return port

    data_dir = tempfile.mkdtemp(prefix="plein-search-gw-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    config = RuntimeConfig(
        data_dir=Path(data_dir),
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        products=products,
        persist=False,
        log_level="WARNING",
    )
    thread = RuntimeThread(Runtime(config))
    thread.start(timeout=1800)
    try:
        thread.call(thread.runtime.wait_until_idle(1800), 1830)
        with httpx.Client(base_url=config.rest_url, timeout=30) as client:
            first = client.get("/products", params={"limit": 50}).json()
            words = sorted({w for item in first["items"] for w in tokens(item["title"]) if len(w) > 3}) or ["a"]
            categories = [b["value"] for b in first["facets"]["category"]] or [""]
            rnd = random.Random(3)
            plans = []
            for _ in range(requests):
                params: dict[str, Any] = {"limit": 20}
                kind = rnd.random()
                if kind < 0.5:
                    params["q"] = rnd.choice(words)
                elif kind < 0.7:
                    params["q"] = typo(rnd, rnd.choice(words))
                else:
                    params["category"] = rnd.choice(categories)
                    params["sort"] = rnd.choice(("price_asc", "popular", "newest"))
                plans.append(params)
            for params in plans[:50]:
                client.get("/products", params=params)
            timings = []
            for params in plans:
                start = time.perf_counter()
                response = client.get("/products", params=params)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
        console.print(
            f"GET /products via the local gateway ({first['total']:,} products indexed, {requests} requests): "
            f"p50 {percentile(timings, 0.5):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms"
        )
    finally:
        thread.stop()


def main() -> None:
    args = arguments()

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from functions.catalog.store.search_tantivy import TantivySearchBackend

    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("generate catalog", total=1)
        documents = catalog(args.products)
        progress.advance(task)

        task = progress.add_task("index tantivy", total=len(documents))
        workdir = tempfile.mkdtemp(prefix="plein-search-bench-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        engine = TantivySearchBackend(workdir)
        start = time.perf_counter()
        step = -(-len(documents) // max(args.commits, 1))
        for offset in range(0, len(documents), step):
            engine.upsert(documents[offset : offset + step])
            progress.advance(task, min(step, len(documents) - offset))
        engine.close()
        tantivy_index_s = time.perf_counter() - start
        segments = engine.segment_count()

        task = progress.add_task("index sqlite fts5", total=1)
        start = time.perf_counter()
        baseline = SqliteSearch(documents)
        sqlite_index_s = time.perf_counter() - start
        progress.advance(task)

        mix = queries(documents, args.queries)
        warm = queries(documents, args.warmup, seed=99)
        task = progress.add_task("warm up", total=len(warm))
        for _, query in warm:
            engine.search(query)
            baseline.search(query)
            progress.advance(task)

        engine.clear_cache()
        # The benchmark process holds the whole catalog (100k documents, millions of objects);
        # an API process does not: keep them out of the cyclic GC's full collections.
        gc.collect()
        gc.freeze()
        task = progress.add_task(f"queries (blocks of {args.block})", total=len(mix))
        times, per_kind, agree, hits, load_before = run_queries(
            engine, baseline, mix, args.block, lambda: progress.advance(task)
        )
    stats = engine.cache_stats()
    console.print(
        f"tantivy: {args.commits} commit(s) while indexing, {segments} segment(s); "
        f"engines take turns every {args.block} queries"
    )
    console.print(
        f"load average (1 min) before/after the queries: {load_before:.1f} / {os.getloadavg()[0]:.1f}; "
        f"matching products per query: median {statistics.median(hits):,.0f}, p90 {percentile(hits, 0.9):,.0f}"
    )
    console.print(
        f"tantivy facet cache: {stats['facet_hits']} hits, {stats['facet_misses']} misses; "
        f"hits decoded from the store {stats['docs_read']:,}, from the hit cache {stats['docs_cached']:,}"
    )

    report(
        console,
        products=args.products,
        count=len(mix),
        times=times,
        per_kind=per_kind,
        agree=agree,
        tantivy_index_s=tantivy_index_s,
        sqlite_index_s=sqlite_index_s,
    )
    if args.gateway:
        gateway_phase(args.gateway, args.queries, console)


def run_queries(
    engine: Any, baseline: SqliteSearch, mix: Sequence[tuple[str, SearchQuery]], block: int, advance: Any
) -> tuple[dict[str, list[float]], dict[tuple[str, str], list[float]], int, list[int], float]:
    """Every query on both engines, in turns of `block` queries per engine (which engine goes
    first alternates per block); wall and thread CPU times."""
    names = ("tantivy", "sqlite", "tantivy cpu", "sqlite cpu", "tantivy miss", "tantivy miss cpu")
    times: dict[str, list[float]] = {name: [] for name in names}
    per_kind: dict[tuple[str, str], list[float]] = {}
    totals: dict[str, list[int]] = {"tantivy": [], "sqlite": []}
    load_before = os.getloadavg()[0]
    block = max(block, 1)
    for number, first in enumerate(range(0, len(mix), block)):
        chunk = mix[first : first + block]
        order = ("tantivy", "sqlite") if number % 2 == 0 else ("sqlite", "tantivy")
        for name in order:
            for kind, query in chunk:
                cached = engine.cache_stats()["facet_hits"]
                start, cpu = time.perf_counter(), time.thread_time()
                if name == "tantivy":
                    total = engine.search(query).total
                else:
                    total = baseline.search(query)[0]
                elapsed = (time.perf_counter() - start) * 1000
                elapsed_cpu = (time.thread_time() - cpu) * 1000
                totals[name].append(total)
                times[name].append(elapsed)
                times[f"{name} cpu"].append(elapsed_cpu)
                per_kind.setdefault((name, kind), []).append(elapsed)
                if name == "tantivy" and engine.cache_stats()["facet_hits"] == cached:
                    times["tantivy miss"].append(elapsed)
                    times["tantivy miss cpu"].append(elapsed_cpu)
        for _ in chunk:
            advance()
    agree = sum(a == b for a, b in zip(totals["tantivy"], totals["sqlite"], strict=True))
    return times, per_kind, agree, totals["tantivy"], load_before


def report(
    console: Any,
    *,
    products: int,
    count: int,
    times: dict[str, list[float]],
    per_kind: dict[tuple[str, str], list[float]],
    agree: int,
    tantivy_index_s: float,
    sqlite_index_s: float,
) -> None:
    from rich.table import Table

    table = Table(title=f"Search, {products:,} products, {count:,} queries with facets (ms)")
    for column in ("engine", "p50", "p99", "mean", "index s"):
        table.add_column(column, justify="right")
    rows = (
        ("tantivy", tantivy_index_s),
        ("tantivy cpu", tantivy_index_s),
        ("tantivy miss", tantivy_index_s),
        ("tantivy miss cpu", tantivy_index_s),
        ("sqlite", sqlite_index_s),
        ("sqlite cpu", sqlite_index_s),
    )
    for name, index_s in rows:
        values = times[name] or [0.0]
        table.add_row(
            name,
            f"{percentile(values, 0.5):.3f}",
            f"{percentile(values, 0.99):.3f}",
            f"{statistics.fmean(values):.3f}",
            f"{index_s:.1f}",
        )
    console.print(table)
    console.print(
        "rows: wall-clock time; `cpu`: the calling thread's CPU time (independent of other load); "
        f"`tantivy miss`: the {len(times['tantivy miss'])} queries not answered from the facet cache"
    )
    ratio50 = percentile(times["sqlite"], 0.5) / percentile(times["tantivy"], 0.5)
    ratio99 = percentile(times["sqlite"], 0.99) / percentile(times["tantivy"], 0.99)
    console.print(f"sqlite / tantivy: p50 {ratio50:.1f}x, p99 {ratio99:.1f}x; same total in {agree}/{count} queries")
    kinds = Table(title="p50 / p99 per query kind (ms)")
    for column in ("kind", "n", "tantivy p50", "tantivy p99", "sqlite p50", "sqlite p99"):
        kinds.add_column(column, justify="right")
    for kind in ("word", "two words", "typo", "filters", "text+filters"):
        t, s = per_kind.get(("tantivy", kind), [0.0]), per_kind.get(("sqlite", kind), [0.0])
        kinds.add_row(
            kind,
            str(len(t)),
            f"{percentile(t, 0.5):.3f}",
            f"{percentile(t, 0.99):.3f}",
            f"{percentile(s, 0.5):.3f}",
            f"{percentile(s, 0.99):.3f}",
        )
    console.print(kinds)


if __name__ == "__main__":
    main()
