"""The web client in Dutch, German and English, in a real browser against the whole local runtime:
a browser set to Dutch gets Dutch (prices "€ 12,95", the page's lang), the header's switch turns
it German ("12,95 €") and the choice outlives a reload; English is one click back. Texts without a
translation cannot ship (tests/unit/web/test_translations.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _catalog_ready, _shoot
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
NBSP = "\u00a0"


@pytest.fixture
def dutch_page(browser: Browser) -> Iterator[Page]:
    """A page of a browser whose preferred language is Dutch."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def _prices(page: Page) -> list[str]:
    return [text.replace(NBSP, " ") for text in page.locator(".product-card .price").all_inner_texts()]


def test_the_shop_speaks_the_browsers_language_and_the_switch_changes_it(
    plein: Plein, web_url: str, dutch_page: Page, tmp_path: Path
) -> None:
    _catalog_ready(plein)
    page = dutch_page
    page.set_viewport_size(PHONE)

    # Given a shopper whose browser prefers Dutch
    page.goto(f"{web_url}#/products")
    page.locator(".product-card").first.wait_for(timeout=TIMEOUT_MS)

    # Then the shop is in Dutch, with Dutch prices, and says so to screen readers
    assert page.get_by_role("link", name="Winkelwagen").count() == 1
    assert page.get_by_role("heading", name="Winkel", level=1).is_visible()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert all(re.search(r"€ \d+(\.\d{3})*,\d{2}", price) for price in _prices(page)), _prices(page)
    assert page.get_by_label("Sorteren op").is_visible()
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "shop-nl")

    # When they switch to German
    page.get_by_label("Taal van de site").select_option("de")

    # Then the same page is German, prices as Germans write them, and that stays after a reload
    page.get_by_role("link", name="Warenkorb").wait_for(timeout=TIMEOUT_MS)
    page.locator(".product-card").first.wait_for(timeout=TIMEOUT_MS)
    assert all(re.search(r"\d+(\.\d{3})*,\d{2} €", price) for price in _prices(page)), _prices(page)
    page.reload()
    page.get_by_label("Sprache der Seite").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Suchen").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("html").get_attribute("lang") == "de"
    # with the marketplace's categories named in German, the chosen one too
    page.locator(".facet-links a", has_text="Sportartikel").wait_for(state="attached", timeout=TIMEOUT_MS)
    page.goto(f"{web_url}#/products?category=Sporting+Goods")
    page.locator(".chip", has_text="Kategorie: Sportartikel").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "shop-de")

    # And an unknown page and the sign-in form are German too
    page.goto(f"{web_url}#/nowhere")
    page.get_by_role("heading", name="Seite nicht gefunden").wait_for(timeout=TIMEOUT_MS)
    page.goto(f"{web_url}#/signin")
    page.get_by_role("link", name="Passwort vergessen?").wait_for(timeout=TIMEOUT_MS)

    # When they choose English, the shop is English again
    page.get_by_label("Sprache der Seite").select_option("en")
    page.get_by_role("link", name="Cart").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("html").get_attribute("lang") == "en"
