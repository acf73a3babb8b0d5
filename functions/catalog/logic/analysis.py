"""Language analysis of Dutch, German and English product text, the same for every search engine.

Shoppers type `lamp`, `Tischlampe`, `kopfhoerer` or `bike` and expect Tafellamp, Kopfhörer and
Stadsfiets. The engines' own analyzers cannot do that alike (tantivy has no decompounder for
these languages, OpenSearch's needs word lists on the cluster, and the in-memory reference has
none), so the analysis happens here, in Python, once per word (cached), and the engines index and
match plain terms:

- words are folded (`Küche` → `kuche`, logic/text.py) and looked up in a maintained vocabulary
  (vocabulary.txt next to this module) after stripping plural and diminutive endings
  (`lampen`, `Stühle`, `fietsjes`) and, failing that, reading `ae`/`oe`/`ue` as umlauts
  (`kopfhoerer`);
- compounds are split into vocabulary words (`Tischlampe` → table + lamp, `Fahrradschloss` →
  bike + lock), with linking letters (`Stadsfiets`: stad-s-fiets); a word ending in a product
  type of at least four letters keeps its unknown first part as a modifier (`Kettingslot`);
- every vocabulary word stands for its concept (fiets = Fahrrad = bike → `bike`), so a concept
  matches across the three languages, and a type also yields its broader concepts (a lamp is
  `lighting`), all at index time: a query looks up one term per word part.

Each document term carries the level where it occurs best (LEVELS): the product type of a title
(the head of its last compound part; `Tischlampe` is a lamp), the type of the leaf category,
other title and brand words, compound modifiers (the `tisch` of Tischlampe, the `bike` of
`bike helmet`), the upper category path (a lock in `Fietsen > Kettingsloten` is no bike), and
the description and attributes. A query word scores the weight of the level its term is found
at, so a title's type outranks a category, a category a modifier, a modifier a description, and
any real match a typo (FUZZY_WEIGHT).

Typo tolerance (a query word matched within an edit distance) applies only to a word that is
neither in the vocabulary nor in any product: first against the vocabulary (`fahrad` → bike),
else against the products' words in the engine. A real word is never read as another one
(`stuhl` does not find Stahl, `lamp` not camp).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from functions.catalog.logic.text import MAX_QUERY_TOKENS, edit_distance, tokens, typo_distance

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.txt")
DOCUMENT_TOKENS = 10_000

HEAD, CATEGORY, TITLE, MODIFIER, DEPARTMENT, BODY = "h", "c", "t", "m", "d", "b"
LEVELS: dict[str, float] = {HEAD: 10.0, CATEGORY: 8.0, TITLE: 6.0, MODIFIER: 4.0, DEPARTMENT: 3.0, BODY: 2.0}
"""Level of a document term → the score a query word matching it there adds (best first): the
title's product type, the leaf category's type, other title and brand words, modifiers (in the
title or the leaf category), the upper category path, the description and attributes."""
FUZZY_WEIGHT = 1.0
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

_ENDINGS = ("s", "e", "n", "r", "en", "er", "es", "je", "tje", "jes", "tjes", "ern")
"""Plural and diminutive endings stripped to find a vocabulary word (shortest first)."""
_LINKS = ("", "s", "e", "n", "en", "er", "es")
"""Linking letters between the parts of a compound (Stad-s-fiets, Küche-n-messer)."""
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
MIN_PART = 3
MIN_FREE_PART = 4
"""A compound part outside the vocabulary is kept only before a type of at least this length."""


@dataclass(frozen=True)
class Concept:
    name: str
    kind: str  # "type" or "attr"
    broader: tuple[str, ...] = ()

    @property
    def is_type(self) -> bool:
        return self.kind == "type"


@dataclass(frozen=True)
class Vocabulary:
    forms: dict[str, str]
    """Folded word (multi-word forms joined: `fryingpan`) → concept name."""
    concepts: dict[str, Concept]
    stopwords: frozenset[str]
    phrase_starts: frozenset[str]
    """First words of the multi-word forms (`frying`): only these are tried joined to the next."""

    @classmethod
    def parse(cls, text: str) -> Vocabulary:
        """Read the vocabulary format (see vocabulary.txt); raises ValueError on a malformed line,
        a concept defined twice, a word of two concepts or a broader concept never defined."""
        forms: dict[str, str] = {}
        concepts: dict[str, Concept] = {}
        stopwords: set[str] = set()
        phrase_starts: set[str] = set()
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            head, sep, words = line.partition(":")
            if not sep:
                raise ValueError(f"vocabulary line {number}: no ':'")
            if head.strip() == "stop":
                stopwords.update(word for group in words.split("|") for word in tokens(group, DOCUMENT_TOKENS))
                continue
            kind, _, rest = head.strip().partition(" ")
            name, _, broader = rest.partition(">")
            name = name.strip()
            if kind not in ("type", "attr") or not name or name in concepts:
                raise ValueError(f"vocabulary line {number}: bad or repeated concept {head!r}")
            concepts[name] = Concept(name, kind, tuple(b.strip() for b in broader.split(",") if b.strip()))
            for word in words.replace("|", " ").split():
                parts = tokens(word, DOCUMENT_TOKENS)
                form = "".join(parts)  # `frying_pan` → `fryingpan`
                if len(parts) > 1:
                    phrase_starts.add(parts[0])
                if forms.setdefault(form, name) != name:
                    raise ValueError(f"vocabulary line {number}: {word!r} already means {forms[form]!r}")
        missing = {b for concept in concepts.values() for b in concept.broader} - concepts.keys()
        if missing:
            raise ValueError(f"vocabulary: broader concepts never defined: {sorted(missing)}")
        return cls(forms, concepts, frozenset(stopwords), frozenset(phrase_starts))


@functools.cache
def vocabulary() -> Vocabulary:
    """The maintained vocabulary (read once per process)."""
    return Vocabulary.parse(VOCABULARY_FILE.read_text(encoding="utf-8"))


Part = tuple[str, bool]
"""A word part: its term (a concept name, or the stemmed word outside the vocabulary) and
whether it is a product type."""


def stem(word: str) -> str:
    """Light stemming of a word outside the vocabulary (the same on both sides of a match):
    one plural ending off (`gazellen`, `gazelles`, `gazelle` → `gazell`)."""
    if len(word) >= 6 and word.endswith("en"):
        return word[:-2]
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    if len(word) >= 5 and word.endswith("e"):
        return word[:-1]
    return word


def _undouble(word: str) -> str:
    return word[:-1] if len(word) > MIN_PART and word[-1] == word[-2] and word[-1] not in "aeiou" else word


def _bases(word: str) -> Iterable[str]:
    """The word, then the word without each plural or diminutive ending (tassen → tasse, tass, tas;
    laarzen → laarz, laars)."""
    yield word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_PART:
            base = word[: -len(ending)]
            yield base
            yield _undouble(base)
            if base[-1] in "zv":
                yield base[:-1] + {"z": "s", "v": "f"}[base[-1]]


@functools.lru_cache(maxsize=65_536)
def resolve(word: str) -> str | None:
    """The concept of a (folded) vocabulary word or one of its inflected forms, else None."""
    forms = vocabulary().forms
    for base in _bases(word):
        concept = forms.get(base)
        if concept is not None:
            return concept
    return None


@functools.lru_cache(maxsize=65_536)
def _split(word: str, free: bool = False) -> tuple[str, ...] | None:
    """The parts of a compound of vocabulary words, longest head first, else None; with `free`,
    else a first part outside the vocabulary before a type of at least MIN_FREE_PART letters
    (see the module docstring)."""
    concepts = vocabulary().concepts
    fallback: tuple[str, ...] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = resolve(word[cut:])
        if head is None:
            continue
        left = word[:cut]
        for link in _LINKS:
            if not left.endswith(link):
                continue
            base = left[: len(left) - len(link)]
            if len(base) < MIN_PART:
                continue
            known = resolve(base)
            if known is not None:
                return (known, head)
            inner = _split(base)
            if inner is not None:
                return (*inner, head)
        if free and fallback is None and min(len(left), len(word) - cut) >= MIN_FREE_PART and concepts[head].is_type:
            fallback = (stem(left), head)
    return fallback


def _undigraph(word: str) -> str:
    for digraph, vowel in _DIGRAPHS:
        word = word.replace(digraph, vowel)
    return word


@functools.lru_cache(maxsize=262_144)
def analyze_word(word: str) -> tuple[Part, ...]:
    """The parts of one folded word, the head (the product type, if any) last: a vocabulary
    word, a compound of vocabulary words, either with `ae`/`oe`/`ue` read as umlauts, else the
    stemmed word itself. Stop words have no parts."""
    vocab = vocabulary()
    if word in vocab.stopwords:
        return ()
    spellings = (word, _undigraph(word)) if any(d in word for d, _ in _DIGRAPHS) else (word,)
    for spelling in spellings:
        concept = resolve(spelling)
        if concept is not None:
            return ((concept, vocab.concepts[concept].is_type),)
        parts = _split(spelling)
        if parts is not None:
            return tuple((part, vocab.concepts[part].is_type) for part in parts)
    parts = _split(word, free=True)
    if parts is not None:
        return tuple((part, part in vocab.concepts and vocab.concepts[part].is_type) for part in parts)
    return ((stem(word), False),)


def is_resolved(word: str) -> bool:
    """Whether the vocabulary knows the word: whole, or every part of it as a compound."""
    parts = analyze_word(word)
    return bool(parts) and all(term in vocabulary().concepts for term, _ in parts)


def words(text: str, limit: int, keep_parts: bool = False) -> list[str]:
    """The folded words of a text, multi-word vocabulary forms joined (`frying pan` → `fryingpan`;
    `keep_parts`, for products: followed by the words themselves, which a query may name alone)."""
    found = tokens(text, limit)
    starts = vocabulary().phrase_starts
    joined: list[str] = []
    index = 0
    while index < len(found):
        pair = found[index] + found[index + 1] if found[index] in starts and index + 1 < len(found) else ""
        if pair and resolve(pair) is not None:
            joined += [pair, *found[index : index + 2]] if keep_parts else [pair]
            index += 2
        else:
            joined.append(found[index])
            index += 1
    return joined


def _expanded(term: str) -> tuple[str, ...]:
    """The term and its broader concepts (transitively)."""
    concept = vocabulary().concepts.get(term)
    if concept is None:
        return (term,)
    return (term, *(found for broader in concept.broader for found in _expanded(broader)))


def _named(text: str, type_level: str, other_level: str) -> list[tuple[str, str]]:
    """The (term, level) pairs of a product name: the head of each word at `type_level` if it is
    a type (else at `other_level`), the other parts as modifiers; `table lamp`, `bike helmet`: a
    type followed by another type is its modifier."""
    analyzed = [parts for parts in map(analyze_word, words(text, DOCUMENT_TOKENS, keep_parts=True)) if parts]
    found: list[tuple[str, str]] = []
    for index, parts in enumerate(analyzed):
        *modifiers, (head, is_type) = parts
        found += [(term, MODIFIER) for term, _ in modifiers]
        followed_by_type = index + 1 < len(analyzed) and analyzed[index + 1][0][1]
        found.append((head, (MODIFIER if followed_by_type else type_level) if is_type else other_level))
    return found


def _plain(text: str, level: str) -> list[tuple[str, str]]:
    return [(term, level) for word in words(text, DOCUMENT_TOKENS, keep_parts=True) for term, _ in analyze_word(word)]


@functools.lru_cache(maxsize=8192)
def _category(path: tuple[str, ...]) -> list[tuple[str, str]]:
    """A category path's pairs: the leaf named like a product, the path above as departments
    (cached: many products share a path)."""
    return _named(path[-1], CATEGORY, DEPARTMENT) + _plain(" ".join(path[:-1]), DEPARTMENT) if path else []


@functools.lru_cache(maxsize=8192)
def _brand(brand: str) -> list[tuple[str, str]]:
    return _plain(brand, TITLE)


def document_terms(
    title: str, brand: str | None, categories: Sequence[Sequence[str]], body: str
) -> list[tuple[str, str]]:
    """The analyzed terms of a product, each with its best level (see LEVELS): (level, term).
    `categories`: its category path as each language names it."""
    best: dict[str, str] = {}
    named = [pair for path in categories for pair in _category(tuple(path))]
    pairs = _named(title, HEAD, TITLE) + named + _brand(brand or "") + _plain(body, BODY)
    for term, level in pairs:
        for found in _expanded(term):
            current = best.get(found)
            if current is None or _RANK[level] < _RANK[current]:
                best[found] = level
    return [(level, term) for term, level in best.items()]


@functools.lru_cache(maxsize=16_384)
def text_terms(text: str) -> frozenset[str]:
    """The analyzed terms of a short text with their broader concepts (`rode` → red, colour)."""
    return frozenset(found for term, _ in _plain(text, BODY) for found in _expanded(term))


@dataclass(frozen=True)
class WordQuery:
    """How one query word matches: every part at some level, or (`fuzzy` set) its surface word
    within `distance` edits of a product's word (typo tolerance)."""

    word: str
    parts: tuple[str, ...]
    fuzzy: str = ""
    distance: int = 0


