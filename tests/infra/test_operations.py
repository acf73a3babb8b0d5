"""It can be operated: alarms reach someone, cover what breaks, cost is capped and written down, and
the web client deploys with the stage."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra import topology
from infra.config import REPO_ROOT, STAGES
from infra.stacks.observability import ACCOUNT_CONCURRENCY_SHARE, NEAR_TIMEOUT
from tests.infra.conftest import CDK_CONTEXT, Synthesized

pytestmark = pytest.mark.infra

OPERATIONS = REPO_ROOT / "docs" / "operations.md"


def alarms(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        str(a["Properties"]["AlarmName"]): a["Properties"]
        for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
    }


def test_the_alarm_topic_mails_the_stage_address(every_stage: dict[str, Synthesized]) -> None:
    emails = CDK_CONTEXT["plein:alarmEmails"]
    for name, synthesized in every_stage.items():
        subscriptions = [
            s["Properties"] for s in synthesized.resources("AWS::SNS::Subscription", "Observability").values()
        ]
        expected = emails.get(name)
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == ([("email", expected)] if expected else [])
        if not STAGES[name].disposable:
            assert expected, f"{name} needs an alarm e-mail in cdk.json"


def test_alarms_cover_socket_search_queues_timeouts_rules_and_concurrency(synthesized: Synthesized) -> None:
    found = alarms(synthesized)
    names = set(found)
    assert {
        "plein-dev-websocket-integration-errors",
        "plein-dev-websocket-execution-errors",
        "plein-dev-search-request-errors",
        "plein-dev-search-ingestion-errors",
        "plein-dev-search-searchocu-at-cap",
        "plein-dev-search-indexingocu-at-cap",
        "plein-dev-account-concurrency",
    } <= names
    assert found["plein-dev-account-concurrency"]["Threshold"] == 10 * ACCOUNT_CONCURRENCY_SHARE
    for wiring in topology.contexts():
        for function in wiring.functions():
            near = found[f"plein-dev-{function.name}-near-timeout"]
            assert near["Threshold"] == function.timeout_seconds * 1000 * NEAR_TIMEOUT
            assert near["Statistic"] == "Maximum"
        for consumer in [s.function for s in wiring.events] + [s.function for s in wiring.bucket]:
            assert f"plein-dev-{consumer.name}-queue-age" in names
    rules = [r["Properties"]["Name"] for r in synthesized.resources("AWS::Events::Rule").values()]
    assert rules
    for rule in rules:
        assert f"{rule}-failed-invocations" in names, rule


def test_a_monthly_budget_alerts_the_alarm_topic(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        (budget,) = synthesized.resources("AWS::Budgets::Budget", "Observability").values()
        data = budget["Properties"]["Budget"]
        assert data["TimeUnit"] == "MONTHLY"
        assert data["BudgetLimit"] == {"Amount": STAGES[name].monthly_budget_usd, "Unit": "USD"}
        kinds = {n["Notification"]["NotificationType"] for n in budget["Properties"]["NotificationsWithSubscribers"]}
        assert kinds == {"ACTUAL", "FORECASTED"}
        (policy,) = synthesized.resources("AWS::SNS::TopicPolicy", "Observability").values()
        principals = json.dumps(policy["Properties"]["PolicyDocument"])
        assert "budgets.amazonaws.com" in principals


def test_search_capacity_is_capped_per_stage(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        (caps,) = synthesized.resources("Custom::AWS", "Account").values()
        call = json.loads(caps["Properties"]["Create"])
        assert call["action"] == "updateAccountSettings"
        assert call["parameters"]["capacityLimits"] == {
            "maxIndexingCapacityInOCU": STAGES[name].search_max_indexing_ocu,
            "maxSearchCapacityInOCU": STAGES[name].search_max_search_ocu,
        }
        (collection,) = synthesized.resources("AWS::OpenSearchServerless::Collection", "Search").values()
        standby = collection["Properties"]["StandbyReplicas"]
        assert standby == ("ENABLED" if STAGES[name].search_standby_replicas else "DISABLED")


def test_every_stage_cost_floor_is_written_down() -> None:
    text = OPERATIONS.read_text()
    floors = dict(re.findall(r"^\| `(\w+)` \|.*\| \*\*~\$(\d+)/month\*\* \|", text, flags=re.MULTILINE))
    assert set(floors) == set(STAGES)
    for name, config in STAGES.items():
        assert f"| `{name}` | {config.search_max_indexing_ocu} + {config.search_max_search_ocu} OCU |" in text


def test_the_web_client_is_served_through_cloudfront_with_origin_access_control(synthesized: Synthesized) -> None:
    (distribution,) = synthesized.resources("AWS::CloudFront::Distribution", "Web").values()
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert "OriginAccessControlId" in origin
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    (policy,) = synthesized.resources("AWS::S3::BucketPolicy", "Web").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    reads = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert reads
    assert all("AWS:SourceArn" in json.dumps(s["Condition"]) for s in reads)
    (files,) = synthesized.resources("Custom::CDKBucketDeployment", "Web").values()
    assert files["Properties"]["Exclude"] == ["config.json"]  # written by the edge stack, never pruned


def test_config_json_is_written_from_the_stack_outputs_with_the_keys_the_client_reads(
    synthesized: Synthesized,
) -> None:
    from infra.constructs import web_client
    from local.web import CONFIG_KEYS, OPTIONAL_KEYS, REQUIRED_KEYS

    (writer,) = [
        r for r in synthesized.resources("Custom::AWS", "Edge").values() if "putObject" in json.dumps(r["Properties"])
    ]
    create = json.dumps(writer["Properties"]["Create"])
    for key in (*CONFIG_KEYS, *OPTIONAL_KEYS):  # with ws_url: the stage has the advice socket
        assert f'\\\\\\"{key}\\\\\\"' in create, key
    assert set(CONFIG_KEYS) >= REQUIRED_KEYS
    assert (web_client.CONFIG_KEYS, web_client.OPTIONAL_KEYS) == (CONFIG_KEYS, OPTIONAL_KEYS)
    assert "Plein-dev-Realtime" in create  # the socket's URL
    assert "Plein-dev-Api" in create  # the API URL of this stage
    assert "Plein-dev-Auth" in create  # the user pool and its client


@pytest.mark.parametrize(
    "section",
    [
        "Bootstrap and first deploy",
        "Create the first admin",
        "Seed a stage with demo data",
        "Rebuild the search index",
        "Redrive a dead-letter queue",
        "Replay from the EventBridge archive",
        "Restore a table from PITR",
        "Rotate secrets",
        "Tear a stage down",
        "Settings fixed at creation",
        "MFA for admins",
    ],
)
def test_operations_document_has_the_runbook(section: str) -> None:
    assert re.search(rf"^## .*{re.escape(section)}", OPERATIONS.read_text(), flags=re.MULTILINE), section


def test_make_targets_named_in_operations_exist() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"make ([a-z-]+)", OPERATIONS.read_text()))
    assert named
    assert named <= targets


# Names the runbook creates itself (a restore target), not ones the app deploys.
CREATED_BY_THE_RUNBOOK = {"orders-restored"}


def test_every_name_the_runbook_uses_is_deployed(prod: Synthesized) -> None:
    # The commands address resources by name: each must exist in the synthesized prod stage.
    text = OPERATIONS.read_text()
    deployed = json.dumps(prod.stacks)
    names = set(re.findall(r"plein-\$STAGE-([a-z0-9][a-z0-9-]*[a-z0-9])", text)) - CREATED_BY_THE_RUNBOOK
    assert len(names) > 5
    for name in names:
        assert f"plein-prod-{name}" in deployed, name
    for concern, key in re.findall(r"output ([A-Z][a-z]+) ([A-Za-z]+)", text):
        assert key in prod.stacks[concern].get("Outputs", {}), (concern, key)
