"""Relevance for Dutch, German and English shoppers, on every engine (the in-memory reference,
tantivy and OpenSearch on osmem-server): the examples that failed before language analysis, and
the judged query set of benchmarks/relevance.py on a generated catalog."""

from __future__ import annotations

import pytest

from benchmarks.relevance import TOP, Judgments, judge, load_queries, search_document
from functions.catalog.logic.catalog import CatalogService, ProductSearch
from functions.catalog.logic.domain import family_key
from functions.catalog.logic.indexer import CatalogIndexer
from functions.catalog.logic.search import SearchBackend, SearchDocument, SearchQuery
from functions.catalog.models.consumed import OffersChangedView
from functions.common.pagination import CursorCodec
from local.seed.assortment import COLOURS, FAMILIES, LANGUAGES, Variant, family, product
from tests.integration.catalog.test_catalog_search_contract import doc
from tests.unit.catalog.fakes import T0, InMemoryCatalogRepository, offer, offers_changed, upserted

SHOP = [
    doc("tischlampe", "Tischlampe Messing", category=["Wohnen", "Lampen"]),
    doc("tafellamp", "Tafellamp eikenhout", category=["Wonen", "Verlichting"]),
    doc("bureaulamp", "Bureaulamp LED dimbaar", category=["Wonen", "Verlichting"]),
    doc("camp-stool", "Camp stool", category=["Outdoor", "Camping"], description="Folding stool for the camp"),
    doc("stadsfiets", "Stadsfiets Gazelle Esprit", category=["Fietsen", "Stadsfietsen"]),
    doc("fahrrad", "Trekking Fahrrad 28 Zoll", category=["Fahrrad", "Trekkingräder"]),
    doc("citybike", "City bike Cortina", category=["Bikes", "City bikes"]),
    doc("sjaal", "Wollen sjaal", category=["Mode", "Sjaals"], description="Heerlijk warm op de fiets."),
    doc("fietshelm", "Fietshelm MIPS", category=["Fietsen", "Accessoires"]),
    doc("fahrradhelm", "Fahrradhelm Urban", category=["Fahrrad", "Zubehör"]),
    doc("kettingslot", "Kettingslot Stahl 90 cm", category=["Fietsen", "Sloten"]),
    doc("fahrradschloss", "Fahrradschloss Bügel", category=["Fahrrad", "Zubehör"]),
    doc("stuhl", "Stuhl Eiche", category=["Wohnen", "Möbel"]),
    doc("stoel", "Eetkamerstoel velvet", category=["Wonen", "Meubels"]),
    doc("chair", "Dining chair oak", category=["Home", "Furniture"]),
    doc("esstisch", "Esstisch Eiche", category=["Wohnen", "Möbel"]),
    doc("eettafel", "Eettafel rond", category=["Wonen", "Meubels"]),
    doc("sierkussen", "Sierkussen velvet", category=["Wonen", "Textiel"]),
    doc("kissen", "Kissen Leinen", category=["Wohnen", "Textilien"]),
    doc("wandklok", "Wandklok station", category=["Wonen", "Decoratie"]),
    doc("wanduhr", "Wanduhr Funk", category=["Wohnen", "Deko"]),
    doc("fietsbel", "Fietsbel messing", category=["Fietsen", "Accessoires"]),
    doc("klingel", "Fahrradklingel Retro", category=["Fahrrad", "Zubehör"]),
    doc("kopfhoerer", "Kopfhörer Bluetooth", category=["Elektronik", "Audio"]),
]


BIKE_RELATED = {"fietshelm", "fahrradhelm", "fietsbel", "klingel", "kettingslot", "fahrradschloss", "sjaal"}
"""Named after bikes, sold with them, or (the scarf) only mentioning them: after every bike."""


@pytest.fixture
def shop(engine: SearchBackend) -> SearchBackend:
    engine.upsert(SHOP)
    return engine


