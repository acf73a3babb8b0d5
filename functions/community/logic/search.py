"""Full-text search of articles over a token index in the community table (pure rules).

Title, summary and tags are folded (lower case, accents stripped, ß → ss: "Küche" → "kuche") and
split into words. Every published article is linked into one list per distinct 3-letter word
prefix ("kuc", "tip", ...), ordered by publication. A query reads the list of the prefix of its
longest word and keeps the articles in which every query word is a prefix of some word
("kuche" finds "Küche", "küch" finds "Küchenmesser"). The index only proposes candidates: each
candidate document is checked against the query (and its state) before it is shown, so an entry
left behind by an interrupted edit never shows anything wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

PREFIX = 3
"""Letters of a word that name its index list; query words need at least this many."""
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents ("Küche" → "kuche", "Straße" → "strasse")."""
    # Decomposed before and after case folding: compatibility forms such as "ᴬ" decompose to
    # capitals, and folding can produce combining marks ("İ" → "i̇"); both ways stay stable.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(*texts: str) -> list[str]:
    """The folded words of `texts`, in order, without repeats."""
    found = (word for text in texts for word in _WORD.findall(fold(text)))
    return list(dict.fromkeys(found))


def terms(*texts: str) -> set[str]:
    """The index lists a document with these texts belongs to (prefixes of its words)."""
    return {word[:PREFIX] for word in words(*texts) if len(word) >= PREFIX}


def query_words(query: str) -> list[str]:
    return words(query)[:MAX_QUERY_WORDS]


def lookup_term(query: list[str]) -> str | None:
    """The index list to read for a query: its longest word's prefix (None: no word is long enough)."""
    longest = max(query, key=len, default="")
    return longest[:PREFIX] if len(longest) >= PREFIX else None


def matches(query: list[str], document_words: Iterable[str]) -> bool:
    """Every query word is the prefix of a word of the document."""
    have = list(document_words)
    return all(any(word.startswith(wanted) for word in have) for wanted in query)