MAX_CORRECTION = 2


def _deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters deleted (itself included)."""
    found = {word}
    for _ in range(depth):
        found |= {variant[:i] + variant[i + 1 :] for variant in found for i in range(len(variant))}
    return found


@functools.cache
def _deletion_index() -> dict[str, frozenset[str]]:
    """Every vocabulary form under each of its deletion variants (up to MAX_CORRECTION letters):
    two words within n edits share a variant of at most n deletions each (symmetric deletion, as
    SymSpell), so candidates are found by lookups instead of comparing the word with every form."""
    index: dict[str, set[str]] = {}
    for form in vocabulary().forms:
        for variant in _deletions(form, MAX_CORRECTION):
            index.setdefault(variant, set()).add(form)
    return {variant: frozenset(forms) for variant, forms in index.items()}


def _nearest(word: str, distance: int) -> str | None:
    """The concept of the vocabulary form nearest to the word within `distance` edits: fewest
    edits first, then the word itself before its bases (plural and diminutive endings off), then
    product types before attributes (`stohl` is a Stuhl sooner than Stahl), then the form."""
    index = _deletion_index()
    concepts, forms = vocabulary().concepts, vocabulary().forms
    near = sorted(
        (found, order, not concepts[forms[form]].is_type, form)
        for order, base in enumerate(dict.fromkeys(_bases(word)))
        if len(base) >= MIN_FREE_PART
        for form in {form for variant in _deletions(base, distance) for form in index.get(variant, ())}
        if (found := edit_distance(base, form, distance)) <= distance
    )
    return forms[near[0][3]] if near else None


@functools.lru_cache(maxsize=16_384)
def correct(word: str) -> tuple[str, ...] | None:
    """The parts of a misspelt word, fewest edits first: a vocabulary word one edit off, a
    compound with one part one edit off (parts of at least four letters: the other part is
    exact, so a short part is safe here), a vocabulary word within the word's typo distance;
    else None."""
    distance = typo_distance(word)
    if not distance:
        return None
    concept = _nearest(word, 1)
    if concept is not None:
        return (concept,)
    parts = _correct_compound(word)
    if parts is not None:
        return parts
    concept = _nearest(word, distance) if distance > 1 else None
    return (concept,) if concept is not None else None


def _correct_compound(word: str) -> tuple[str, ...] | None:
    """A compound of vocabulary words with one of its parts one edit off."""
    for cut in range(MIN_FREE_PART, len(word) - MIN_PART + 1):
        left, right = word[:cut], word[cut:]
        head = resolve(right)
        if head is None:
            known = _resolve_linked(left)
            fixed = _nearest(right, 1) if known is not None and len(right) >= MIN_FREE_PART else None
            if fixed is not None and known is not None:
                return (*known, fixed)
            continue
        for link in _LINKS:
            base = left[: len(left) - len(link)] if left.endswith(link) else ""
            if len(base) >= MIN_FREE_PART and (fixed := _nearest(base, 1)) is not None:
                return (fixed, head)
    return None


def _resolve_linked(left: str) -> tuple[str, ...] | None:
    """The parts of a compound's first part, with or without its linking letters."""
    for link in _LINKS:
        base = left[: len(left) - len(link)] if left.endswith(link) else ""
        if len(base) >= MIN_PART:
            concept = resolve(base)
            if concept is not None:
                return (concept,)
            parts = _split(base)
            if parts is not None:
                return parts
    return None


def plan_query(text: str, known: Callable[[Collection[str]], Collection[str]]) -> list[WordQuery]:
    """The query's words as the engines match them. `known(words)` answers which of the given
    words some product has (in its title, brand, category, attributes or description): only the
    others, outside the vocabulary and long enough, are matched with typo tolerance. Stop words
    are dropped unless the query has nothing else."""
    found = words(text, MAX_QUERY_TOKENS)
    meaningful = [word for word in found if analyze_word(word)]
    found = meaningful or found
    unsure = [word for word in found if typo_distance(word) and not is_resolved(word)]
    have = set(known(unsure)) if unsure else set()
    planned: list[WordQuery] = []
    for word in found:
        parts = tuple(term for term, _ in analyze_word(word)) or (word,)
        if word not in unsure or word in have:
            planned.append(WordQuery(word, parts))
        elif (corrected := correct(word)) is not None:
            planned.append(WordQuery(word, corrected))
        else:
            planned.append(WordQuery(word, parts, fuzzy=word, distance=typo_distance(word)))
    return planned