def ids(backend: SearchBackend, text: str) -> list[str]:
    return [hit.product_id for hit in backend.search(SearchQuery(text=text, limit=50)).hits]


@pytest.mark.parametrize(
    ("text", "first", "also"),
    [
        ("lamp", {"tischlampe", "tafellamp", "bureaulamp"}, set()),
        ("Lampen", {"tischlampe", "tafellamp", "bureaulamp"}, set()),
        ("stuhl", {"stuhl", "stoel", "chair"}, set()),
        ("fiets", {"stadsfiets", "fahrrad", "citybike"}, BIKE_RELATED),
        ("bike", {"stadsfiets", "fahrrad", "citybike"}, BIKE_RELATED),
        ("helm", {"fietshelm", "fahrradhelm"}, set()),
        ("slot", {"kettingslot", "fahrradschloss"}, set()),
        ("schloss", {"kettingslot", "fahrradschloss"}, set()),
        ("tafel", {"esstisch", "eettafel"}, {"tischlampe", "tafellamp"}),
        ("tisch", {"esstisch", "eettafel"}, {"tischlampe", "tafellamp"}),
        ("kussen", {"sierkussen", "kissen"}, set()),
        ("klok", {"wandklok", "wanduhr"}, set()),
        ("bel", {"fietsbel", "klingel"}, set()),
        ("kopfhorer", {"kopfhoerer"}, set()),
        ("kopfhoerer", {"kopfhoerer"}, set()),
        ("Kopfhörer", {"kopfhoerer"}, set()),
        ("Fahrradschloss", {"fahrradschloss"}, {"kettingslot"}),  # a lock among bike accessories
        ("fietshelm", {"fietshelm", "fahrradhelm"}, set()),
        ("table lamp", {"tischlampe", "tafellamp"}, set()),
    ],
)
def test_what_shoppers_type_finds_what_they_mean(
    shop: SearchBackend, text: str, first: set[str], also: set[str]
) -> None:
    found = ids(shop, text)

    # Then the products of the asked type come first, related ones after them, nothing else
    assert set(found[: len(first)]) == first
    assert set(found) == first | also


def test_a_real_word_is_never_read_as_another(shop: SearchBackend) -> None:
    # `lamp` is no camp, `stuhl` no Stahl (both are words the vocabulary knows)
    assert "camp-stool" not in ids(shop, "lamp")
    assert "kettingslot" not in ids(shop, "stuhl")
    # and a misspelt word is corrected to the vocabulary word one edit away, across languages
    assert set(ids(shop, "fahrad")) >= {"stadsfiets", "fahrrad", "citybike"}
    assert set(ids(shop, "tischlampr")) == {"tischlampe", "tafellamp"}


def test_popularity_rating_and_stock_break_ties(engine: SearchBackend) -> None:
    # Given three bikes the text scores alike
    engine.upsert(
        [
            doc("sold-out", "Stadsfiets Alpha", in_stock=False, popularity=900, rating=5.0, rating_count=9),
            doc("quiet", "Stadsfiets Beta", popularity=0),
            doc("loved", "Stadsfiets Gamma", popularity=150, rating=4.5, rating_count=30),
            doc("helmet", "Fietshelm Delta", popularity=5000),
        ]
    )

    # Then in stock before out of stock, popular before quiet, and the type before its accessory
    assert ids(engine, "fiets") == ["loved", "quiet", "sold-out", "helmet"]


@pytest.fixture(scope="module")
def generated() -> tuple[list[SearchDocument], Judgments]:
    made = [product(index) for index in range(1500)]
    return [search_document(m) for m in made], Judgments(made)


