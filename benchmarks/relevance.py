"""Relevance benchmark: how well catalog search finds what Dutch, German and English shoppers mean.

    .venv/bin/python -m benchmarks.relevance --products 100000 --os-products 10000
    .venv/bin/python -m benchmarks.relevance --write-queries    # regenerate the judged query set

The judged query set (benchmarks/relevance_queries.jsonl, kept in the repo) holds a few hundred
queries in nl, de and en: single words (singular and plural), compounds and their parts,
colour + product two-word queries, typos, umlaut spellings (`kopfhorer`, `kopfhoerer`) and words
for products the catalog does not sell. Each query names what it asks for (a product family,
optionally a modifier and a colour); the grade of a product comes from what the generator
made it (local/seed/assortment.py: its type's family, parts and its colour), never from an
engine:
- 3: the product is what was asked (a bike for `fiets`, a city bike for `Stadsfiets`, a black
  bike for `zwarte fiets`, a sneaker for `Schuhe`: a sneaker is a shoe);
- 1: related: the right family without the asked modifier or colour, or a product named after
  the family (a Fietshelm for `fiets`, a Tafellamp for `tafel`);
- 0: anything else (a scarf whose description says `Ideaal voor op de fiets`).

Reported per engine (ours: tantivy and OpenSearch on osmem-server, each beside the same engine
with its default analysis and BM25 on the same data):
- nDCG@10 (gain 2^grade - 1; the ideal from all judged products of the catalog);
- zero-result rate of the queries with relevant products (want 0), and the share of queries
  without relevant products that still return something (want 0);
- recall: the share of grade-3 products among the results (up to MAX_RESULT_WINDOW results; a
  larger relevant set counts as fully found when every result is relevant), and cross-language
  recall: the same over the grade-3 products written in another language than the query;
- latency of our tantivy engine per query as the API runs it (top 20, total and all facets,
  facet cache emptied first), p50 and p99.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from functions.catalog.logic.search import MAX_RESULT_WINDOW, SearchDocument, SearchQuery, VendorRef
from functions.catalog.logic.text import fold
from functions.common import taxonomy
from local.seed.assortment import LANGUAGES, TYPES, GeneratedProduct, product

QUERIES_FILE = Path(__file__).with_name("relevance_queries.jsonl")
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TOP = 10

FAMILY_WORDS: dict[str, tuple[str, str, str]] = {
    "bike": ("fiets fietsen", "Fahrrad Fahrräder Rad", "bike bikes bicycle"),
    "helmet": ("helm helmen", "Helm Helme", "helmet helmets"),
    "lock": ("slot sloten", "Schloss Schlösser", "lock locks"),
    "bell": ("bel bellen", "Klingel", "bell"),
    "pump": ("pomp", "Pumpe", "pump"),
    "lamp": ("lamp lampen", "Lampe Lampen Leuchte", "lamp lamps"),
    "saddle": ("zadel", "Sattel", "saddle"),
    "bag": ("tas", "Tasche Taschen", "bag bags"),
    "basket": ("mand", "Korb", "basket"),
    "chair": ("stoel stoelen", "Stuhl Stühle", "chair chairs"),
    "table": ("tafel tafels", "Tisch Tische", "table tables"),
    "desk": ("bureau", "Schreibtisch", "desk"),
    "stool": ("kruk", "Hocker", "stool"),
    "cabinet": ("kast", "Schrank", "cabinet wardrobe"),
    "cushion": ("kussen kussens", "Kissen", "cushion pillow"),
    "blanket": ("deken plaid", "Decke", "blanket"),
    "clock": ("klok", "Uhr", "clock"),
    "vase": ("vaas", "Vase", "vase"),
    "mirror": ("spiegel", "Spiegel", "mirror"),
    "rug": ("vloerkleed", "Teppich", "rug"),
    "candle": ("kaars kaarsen", "Kerze Kerzen", "candle candles"),
    "mug": ("mok", "Becher Tasse", "mug cup"),
    "teapot": ("theepot", "Teekanne", "teapot"),
    "pan": ("pan koekenpan", "Pfanne Bratpfanne", "pan"),
    "pot": ("kookpan", "Kochtopf", "saucepan"),
    "knife": ("mes", "Messer", "knife"),
    "cuttingboard": ("snijplank", "Schneidebrett", "cutting_board"),
    "grinder": ("molen", "Mühle", "grinder"),
    "kettle": ("waterkoker", "Wasserkocher", "kettle"),
    "sweater": ("trui truien", "Pullover", "sweater jumper"),
    "scarf": ("sjaal", "Schal", "scarf"),
    "beanie": ("muts", "Mütze", "beanie"),
    "jacket": ("jas jassen", "Jacke Jacken", "jacket jackets"),
    "shoe": ("schoen schoenen", "Schuh Schuhe", "shoe shoes"),
    "sneaker": ("sneakers", "Turnschuh", "sneaker"),
    "boot": ("laars laarzen", "Stiefel", "boots"),
    "backpack": ("rugzak", "Rucksack", "backpack"),
    "glove": ("handschoenen", "Handschuhe", "gloves"),
    "sock": ("sokken", "Socken", "socks"),
    "dress": ("jurk", "Kleid", "dress"),
    "jeans": ("spijkerbroek", "Jeans", "jeans"),
    "watch": ("horloge", "Armbanduhr", "watch"),
    "headphones": ("koptelefoon", "Kopfhörer", "headphones"),
    "earbuds": ("oordopjes", "Ohrhörer", "earbuds"),
    "speaker": ("luidspreker", "Lautsprecher", "speaker"),
    "charger": ("oplader", "Ladegerät", "charger"),
    "cable": ("kabel", "Kabel", "cable"),
    "keyboard": ("toetsenbord", "Tastatur", "keyboard"),
    "mouse": ("muis", "Maus", "mouse"),
    "monitor": ("beeldscherm", "Bildschirm", "monitor"),
    "case": ("hoesje", "Hülle", "case"),
    "powerbank": ("powerbank", "Powerbank", "power_bank"),
    "lighting": ("verlichting", "Beleuchtung", "lighting"),
    "furniture": ("meubels", "Möbel", "furniture"),
}
"""The words shoppers type for a family, per language (`_` joins a two-word name)."""
COLOUR_ADJECTIVES: dict[str, tuple[str, str, str]] = {
    "black": ("zwarte", "schwarze", "black"),
    "red": ("rode", "rote", "red"),
    "blue": ("blauwe", "blaue", "blue"),
    "green": ("groene", "grüne", "green"),
    "white": ("witte", "weiße", "white"),
    "grey": ("grijze", "graue", "grey"),
}
TWO_WORD_FAMILIES = ("bike", "chair", "lamp", "jacket", "sweater", "mug", "headphones", "backpack", "scarf", "table")
NEGATIVE = (
    ("koelkast", "nl"),
    ("stofzuiger", "nl"),
    ("gitaar", "nl"),
    ("Kühlschrank", "de"),
    ("Staubsauger", "de"),
    ("Gitarre", "de"),
    ("fridge", "en"),
    ("vacuum cleaner", "en"),
    ("guitar", "en"),
    ("surfboard", "en"),
    ("Zahnbürste", "de"),
    ("tandenborstel", "nl"),
)
"""Queries for things the catalog does not sell: nothing is relevant."""


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    kind: str
    language: str
    family: str | None = None
    modifier: str | None = None
    colour: str | None = None

    def grade(self, made: GeneratedProduct) -> int:
        """The product's relevance to the query (see the module docstring)."""
        if self.family is None:
            return 0
        if self.family in made.families:
            exact = (self.modifier is None or self.modifier in made.type.parts) and (
                self.colour is None or self.colour == made.colour
            )
            return 3 if exact else 1
        if self.family in made.type.parts and self.modifier is None and self.colour is None:
            return 1
        return 0


