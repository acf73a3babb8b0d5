"""Language-neutral text handling shared by every search adapter: folding, tokens, typo distance.

Products arrive in Dutch, German and English, often mixed in one feed, so nothing here depends
on a language: text is lower-cased and accent-folded (`Küche` → `kuche`, `café` → `cafe`,
`Straße` → `strasse`). Stemming, compounds and synonyms are logic/analysis.py's.

Typo tolerance (edit distance 1 from 5 characters, 2 from 9) applies to a query word only when
it is not a vocabulary word and no product has it (in its title, brand, category, attributes or
description): a word the catalog knows matches exactly (`stuhl` does not find `Stahl`,
`stadsfeits` still finds `Stadsfiets`). Typesense does the same per query
(`typo_tokens_threshold`); here it is per word, and it saves the engines the fuzzy
term-dictionary walk for most queries. Shorter words are never matched with typos: at four
letters one edit turns most words into other real ones (lamp, camp, damp).
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_TOKENS = 8
MAX_TOKEN_CHARS = 40
_TOKEN = re.compile(r"[^\W_]+")
# Letters NFKD does not decompose; the same table as tantivy's and Lucene's ASCII folding.
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i", "ŋ": "n"}
)


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_LATIN = str.maketrans({chr(code): _strip(chr(code).translate(_SPECIAL)) for code in range(0xC0, 0x250)})
"""The folding of the Latin letters (`ü` → `u`), one table lookup each instead of a decomposition."""


def fold(text: str) -> str:
    """Lower-case and strip accents: what both search engines do to indexed text and queries."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    folded = lowered.translate(_LATIN)
    return folded if folded.isascii() else _strip(folded.translate(_SPECIAL))


def tokens(text: str, limit: int = MAX_QUERY_TOKENS) -> list[str]:
    """Folded word tokens of a query, at most `limit`, each at most MAX_TOKEN_CHARS long."""
    found = [tok for tok in _TOKEN.findall(fold(text)) if len(tok) <= MAX_TOKEN_CHARS]
    return found[:limit]


def typo_distance(token: str) -> int:
    """Edit distance a query token may be off by: 0 below 5 characters, 1 from 5, 2 from 9."""
    if len(token) >= 9:
        return 2
    if len(token) >= 5:
        return 1
    return 0


def edit_distance(a: str, b: str, bound: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or `bound + 1` once above bound."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return previous[-1]
