"""Scheduled pulls of a vendor's feed URL (logic/feeds/pulls.py) on fakes, and what the fetcher
(store/http.py) lets through: https only, no credentials, public addresses only on AWS stages,
checked again at every redirect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.common.errors import BadRequest, Forbidden, NotFound, UnprocessableEntity
from functions.vendor.logic.feeds.pulls import PULL_EVERY, PullRefused, filename_for
from functions.vendor.models.api import FeedSourceIn
from functions.vendor.models.events import FeedImportCompleted
from functions.vendor.store.http import SafeFetcher
from tests.unit.vendor.conftest import World
from tests.unit.vendor.feedgen import csv_bytes, rows
from tests.unit.vendor.test_feed_import import run

URL = "https://shop.example/export/products.csv"


def test_a_registered_url_is_pulled_once_a_day_and_each_pull_is_an_import(world: World) -> None:
    # Given a vendor that registered its feed URL
    vendor_id, owner = world.approved_vendor()
    world.fetcher.bodies[URL] = csv_bytes(rows(5, bad=1))
    source = world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=URL, mode="replace"))
    assert (source.filename, source.mode) == ("products.csv", "replace")

    # When the schedule runs: the URL is due at once
    (result,) = world.feed_pulls.pull_due()

    # Then the file is stored as an upload would be, and its import runs and is listed
    assert (result.code, world.fetcher.fetched) == (None, [URL])
    pulled = world.feeds.get(vendor_id, str(result.feed_id))
    assert pulled is not None
    feed = run(world, pulled.object_key)
    assert feed is not None
    assert (feed.status, feed.mode, feed.created_by, feed.counts.created, feed.counts.rejected) == (
        "completed",
        "replace",
        "schedule",
        4,
        1,
    )
    assert [item.feed_id for item in world.feed_history.list(owner, vendor_id, None, None).items] == [feed.feed_id]

    # And it is not pulled again until a day later
    assert world.feed_pulls.pull_due() == []
    world.clock.now += PULL_EVERY
    assert len(world.feed_pulls.pull_due()) == 1
    assert world.fetcher.fetched == [URL, URL]


def test_a_pull_that_fails_is_a_failed_import_the_vendor_hears_of(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=URL))

    (result,) = world.feed_pulls.pull_due()  # the URL answers 404

    assert (result.code, result.reason) == ("http_error", "the feed URL answered HTTP 404")
    feed = world.feeds.get(vendor_id, str(result.feed_id))
    assert feed is not None
    assert (feed.status, feed.reason) == ("failed", "the feed URL answered HTTP 404")
    (event,) = [e for e in world.publisher.events if isinstance(e, FeedImportCompleted)]
    assert (event.status, event.reason) == ("failed", result.reason)
    assert world.feed_pulls.source(owner, vendor_id).last_pull == result


def test_pull_soon_makes_the_url_due_and_a_refused_url_is_not_saved(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    world.fetcher.bodies[URL] = csv_bytes(rows(1))
    world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=URL))
    world.feed_pulls.pull_due()
    world.clock.now += timedelta(hours=2)
    assert world.feed_pulls.pull_due() == []

    world.feed_pulls.pull_soon(owner, vendor_id)
    assert len(world.feed_pulls.pull_due()) == 1

    private = "https://intranet.example/feed.csv"
    world.fetcher.refusals[private] = PullRefused("private_address", "not a public address")
    with pytest.raises(UnprocessableEntity) as refused:
        world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=private))
    assert refused.value.code == "private_address"
    assert world.feed_pulls.source(owner, vendor_id).url == URL


def test_only_the_vendor_reads_or_changes_its_feed_url(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    _, other = world.approved_vendor("bert", "Noordzee")
    world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=URL))
    for attempt in (
        lambda: world.feed_pulls.source(other, vendor_id),
        lambda: world.feed_pulls.register(other, vendor_id, FeedSourceIn(url=URL)),
        lambda: world.feed_pulls.pull_soon(other, vendor_id),
        lambda: world.feed_pulls.remove(other, vendor_id),
    ):
        with pytest.raises(Forbidden):
            attempt()
    world.feed_pulls.remove(owner, vendor_id)
    with pytest.raises(NotFound):
        world.feed_pulls.source(owner, vendor_id)
    with pytest.raises(BadRequest):
        world.feed_pulls.register(owner, vendor_id, FeedSourceIn(url=URL, filename="products.exe"))


@pytest.mark.parametrize(
    ("url", "given", "expected"),
    [
        ("https://shop.example/feeds/google.xml?key=1", None, "google.xml"),
        ("https://shop.example/export?format=csv", None, "feed.csv"),
        ("https://shop.example/export?format=csv", "export.tsv", "export.tsv"),
        ("https://shop.example/", None, "feed.csv"),
    ],
)
def test_the_file_name_comes_from_the_url_or_is_given(url: str, given: str | None, expected: str) -> None:
    assert filename_for(url, given) == expected


def _resolving(addresses: dict[str, list[str]]) -> SafeFetcher:
    return SafeFetcher(resolver=lambda host, port: addresses[host])


@pytest.mark.parametrize(
    ("url", "addresses", "code"),
    [
        ("http://shop.example/feed.csv", ["93.184.215.14"], "https_required"),
        ("ftp://shop.example/feed.csv", ["93.184.215.14"], "https_required"),
        ("https://user:secret@shop.example/feed.csv", ["93.184.215.14"], "credentials_in_url"),
        ("https://shop.example/feed.csv", ["127.0.0.1"], "private_address"),
        ("https://shop.example/feed.csv", ["10.1.2.3"], "private_address"),
        ("https://shop.example/feed.csv", ["192.168.0.10"], "private_address"),
        ("https://shop.example/feed.csv", ["169.254.169.254"], "private_address"),  # instance metadata
        ("https://shop.example/feed.csv", ["93.184.215.14", "::1"], "private_address"),  # any of them
        ("https://shop.example/feed.csv", ["fd00::1"], "private_address"),
        ("https://shop.example/feed.csv", ["100.64.0.1"], "private_address"),  # carrier-grade NAT
        ("https://shop.example/feed.csv", ["0.0.0.0"], "private_address"),  # noqa: S104 - the address refused
        ("https://shop.example/feed.csv", [], "host_not_found"),
        ("https://shop.example:99999/feed.csv", ["93.184.215.14"], "invalid_url"),
    ],
)
def test_the_fetcher_refuses_what_it_must_not_reach(url: str, addresses: list[str], code: str) -> None:
    with pytest.raises(PullRefused) as refused:
        _resolving({"shop.example": addresses}).check(url)
    assert refused.value.code == code


def test_the_fetcher_lets_public_https_through_and_private_hosts_only_where_allowed() -> None:
    _resolving({"shop.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}).check(
        "https://shop.example/feed.csv"
    )
    SafeFetcher(allow_private=True, resolver=lambda host, port: ["127.0.0.1"]).check("http://localhost:8000/f.csv")
    with pytest.raises(PullRefused):
        SafeFetcher(allow_private=True, resolver=lambda host, port: ["127.0.0.1"]).check("ftp://localhost/f.csv")