def _typo(word: str, rnd: random.Random) -> str:
    position = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == "drop":
        return word[:position] + word[position + 1 :]
    if kind == "double":
        return word[:position] + word[position] + word[position:]
    return word[:position] + rnd.choice([c for c in "aeiou" if c != word[position]]) + word[position + 1 :]


def _words_and_compounds() -> list[JudgedQuery]:
    """Every family word in each language, and each compound type name (with its modifier)."""
    found = [
        JudgedQuery(word.replace("_", " "), "word", language, family)
        for family, groups in FAMILY_WORDS.items()
        for language, group in zip(LANGUAGES, groups, strict=True)
        for word in group.split()
    ]
    found += [
        JudgedQuery(names[0], "compound", language, kind.family, kind.parts[0])
        for kind in TYPES
        if kind.parts
        for language, names in zip(LANGUAGES, kind.names, strict=True)
    ]
    return found


def _two_words() -> list[JudgedQuery]:
    """A colour and a family word, in each language (colours rotate)."""
    colours = list(COLOUR_ADJECTIVES)
    found = []
    for number, family in enumerate(TWO_WORD_FAMILIES):
        for index, language in enumerate(LANGUAGES):
            colour = colours[(number + index) % len(colours)]
            noun = FAMILY_WORDS[family][index].split()[0].replace("_", " ")
            found.append(
                JudgedQuery(f"{COLOUR_ADJECTIVES[colour][index]} {noun}", "two words", language, family, colour=colour)
            )
    return found


