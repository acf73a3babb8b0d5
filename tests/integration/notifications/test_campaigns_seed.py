"""The campaigns seed on moto: confirmed demo subscribers at several stages and a draft campaign
for fans and ambassadors that the admin composer lists and opens; a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from functions.common.auth import Principal, Role
from functions.common.pagination import CursorCodec
from functions.notifications.logic.campaigns import CampaignService
from functions.notifications.logic.segments import Segment, SegmentService
from functions.notifications.store.campaigns import DynamoCampaignStore
from local.seed import SeedContext
from local.seed import campaigns as campaigns_seed
from tests.integration.notifications.test_campaigns_store import TABLE, dynamodb  # noqa: F401 - the fixture

ADMIN = Principal(user_id="admin-1", groups=frozenset({Role.ADMIN}))


def _context(client: Any) -> SeedContext:
    return SeedContext(
        users={},
        products=0,
        aws_endpoint="",
        stage="test",
        endpoints=None,  # type: ignore[arg-type]  # not read by this seed
        region="eu-west-1",
        user_pool_id=None,
        client=lambda service: client,
        environments={"notifications": {"TABLE_NAME": TABLE}},
    )


def test_the_seed_makes_a_draft_campaign_the_composer_shows(dynamodb: Any) -> None:  # noqa: F811
    # Given the seed run twice
    campaigns_seed.seed(_context(dynamodb))
    campaigns_seed.seed(_context(dynamodb))
    store = DynamoCampaignStore(TABLE, client=dynamodb)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    service = CampaignService(store, store, CursorCodec("s" * 32), lambda: now)

    # Then the composer lists one draft, with content in three languages, for fans and ambassadors
    listed = service.list(ADMIN, 20, None).items
    assert [(c.campaign_id, c.status) for c in listed] == [(campaigns_seed.CAMPAIGN_ID, "draft")]
    draft = service.get(ADMIN, campaigns_seed.CAMPAIGN_ID)
    assert sorted(draft.content) == ["de", "en", "nl"]
    assert draft.segment == Segment(stages=["fan", "ambassador"])
    # ... which reaches the two seeded subscribers at those stages
    assert service.preview(ADMIN, campaigns_seed.CAMPAIGN_ID, "de").recipients == 2
    assert SegmentService(store, lambda: now).preview(ADMIN, Segment()).recipients == 3
