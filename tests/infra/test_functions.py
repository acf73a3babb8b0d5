"""Functions: the factory's guarantees and least-privilege grants, read from the templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.common.wiring import Need
from infra import topology
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra

DATA_SERVICES = ("dynamodb:", "s3:", "sqs:", "events:", "aoss:", "secretsmanager:", "cognito-idp:")


def plein_functions(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["FunctionName"]: resource["Properties"]
        for resource in synthesized.resources("AWS::Lambda::Function").values()
        if str(resource["Properties"].get("FunctionName", "")).startswith("plein-dev-")
    }


def statements(synthesized: Synthesized) -> list[dict[str, Any]]:
    found = []
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_wired_function_is_deployed_with_its_handler(synthesized: Synthesized) -> None:
    deployed = plein_functions(synthesized)
    for wiring in topology.contexts():
        for function in wiring.functions():
            assert deployed[topology.function_name("dev", function)]["Handler"] == function.handler


def test_every_function_is_arm64_traced_logged_and_layered(synthesized: Synthesized) -> None:
    groups = {
        logical_id.split("/")[1]: resource["Properties"]
        for logical_id, resource in synthesized.resources("AWS::Logs::LogGroup").items()
    }
    deployed = plein_functions(synthesized)
    assert deployed
    for name, function in deployed.items():
        assert function["Architectures"] == ["arm64"], name
        assert function["Runtime"] == "python3.13", name
        assert function["TracingConfig"] == {"Mode": "Active"}, name
        assert len(function["Layers"]) == 1, name
        group = groups[function["LoggingConfig"]["LogGroup"]["Ref"]]
        assert group["RetentionInDays"] > 0, name
        assert group["LogGroupName"] == f"/aws/lambda/{name}"
        assert function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"].startswith("plein-")


# CDK's own BucketDeployment function copies the web client from the asset bucket (acknowledged).
CDK_HANDLERS = ("CustomCDKBucketDeployment",)


def test_no_wildcard_actions_anywhere(synthesized: Synthesized) -> None:
    plein_statements = [
        statement
        for logical_id, policy in synthesized.resources("AWS::IAM::Policy").items()
        if not logical_id.split("/")[1].startswith(CDK_HANDLERS)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert plein_statements
    for statement in plein_statements:
        for action in as_list(statement["Action"]):
            assert "*" not in action or not action.startswith(DATA_SERVICES), statement
            assert action != "*", statement


def test_put_events_is_limited_to_the_callers_own_source(synthesized: Synthesized) -> None:
    put_events = [s for s in statements(synthesized) if "events:PutEvents" in as_list(s["Action"])]
    assert put_events
    sources = set()
    for statement in put_events:
        source = statement["Condition"]["StringEquals"]["events:source"]
        sources.update(as_list(source))
    publishers = {
        wiring.source for wiring in topology.contexts() for fn in wiring.functions() if Need.EVENT_BUS in fn.needs
    }
    assert sources == publishers


def test_table_grants_name_one_table_and_its_indexes(synthesized: Synthesized) -> None:
    for statement in statements(synthesized):
        actions = as_list(statement["Action"])
        if "dynamodb:PutItem" in actions:
            assert not any(action.endswith("*") for action in actions)
            assert "*" not in as_list(statement["Resource"])


def test_search_data_access_goes_to_search_functions_only(synthesized: Synthesized) -> None:
    search_functions = {
        fn.name for wiring in topology.contexts() for fn in wiring.functions() if Need.SEARCH in fn.needs
    }
    aoss_statements = [s for s in statements(synthesized) if "aoss:APIAccessAll" in as_list(s["Action"])]
    assert len(aoss_statements) == len(search_functions)
    policies = synthesized.resources("AWS::OpenSearchServerless::AccessPolicy")
    principals = sum(len(policy["Properties"]["Policy"]["Fn::Join"][1]) > 0 for policy in policies.values())
    assert (principals > 0) == bool(search_functions)


def test_environment_names_the_own_table_and_the_cursor_secret_by_arn(synthesized: Synthesized) -> None:
    deployed = plein_functions(synthesized)
    for wiring in topology.contexts():
        for function in wiring.functions():
            env = deployed[topology.function_name("dev", function)]["Environment"]["Variables"]
            assert env["TABLE_NAME"] == topology.table_name("dev", wiring.name)
            assert env["EVENT_SOURCE"] == wiring.source
            # The ARN only: the key is read at run time, never resolved into the environment.
            assert "CURSOR_SECRET" not in env
            assert "{{resolve:" not in json.dumps(env)
            assert set(env["CURSOR_SECRET_ARN"]) <= {"Ref", "Fn::ImportValue"}  # the secret's ARN
            assert ("FEEDS_BUCKET" in env) == (Need.FEEDS_BUCKET in function.needs)
            assert ("SEARCH_ENDPOINT" in env) == (Need.SEARCH in function.needs)
            # The API's URL by the SSM parameter's name (functions behind the API cannot reference it).
            linked = env.get("PUBLIC_API_URL_PARAMETER") == topology.public_api_url_parameter("dev")
            assert linked == (Need.LINKS in function.needs), function.name
            assert "PUBLIC_API_URL" not in env


def test_every_handler_resolves_inside_its_own_context_asset() -> None:
    for wiring, function in [(w, f) for w in topology.contexts() for f in w.functions()]:
        # The code asset holds functions/common and functions/<context> only.
        # Shared entry points (the outbox relay) live in functions/common, which every asset holds.
        assert function.handler.startswith((f"functions.{wiring.name}.handlers.", "functions.common.")), (
            function.handler
        )
        assert callable(topology.resolve_handler(function)), function.handler


NEED_ACTIONS = {
    Need.EVENT_BUS: "events:PutEvents",
    Need.FEEDS_BUCKET: "s3:PutObject",
    Need.SEARCH: "aoss:APIAccessAll",
    Need.USER_POOL: "cognito-idp:AdminAddUserToGroup",
    Need.WEBSOCKET: "execute-api:ManageConnections",
    Need.MEDIA: "chime:CreateAttendee",
    Need.LINKS: "ssm:GetParameter",
    Need.REDEMPTIONS: "lambda:InvokeFunction",
}


def actions_by_function(synthesized: Synthesized) -> dict[str, set[str]]:
    """Deployed function name -> every action its role's policies allow."""
    found: dict[str, set[str]] = {}
    for template in synthesized.stacks.values():
        resources = template["Resources"]
        by_role: dict[str, set[str]] = {}
        for resource in resources.values():
            if resource["Type"] == "AWS::IAM::Policy":
                actions = {
                    a for s in resource["Properties"]["PolicyDocument"]["Statement"] for a in as_list(s["Action"])
                }
                for role in resource["Properties"]["Roles"]:
                    by_role.setdefault(role["Ref"], set()).update(actions)
        for resource in resources.values():
            props = resource["Properties"] if resource["Type"] == "AWS::Lambda::Function" else {}
            if str(props.get("FunctionName", "")).startswith("plein-dev-"):
                found[props["FunctionName"]] = by_role.get(props["Role"]["Fn::GetAtt"][0], set())
    return found


