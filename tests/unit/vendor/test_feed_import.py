"""The feed import on in-memory fakes: counts, report, modes, idempotency and failures."""

from __future__ import annotations

import pytest

from functions.common.errors import BadRequest, Forbidden
from functions.vendor.logic import ids
from functions.vendor.logic.feeds import importer
from functions.vendor.logic.feeds import rows as rows_module
from functions.vendor.models.api import FeedRequest, OfferPatch
from functions.vendor.models.events import FeedImportCompleted
from tests.unit.vendor.conftest import World
from tests.unit.vendor.feedgen import HEADER, csv_bytes, jsonl_bytes, rows, xml_bytes


def upload(world: World, data: bytes, *, filename: str = "feed.csv", mode: str = "upsert", who: str = "anna"):
    vendor_id, owner = world.approved_vendor(who) if who not in world.users.bound else (world.users.bound[who], None)
    if owner is None:
        from functions.common.auth import Principal, Role

        owner = Principal(user_id=f"sub-{who}", username=who, groups=frozenset({Role.VENDOR}), vendor_id=vendor_id)
    created = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename=filename, mode=mode))
    key = created.upload.fields["key"]
    world.files.objects[key] = data
    return vendor_id, owner, created.feed_id, key


def run(world: World, key: str, sequencer: str = "seq-1"):
    return world.feed_service.import_object(key, len(world.files.objects[key]), sequencer)


def test_thousand_rows_with_ten_bad_ones(world: World) -> None:
    # Given a 1,000-row CSV with 10 rows whose GTIN check digit is wrong
    vendor_id, owner, feed_id, key = upload(world, csv_bytes(rows(1000, bad=10)))

    # When the upload's event arrives
    feed = run(world, key)

    # Then 990 offers exist, 10 rows are in the report, and the completion is announced
    assert feed is not None
    assert feed.status == "completed"
    assert feed.counts.model_dump() == {
        "received": 1000,
        "created": 990,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 10,
        "kept_rejected": 0,
    }
    assert len(world.offers.active(vendor_id)) == 990
    report = world.files.report_rows(feed.report_key or "")
    assert report[0] == ["line", "field", "code", "message"]
    assert len(report) == 11
    assert {row[2] for row in report[1:]} == {"invalid_gtin_check_digit"}
    assert report[1][0] == "101"  # line 1 is the header; row index 99 is line 101
    status = world.feed_service.status(owner, vendor_id, feed_id)
    assert status.progress == 1.0
    assert status.error_report_url
    assert status.error_report_lines == 10
    [done] = world.publisher.of_type(FeedImportCompleted)
    assert (done.status, done.counts.created) == ("completed", 990)


@pytest.mark.parametrize(("make", "filename"), [(jsonl_bytes, "f.jsonl"), (xml_bytes, "f.xml")])
def test_other_formats(world: World, make, filename: str) -> None:
    _vendor_id, _, _, key = upload(world, make(rows(150)), filename=filename)

    feed = run(world, key)

    assert feed is not None
    assert feed.status == "completed"
    assert feed.counts.created == 150
    assert feed.format == ("jsonl" if filename.endswith("jsonl") else "xml")


def test_reimport_counts_unchanged_and_updated_and_bumps_revision(world: World) -> None:
    items = rows(200)
    vendor_id, owner, _, key = upload(world, csv_bytes(items))
    run(world, key)
    items[5]["price"] = "99.00 EUR"
    created = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="again.csv"))
    world.files.objects[created.upload.fields["key"]] = csv_bytes(items)

    feed = run(world, created.upload.fields["key"])

    assert feed is not None
    assert (feed.counts.created, feed.counts.updated, feed.counts.unchanged) == (0, 1, 199)
    changed = world.offers.get(ids.offer_id(vendor_id, "SKU-000005"))
    assert changed is not None
    assert changed.snapshot.revision == 2
    assert changed.snapshot.price == 9900


