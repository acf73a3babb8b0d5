"""Language analysis of catalog search (logic/analysis.py): vocabulary, compounds, folding,
synonyms, levels and the typo rules, without an engine."""

from __future__ import annotations

import pytest

from functions.catalog.logic.analysis import (
    HEAD,
    LEVELS,
    MODIFIER,
    Vocabulary,
    WordQuery,
    analyze_word,
    correct,
    document_terms,
    plan_query,
    vocabulary,
    words,
)
from functions.catalog.logic.search import TIER_SCALE, TIERS, term_clauses, tier
from functions.catalog.logic.text import fold


def concepts(word: str) -> list[str]:
    return [term for term, _ in analyze_word(fold(word))]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Tischlampe", ["table", "lamp"]),
        ("Tafellamp", ["table", "lamp"]),
        ("Fietshelm", ["bike", "helmet"]),
        ("Fahrradhelm", ["bike", "helmet"]),
        ("Fahrradschloss", ["bike", "lock"]),
        ("Stadsfiets", ["city", "bike"]),  # linking s
        ("Küchenmesser", ["kitchen", "knife"]),  # linking n
        ("Schreibtischlampe", ["desk", "lamp"]),  # the longest vocabulary word first
        ("Kopfhörer", ["headphones"]),
        ("kopfhorer", ["headphones"]),
        ("kopfhoerer", ["headphones"]),  # digraph for the umlaut
        ("Handschoen", ["glove"]),  # listed whole: no shoe
        ("Fahrräder", ["bike"]),  # plural with umlaut
        ("Stühle", ["chair"]),
        ("tassen", ["mug"]),
        ("laarzen", ["boot"]),  # z → s
        ("fietsjes", ["bike"]),  # diminutive
        ("Kettingslot", ["chain", "lock"]),
        ("Strassenlampe", ["strass", "lamp"]),  # an unknown first part before a type
        ("Schnabel", ["schnabel"]),  # but no short type inside another word (bel)
        ("Gazellen", ["gazell"]),  # outside the vocabulary: light stemming
        ("Gazelle", ["gazell"]),
    ],
)
def test_words_compounds_and_inflections(word: str, expected: list[str]) -> None:
    assert concepts(word) == expected


@pytest.mark.parametrize(
    "group",
    [
        ("fiets", "Fahrrad", "bike", "bicycle", "Rad"),
        ("stoel", "Stuhl", "chair"),
        ("lamp", "Lampe", "lampen"),
        ("tafel", "Tisch", "table"),
        ("helm", "Helm", "helmet"),
        ("slot", "Schloss", "lock"),
        ("kussen", "Kissen", "cushion"),
        ("klok", "Uhr", "clock"),
        ("bel", "Klingel", "bell"),
    ],
)
def test_one_concept_across_languages(group: tuple[str, ...]) -> None:
    assert len({tuple(concepts(word)) for word in group}) == 1


def test_a_product_title_is_typed_by_its_head() -> None:
    terms = {term: level for level, term in document_terms("Tischlampe Messing", None, [["Wohnen", "Lampen"]], "")}

    assert terms["lamp"] == HEAD
    assert terms["lighting"] == HEAD  # the broader concept at the same level
    assert terms["table"] == MODIFIER
    # an English two-word name reads the same: a type before a type is its modifier
    english = {term: level for level, term in document_terms("Table lamp oak", None, [], "")}
    assert (english["table"], english["lamp"]) == (MODIFIER, HEAD)


def test_levels_rank_title_type_over_category_modifier_and_description() -> None:
    assert list(LEVELS) == ["h", "c", "t", "m", "d", "b"]
    assert list(LEVELS.values()) == sorted(LEVELS.values(), reverse=True)
    # the tie breaker never lifts a product over the next level, even summed over eight words
    assert (TIERS - 1) * TIER_SCALE < 0.5
    assert tier(True, 0, 0) > tier(False, 10_000, 5)
    assert tier(True, 150, 0) > tier(True, 5, 5) > tier(True, 5, 3)


def test_only_the_first_part_carries_the_tier() -> None:
    tiered, plain = term_clauses("bike", True), term_clauses("bike", False)

    assert len(tiered) == len(LEVELS) * TIERS
    assert ("h11:bike", 10 + 11 * TIER_SCALE) in tiered
    assert plain == tuple((f"{level}:bike", weight) for level, weight in LEVELS.items())


def test_multi_word_forms_are_joined() -> None:
    assert words("Koekenpan frying pan 28 cm", 10) == ["koekenpan", "fryingpan", "28", "cm"]
    assert concepts("koekenpan") == concepts("Bratpfanne") == ["fryingpan"]
    # a product keeps the words too: `frying` alone finds it
    terms = {term for _, term in document_terms("Frying pan steel", None, [], "")}
    assert {"fryingpan", "frying", "pan"} <= terms


def none_known(_words: object) -> set[str]:
    return set()


def test_typo_tolerance_only_for_unknown_long_words() -> None:
    # a vocabulary word is never read as another one, whatever its length
    assert plan_query("stuhl", none_known) == [WordQuery("stuhl", ("chair",))]
    assert plan_query("lamp", none_known) == [WordQuery("lamp", ("lamp",))]
    # a misspelt word is corrected to the vocabulary (fewest edits, types before attributes)
    assert correct("fahrad") == ("bike",)
    assert correct("stohl") == ("chair",)
    assert correct("fietshelmm") == ("bike", "helmet")
    assert correct("tischlampr") == ("table", "lamp")  # one part one edit off
    # words below five letters are never fuzzy
    assert correct("lmap") is None
    assert plan_query("xq", none_known) == [WordQuery("xq", ("xq",))]
    # an unknown word nobody has: typo tolerance in the engine
    assert plan_query("gazele", none_known) == [WordQuery("gazele", ("gazel",), fuzzy="gazele", distance=1)]
    # an unknown word a product has: exact
    assert plan_query("gazele", set) == [WordQuery("gazele", ("gazel",))]


def test_stop_words_are_dropped_unless_alone() -> None:
    assert [w.word for w in plan_query("fiets met bel", none_known)] == ["fiets", "bel"]
    assert [w.parts for w in plan_query("the", none_known)] == [("the",)]


def test_the_vocabulary_file_is_consistent() -> None:
    vocab = vocabulary()

    assert len(vocab.concepts) > 100
    assert not vocab.stopwords & vocab.forms.keys()
    for concept in vocab.concepts.values():
        assert concept.kind in {"type", "attr"}
        assert all(broader in vocab.concepts for broader in concept.broader)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type bike fiets", "no ':'"),
        ("type bike: fiets\ntype bike: rad", "bad or repeated concept"),
        ("thing bike: fiets", "bad or repeated concept"),
        ("type bike: fiets\ntype car: fiets", "already means"),
        ("type bike > vehicle: fiets", "never defined"),
    ],
)
def test_a_malformed_vocabulary_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Vocabulary.parse(text)
