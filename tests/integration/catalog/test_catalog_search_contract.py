"""One search contract, run against the in-memory reference, tantivy and osmem-server.

Relevance is only asserted where one product clearly wins; everything else (filters, facet
counts, sorts, pagination, suggestions, deletes) must be identical across engines.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from functions.catalog.logic.search import (
    FACET_SIZE,
    MAX_CATEGORY_DEPTH,
    ProductOption,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    Sort,
    VariantSummary,
    VendorRef,
    category_key,
)
from tests.unit.catalog.search_memory import MemorySearchBackend

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def doc(product_id: str, title: str, **fields: object) -> SearchDocument:
    base: dict[str, object] = {
        "product_id": product_id,
        "title": title,
        "price": 1000,
        "in_stock": True,
        "offer_count": 1,
        "vendors": [VendorRef(vendor_id="v1", name="Winkel Een")],
        "created_at": T0,
    }
    base.update(fields)
    return SearchDocument.model_validate(base)


CATALOG = [
    doc(
        "kueche",
        "Küchenrolle Halter Edelstahl",
        brand="WMF",
        category=["Home", "Küche"],
        description="Für jede Küche",
        price=2499,
        rating=4.5,
        rating_count=10,
        popularity=50,
        created_at=T0 + timedelta(days=3),
    ),
    doc(
        "kuche-word",
        "Küche Organizer Set",
        brand="Joseph Joseph",
        category=["Home", "Küche"],
        price=1999,
        rating=3.0,
        rating_count=2,
        popularity=10,
        vendors=[VendorRef(vendor_id="v1", name="Winkel Een"), VendorRef(vendor_id="v2", name="Shop Zwei")],
    ),
    doc(
        "cafe",
        "Café Crème Bohnen 1 kg",
        brand="Lavazza",
        category=["Food", "Coffee"],
        description="Kaffeebohnen für Espresso und Café",
        price=1599,
        rating=4.8,
        rating_count=100,
        popularity=400,
        vendors=[VendorRef(vendor_id="v2", name="Shop Zwei")],
        created_at=T0 + timedelta(days=1),
    ),
    doc(
        "bike",
        "Stadsfiets Gazelle Esprit",
        brand="Gazelle",
        category=["Sport", "Fietsen"],
        description="Comfortabele fiets voor de stad",
        attributes={"color": "donkerblauw", "size": "53"},
        price=69900,
        in_stock=False,
        rating=4.1,
        rating_count=7,
        popularity=30,
        vendors=[VendorRef(vendor_id="v3", name="Fietsenmaker Drie")],
        created_at=T0 + timedelta(days=5),
    ),
    doc(
        "jacket",
        "Waterproof Rain Jacket",
        brand="Fjällräven",
        category=["Fashion", "Jackets"],
        description="Lightweight jacket for hiking",
        attributes={"color": "green"},
        price=17900,
        rating=0.0,
        popularity=0,
        created_at=T0 + timedelta(days=2),
    ),
    doc(
        "lamp",
        "Bureaulamp LED dimbaar",
        brand="Philips",
        category=["Home", "Verlichting"],
        price=4995,
        rating=2.0,
        rating_count=1,
        popularity=5,
        vendors=[VendorRef(vendor_id="v3", name="Fietsenmaker Drie")],
        created_at=T0 + timedelta(days=4),
    ),
]


@pytest.fixture
def loaded(engine: SearchBackend) -> SearchBackend:
    engine.upsert(CATALOG[:3])
    engine.upsert(CATALOG[3:])
    return engine


def ids(backend: SearchBackend, **query: object) -> list[str]:
    return [hit.product_id for hit in backend.search(SearchQuery.model_validate(query)).hits]


# ---- relevance, typos, languages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kuche organizer", "kuche-word"),
        ("KÜCHE organizer", "kuche-word"),
        ("cafe creme", "cafe"),
        ("café", "cafe"),
        ("stadsfiets", "bike"),
        ("stadsfeits", "bike"),  # transposition
        ("gazele", "bike"),  # deletion
        ("waterprof jacket", "jacket"),
        ("fjallraven", "jacket"),
        ("donkerblauw", "bike"),  # attribute values are searchable
        ("hiking", "jacket"),  # description
    ],
)
def test_relevance_with_typos_and_folding(loaded: SearchBackend, text: str, expected: str) -> None:
    found = ids(loaded, text=text)

    assert found[:1] == [expected]


def test_all_words_must_match_while_some_product_has_them_all(loaded: SearchBackend) -> None:
    assert ids(loaded, text="stadsfiets gazelle") == ["bike"]
    # and when none has every word, the products with the most of them (title words first)
    assert ids(loaded, text="gazelle wmf espresso") == ["bike", "kueche", "cafe"]
    assert ids(loaded, text="zeppelin xylofoon") == []


def test_short_words_are_not_fuzzy(loaded: SearchBackend) -> None:
    assert ids(loaded, text="led") == ["lamp"]
    assert ids(loaded, text="lex") == []


def test_known_words_match_exactly_unknown_words_with_typos(engine: SearchBackend) -> None:
    # Given two products whose nouns (outside the vocabulary) are one edit apart
    engine.upsert([doc("coat", "Mantel aus Wolle", brand="Wolkam"), doc("nut", "Mandel Gebäck", brand="Wolkam")])

    # When a word the catalog has is searched, then only that word matches (no typo expansion)
    assert ids(engine, text="mantel") == ["coat"]
    assert ids(engine, text="MANDEL gebäck") == ["nut"]
    # When a word no product has is searched, then its neighbours within the typo distance match
    assert ids(engine, text="mantl") == ["coat"]
    result = engine.search(SearchQuery(text="manel", limit=10))
    assert {hit.product_id for hit in result.hits} == {"coat", "nut"}
    assert result.total == 2
    assert [(b.value, b.count) for b in result.facets.brand] == [("Wolkam", 2)]


def test_vocabulary_words_match_across_languages_never_by_typo(engine: SearchBackend) -> None:
    # Given a Dutch and a German cushion (one edit apart, the same concept) and a steel lock
    engine.upsert(
        [
            doc("nl", "Kussen van wol", brand="Wolkam"),
            doc("de", "Kissen aus Wolle", brand="Wolkam"),
            doc("lock", "Kettingslot Stahl"),
        ]
    )

    # Then either word finds both cushions, and a misspelt one too
    assert sorted(ids(engine, text="kussen")) == ["de", "nl"]
    assert sorted(ids(engine, text="KISSEN wolle")) == ["de", "nl"]
    assert sorted(ids(engine, text="kossen")) == ["de", "nl"]
    # and a real word is never read as another one: no chair is a steel lock
    assert ids(engine, text="stuhl") == []


def test_title_outranks_description(loaded: SearchBackend) -> None:
    assert ids(loaded, text="küche")[0] in {"kuche-word", "kueche"}
    assert set(ids(loaded, text="küche")) == {"kuche-word", "kueche"}


# ---- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": ["Home"]}, {"kueche", "kuche-word", "lamp"}),
        ({"category": ["Home", "Küche"]}, {"kueche", "kuche-word"}),
        ({"category": ["Küche"]}, set()),
        ({"brands": ["gazelle"]}, {"bike"}),
        ({"brands": ["WMF", "Philips"]}, {"kueche", "lamp"}),
        ({"brands": ["FJALLRAVEN"]}, {"jacket"}),
        ({"vendors": ["v2"]}, {"kuche-word", "cafe"}),
        ({"vendors": ["v3", "v2"]}, {"kuche-word", "cafe", "bike", "lamp"}),
        ({"price_min": 1999, "price_max": 4995}, {"kueche", "kuche-word", "lamp"}),
        ({"price_min": 17900}, {"jacket", "bike"}),
        ({"in_stock": True}, {"kueche", "kuche-word", "cafe", "jacket", "lamp"}),
        ({"rating_min": 4.5}, {"kueche", "cafe"}),
        ({"text": "küche", "price_max": 2000}, {"kuche-word"}),
    ],
)
def test_filters(loaded: SearchBackend, query: dict[str, object], expected: set[str]) -> None:
    result = loaded.search(SearchQuery.model_validate({**query, "limit": 100}))

    assert {hit.product_id for hit in result.hits} == expected
    assert result.total == len(expected)


# ---- facets ----------------------------------------------------------------------------------


def test_facets_count_the_filtered_result(loaded: SearchBackend) -> None:
    facets = loaded.search(SearchQuery(category=["Home"])).facets

    assert {(b.value, b.label, b.count) for b in facets.category} == {
        ("Home > Küche", "Küche", 2),
        ("Home > Verlichting", "Verlichting", 1),
    }
    assert {(b.value, b.count) for b in facets.brand} == {("WMF", 1), ("Joseph Joseph", 1), ("Philips", 1)}
    assert {(b.value, b.label, b.count) for b in facets.vendor} == {
        ("v1", "Winkel Een", 2),
        ("v2", "Shop Zwei", 1),
        ("v3", "Fietsenmaker Drie", 1),
    }
    assert [(b.min, b.max, b.count) for b in facets.price] == [(1000, 2500, 2), (2500, 5000, 1)]
    assert [(b.min, b.count) for b in facets.rating] == [(4, 1), (3, 2), (2, 3), (1, 3)]


def test_facets_are_disjunctive(loaded: SearchBackend) -> None:
    # Given a shopper in "Home" who ticked the brand WMF
    result = loaded.search(SearchQuery(category=["Home"], brands=["WMF"]))

    # Then the hits are WMF's, but the brand facet still counts every brand in "Home"
    assert [hit.product_id for hit in result.hits] == ["kueche"]
    assert result.total == 1
    assert {(b.value, b.count) for b in result.facets.brand} == {("WMF", 1), ("Joseph Joseph", 1), ("Philips", 1)}
    # and the other facets count the selection (WMF in Home)
    assert {(b.value, b.count) for b in result.facets.vendor} == {("v1", 1)}
    assert [(b.min, b.max, b.count) for b in result.facets.price] == [(1000, 2500, 1)]
    assert [(b.min, b.count) for b in result.facets.rating] == [(4, 1), (3, 1), (2, 1), (1, 1)]
    assert {(b.value, b.count) for b in result.facets.category} == {("Home > Küche", 1)}


def test_each_facet_ignores_only_its_own_filter(loaded: SearchBackend) -> None:
    # Given filters on vendor, price and rating at once
    query = SearchQuery(vendors=["v2"], price_min=1500, price_max=2000, rating_min=3.5)

    result = loaded.search(query)

    # Then the hits match every filter
    assert [hit.product_id for hit in result.hits] == ["cafe"]
    # the vendor facet: price and rating filters only (kueche is v1 and 24.99, so not counted)
    assert {(b.value, b.count) for b in result.facets.vendor} == {("v2", 1)}
    # the price facet: vendor and rating filters only (cafe 15.99; kuche-word is rated 3.0)
    assert [(b.min, b.max, b.count) for b in result.facets.price] == [(1000, 2500, 1)]
    # the rating facet: vendor and price filters only (cafe 4.8, kuche-word 3.0)
    assert [(b.min, b.count) for b in result.facets.rating] == [(4, 1), (3, 2), (2, 2), (1, 2)]
    # brand (not filtered) counts the full result
    assert {(b.value, b.count) for b in result.facets.brand} == {("Lavazza", 1)}
    # and with a second vendor ticked, its counts do not move
    wider = loaded.search(query.model_copy(update={"vendors": ["v2", "v1"]}))
    assert [(b.value, b.count) for b in wider.facets.vendor] == [(b.value, b.count) for b in result.facets.vendor]
    assert [hit.product_id for hit in wider.hits] == ["cafe"]


def random_catalog(size: int, seed: int) -> list[SearchDocument]:
    rnd = random.Random(seed)
    words = ["Küche", "Pfanne", "koffie", "molen", "Messer", "knife", "lamp", "fiets", "Jacke", "schoen", "café"]
    # Many brands with a long tail: more than a terms aggregation returns per segment by default
    brands = [f"Merk {n:03}" for n in range(150)]
    weights = [1 / (rank + 1) for rank in range(len(brands))]
    paths = [["Home", "Kitchen", "Pans"], ["Home", "Kitchen"], ["Home", "Light"], ["Sport", "Bikes"], ["Fashion"], []]
    return [
        doc(
            f"r{i}",
            " ".join(rnd.sample(words, 3)),
            brand=rnd.choices(brands, weights)[0] if rnd.random() < 0.9 else None,
            category=rnd.choice(paths),
            vendors=[VendorRef(vendor_id=f"v{j}", name=f"Vendor {j}") for j in rnd.sample(range(6), rnd.randint(1, 3))],
            price=rnd.randint(100, 80_000),
            in_stock=rnd.random() < 0.7,
            rating=round(rnd.uniform(0, 5), 1),
            rating_count=rnd.randint(0, 9),
            popularity=rnd.randint(0, 20),
            created_at=T0 + timedelta(hours=rnd.randint(0, 2000)),
        )
        for i in range(size)
    ]


def test_facet_counts_are_exact_across_segments(engine: SearchBackend) -> None:
    # Given a catalog written in many small commits (many segments), with deletes and updates
    documents = random_catalog(1200, seed=7)
    for start in range(0, len(documents), 50):
        engine.upsert(documents[start : start + 50])
    engine.delete([f"r{i}" for i in range(0, 1200, 9)])
    engine.upsert(documents[1:200:5])  # re-index some (deleted and live ones)
    live = {d.product_id: d for d in documents if int(d.product_id[1:]) % 9 != 0 or d in documents[1:200:5]}
    segment_count = getattr(engine, "segment_count", None)
    if segment_count is not None:
        assert segment_count() > 1  # the trap of FACTS.md: counts must not depend on segments

    for query in (
        SearchQuery(),
        SearchQuery(text="kuche"),
        SearchQuery(category=["Home"], in_stock=True),
        SearchQuery(text="mesers", vendors=["v2", "v4"], price_max=40_000),
        SearchQuery(brands=["Merk 000", "Merk 007"], rating_min=2.5, in_stock=True),
        SearchQuery(text="fiets", category=["Home"], price_min=10_000, vendors=["v1"], brands=["Merk 001"]),
    ):
        result = engine.search(query)
        reference = MemorySearchBackend()
        reference.upsert(list(live.values()))
        expected = reference.search(query)

        # Then totals and every facet equal the brute-force count
        assert result.total == expected.total
        assert result.facets == expected.facets
        # (the brand facet is disjunctive: brute force without the brand filter)
        unbranded = query.model_copy(update={"brands": []})
        brute = Counter(d.brand for d in live.values() if d.brand and _matches(reference, unbranded, d))
        top = sorted(brute.items(), key=lambda pair: (-pair[1], pair[0]))[:FACET_SIZE]
        assert [(b.value, b.count) for b in result.facets.brand] == top


def _matches(reference: MemorySearchBackend, query: SearchQuery, document: SearchDocument) -> bool:
    single = MemorySearchBackend()
    single.upsert([document])
    return single.search(query).total == 1


def test_category_counts(loaded: SearchBackend) -> None:
    counts = loaded.category_counts()

    assert counts == {
        "Home": 3,
        "Home > Küche": 2,
        "Home > Verlichting": 1,
        "Food": 1,
        "Food > Coffee": 1,
        "Sport": 1,
        "Sport > Fietsen": 1,
        "Fashion": 1,
        "Fashion > Jackets": 1,
    }
    assert all(key.count(" > ") < MAX_CATEGORY_DEPTH for key in counts)
    assert category_key(["Home", "Küche"]) in counts


# ---- sorts and pagination -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.PRICE_ASC, ["jacket", "cafe", "kuche-word", "kueche", "lamp", "bike"][::1]),
        (Sort.PRICE_DESC, ["bike", "jacket", "lamp", "kueche", "kuche-word", "cafe"]),
        (Sort.POPULAR, ["cafe", "kueche", "bike", "kuche-word", "lamp", "jacket"]),
        (Sort.RATING, ["cafe", "kueche", "bike", "kuche-word", "lamp", "jacket"]),
        (Sort.NEWEST, ["bike", "lamp", "kueche", "jacket", "cafe", "kuche-word"]),
    ],
)
def test_sorts(loaded: SearchBackend, sort: Sort, expected: list[str]) -> None:
    found = ids(loaded, sort=sort, limit=10)

    if sort is Sort.PRICE_ASC:
        prices = {d.product_id: d.price for d in CATALOG}
        expected = sorted(prices, key=prices.__getitem__)
    assert found == expected


def test_relevance_without_text_is_popularity(loaded: SearchBackend) -> None:
    assert ids(loaded, sort=Sort.RELEVANCE, limit=3) == ["cafe", "kueche", "bike"]


@pytest.mark.parametrize("sort", list(Sort))
def test_pages_have_no_duplicates_or_gaps(engine: SearchBackend, sort: Sort) -> None:
    # Given many products with equal prices, ratings and dates (ties everywhere)
    documents = [
        doc(f"t{i:03}", f"Theedoek katoen {i % 3}", price=500 + (i % 4), rating=float(i % 2), created_at=T0)
        for i in range(95)
    ]
    engine.upsert(documents)
    text = "theedoek" if sort is Sort.RELEVANCE else ""

    pages = [
        [h.product_id for h in engine.search(SearchQuery(text=text, sort=sort, offset=offset, limit=10)).hits]
        for offset in range(0, 100, 10)
    ]

    flat = [pid for page in pages for pid in page]
    assert len(flat) == len(set(flat)) == 95
    assert ids(engine, text=text, sort=sort, limit=100) == flat


# ---- suggestions, lookups, deletes ---------------------------------------------------------


def test_suggestions_complete_the_last_word(loaded: SearchBackend) -> None:
    suggestions = loaded.suggest("gaz", 5)

    assert [(s.kind, s.text) for s in suggestions] == [("brand", "Gazelle"), ("product", "Stadsfiets Gazelle Esprit")]
    assert [s.text for s in loaded.suggest("küchen", 5)] == ["Küchenrolle Halter Edelstahl"]
    assert [s.product_id for s in loaded.suggest("cafe cr", 5) if s.kind == "product"] == ["cafe"]
    assert loaded.suggest("", 5) == []
    assert loaded.suggest("zzzz", 5) == []


def test_get_returns_hits_in_the_asked_order(loaded: SearchBackend) -> None:
    hits = loaded.get(["lamp", "missing", "cafe"])

    assert [hit.product_id for hit in hits] == ["lamp", "cafe"]
    assert hits[1].vendor_count == 1
    assert hits[1].brand == "Lavazza"


def test_upsert_replaces_and_delete_removes(loaded: SearchBackend) -> None:
    loaded.upsert([doc("cafe", "Thee Earl Grey", price=499)])
    loaded.delete(["lamp", "never-indexed"])

    assert ids(loaded, text="cafe") == []
    assert ids(loaded, text="earl grey") == ["cafe"]
    assert ids(loaded, text="bureaulamp") == []
    assert loaded.search(SearchQuery()).total == 5
    assert loaded.get(["cafe"])[0].price == 499


def test_batched_writes_are_all_visible_after_the_batch(engine: SearchBackend) -> None:
    with engine.batch():
        engine.upsert([doc("a", "Appelmoes"), doc("b", "Boterkoek")])
        engine.delete(["a"])
        with engine.batch():
            engine.upsert([doc("c", "Chocolade")])
        engine.upsert([doc("b", "Boterkoek groot")])

    assert {hit.product_id for hit in engine.search(SearchQuery()).hits} == {"b", "c"}
    assert ids(engine, text="groot") == ["b"]


def test_due_for_reprice_finds_documents_whose_price_went_stale(engine: SearchBackend) -> None:
    # Given products whose sale starts or ends at different moments, and one without a sale
    engine.upsert(
        [
            doc("starts", "Appelmoes", reprice_at=T0 + timedelta(hours=1)),
            doc("ends", "Boterkoek", reprice_at=T0 + timedelta(hours=2)),
            doc("later", "Chocolade", reprice_at=T0 + timedelta(days=3)),
            doc("plain", "Drop"),
        ]
    )

    # Then each is due exactly from its moment on, and `limit` bounds the answer
    assert engine.due_for_reprice(T0, 10) == []
    assert engine.due_for_reprice(T0 + timedelta(hours=1), 10) == ["starts"]
    assert sorted(engine.due_for_reprice(T0 + timedelta(hours=2), 10)) == ["ends", "starts"]
    assert len(engine.due_for_reprice(T0 + timedelta(days=30), 2)) == 2

    # When a re-priced document no longer has a price change ahead, it is no longer due
    engine.upsert([doc("starts", "Appelmoes")])
    assert engine.due_for_reprice(T0 + timedelta(hours=2), 10) == ["ends"]


def test_a_family_is_stored_under_its_id_and_found_by_any_of_its_products(engine: SearchBackend) -> None:
    variants = [
        VariantSummary(product_id=pid, title=f"Sneaker {colour}", options={"color": colour}, price=5000, in_stock=True)
        for pid, colour in (("sneaker-red", "Rood"), ("sneaker-blue", "Blauw"))
    ]
    sneaker = doc(
        "sneaker-red",
        "Sneaker Rood",
        family_id="fm_sneaker",
        attributes={"color": "Rood, Blauw"},
        options=[ProductOption(name="color", values=["Blauw", "Rood"])],
        variants=variants,
    )
    engine.upsert([sneaker, doc("lamp", "Tafellamp")])

    assert [hit.family_id for hit in engine.get(["lamp", "sneaker-blue", "sneaker-red"])] == ["lamp", "fm_sneaker"]
    found = engine.search(SearchQuery(text="blauw"))
    assert [(hit.family_id, hit.variants) for hit in found.hits] == [("fm_sneaker", variants)]

    engine.upsert([sneaker.model_copy(update={"title": "Sneaker Zwart"})])  # replaces, by family id
    assert [hit.title for hit in engine.search(SearchQuery()).hits if hit.family_id == "fm_sneaker"] == [
        "Sneaker Zwart"
    ]

    engine.delete(["fm_sneaker"])
    assert engine.get(["sneaker-red"]) == []