def test_replace_withdraws_absent_offers_and_partial_changes_only_given_fields(world: World) -> None:
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(300)))
    run(world, key)

    replace = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="r.csv", mode="replace"))
    world.files.objects[replace.upload.fields["key"]] = csv_bytes(rows(300)[:250])
    replaced = run(world, replace.upload.fields["key"])
    assert replaced is not None
    assert (replaced.counts.withdrawn, replaced.counts.unchanged) == (50, 250)
    assert len(world.offers.active(vendor_id)) == 250

    partial = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="p.csv", mode="partial"))
    world.files.objects[partial.upload.fields["key"]] = b"id,quantity\nSKU-000001,0\nSKU-000299,4\n"
    patched = run(world, partial.upload.fields["key"])
    assert patched is not None
    assert (patched.counts.updated, patched.counts.rejected) == (1, 1)  # SKU-000299 was withdrawn
    offer = world.offers.get(ids.offer_id(vendor_id, "SKU-000001"))
    assert offer is not None
    assert (offer.snapshot.quantity, offer.snapshot.availability, offer.snapshot.title) == (
        0,
        "out_of_stock",
        "Wollpullover 1",
    )


def test_replace_keeps_the_offers_of_rejected_rows_and_counts_them_apart(world: World) -> None:
    # Given 200 active offers
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(200)))
    run(world, key)
    kept = world.offers.get(ids.offer_id(vendor_id, "SKU-000003"))
    assert kept is not None

    # When a replace file holds 150 of them, two with an unreadable price
    items = rows(200)[:150]
    items[3]["price"] = "twelve euro"
    items[7]["price"] = "1.234,5 EUR"
    replace = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="r.csv", mode="replace"))
    world.files.objects[replace.upload.fields["key"]] = csv_bytes(items)
    replaced = run(world, replace.upload.fields["key"])

    # Then only the 50 absent SKUs are withdrawn; the rejected rows keep their offers as they were
    assert replaced is not None
    counts = replaced.counts
    assert (counts.withdrawn, counts.rejected, counts.kept_rejected, counts.unchanged) == (50, 2, 2, 148)
    assert len(world.offers.active(vendor_id)) == 150
    assert world.offers.get(ids.offer_id(vendor_id, "SKU-000003")) == kept
    report = world.files.report_rows(replaced.report_key or "")
    assert [(row[0], row[1]) for row in report[1:]] == [("5", "price"), ("9", "price")]
    assert all(row[3].endswith(importer.KEPT_NOTE) for row in report[1:])


@pytest.mark.parametrize("mode", ["upsert", "partial"])
def test_availability_without_a_stock_column_is_honoured(world: World, mode: str) -> None:
    # Given SKU-000001 out of stock and SKU-000002 in stock with 7
    items = rows(120)
    items[1]["quantity"], items[2]["quantity"] = "0", "7"
    vendor_id, owner, _, key = upload(world, csv_bytes(items))
    run(world, key)

    # When a feed without quantity says in_stock for the first and out_of_stock for the second
    changed = [dict(items[1], availability="in_stock"), dict(items[2], availability="out_of_stock")]
    for item in changed:
        item.pop("quantity", None)
    partial = b"id,availability\nSKU-000001,in_stock\nSKU-000002,out_of_stock\n"
    data = csv_bytes(changed) if mode == "upsert" else partial
    again = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="a.csv", mode=mode))
    world.files.objects[again.upload.fields["key"]] = data
    feed = run(world, again.upload.fields["key"])

    # Then both are updated, never "unchanged": one is back on sale with the default stock, one is off sale
    assert feed is not None
    assert (feed.counts.updated, feed.counts.unchanged, feed.counts.rejected) == (2, 0, 0)
    back = world.offers.get(ids.offer_id(vendor_id, "SKU-000001"))
    gone = world.offers.get(ids.offer_id(vendor_id, "SKU-000002"))
    assert back is not None
    assert gone is not None
    assert (back.snapshot.availability, back.snapshot.quantity) == ("in_stock", rows_module.UNTRACKED_QUANTITY)
    assert (gone.snapshot.availability, gone.snapshot.quantity) == ("out_of_stock", 0)


