"""The vendor demo seed on moto: vendors, shared GTINs, variant families, the demo vendor bound, idempotent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import boto3

from functions.vendor.store.dynamo import DynamoFeeds, DynamoOffers, DynamoVendors
from infra.topology import Endpoints
from local.seed import DemoUser, SeedContext
from local.seed import vendor as vendor_seed
from tests.integration.vendor.conftest import BUCKET, BUS, TABLE, Aws
from tests.integration.vendor.test_handlers import deliver_feed_events


@dataclass
class RecordingSeedContext(SeedContext):
    bound: dict[str, str] = field(default_factory=dict)

    def bind_vendor(self, username: str, vendor_id: str) -> None:
        self.bound[username] = vendor_id


def context(products: int) -> RecordingSeedContext:
    return RecordingSeedContext(
        users={"vendor": DemoUser("vendor", "pw", "sub-vendor", ("shopper", "vendor"))},
        products=products,
        aws_endpoint=None,  # type: ignore[arg-type]
        stage="test",
        endpoints=Endpoints(stage="test", feeds_bucket=BUCKET, cursor_secret="x" * 20),
        region="eu-west-1",
        user_pool_id=None,
        client=lambda service: boto3.client(service, region_name="eu-west-1"),
        environments={"vendor": {"TABLE_NAME": TABLE, "EVENT_BUS_NAME": BUS, "FEEDS_BUCKET": BUCKET}},
    )


def test_seed(aws: Aws) -> None:
    ctx = context(300)

    vendor_seed.seed(ctx)
    vendor_seed.seed(ctx)  # a second run changes nothing

    vendor_id = ctx.bound["vendor"]
    vendor = DynamoVendors().get(vendor_id)
    assert vendor is not None
    assert (vendor.name, vendor.status, vendor.owner_user_id) == ("Wolkenweber", "approved", "sub-vendor")
    offers = []
    for seeded in (vendor_seed._vendor_id(str(spec["name"])) for spec in vendor_seed.VENDORS):
        after = None
        while True:
            page, after = DynamoOffers().list_by_vendor(seeded, 100, after)
            offers += page
            if after is None:
                break
    per_product = Counter(offer.snapshot.product_id for offer in offers)
    assert len(per_product) == 300
    assert max(per_product.values()) == 3
    assert sum(1 for n in per_product.values() if n > 1) >= 80
    families = Counter((o.snapshot.vendor_id, o.snapshot.item_group_id) for o in offers if o.snapshot.item_group_id)
    assert sum(1 for n in families.values() if n >= 4) >= 10  # the fifteen families, and some co-sellers' parts
    assert all(offer.snapshot.revision == 1 for offer in offers)
    published = [e["detail-type"] for e in aws.published()]
    assert published.count("VendorUpdated") == 3


def test_the_demo_vendor_has_one_import_in_its_history_with_two_broken_rows(aws: Aws) -> None:
    ctx = context(30)
    vendor_seed.seed(ctx)
    vendor_seed.seed(ctx)  # once only
    vendor_id = ctx.bound["vendor"]

    # The stock update was uploaded to the feeds bucket; the import function imports it
    assert deliver_feed_events(aws) >= 1
    (feed,), _ = DynamoFeeds().history(vendor_id, 10, since=datetime.now(UTC) - timedelta(days=1), before=None)
    assert (feed.filename, feed.mode, feed.status) == (vendor_seed.STOCK_UPDATE, "partial", "completed")
    counts = feed.counts
    assert (counts.updated, counts.unchanged, counts.rejected, feed.report_lines) == (2, 4, 2, 2)