def test_the_judged_query_set_on_a_generated_catalog(
    engine: SearchBackend, generated: tuple[list[SearchDocument], Judgments]
) -> None:
    # Given 1,500 generated products in nl, de and en
    documents, judgments = generated
    with engine.batch():
        for start in range(0, len(documents), 500):
            engine.upsert(documents[start : start + 500])

    # When every judged query is searched
    outcomes = [judge(query, judgments.grades(query), ids_top(engine, query.text), TOP) for query in load_queries()]

    # Then the ranking is close to ideal, and nothing is found only where nothing is relevant
    judged = [o for o in outcomes if o.ndcg is not None]
    assert sum(o.ndcg or 0.0 for o in judged) / len(judged) >= 0.95
    assert [o.query.text for o in judged if o.zero] == []
    assert [o.query.text for o in outcomes if o.ndcg is None and not o.zero] == []


def ids_top(backend: SearchBackend, text: str) -> list[str]:
    return [hit.product_id for hit in backend.search(SearchQuery(text=text, limit=TOP, facets=False)).hits]


def test_the_category_named_in_the_shoppers_language_finds_products_titled_in_another(
    engine: SearchBackend,
) -> None:
    # Given a Dutch chain lock and a bell on the marketplace's tree (English paths)
    cycling = ["Sporting Goods", "Outdoor Recreation", "Cycling", "Bicycle Accessories"]
    engine.upsert(
        [
            doc("kettingslot", "Kettingslot Abus 90 cm", category=[*cycling, "Bicycle Locks"]),
            doc("bel", "Fietsbel Crane", category=[*cycling, "Bicycle Bells & Horns"]),
        ]
    )

    # Then a German or Dutch shopper's word for the category finds the lock, and only the lock
    assert ids(engine, "fahrradschlösser") == ids(engine, "fahrradschloss") == ["kettingslot"]
    assert ids(engine, "fietssloten") == ["kettingslot"]
    assert ids(engine, "bicycle locks") == ["kettingslot"]


def test_each_variant_family_is_one_result_showing_the_colour_asked_for_in_any_language(
    engine: SearchBackend,
) -> None:
    # Given every kind of demo family in Dutch, German and English, through the indexer (one
    # document per family), beside 300 generated single products
    repository = InMemoryCatalogRepository()
    indexer = CatalogIndexer(repository, engine, clock=lambda: T0)
    families: list[tuple[str, tuple[Variant, ...]]] = []
    first = 0
    for spec in FAMILIES:
        for language in range(len(LANGUAGES)):
            variants = family(first, spec, language)
            families.append((family_key(f"v{language}", f"group-{first}"), variants))
            first += len(variants)
    offers = [
        offer(
            f"o{v.index}",
            f"p{v.index}",
            vendor_id=f"v{v.language}",
            title=v.title,
            description=v.description,
            brand=v.brand,
            category=list(v.category),
            attributes=v.attributes,
            item_group_id=f"group-{v.first}",
            gtin=None,
            price=v.price,
            quantity=3 if v.in_stock else 0,
        )
        for _, variants in families
        for v in variants
    ]
    with engine.batch():
        indexer.offers_changed([OffersChangedView.model_validate(offers_changed([upserted(o) for o in offers]))])
        engine.upsert([search_document(product(index)) for index in range(300)])
    service = CatalogService(engine, repository, CursorCodec("relevance-test-secret"), lambda: T0)

    # When a shopper asks for a colour of the product in their own language
    for family_id, variants in families:
        kind, colours = variants[0].type, dict.fromkeys(v.colour for v in variants)
        for asked_language, colour in zip(range(len(LANGUAGES)), colours, strict=False):
            text = f"{COLOURS[colour][asked_language]} {kind.names[asked_language][0]}"
            listed = service.search(ProductSearch(q=text, limit=100)).items

            # Then the family is one result, showing a variant in that colour
            assert len({hit.family_id for hit in listed}) == len(listed), text
            hit = next((hit for hit in listed if hit.family_id == family_id), None)
            assert hit is not None, (text, variants[0].title)
            shown = next(v for v in variants if f"p{v.index}" == hit.product_id)
            assert shown.colour == colour, (text, hit.title)
