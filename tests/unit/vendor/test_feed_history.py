"""A vendor's import history (logic/feeds/history.py) on in-memory fakes: newest first, pages,
the 60-day window, report links, uploads never made left out, and nobody else's history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.common.errors import BadRequest, Forbidden
from functions.vendor.logic import ids
from tests.unit.vendor.conftest import World
from tests.unit.vendor.feedgen import csv_bytes, rows
from tests.unit.vendor.test_feed_import import run, upload


def test_imports_are_listed_newest_first_with_counts_and_report_links(world: World) -> None:
    # Given two finished imports, the second with a broken row
    vendor_id, owner, first_id, key = upload(world, csv_bytes(rows(3)))
    run(world, key)
    _, _, second_id, key = upload(world, csv_bytes(rows(4, bad=1)), filename="autumn.csv", mode="replace")
    run(world, key)

    # When the vendor opens the history
    page = world.feed_history.list(owner, vendor_id, None, None)

    # Then the newest import comes first, with what it did and a link to its errors
    assert [feed.feed_id for feed in page.items] == [second_id, first_id]
    newest, oldest = page.items
    assert (newest.filename, newest.mode, newest.status) == ("autumn.csv", "replace", "completed")
    assert (newest.counts.rejected, newest.error_report_lines) == (1, 1)
    assert newest.error_report_url is not None
    assert newest.error_report_url.startswith("https://feeds.example/reports/")
    assert (oldest.counts.created, oldest.error_report_url) == (3, None)
    assert page.next_cursor is None


def test_pages_continue_with_the_cursor_and_a_cursor_of_another_vendor_is_refused(world: World) -> None:
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(1)))
    made = [upload(world, csv_bytes(rows(1)))[2] for _ in range(4)]
    run(world, key)

    first = world.feed_history.list(owner, vendor_id, 2, None)
    second = world.feed_history.list(owner, vendor_id, 2, first.next_cursor)
    third = world.feed_history.list(owner, vendor_id, 2, second.next_cursor)

    listed = [feed.feed_id for page in (first, second, third) for feed in page.items]
    assert listed[:4] == made[::-1]
    assert len(listed) == 5 == len(set(listed))
    assert third.next_cursor is None
    other_id, other, _, _ = upload(world, csv_bytes(rows(1)), who="bert")
    with pytest.raises(BadRequest) as refused:
        world.feed_history.list(other, other_id, 2, first.next_cursor)
    assert refused.value.code == "invalid_cursor"


def test_only_the_last_60_days_are_listed(world: World) -> None:
    vendor_id, owner, _, key = upload(world, csv_bytes(rows(1)))
    run(world, key)
    world.clock.now += timedelta(days=45)
    _, _, recent_id, key = upload(world, csv_bytes(rows(1)))
    run(world, key)

    world.clock.now += timedelta(days=16)  # the first import is now 61 days old
    assert [feed.feed_id for feed in world.feed_history.list(owner, vendor_id, None, None).items] == [recent_id]


def test_an_upload_never_made_is_left_out_once_its_window_passed(world: World) -> None:
    vendor_id, owner, waiting_id, _ = upload(world, csv_bytes(rows(1)))
    del world.files.objects[next(iter(world.files.objects))]

    # While the upload could still be made it shows as pending; two hours later it is gone
    assert [(f.feed_id, f.status) for f in world.feed_history.list(owner, vendor_id, None, None).items] == [
        (waiting_id, "pending")
    ]
    world.clock.now += timedelta(hours=2)
    assert world.feed_history.list(owner, vendor_id, None, None).items == []


def test_another_vendors_history_is_forbidden(world: World) -> None:
    vendor_id, _, _, _ = upload(world, csv_bytes(rows(1)))
    _, other, _, _ = upload(world, csv_bytes(rows(1)), who="bert")
    with pytest.raises(Forbidden):
        world.feed_history.list(other, vendor_id, None, None)


def test_feed_ids_sort_by_creation_time_and_the_floor_sorts_before_them(world: World) -> None:
    moments = [world.clock() + timedelta(seconds=seconds) for seconds in (0, 0.001, 1, 86_400 * 60)]
    made = [ids.feed_id(moment) for moment in moments]
    assert made == sorted(made)
    assert all(ids.feed_id_floor(moment) < feed for moment, feed in zip(moments, made, strict=True))
    assert ids.feed_id_floor(moments[2]) > made[1]
