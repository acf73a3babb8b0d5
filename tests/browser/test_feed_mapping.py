"""A vendor's own spreadsheet in a real browser, against the whole local runtime: the preview names
the fields no column gives, the vendor maps its German columns (decimal comma, condition words),
tries the mapping on the first rows, saves it, uploads the file, and the import history lists the
import as read through the mapping. The mapping editor fits a phone's width."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_vendor_maps_its_own_spreadsheet_saves_the_mapping_and_imports_through_it(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the demo vendor without a saved mapping, and its German spreadsheet with one broken row
    vendor_id = plein.users["vendor"].vendor_id
    assert vendor_id
    vendor = plein.client("vendor")
    vendor.delete(f"/vendors/{vendor_id}/feed-mapping")
    run = uuid.uuid4().hex[:6]
    sheet = tmp_path / "artikel.csv"
    sheet.write_text(
        "Artikelnummer;Bezeichnung;Preis;Bestand;Zustand\n"
        f"DE-{run}-1;Wollschal {run};1.024,50;4;Neu\n"
        f"DE-{run}-2;Wollmütze {run};19,95;2;gebraucht\n"
        f"DE-{run}-3;Kaputt {run};neunzehn;1;Neu\n",
        encoding="utf-8",
    )
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.get_by_role("link", name="Vendor", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.goto(f"{web_url}#/vendor?tab=feeds")

    # When they choose it
    page.get_by_label("Feed file").set_input_files(str(sheet))

    # Then the preview names what is missing and offers the mapping of its columns
    page.get_by_text("No column gives id, title, price").wait_for(timeout=TIMEOUT_MS)
    editor = page.locator("form.feed-mapping")
    editor.wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)

    # When they map the columns, say amounts use a decimal comma in euros, and try it
    for column, target in (
        ("Artikelnummer", "id"),
        ("Bezeichnung", "title"),
        ("Preis", "price"),
        ("Bestand", "quantity"),
        ("Zustand", "condition"),
    ):
        editor.get_by_label(column, exact=True).select_option(target)
    editor.get_by_label("Amounts use a decimal comma").check()
    editor.get_by_label("Currency of amounts without one").select_option("EUR")
    editor.get_by_role("button", name="Preview with this mapping").click()

    # Then the first rows read as meant: two good ones and the broken price
    preview = page.locator(".preview")
    preview.get_by_text("read through your column mapping").wait_for(timeout=TIMEOUT_MS)
    assert re.search(r"2 good rows .* 1 problem", preview.inner_text()), preview.inner_text()
    _shoot(page, tmp_path, "feed-mapping")

    # When they save the mapping and upload the file
    editor.get_by_role("button", name="Save mapping").click()
    page.get_by_text("Your column mapping is saved").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Upload feed").click()

    # Then the import reads through it: two offers, one rejected row, listed in the history
    done = page.locator(".feed-status[data-status=completed], .feed-status[data-status=failed]")
    done.wait_for(timeout=60_000)
    assert done.get_attribute("data-status") == "completed"
    (newest, *_) = vendor.get(f"/vendors/{vendor_id}/feeds").json()["items"]
    assert (newest["mapped"], newest["counts"]["created"], newest["counts"]["rejected"]) == (True, 2, 1)
    listed = page.locator(f'.import-history tr[data-feed="{newest["feed_id"]}"]')
    listed.wait_for(timeout=TIMEOUT_MS)
    assert "through your mapping" in listed.inner_text()
    offer = vendor.get(f"/vendors/{vendor_id}/offers/DE-{run}-1").json()
    assert (offer["price"], offer["condition"]) == (102450, "new")
    assert _fits_the_width(page)

    # And the mapping can be forgotten again
    page.get_by_role("button", name="Forget mapping").click()
    page.get_by_text("Your column mapping is saved").wait_for(state="detached", timeout=TIMEOUT_MS)
    assert vendor.get(f"/vendors/{vendor_id}/feed-mapping").status_code == 404
