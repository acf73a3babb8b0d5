"""Vendor feeds on the whole local runtime, over HTTP: presigned upload → S3 event → import →
stream relay → OffersChanged → catalog search; second vendor on the same GTIN; price PATCH;
ownership.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Plein
from tests.unit.vendor.feedgen import HEADER, bad_indices, csv_bytes, gtin13, rows

pytestmark = pytest.mark.e2e

SEARCH_TIMEOUT = 120.0


def eventually(
    probe: Callable[[], Any],
    done: Callable[[Any], bool] = bool,
    timeout: float = SEARCH_TIMEOUT,
    interval: float = 0.5,
) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if done(last):
            return last
        time.sleep(interval)
    raise AssertionError(f"not within {timeout} s; last: {str(last)[:2000]}")


def new_vendor(plein: Plein, label: str) -> tuple[str, httpx.Client]:
    """A fresh user applies, the admin approves; returns (vendor_id, client signed in as its owner)."""
    username = f"e2e-{label}-{secrets.token_hex(3)}"
    password = "Passw0rd!" + secrets.token_hex(4)
    plein.create_user(username, password, ["shopper"])
    applicant = httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, password)}"}, timeout=30
    )
    applied = applicant.post("/vendors", json={"name": f"E2E {label} {username[-6:]}"})
    assert applied.status_code == 201, applied.text
    vendor_id = applied.json()["vendor_id"]
    approved = plein.client("admin").post(f"/admin/vendors/{vendor_id}/approve", json={})
    assert approved.status_code == 200, approved.text
    # A fresh sign-in carries the vendor group and custom:vendor_id set by the approval.
    token = plein.token(username, password)
    owner = httpx.Client(base_url=plein.rest_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    applicant.close()
    return vendor_id, owner


def upload_feed(owner: httpx.Client, vendor_id: str, data: bytes, filename: str = "feed.csv") -> dict[str, Any]:
    created = owner.post(f"/vendors/{vendor_id}/feeds", json={"filename": filename})
    assert created.status_code == 201, created.text
    upload = created.json()["upload"]
    posted = httpx.post(upload["url"], data=upload["fields"], files={"file": (filename, data, "text/csv")}, timeout=60)
    assert posted.status_code in (200, 201, 204), posted.text

    def finished() -> dict[str, Any] | None:
        feed: dict[str, Any] = owner.get(f"/vendors/{vendor_id}/feeds/{created.json()['feed_id']}").json()
        return feed if feed["status"] in ("completed", "failed") else None

    result: dict[str, Any] = eventually(finished, timeout=120)
    return result


def search(plein: Plein, **params: str) -> dict[str, Any]:
    response = plein.client().get("/products", params={"limit": "5", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_vendor_feed_to_search(plein: Plein) -> None:
    word = "Zorbex" + secrets.token_hex(3)
    vendor_a, owner_a = new_vendor(plein, "a")
    vendor_b, owner_b = new_vendor(plein, "b")

    # Given a 1,000-row CSV with 10 bad rows (wrong GTIN check digits), uploaded through the presigned POST
    items = rows(1000, bad=10, prefix="E2E", gtin_prefix="401", title=f"{word} Pullover")
    feed = upload_feed(owner_a, vendor_a, csv_bytes(items))

    # Then the import reports 990 created and a 10-line error report
    assert feed["status"] == "completed", feed
    assert feed["counts"]["created"] == 990
    assert feed["counts"]["rejected"] == 10
    report = list(csv.reader(io.StringIO(httpx.get(feed["error_report_url"], timeout=30).text)))
    assert report[0] == ["line", "field", "code", "message"]
    assert len(report[1:]) == 10
    assert {int(line[0]) for line in report[1:]} == {i + 2 for i in bad_indices(1000, 10)}

    # And 990 offers become searchable
    ended = time.monotonic()
    found = eventually(lambda: search(plein, q=word, vendor=vendor_a), lambda r: r["total"] == 990)
    searchable_after = time.monotonic() - ended
    assert found["total"] == 990
    assert searchable_after < SEARCH_TIMEOUT

    # When a second vendor offers the same GTIN
    shared_gtin = gtin13(1, "401")
    put = owner_b.put(
        f"/vendors/{vendor_b}/offers/B-1",
        json={"title": f"{word} Pullover 1", "price": 1500, "quantity": 3, "gtin": shared_gtin},
    )
    assert put.status_code == 201, put.text
    product_id = put.json()["product_id"]

    # Then the product page shows both vendors' offers, best price first
    def both_offers() -> dict[str, Any] | None:
        detail = plein.client().get(f"/products/{product_id}")
        body: dict[str, Any] = detail.json()
        return body if detail.status_code == 200 and len(body.get("offers", [])) == 2 else None

    detail = eventually(both_offers)
    assert {offer["vendor_id"] for offer in detail["offers"]} == {vendor_a, vendor_b}
    assert detail["offers"][0]["vendor_id"] == vendor_b  # 15.00 EUR beats 20.01 EUR

    # When vendor A patches a price, search shows it
    patched = owner_a.patch(f"/vendors/{vendor_a}/offers/E2E-000005", json={"price": 777})
    assert patched.status_code == 200, patched.text
    eventually(
        lambda: any(hit["price"] == 777 for hit in search(plein, q=f"{word} Pullover 5", vendor=vendor_a)["items"])
    )

    # And vendor A gets 403 on vendor B's offers and feeds
    assert owner_a.get(f"/vendors/{vendor_b}/offers").status_code == 403
    assert owner_a.patch(f"/vendors/{vendor_b}/offers/B-1", json={"price": 1}).status_code == 403
    assert (
        owner_a.put(f"/vendors/{vendor_b}/offers/B-1", json={"title": "x", "price": 1, "quantity": 1}).status_code
        == 403
    )
    assert owner_a.post(f"/vendors/{vendor_b}/feeds", json={"filename": "f.csv"}).status_code == 403
    assert owner_a.get(f"/vendors/{vendor_b}/feeds/{feed['feed_id']}").status_code == 403

    # And the dashboard counts the offers (out of stock: every 7th row, minus the rejected ones)
    board = eventually(lambda: owner_a.get(f"/vendors/{vendor_a}/dashboard").json(), lambda b: b["offers"] == 990)
    expected_out = sum(1 for i in range(1000) if i % 7 == 0 and i not in bad_indices(1000, 10))
    assert board["out_of_stock"] == expected_out
    assert board["last_feed"]["status"] == "completed"
    assert HEADER[0] == "id"


def test_cli_uploads_a_feed_and_saves_the_report(plein: Plein, tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from local.commands.feeds import register

    cli = typer.Typer()
    register(cli)

    # Given a vendor and a TSV feed with one bad row
    vendor_id, owner = new_vendor(plein, "cli")
    feed = tmp_path / "assortment.tsv"
    feed.write_bytes(csv_bytes(rows(50, bad=1, prefix="CLI", gtin_prefix="402"), delimiter="\t"))
    token = owner.headers["Authorization"].removeprefix("Bearer ")

    # When the CLI uploads it and waits
    arguments = ["feed", "upload", str(feed), "--token", token, "--api", plein.rest_url, "--timeout", "120"]
    result = CliRunner().invoke(cli, arguments, catch_exceptions=False)

    # Then it prints the counts and saves the one-line error report next to the file
    assert result.exit_code == 0, result.output
    assert "completed" in result.output
    report = (tmp_path / "assortment.errors.csv").read_text().splitlines()
    assert len(report) == 2
    listed = owner.get(f"/vendors/{vendor_id}/offers", params={"limit": "100"}).json()["items"]
    assert len(listed) == 49


def test_a_woocommerce_export_saved_as_a_workbook_lands_as_offers_of_one_family(plein: Plein) -> None:
    from tests.unit.vendor.test_feed_spreadsheet import workbook
    from tests.unit.vendor.test_feed_woocommerce import HEADER, ROWS

    # Given a vendor whose shop export was opened and saved in Excel
    vendor_id, owner = new_vendor(plein, "woo")

    # When it is uploaded as it is
    result = upload_feed(owner, vendor_id, workbook(HEADER, *ROWS), filename="woocommerce-export.xlsx")

    # Then the simple product and the variations are offers, the rest is in the report
    assert (result["status"], result["format"]) == ("completed", "woocommerce"), result
    assert (result["counts"]["created"], result["counts"]["rejected"]) == (3, 4)
    offers = owner.get(f"/vendors/{vendor_id}/offers", params={"limit": "10"}).json()["items"]
    families = {offer["sku"]: offer["item_group_id"] for offer in offers}
    assert families == {"LAMP-1": None, "HOODIE-B-S": "HOODIE", "HOODIE-G-M": "HOODIE"}

    # And in the shop the variations are one product with a colour and a size to choose
    assert plein.wait_until_idle(60)
    shop = plein.client(None)
    found = shop.get("/products", params={"vendor": vendor_id}).json()
    assert found["total"] == 2  # the lamp and the hoodie
    hoodie = next(item for item in found["items"] if item["variants"])
    assert [option["name"] for option in hoodie["options"]] == ["color", "size"]
    page = shop.get(f"/products/{hoodie['product_id']}").json()
    assert {v["options"]["color"]: v["in_stock"] for v in page["variants"]} == {"Blauw": True, "Groen": False}