def test_redelivered_event_imports_once(world: World) -> None:
    _, _, _, key = upload(world, csv_bytes(rows(120)))

    first = run(world, key, "seq-1")
    second = run(world, key, "seq-1")

    assert first is not None
    assert second is None
    assert len(world.publisher.of_type(FeedImportCompleted)) == 1


@pytest.mark.parametrize(
    ("data", "code_in_reason"),
    [
        (b"\x00\x01\x02binary\x00" * 100, "binary"),
        (b"name;colour\nshirt;red\n", "no column"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><rss/>', "XML"),
    ],
)
def test_not_a_feed_fails_and_changes_nothing(world: World, data: bytes, code_in_reason: str) -> None:
    _vendor_id, _, _, key = upload(world, data)

    feed = run(world, key)

    assert feed is not None
    assert feed.status == "failed"
    assert feed.reason
    assert code_in_reason in feed.reason
    assert world.offers.items == {}
    [done] = world.publisher.of_type(FeedImportCompleted)
    assert done.status == "failed"


def test_first_rows_all_invalid_fails_before_writing(world: World) -> None:
    items = rows(500)
    for item in items[:100]:
        item["price"] = "free"
    _, _, _, key = upload(world, csv_bytes(items))

    feed = run(world, key)

    assert feed is not None
    assert feed.status == "failed"
    assert world.offers.items == {}


def test_replace_with_a_broken_file_withdraws_nothing(world: World) -> None:
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(150)))
    run(world, key)
    replace = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="r.xml", mode="replace"))
    world.files.objects[replace.upload.fields["key"]] = xml_bytes(rows(150)[:120])[:-30]  # truncated XML

    feed = run(world, replace.upload.fields["key"])

    assert feed is not None
    assert feed.status == "failed"
    assert len(world.offers.active(vendor_id)) == 150


def test_duplicate_ids_are_rejected(world: World) -> None:
    items = rows(150)
    items.append(dict(items[3]))
    _, _, _, key = upload(world, csv_bytes(items))

    feed = run(world, key)

    assert feed is not None
    assert (feed.counts.created, feed.counts.rejected) == (150, 1)
    assert world.files.report_rows(feed.report_key or "")[1][2] == "duplicate_id"


def test_a_database_failure_releases_the_feed_for_the_retry(world: World) -> None:
    _, _, feed_id, key = upload(world, csv_bytes(rows(250)))
    world.offers.fail_on_bulk_write = True

    with pytest.raises(RuntimeError):
        run(world, key)

    vendor_id = key.split("/")[1]
    assert world.feeds.get(vendor_id, feed_id).status == "pending"  # type: ignore[union-attr]
    world.offers.fail_on_bulk_write = False
    retried = run(world, key)
    assert retried is not None
    assert retried.counts.created == 250


def test_progress_is_recorded(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "PROGRESS_EVERY_ROWS", 100)
    _, _, _, key = upload(world, csv_bytes(rows(1000)))

    run(world, key)

    assert world.feeds.progress_calls == 10


def test_unknown_objects_are_ignored(world: World) -> None:
    assert world.feed_service.import_object("feeds/vd_x/fd_y/f.csv", 10, "s") is None
    assert world.feed_service.import_object("elsewhere/f.csv", 10, "s") is None


def test_upload_checks_owner_and_file_type(world: World) -> None:
    vendor_id, owner = world.approved_vendor("anna")
    _, other = world.approved_vendor("bert", "Noordzee")

    with pytest.raises(Forbidden):
        world.feed_service.request_upload(other, vendor_id, FeedRequest(filename="f.csv"))
    with pytest.raises(BadRequest):
        world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="f.exe"))
    created = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="f.tsv"))
    assert created.upload.fields["Content-Type"] == "text/tab-separated-values"
    assert created.upload.fields["key"] == f"feeds/{vendor_id}/{created.feed_id}/f.tsv"
    with pytest.raises(Forbidden):
        world.feed_service.status(other, vendor_id, created.feed_id)


