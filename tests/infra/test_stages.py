"""Every stage synthesizes; a non-dev stage keeps its data (except on a failed first create), refuses
deletion, has termination protection and pins its account and region."""

from __future__ import annotations

import pytest

from infra.config import STAGES, StageConfig, stage_config
from tests.infra.conftest import CDK_CONTEXT, Synthesized

pytestmark = pytest.mark.infra

STATEFUL = (
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::Cognito::UserPool",
    "AWS::SecretsManager::Secret",
    "AWS::OpenSearchServerless::Collection",
    "AWS::Logs::LogGroup",
    "AWS::SQS::Queue",
)
WEB_SITE_BUCKET = "ClientSite"  # rebuilt from web/ on every deploy: nothing to keep


def test_every_stage_is_synthesized_by_the_tests(every_stage: dict[str, Synthesized]) -> None:
    # The session fixtures synthesized each stage with cdk-nag on (a finding would have raised).
    assert set(every_stage) == set(STAGES)
    for synthesized in every_stage.values():
        assert all(template.get("Resources") for template in synthesized.stacks.values())


def test_no_resource_survives_a_failed_first_create(every_stage: dict[str, Synthesized]) -> None:
    # `Retain` would leave tables, buckets and log groups with fixed names behind after a rollback,
    # and the retry would fail on "already exists". Retain only on update or delete.
    for name, synthesized in every_stage.items():
        for concern, template in synthesized.stacks.items():
            for logical_id, resource in template["Resources"].items():
                assert resource.get("DeletionPolicy") != "Retain", (name, concern, logical_id)


def test_stateful_resources_of_a_kept_stage_are_retained_on_update_or_delete(prod: Synthesized) -> None:
    checked = 0
    for template in prod.stacks.values():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] in STATEFUL and not logical_id.startswith(WEB_SITE_BUCKET):
                assert resource.get("DeletionPolicy") == "RetainExceptOnCreate", logical_id
                assert resource.get("UpdateReplacePolicy") == "Retain", logical_id
                checked += 1
    assert checked > 10


def test_a_disposable_stage_is_deleted_with_its_stacks(synthesized: Synthesized) -> None:
    tables = synthesized.resources("AWS::DynamoDB::Table")
    assert tables
    assert {table.get("DeletionPolicy") for table in tables.values()} == {"Delete"}


def test_tables_and_user_pool_refuse_deletion(prod: Synthesized) -> None:
    tables = prod.resources("AWS::DynamoDB::Table", "Data").values()
    assert tables
    for table in tables:
        assert table["Properties"]["DeletionProtectionEnabled"] is True
    (pool,) = prod.resources("AWS::Cognito::UserPool", "Auth").values()
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"


def test_stacks_of_kept_stages_have_termination_protection(staging: Synthesized, prod: Synthesized) -> None:
    for synthesized in (staging, prod):
        stacks = [a for a in synthesized.manifest["artifacts"].values() if a["type"] == "aws:cloudformation:stack"]
        assert stacks
        assert all(a["properties"].get("terminationProtection") is True for a in stacks)


def test_every_stage_pins_its_region_and_kept_stages_their_account(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        config = stage_config(name, accounts=CDK_CONTEXT["plein:accounts"])
        environments = {
            artifact["environment"]
            for artifact in synthesized.manifest["artifacts"].values()
            if artifact["type"] == "aws:cloudformation:stack"
        }
        account = config.account or "unknown-account"
        assert environments == {f"aws://{account}/{config.region}"}, name


def test_kept_stages_refuse_to_synthesize_without_a_pinned_account() -> None:
    with pytest.raises(ValueError, match="pins its account"):
        stage_config("prod", accounts={})


def test_only_known_stage_names_are_accepted() -> None:
    with pytest.raises(ValueError, match="unknown stage 'qa'"):
        stage_config("qa")


def test_the_test_token_payment_provider_is_refused_outside_local_and_dev() -> None:
    with pytest.raises(ValueError, match="local/dev only"):
        StageConfig(name="staging", payment_provider="local")
    for name, config in STAGES.items():
        assert (config.payment_provider == "local") == (name == "dev")


def test_reserved_concurrency_never_eats_into_the_unreserved_minimum() -> None:
    # A new account may have a quota of 10 concurrent executions: nothing can be reserved there.
    with pytest.raises(ValueError, match="unreserved"):
        StageConfig(name="dev", reserved_concurrency={"vendor-feed-import": 10})
    assert StageConfig(name="dev", account_concurrency_quota=1000, reserved_concurrency={"x": 10})
    for config in STAGES.values():
        assert not config.reserved_concurrency


def test_search_capacity_caps_respect_the_service_minimum() -> None:
    with pytest.raises(ValueError, match="capacity caps start at 2"):
        StageConfig(name="dev", search_max_search_ocu=1)