def _typos(queries: Sequence[JudgedQuery]) -> list[JudgedQuery]:
    """One edit in about half the words and compounds of six letters or more (never giving
    another word of the set or a type name)."""
    rnd = random.Random(16)
    real = {fold(q.text) for q in queries} | {fold(n) for kind in TYPES for names in kind.names for n in names}
    found = []
    for query in sorted(queries, key=lambda q: q.text):
        word = fold(query.text)
        if query.kind in ("word", "compound") and " " not in word and len(word) >= 6 and rnd.random() < 0.55:
            typo = _typo(word, rnd)
            if typo not in real:
                found.append(JudgedQuery(typo, "typo", query.language, query.family, query.modifier, query.colour))
    return found


def _umlauts(queries: Sequence[JudgedQuery]) -> list[JudgedQuery]:
    """Each word with ä, ö, ü or ß spelt without (`kopfhorer`) and with digraphs (`kopfhoerer`)."""
    spellings = {"ä": ("a", "ae"), "ö": ("o", "oe"), "ü": ("u", "ue"), "ß": ("ss", "ss")}
    found = []
    for query in sorted(queries, key=lambda q: q.text):
        lowered = query.text.lower()
        if any(ch in lowered for ch in spellings):
            for variant in (0, 1):
                text = "".join(spellings[ch][variant] if ch in spellings else ch for ch in lowered)
                found.append(JudgedQuery(text, "umlaut", query.language, query.family, query.modifier, query.colour))
    return found


def build_queries() -> list[JudgedQuery]:
    """The judged query set, from the assortment's types and the words above (deterministic),
    without two queries that fold to the same text."""
    base = _words_and_compounds() + _two_words()
    every = base + _typos(base) + _umlauts(base) + [JudgedQuery(text, "negative", lang) for text, lang in NEGATIVE]
    found: dict[str, JudgedQuery] = {}
    for query in every:
        found.setdefault(fold(query.text), query)
    return list(found.values())


