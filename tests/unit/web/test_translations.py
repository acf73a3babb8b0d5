"""The web client's translations (web/i18n.js): every text a translated view passes to t() or
plural() has a Dutch and a German translation with the same {placeholders}, and the catalogs hold
no text that no view uses any more."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "web"
LANGUAGES = ("nl", "de")
JS_STRING = r'"((?:[^"\\]|\\.)*)"'
CALLS = (
    re.compile(r"(?<![\w.])t\(\s*" + JS_STRING),
    re.compile(r"(?<![\w.])plural\([^,()]+(?:\([^()]*\))?,\s*" + JS_STRING + r",\s*" + JS_STRING),
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def translated_files() -> list[Path]:
    """The modules that use the translations (they import i18n.js)."""
    imports = re.compile(r'from "(\.\./)*\.?/?i18n\.js"')
    return sorted(p for p in WEB.rglob("*.js") if "locales" not in p.parts and imports.search(p.read_text()))


def texts() -> set[str]:
    found: set[str] = set()
    for path in translated_files():
        source = path.read_text()
        for call in CALLS:
            for match in call.finditer(source):
                found.update(json.loads(f'"{group}"') for group in match.groups())
    return found


def catalog(language: str) -> dict[str, str]:
    source = (WEB / "locales" / f"{language}.js").read_text()
    body = source[source.index("export default") + len("export default") :].strip().rstrip(";")
    messages: dict[str, str] = json.loads(body)
    return messages


def test_the_translated_views_are_found() -> None:
    names = {p.name for p in translated_files()}
    assert {"app.js", "ui.js", "catalog.js", "product.js", "cart.js", "checkout.js", "orders.js", "order.js"} <= names
    assert len(texts()) > 150


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_has_a_translation(language: str) -> None:
    messages = catalog(language)
    missing = sorted(texts() - set(messages))
    assert missing == [], f"{language}.js lacks {len(missing)} texts"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_left_over(language: str) -> None:
    assert sorted(set(catalog(language)) - texts()) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = {
        text: translation
        for text, translation in catalog(language).items()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(translation)) or not translation.strip()
    }
    assert wrong == {}