def test_a_function_gets_a_resource_grant_exactly_when_it_needs_it(synthesized: Synthesized) -> None:
    granted = actions_by_function(synthesized)
    for wiring in topology.contexts():
        for function in wiring.functions():
            actions = granted[topology.function_name("dev", function)]
            for need, action in NEED_ACTIONS.items():
                assert (action in actions) == (need in function.needs), (function.name, need)


def test_the_socket_authorizer_can_touch_no_data(synthesized: Synthesized) -> None:
    actions = actions_by_function(synthesized)["plein-dev-advice-ws-authorizer"]
    assert actions
    assert {action.split(":")[0] for action in actions} <= {"logs", "xray"}


def test_the_api_stack_publishes_its_url_where_linking_functions_read_it(synthesized: Synthesized) -> None:
    (parameter,) = synthesized.resources("AWS::SSM::Parameter", "Api").values()
    props = parameter["Properties"]
    assert props["Name"] == topology.public_api_url_parameter("dev")
    assert "Ref" in json.dumps(props["Value"])  # the deployed stage's URL, built from the API's id
    reads = [s for s in statements(synthesized) if "ssm:GetParameter" in as_list(s["Action"])]
    assert reads
    for statement in reads:
        (resource,) = as_list(statement["Resource"])
        assert json.dumps(resource).endswith(f':parameter{topology.public_api_url_parameter("dev")}"]]}}')


def test_only_orders_api_may_invoke_and_only_the_redemptions_function(synthesized: Synthesized) -> None:
    granted = actions_by_function(synthesized)
    invokers = [name for name, actions in granted.items() if "lambda:InvokeFunction" in actions]
    # orders-refunds gives gift cards and points back when it retries a pending refund.
    assert sorted(invokers) == ["plein-dev-orders-api", "plein-dev-orders-refunds"]
    invokes = [s for s in statements(synthesized) if "lambda:InvokeFunction" in as_list(s["Action"])]
    assert invokes
    for statement in invokes:
        assert as_list(statement["Action"]) == ["lambda:InvokeFunction"]
        (resource,) = as_list(statement["Resource"])
        assert json.dumps(resource).endswith(f':function:{topology.redemptions_function_name("dev")}"]]}}')
    (orders_api,) = [
        props
        for props in (r["Properties"] for r in synthesized.resources("AWS::Lambda::Function").values())
        if props.get("FunctionName") == "plein-dev-orders-api"
    ]
    assert orders_api["Environment"]["Variables"]["REDEMPTIONS_FUNCTION"] == "plein-dev-rewards-redemptions"