def test_header_constant_matches_generator() -> None:
    assert HEADER[0] == "id"


def test_a_patch_during_a_partial_import_is_merged_not_overwritten(world: World) -> None:
    # Given 150 offers, and a partial feed that changes only the stock of SKU-000007
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(150)))
    run(world, key)
    partial = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="p.csv", mode="partial"))
    world.files.objects[partial.upload.fields["key"]] = b"id,quantity\nSKU-000007,3\n"
    target = ids.offer_id(vendor_id, "SKU-000007")

    # When the vendor PATCHes that offer's price after the import read it, before it writes
    def patch_once(offer_id: str) -> None:
        if offer_id == target and world.offers.before_put is not None:
            world.offers.before_put = None
            world.offer_service.patch(owner, vendor_id, "SKU-000007", OfferPatch(price=1234))

    world.offers.before_put = patch_once
    feed = run(world, partial.upload.fields["key"])

    # Then both changes survive: the import re-read the offer and merged its row again
    assert feed is not None
    assert (feed.counts.updated, feed.counts.rejected) == (1, 0)
    offer = world.offers.get(target)
    assert offer is not None
    assert (offer.snapshot.price, offer.snapshot.quantity, offer.snapshot.revision) == (1234, 3, 3)


def test_an_offer_that_keeps_changing_is_reported_not_dropped(world: World) -> None:
    # Given an offer that another writer changes before every write of the import
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(150)))
    run(world, key)
    target = ids.offer_id(vendor_id, "SKU-000009")
    prices = iter(range(2000, 3000))

    def keep_patching(offer_id: str) -> None:
        if offer_id == target:
            world.offers.before_put = None
            world.offer_service.patch(owner, vendor_id, "SKU-000009", OfferPatch(price=next(prices)))
            world.offers.before_put = keep_patching

    world.offers.before_put = keep_patching
    items = rows(150)
    for item in items:
        item["quantity"] = "1"
    again = world.feed_service.request_upload(owner, vendor_id, FeedRequest(filename="u.csv"))
    world.files.objects[again.upload.fields["key"]] = csv_bytes(items)
    feed = run(world, again.upload.fields["key"])

    # Then every other row lands and that one row is in the report with the reason
    assert feed is not None
    assert (feed.counts.updated, feed.counts.rejected) == (149, 1)
    report = world.files.report_rows(feed.report_key or "")
    assert report[1][1:3] == ["id", "concurrent_change"]
    assert report[1][0] == str(items.index(next(i for i in items if i["id"] == "SKU-000009")) + 2)


def test_imports_a_stopped_system_left_unfinished_are_announced_again_and_then_complete(world: World) -> None:
    # Given an import that was running when the system stopped, one uploaded but never started,
    # one whose file never came, and one that finished
    vendor_id, _, running, running_key = upload(world, csv_bytes(rows(30)))
    now = world.clock()
    world.feeds.start(vendor_id, running, sequencer="seq-1", bytes_total=1, now=now, stale_before=now)
    _, _, _, waiting_key = upload(world, csv_bytes(rows(20)))
    _, _, never_sent, missing_key = upload(world, csv_bytes(rows(10)))
    del world.files.objects[missing_key]
    _, _, _, done_key = upload(world, csv_bytes(rows(5)))
    assert run(world, done_key) is not None

    # When the system starts again and resumes them
    resumed = world.feed_service.resume_interrupted()

    # Then the two with a file are announced again, and the import then runs to its end
    assert sorted(feed.object_key for feed in resumed) == sorted([running_key, waiting_key])
    assert sorted(world.files.announced) == sorted([running_key, waiting_key])
    for key in world.files.announced:
        finished = run(world, key, "seq-again")
        assert finished is not None
        assert finished.status == "completed"
    waiting = world.feeds.get(vendor_id, never_sent)
    assert waiting is not None
    assert waiting.status == "pending"  # nothing to import yet