def write_queries(path: Path = QUERIES_FILE) -> int:
    queries = build_queries()
    lines = [json.dumps({k: v for k, v in asdict(q).items() if v is not None}, ensure_ascii=False) for q in queries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(queries)


def load_queries(path: Path = QUERIES_FILE) -> list[JudgedQuery]:
    return [JudgedQuery(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


# ---- catalog and judgments -------------------------------------------------------------------


def product_id(index: int) -> str:
    return f"p{index:06d}"


def search_document(made: GeneratedProduct) -> SearchDocument:
    vendor = made.index % 40
    return SearchDocument(
        product_id=product_id(made.index),
        title=made.title,
        brand=made.brand,
        description=made.description,
        attributes=made.attributes,
        category=taxonomy.canonical(made.category),  # as the vendor API stores it
        vendors=[VendorRef(vendor_id=f"v{vendor:02d}", name=f"Winkel {vendor:02d}")],
        price=made.price,
        in_stock=made.in_stock,
        offer_count=1,
        rating=made.rating,
        rating_count=made.rating_count,
        popularity=float(made.popularity),
        created_at=T0 + timedelta(minutes=made.index),
    )


@dataclass
class Judgments:
    """Grades of every product for every query, computed per (type, colour) group."""

    products: list[GeneratedProduct]
    groups: dict[tuple[str, str], list[GeneratedProduct]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[tuple[str, str], list[GeneratedProduct]] = defaultdict(list)
        for made in self.products:
            grouped[(made.type.key, made.colour)].append(made)
        self.groups = dict(grouped)

    def grades(self, query: JudgedQuery) -> dict[str, tuple[int, int]]:
        """Product id → (grade, language index) of the products with a grade above 0."""
        graded: dict[str, tuple[int, int]] = {}
        for members in self.groups.values():
            grade = query.grade(members[0])
            if grade:
                for made in members:
                    graded[product_id(made.index)] = (grade, made.language)
        return graded


def dcg(grades: Iterable[int]) -> float:
    return sum(((1 << grade) - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


@dataclass(frozen=True)
class Outcome:
    query: JudgedQuery
    ndcg: float | None
    zero: bool
    recall: float | None
    cross_recall: float | None


def judge(query: JudgedQuery, graded: dict[str, tuple[int, int]], found: Sequence[str], window: int) -> Outcome:
    """nDCG@10, zero results and recall of one query's results `found` (best first, at most
    `window`: a relevant set larger than the window counts as found when the window holds only
    relevant products)."""
    if not graded:
        return Outcome(query, None, not found, None, None)
    ideal = dcg(sorted((grade for grade, _ in graded.values()), reverse=True)[:TOP])
    ndcg = dcg(graded.get(pid, (0, 0))[0] for pid in found[:TOP]) / ideal
    language = LANGUAGES.index(query.language)

    def recall(wanted: set[str]) -> float | None:
        return len(wanted.intersection(found)) / min(len(wanted), window) if wanted else None

    best = {pid for pid, (grade, _) in graded.items() if grade == 3}
    other = {pid for pid, (grade, lang) in graded.items() if grade == 3 and lang != language}
    return Outcome(query, ndcg, not found, recall(best), recall(other))


def mean(values: Iterable[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return statistics.fmean(kept) if kept else float("nan")


@dataclass(frozen=True)
class Summary:
    ndcg: float
    zero_with_relevant: float
    results_without_relevant: float
    recall: float
    cross_recall: float
    per_kind: dict[str, float]

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Summary:
        judged = [o for o in outcomes if o.ndcg is not None]
        negative = [o for o in outcomes if o.ndcg is None]
        kinds: dict[str, list[float | None]] = defaultdict(list)
        for outcome in judged:
            kinds[outcome.query.kind].append(outcome.ndcg)
        return cls(
            ndcg=mean(o.ndcg for o in judged),
            zero_with_relevant=sum(o.zero for o in judged) / max(len(judged), 1),
            results_without_relevant=sum(not o.zero for o in negative) / max(len(negative), 1),
            recall=mean(o.recall for o in judged),
            cross_recall=mean(o.cross_recall for o in judged),
            per_kind={kind: mean(values) for kind, values in sorted(kinds.items())},
        )


Search = Callable[[str, int], list[str]]


def evaluate(search: Search, queries: Sequence[JudgedQuery], judgments: Judgments, window: int) -> list[Outcome]:
    return [judge(query, judgments.grades(query), search(query.text, window), window) for query in queries]


# ---- engines ---------------------------------------------------------------------------------


def ours(backend: Any) -> Search:
    def search(text: str, limit: int) -> list[str]:
        result = backend.search(SearchQuery(text=text, limit=limit, facets=False))
        return [hit.product_id for hit in result.hits]

    return search


class PlainTantivy:
    """tantivy with its default analysis (the `default` tokenizer: split and lower-case, no
    folding, stemming or compounds) and BM25 over title (boost 3) and the rest, OR of words."""

    def __init__(self, documents: Sequence[SearchDocument]):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("product_id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name="default")
        builder.add_text_field("body", tokenizer_name="default")
        self.index = tantivy.Index(builder.build())
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for doc in documents:
            body = " ".join([doc.brand or "", doc.description, *doc.attributes.values(), *doc.category])
            writer.add_document(tantivy.Document(product_id=doc.product_id, title=doc.title, body=body))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def search(self, text: str, limit: int) -> list[str]:
        words = " ".join("".join(ch for ch in word if ch.isalnum()) for word in text.split()).strip()
        if not words:
            return []
        query = self.index.parse_query(words, ["title", "body"], field_boosts={"title": 3.0})
        searcher = self.index.searcher()
        return [searcher.doc(address)["product_id"][0] for _, address in searcher.search(query, limit).hits]


class PlainOpenSearch:
    """OpenSearch with its default analysis (the `standard` analyzer) and BM25 `multi_match`
    over title (boost 3) and the rest."""

    def __init__(self, client: Any, documents: Sequence[SearchDocument]):
        self.client = client
        self.index = f"plain-{uuid.uuid4().hex[:8]}"
        mappings = {"properties": {"title": {"type": "text"}, "body": {"type": "text"}}}
        client.indices.create(index=self.index, body={"mappings": mappings})
        for start in range(0, len(documents), 1000):
            actions: list[dict[str, Any]] = []
            for doc in documents[start : start + 1000]:
                body = " ".join([doc.brand or "", doc.description, *doc.attributes.values(), *doc.category])
                actions += [
                    {"index": {"_index": self.index, "_id": doc.product_id}},
                    {"title": doc.title, "body": body},
                ]
            client.bulk(body=actions)
        client.indices.refresh(index=self.index)

    def search(self, text: str, limit: int) -> list[str]:
        body = {
            "query": {"multi_match": {"query": text, "fields": ["title^3", "body"]}},
            "size": limit,
            "_source": False,
        }
        return [hit["_id"] for hit in self.client.search(index=self.index, body=body)["hits"]["hits"]]


def latencies(backend: Any, queries: Sequence[JudgedQuery]) -> tuple[list[float], list[float]]:
    """Wall-clock and thread CPU milliseconds per query as the API asks it (top 20, total, all
    facets), after one warm-up pass, with the facet cache emptied."""
    for query in queries:
        backend.search(SearchQuery(text=query.text))
    clear = getattr(backend, "clear_cache", None)
    if clear is not None:
        clear()
    wall, cpu = [], []
    for query in queries:
        start, start_cpu = time.perf_counter(), time.thread_time()
        backend.search(SearchQuery(text=query.text))
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---- run -------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000, help="catalog size for tantivy")
    parser.add_argument("--os-products", type=int, default=10_000, help="catalog size for osmem-server (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-queries", action="store_true", help="regenerate the judged query set and exit")
    return parser.parse_args()


def tantivy_rows(args: argparse.Namespace, console: Any, queries: Sequence[JudgedQuery]) -> list[Any]:
    """Ours and the default-analysis tantivy at `--products`, and our latency."""
    from functions.catalog.store.search_tantivy import TantivySearchBackend

    made = [product(index, args.seed) for index in range(args.products)]
    documents = [search_document(m) for m in made]
    judgments = Judgments(made)
    workdir = tempfile.mkdtemp(prefix="plein-relevance-")
    try:
        engine = TantivySearchBackend(workdir)
        start = time.perf_counter()
        engine.upsert(documents)
        engine.close()
        console.print(f"tantivy (ours): {len(documents):,} products indexed in {time.perf_counter() - start:.1f} s")
        outcomes = evaluate(ours(engine), queries, judgments, MAX_RESULT_WINDOW)
        timings, cpu = latencies(engine, queries)
        plain = PlainTantivy(documents)
        plain_outcomes = evaluate(plain.search, queries, judgments, MAX_RESULT_WINDOW)
        plain_timings = []
        for query in queries:
            start = time.perf_counter()
            plain.search(query.text, 20)
            plain_timings.append((time.perf_counter() - start) * 1000)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    console.print(
        f"tantivy (ours), {args.products:,} products, {len(timings)} queries as the API asks them (top 20, total, "
        f"facets): p50 {percentile(timings, 0.5):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms "
        f"(CPU p50 {percentile(cpu, 0.5):.2f} ms, p99 {percentile(cpu, 0.99):.2f} ms; "
        f"load average {os.getloadavg()[0]:.1f}); "
        f"tantivy (default), top 20 only: p50 {percentile(plain_timings, 0.5):.2f} ms, "
        f"p99 {percentile(plain_timings, 0.99):.2f} ms"
    )
    worst = sorted((o for o in outcomes if o.ndcg is not None), key=lambda o: o.ndcg or 0.0)[:15]
    console.print("lowest nDCG@10 (ours, tantivy): " + ", ".join(f"{o.query.text!r} {o.ndcg:.2f}" for o in worst))
    return [
        ("tantivy (ours)", len(documents), Summary.of(outcomes)),
        ("tantivy (default analysis)", len(documents), Summary.of(plain_outcomes)),
    ]


def opensearch_rows(args: argparse.Namespace, queries: Sequence[JudgedQuery]) -> list[Any]:
    """Ours and the default-analysis OpenSearch on osmem-server at `--os-products`."""
    from opensearchpy import OpenSearch
    from osmem_server import OsmemServer

    from functions.catalog.store.search_opensearch import OpenSearchBackend

    made = [product(index, args.seed) for index in range(args.os_products)]
    documents = [search_document(m) for m in made]
    judgments = Judgments(made)
    server = OsmemServer.start(japanese=False, addr="127.0.0.1:0")
    try:
        client = OpenSearch(hosts=[server.url], timeout=600)
        backend = OpenSearchBackend(client, f"products-{uuid.uuid4().hex[:8]}")
        with backend.batch():
            for start in range(0, len(documents), 500):
                backend.upsert(documents[start : start + 500])
        outcomes = evaluate(ours(backend), queries, judgments, MAX_RESULT_WINDOW)
        plain = PlainOpenSearch(client, documents)
        plain_outcomes = evaluate(plain.search, queries, judgments, MAX_RESULT_WINDOW)
    finally:
        server.close()
    return [
        ("OpenSearch/osmem (ours)", len(documents), Summary.of(outcomes)),
        ("OpenSearch/osmem (default analysis)", len(documents), Summary.of(plain_outcomes)),
    ]


def report(console: Any, rows: Sequence[tuple[str, int, Summary]]) -> None:
    from rich.table import Table

    table = Table(title="Relevance on the judged query set")
    columns = ("engine", "products", "nDCG@10", "zero results¹", "any results²", "recall", "cross-language recall")
    for column in columns:
        table.add_column(column, justify="right")
    for name, size, summary in rows:
        table.add_row(
            name,
            f"{size:,}",
            f"{summary.ndcg:.3f}",
            f"{summary.zero_with_relevant:.1%}",
            f"{summary.results_without_relevant:.1%}",
            f"{summary.recall:.3f}",
            f"{summary.cross_recall:.3f}",
        )
    console.print(table)
    console.print("¹ of the queries with relevant products; ² of the queries without any")
    kinds = Table(title="nDCG@10 per query kind")
    kinds.add_column("engine")
    all_kinds = sorted({kind for _, _, summary in rows for kind in summary.per_kind})
    for kind in all_kinds:
        kinds.add_column(kind, justify="right")
    for name, _, summary in rows:
        kinds.add_row(name, *(f"{summary.per_kind.get(kind, float('nan')):.3f}" for kind in all_kinds))
    console.print(kinds)


def main() -> None:
    args = arguments()
    if args.write_queries:
        print(f"{write_queries()} queries written to {QUERIES_FILE}")
        return
    from rich.console import Console

    console = Console()
    queries = load_queries()
    console.print(f"{len(queries)} judged queries: {dict(Counter(q.kind for q in queries))}")
    rows = tantivy_rows(args, console, queries)
    if args.os_products:
        rows += opensearch_rows(args, queries)
    report(console, rows)


if __name__ == "__main__":
    main()
