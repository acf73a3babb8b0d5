"""The marketplace's category tree: Google's product taxonomy, in English, Dutch and German.

Every product's category is a path of this tree in English, root first (`Home & Garden >
Decor > Vases`), the same whatever language the vendor wrote it in: `find` takes Google's numeric
id, a path in any of the three languages, or a name that only one category has (`Vazen`).
`labels` gives a path's names in a shopper's language. The data (google_taxonomy.tsv.gz, built by
tools/google_taxonomy.py) loads on first use, not at import: most functions never need it.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("google_taxonomy.tsv.gz")
LANGUAGES = ("en", "nl", "de")
SEPARATOR = " > "


@dataclass(frozen=True)
class Category:
    id: int
    path: tuple[str, ...]
    """English names, root first: the canonical path."""


@dataclass(frozen=True)
class _Tree:
    by_id: dict[int, Category]
    names: dict[int, tuple[str, str, str]]
    """Category id → its own name in LANGUAGES order (a missing translation is the English name)."""
    by_key: dict[str, int | None]
    """A path or a name as `_key` writes it, in any language → the category (None: several share it)."""
    by_path: dict[tuple[str, ...], int]


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _key(text: str) -> str:
    return SEPARATOR.join(key for key in (_name_key(part) for part in text.split(">")) if key)


@cache
def _tree() -> _Tree:
    by_id: dict[int, Category] = {}
    names: dict[int, tuple[str, str, str]] = {}
    by_key: dict[str, int | None] = {}
    path_keys: dict[int, tuple[str, ...]] = {0: ("", "", "")}
    leaves: dict[str, set[int]] = {}
    # a parent's line comes before its children's (the file is sorted by path)
    for line in gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines():
        number_text, parent_text, english, *translated = line.split("\t")
        number, parent = int(number_text), int(parent_text)
        own = (english, translated[0] or english, translated[1] or english)
        names[number] = own
        by_id[number] = Category(number, (*by_id[parent].path, english) if parent else (english,))
        keys = tuple(
            f"{above}{SEPARATOR}{_name_key(name)}" if above else _name_key(name)
            for above, name in zip(path_keys[parent], own, strict=True)
        )
        path_keys[number] = keys
        for key, name in zip(keys, own, strict=True):
            by_key[key] = number
            leaves.setdefault(_name_key(name), set()).add(number)
    for name, numbers in leaves.items():
        by_key.setdefault(name, next(iter(numbers)) if len(numbers) == 1 else None)
    return _Tree(by_id, names, by_key, {category.path: number for number, category in by_id.items()})


def category(google_id: int) -> Category | None:
    return _tree().by_id.get(google_id)


def find(text: str) -> Category | None:
    """The category `text` names: a Google id, a full path in English, Dutch or German, or a name
    no other category has; None when it names none (or several)."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return category(int(text))
    number = _tree().by_key.get(_key(text))
    return None if number is None else _tree().by_id[number]


def canonical(path: Sequence[str]) -> list[str]:
    """The tree's English path for a path written in any of its languages; a path that is not in
    the tree stays as it was given."""
    found = find(SEPARATOR.join(path)) if path else None
    return list(found.path) if found else list(path)


def labels(path: Sequence[str], language: str) -> list[str]:
    """A canonical path's names in `language` (en, nl or de); names outside the tree stay as they are."""
    tree = _tree()
    column = LANGUAGES.index(language) if language in LANGUAGES else 0
    shown: list[str] = []
    for depth in range(len(path)):
        number = tree.by_path.get(tuple(path[: depth + 1]))
        shown.append(tree.names[number][column] if number is not None else path[depth])
    return shown
