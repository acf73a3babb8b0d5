"""Question recognition by keywords and the product's catalog facts (category path, brand).

A stand-in for a trained classifier behind the same port (logic/ports.py `QuestionClassifier`):
topics are expertise tags, matched against advisors' `expertise` by routing.
"""

from __future__ import annotations

import re

from functions.advice.logic.domain import Classification, ProductContext

TOPICS: dict[str, tuple[str, ...]] = {
    "coffee": ("coffee", "koffie", "kaffee", "espresso", "bonen", "grinder", "molen", "barista", "latte"),
    "cycling": ("bike", "fiets", "fahrrad", "velo", "cycling", "e-bike", "frame", "gear", "versnelling"),
    "cooking": ("pan", "koken", "cook", "kochen", "bratpfanne", "oven", "knife", "mes", "recipe", "recept"),
    "audio": ("headphone", "koptelefoon", "speaker", "luidspreker", "sound", "geluid", "bluetooth", "noise"),
    "fashion": ("size", "maat", "fit", "past", "jacket", "jas", "shoe", "schoen", "dress", "jurk", "colour", "kleur"),
    "outdoor": ("tent", "hiking", "wandelen", "camping", "backpack", "rugzak", "waterproof", "waterdicht"),
    "electronics": ("battery", "batterij", "charger", "oplader", "screen", "scherm", "laptop", "phone", "telefoon"),
    "sustainability": ("repair", "reparatie", "duurzaam", "sustainable", "recycled", "gerecycled", "second hand"),
}
_WORD = re.compile(r"[\w-]+", re.UNICODE)


class KeywordClassifier:
    def classify(self, question: str, product: ProductContext) -> Classification:
        text = " ".join(filter(None, (question, product.title))).lower()
        words = set(_WORD.findall(text))
        topics = [topic for topic, keywords in TOPICS.items() if any(_mentions(text, words, k) for k in keywords)]
        if product.category:
            topics += [part.strip().lower() for part in product.category.split(">") if part.strip()]
        if product.brand:
            topics.append(product.brand.strip().lower())
        return Classification(topics=list(dict.fromkeys(topics)))


def _mentions(text: str, words: set[str], keyword: str) -> bool:
    return keyword in text if " " in keyword else keyword in words or any(w.startswith(keyword) for w in words)
