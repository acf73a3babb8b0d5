"""A vendor's daily feed URL in a real browser, against the whole local runtime: the vendor enters
the URL its shop publishes the feed at, the schedule fetches it (one tick of its rate rule), the
import history lists the import with its counts, and the vendor stops the fetching. The feed is
served by an HTTP server on this machine (the local stage lets the fetcher reach 127.0.0.1; AWS
stages refuse private addresses)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from functions.vendor.wiring import FEED_PULL
from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def shop_feed() -> Iterator[tuple[str, str]]:
    """(URL, run id) of a Merchant CSV with two good rows and one bad one, served over HTTP."""
    run = uuid.uuid4().hex[:6]
    body = (
        "id,title,price,quantity\n"
        f"DAY-{run}-1,Tagesschal {run},14.95 EUR,3\n"
        f"DAY-{run}-2,Tagesmütze {run},9.95 EUR,5\n"
        f"DAY-{run}-3,Ohne Preis {run},,1\n"
    ).encode()

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/exports/daily.csv", run
    server.shutdown()


def test_a_vendor_has_its_feed_fetched_daily_and_sees_the_import(
    plein: Plein, web_url: str, page: Page, tmp_path: Path, shop_feed: tuple[str, str]
) -> None:
    # Given the demo vendor without a feed URL
    url, run = shop_feed
    vendor_id = plein.users["vendor"].vendor_id
    assert vendor_id
    vendor = plein.client("vendor")
    vendor.delete(f"/vendors/{vendor_id}/feed-source")
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.get_by_role("link", name="Vendor", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.goto(f"{web_url}#/vendor?tab=feeds")

    # When they enter the URL their shop publishes the feed at
    card = page.locator(".feed-source")
    card.get_by_label("Feed URL").fill(url)
    card.get_by_role("button", name="Fetch daily").click()

    # Then it is saved, not fetched yet
    card.get_by_text("Not fetched yet.").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)

    # When the schedule runs
    schedule = next(s for w in plein.runtime.wirings for s in w.schedules if s.function == FEED_PULL)
    delivery = plein.runtime.delivery
    assert delivery is not None
    plein.thread.call(delivery.tick(schedule), 120)
    assert plein.wait_until_idle(120)

    # Then the feed was fetched and imported: the history lists it with its counts
    (newest, *_) = vendor.get(f"/vendors/{vendor_id}/feeds").json()["items"]
    assert (newest["filename"], newest["status"]) == ("daily.csv", "completed")
    assert (newest["counts"]["created"], newest["counts"]["rejected"]) == (2, 1)
    page.reload()
    listed = page.locator(f'.import-history tr[data-feed="{newest["feed_id"]}"]')
    listed.wait_for(timeout=TIMEOUT_MS)
    assert "daily.csv" in listed.inner_text()
    card.get_by_text("Last fetched").wait_for(timeout=TIMEOUT_MS)
    assert vendor.get(f"/vendors/{vendor_id}/offers/DAY-{run}-1").json()["price"] == 1495
    _shoot(page, tmp_path, "feed-source")

    # When they stop the fetching
    card.get_by_role("button", name="Stop fetching").click()
    card.get_by_role("button", name="Fetch daily").wait_for(timeout=TIMEOUT_MS)
    assert vendor.get(f"/vendors/{vendor_id}/feed-source").status_code == 404
