"""Every page of the web client, as each role sees it, at phone (390 px) and desktop width:
axe-core (WCAG 2.0/2.1 A and AA rules) finds no violation, and nothing scrolls sideways on a
phone. axe-core comes from node_modules (package.json pins it); the scan runs in the page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local.seed.vendor import _vendor_id
from tests.browser.test_web import TIMEOUT_MS, _catalog_ready, _shoot, _sign_in
from tests.e2e.conftest import Plein, wait_for_demo_orders

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PUBLIC_PAGES = (
    "#/products",
    "#/community",
    "#/collections",
    "#/guides",
    "#/ideas",
    "#/signin",
    "#/signup",
    "#/reset",
    f"#/vendors/{_vendor_id('Wolkenweber')}",
)
PAGES: dict[str, tuple[str, ...]] = {
    "anonymous": PUBLIC_PAGES,
    "shopper": (
        "#/cart",
        "#/orders",
        "#/rewards",
        "#/profile",
        "#/feed",
        "#/feedback",
        "#/inbox",
        "#/settings/notifications",
        "#/newsletter",
        "#/advice",
        "#/collections/new",
        "#/sell",
    ),
    "vendor": (
        "#/vendor",
        "#/vendor?tab=feeds",
        "#/vendor?tab=orders",
        "#/vendor?tab=orders&show=to-ship",
        "#/vendor?tab=profile",
        "#/partner",
        "#/articles/new",
    ),
    "admin": ("#/admin", "#/admin/vendors", "#/admin/community", "#/admin/rewards", "#/admin/campaigns"),
}


def _settled(page: Page) -> None:
    """The page's view has loaded what it shows (no loading placeholder, no busy element)."""
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('.loading, [aria-busy=true]')", timeout=TIMEOUT_MS)


def _violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the page's CSP allows no inline script
    scanned: dict[str, Any] = page.evaluate(
        "async (tags) => { const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });"
        " return { passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })) }; }",
        TAGS,
    )
    assert scanned["passes"] > 5, f"axe checked next to nothing on {page.url}"  # the scan ran on the page
    violations: list[dict[str, Any]] = scanned["violations"]
    return violations


def _scan(page: Page, web_url: str, pages: tuple[str, ...], tmp_path: Path) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for target in pages:
            page.goto(f"{web_url}{target}")
            _settled(page)
            found = _violations(page)
            if found:
                problems[f"{target} at {width}"] = found
                _shoot(page, tmp_path, f"{target.strip('#/').replace('/', '-').replace('?', '-')}-{width}")
            if width == "phone" and not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                problems[f"{target} at {width}: scrolls sideways"] = page.evaluate(
                    "document.documentElement.scrollWidth"
                )
    return problems


def _pages_with_ids(plein: Plein, role: str) -> tuple[str, ...]:
    """A product page for everyone, and the shopper's newest order (long ids: the phone width check)."""
    if role == "anonymous":
        products = plein.client().get("/products", params={"limit": 1}).json()["items"]
        return tuple(f"#/product/{product['product_id']}" for product in products)
    if role == "shopper":
        wait_for_demo_orders(plein)
        (order, *_) = plein.client("shopper").get("/orders", params={"limit": 1}).json()["items"]
        return (f"#/orders/{order['order_id']}",)
    return ()


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_of_a_role_passes_axe_and_fits_a_phone(
    plein: Plein, web_url: str, page: Page, tmp_path: Path, role: str
) -> None:
    _catalog_ready(plein)
    if role != "anonymous":
        _sign_in(page, web_url, plein, role)
    pages = PAGES[role] + _pages_with_ids(plein, role)

    problems = _scan(page, web_url, pages, tmp_path)

    assert problems == {}, problems
