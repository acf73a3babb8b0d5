"""The marketplace's category tree (Google's product taxonomy in English, Dutch and German)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common import taxonomy

EVERY_ID = sorted(taxonomy._tree().by_id)
LOCKS = ("Sporting Goods", "Outdoor Recreation", "Cycling", "Bicycle Accessories", "Bicycle Locks")


@pytest.mark.parametrize(
    "text",
    [
        "1027",
        " 1027 ",
        "Sporting Goods > Outdoor Recreation > Cycling > Bicycle Accessories > Bicycle Locks",
        "sporting goods>outdoor recreation >cycling> bicycle  accessories > BICYCLE LOCKS",
        "Sportartikel > Outdoor-Aktivitäten > Radsport > Fahrradzubehör > Fahrradschlösser",
        "Fahrradschlösser",
        "Sportartikelen > Buitenrecreatie > Fietsen (sport) > Fietsaccessoires > Fietssloten",
        "fietssloten",
        "Bicycle Locks",
    ],
)
def test_a_category_is_found_by_number_path_or_own_name_in_any_language(text: str) -> None:
    found = taxonomy.find(text)

    assert found is not None
    assert (found.id, found.path) == (1027, LOCKS)


@pytest.mark.parametrize("text", ["", "0", "99999999", "Home > Kitchen", "Overalls", "١٠٢٧", "Bicycle Locks > Red"])
def test_what_names_no_category_or_several_finds_none(text: str) -> None:
    assert taxonomy.find(text) is None


@given(st.sampled_from(EVERY_ID), st.sampled_from(taxonomy.LANGUAGES))
def test_every_category_is_found_again_by_its_path_in_every_language(google_id: int, language: str) -> None:
    category = taxonomy.category(google_id)
    assert category is not None

    shown = taxonomy.labels(category.path, language)

    assert len(shown) == len(category.path)
    assert taxonomy.find(taxonomy.SEPARATOR.join(shown)) == category
    assert taxonomy.canonical(shown) == list(category.path)


def test_labels_name_the_tree_in_the_shoppers_language_and_leave_other_names_alone() -> None:
    assert taxonomy.labels(LOCKS, "de")[-1] == "Fahrradschlösser"
    assert taxonomy.labels(LOCKS, "nl")[:2] == ["Sportartikelen", "Buitenrecreatie"]
    assert taxonomy.labels(LOCKS, "en") == list(LOCKS)
    assert taxonomy.labels(["Home & Garden", "My own shelf"], "de") == ["Heim & Garten", "My own shelf"]
    assert taxonomy.labels(["Sale"], "nl") == ["Sale"]
    assert taxonomy.labels(["Home & Garden", "Decor", "Vases"], "fr") == ["Home & Garden", "Decor", "Vases"]


def test_a_path_outside_the_tree_stays_as_given() -> None:
    assert taxonomy.canonical(["Keramik", "Vasen"]) == ["Keramik", "Vasen"]
    assert taxonomy.canonical([]) == []
