"""It is safe: payments, secrets at run time, Cognito, least privilege, the edge (WAF, throttling, CORS)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from infra import topology
from infra.config import REPO_ROOT, STAGES
from infra.constructs.rest_api import THROTTLED_WRITES
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra

WEB_AUTH = REPO_ROOT / "web" / "auth.js"


def functions_by_name(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        str(r["Properties"]["FunctionName"]): r["Properties"]
        for r in synthesized.resources("AWS::Lambda::Function").values()
        if str(r["Properties"].get("FunctionName", "")).startswith("plein-")
    }


def environment(synthesized: Synthesized, stage: str, function: str) -> dict[str, Any]:
    env: dict[str, Any] = functions_by_name(synthesized)[f"plein-{stage}-{function}"]["Environment"]["Variables"]
    return env


def test_kept_stages_take_payments_through_a_real_provider(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        env = environment(synthesized, name, "orders-api")
        if name == "dev":
            assert env["PAYMENT_PROVIDER"] == "local"
            assert "PAYMENT_SECRET_ARN" not in env
            secrets = synthesized.resources("AWS::SecretsManager::Secret", "Auth")
            assert [key.split("/")[1][: len("CursorSecret")] for key in secrets] == ["CursorSecret"]
        else:
            assert env["PAYMENT_PROVIDER"] not in {"local", ""}, name
            assert env["PAYMENT_PROVIDER"] == STAGES[name].payment_provider
            # The key's secret by ARN (fetched and cached at run time), never its value.
            assert "Fn::ImportValue" in env["PAYMENT_SECRET_ARN"]
            assert "{{resolve:" not in json.dumps(env)


def test_only_payment_functions_learn_the_provider(prod: Synthesized) -> None:
    needs_payments = {
        topology.function_name("prod", function)
        for wiring in topology.contexts()
        for function in wiring.functions()
        if "payments" in function.needs
    }
    assert needs_payments
    for name, props in functions_by_name(prod).items():
        assert ("PAYMENT_SECRET_ARN" in props["Environment"]["Variables"]) == (name in needs_payments), name


def test_no_stage_resolves_a_secret_into_an_environment(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        for function, props in functions_by_name(synthesized).items():
            variables = props["Environment"]["Variables"]
            assert "CURSOR_SECRET" not in variables, (name, function)
            assert "{{resolve:secretsmanager" not in json.dumps(variables), (name, function)


def test_the_web_client_signs_in_with_a_flow_the_app_client_allows(every_stage: dict[str, Synthesized]) -> None:
    flows = set(re.findall(r'AuthFlow:\s*"([A-Z_]+)"', WEB_AUTH.read_text()))
    assert flows, "web/auth.js names no AuthFlow"
    for name, synthesized in every_stage.items():
        (client,) = synthesized.resources("AWS::Cognito::UserPoolClient", "Auth").values()
        allowed = set(client["Properties"]["ExplicitAuthFlows"])
        assert {f"ALLOW_{flow}" for flow in flows} <= allowed, name
        assert "ALLOW_USER_SRP_AUTH" in allowed
        assert "ALLOW_ADMIN_USER_PASSWORD_AUTH" not in allowed


def test_the_app_client_has_no_oauth_flows_or_callback_urls(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        (client,) = synthesized.resources("AWS::Cognito::UserPoolClient", "Auth").values()
        props = client["Properties"]
        assert props["AllowedOAuthFlowsUserPoolClient"] is False, name
        for absent in ("AllowedOAuthFlows", "CallbackURLs", "LogoutURLs", "AllowedOAuthScopes"):
            assert absent not in props, (name, absent)


def test_the_user_pool_offers_totp_and_sends_mail_as_the_stage_says(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        (pool,) = synthesized.resources("AWS::Cognito::UserPool", "Auth").values()
        props = pool["Properties"]
        assert props["MfaConfiguration"] == "OPTIONAL"
        assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
        assert props["UsernameConfiguration"] == {"CaseSensitive": False}
        sending = props.get("EmailConfiguration", {}).get("EmailSendingAccount", "COGNITO_DEFAULT")
        assert sending == ("DEVELOPER" if STAGES[name].ses_from_email else "COGNITO_DEFAULT")


def test_a_stage_with_an_ses_sender_sends_cognito_mail_through_ses(tmp_path: Path) -> None:
    from dataclasses import replace

    from aws_cdk import App, Environment
    from aws_cdk.assertions import Match, Template

    from infra.shared import Shared
    from infra.stacks.auth import AuthStack

    stage = replace(STAGES["dev"], ses_from_email="no-reply@plein.example")
    stack = AuthStack(
        App(outdir=str(tmp_path)), "Auth", shared=Shared(stage=stage), env=Environment(region=stage.region)
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "EmailConfiguration": Match.object_like(
                {"EmailSendingAccount": "DEVELOPER", "From": "Plein <no-reply@plein.example>"}
            )
        },
    )


def role_actions(synthesized: Synthesized, function_name: str) -> set[str]:
    for template in synthesized.stacks.values():
        resources = template["Resources"]
        functions = [r for r in resources.values() if r["Properties"].get("FunctionName") == function_name]
        if not functions:
            continue
        role = functions[0]["Properties"]["Role"]["Fn::GetAtt"][0]
        return {
            action
            for r in resources.values()
            if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]
            for statement in r["Properties"]["PolicyDocument"]["Statement"]
            for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
        }
    raise AssertionError(f"no function {function_name}")


def test_the_socket_functions_have_no_cognito_grants(synthesized: Synthesized) -> None:
    # Connections are authorized by the token authorizer; nothing on the socket calls Cognito.
    socket = topology.context("advice").websocket
    assert socket is not None
    actions = role_actions(synthesized, topology.function_name("dev", socket))
    assert actions
    assert not {action for action in actions if action.startswith("cognito-idp:")}


def test_the_rest_api_sits_behind_a_rate_limited_web_acl(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        (acl,) = synthesized.resources("AWS::WAFv2::WebACL", "Edge").values()
        props = acl["Properties"]
        assert props["Scope"] == "REGIONAL"
        (rate,) = [rule for rule in props["Rules"] if "RateBasedStatement" in rule["Statement"]]
        assert rate["Statement"]["RateBasedStatement"] == {
            "AggregateKeyType": "IP",
            "Limit": STAGES[name].waf_requests_per_5_minutes,
        }
        assert rate["Action"] == {"Block": {}}
        (association,) = synthesized.resources("AWS::WAFv2::WebACLAssociation", "Edge").values()
        assert "/restapis/" in json.dumps(association["Properties"]["ResourceArn"])


def method_settings(synthesized: Synthesized) -> dict[tuple[str, str], dict[str, Any]]:
    (stage,) = synthesized.resources("AWS::ApiGateway::Stage", "Api").values()
    return {
        (setting["HttpMethod"], "/" + setting["ResourcePath"].removeprefix("/").replace("~1", "/").lstrip("/")): setting
        for setting in stage["Properties"]["MethodSettings"]
    }


def test_writes_that_cost_money_or_work_have_their_own_throttle(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        settings = method_settings(synthesized)
        config = STAGES[name]
        throttled = {key for key in settings if key != ("*", "/*")}  # the stage-wide default
        assert ("POST", "/checkout") in throttled, name
        assert any("/feeds" in path for _, path in throttled), name
        for method, path in throttled:
            assert method in {"POST", "PUT", "PATCH", "DELETE"}
            assert set(path.strip("/").split("/")) & set(THROTTLED_WRITES)
            assert settings[(method, path)]["ThrottlingRateLimit"] == config.write_throttle_rate
            assert settings[(method, path)]["ThrottlingRateLimit"] < config.throttle_rate


def allowed_origins(synthesized: Synthesized) -> set[str]:
    """Every origin a CORS preflight of the REST API may name (MOCK integrations in its definition)."""
    (api,) = synthesized.resources("AWS::ApiGateway::RestApi", "Api").values()
    found = set()
    for item in api["Properties"]["Body"]["paths"].values():
        if "options" in item:
            for response in item["options"]["x-amazon-apigateway-integration"]["responses"].values():
                found.add(
                    json.dumps(response["responseParameters"]["method.response.header.Access-Control-Allow-Origin"])
                )
                found.add(json.dumps(response.get("responseTemplates", {})))
    return found


def test_cors_names_the_stage_origins_never_any_origin(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        origins = allowed_origins(synthesized)
        assert origins, name
        assert json.dumps("'*'") not in origins, name
        env = environment(synthesized, name, "catalog-api")
        assert "*" not in json.dumps(env["CORS_ORIGINS"]), name
        assert "Web" in json.dumps(env["CORS_ORIGINS"])  # the deployed web client's origin
        (bucket,) = [
            b
            for b in synthesized.resources("AWS::S3::Bucket", "Storage").values()
            if "CorsConfiguration" in b["Properties"]
        ]
        for rule in bucket["Properties"]["CorsConfiguration"]["CorsRules"]:
            assert "*" not in rule["AllowedOrigins"], name


def test_users_may_write_only_the_shared_list_of_attributes(every_stage: dict[str, Synthesized]) -> None:
    from functions.common.auth import USER_WRITABLE_ATTRIBUTES, VENDOR_ID_CLAIM

    for name, synthesized in every_stage.items():
        (client,) = synthesized.resources("AWS::Cognito::UserPoolClient", "Auth").values()
        props = client["Properties"]
        assert sorted(props["WriteAttributes"]) == sorted(USER_WRITABLE_ATTRIBUTES), name
        assert VENDOR_ID_CLAIM in props["ReadAttributes"], name


def test_admin_claims_pass_through_the_mfa_gate(every_stage: dict[str, Synthesized]) -> None:
    from infra.stacks.auth import ADMIN_MFA

    for name, synthesized in every_stage.items():
        (pool,) = synthesized.resources("AWS::Cognito::UserPool", "Auth").values()
        (trigger_id,) = pool["Properties"]["LambdaConfig"]["PreTokenGeneration"]["Fn::GetAtt"][:1]
        trigger = synthesized.stacks["Auth"]["Resources"][trigger_id]["Properties"]
        assert trigger["Handler"] == ADMIN_MFA.handler == "functions.common.admin_mfa.handler"
        actions = role_actions(synthesized, trigger["FunctionName"])
        assert {a for a in actions if not a.startswith(("logs:", "xray:"))} == {"cognito-idp:AdminGetUser"}, name


def test_feed_files_and_error_reports_expire_with_the_import_history(synthesized: Synthesized) -> None:
    from functions.vendor.logic.domain import FEED_HISTORY, FEEDS_PREFIX, REPORTS_PREFIX

    (bucket,) = [
        b
        for b in synthesized.resources("AWS::S3::Bucket", "Storage").values()
        if "CorsConfiguration" in b["Properties"]
    ]
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = {rule.get("Prefix"): rule.get("ExpirationInDays") for rule in rules if "ExpirationInDays" in rule}
    assert expiring == {FEEDS_PREFIX: FEED_HISTORY.days, REPORTS_PREFIX: FEED_HISTORY.days}
