"""The pre-token trigger keeps `admin` in tokens only for users whose preferred MFA is TOTP."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from functions.common.admin_mfa import TOTP, without_unprotected_admin


def event(groups: list[str]) -> dict[str, Any]:
    return {
        "userPoolId": "eu-west-1_Pool",
        "userName": "alice",
        "request": {"groupConfiguration": {"groupsToOverride": groups}},
        "response": {"claimsOverrideDetails": None},
    }


def cognito(preferred_mfa: str | None) -> tuple[Any, Stubber]:
    client = boto3.client("cognito-idp", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(client)
    user: dict[str, Any] = {"Username": "alice", "UserAttributes": []}
    if preferred_mfa:
        user["PreferredMfaSetting"] = preferred_mfa
    stub.add_response("admin_get_user", user, {"UserPoolId": "eu-west-1_Pool", "Username": "alice"})
    stub.activate()
    return client, stub


def test_an_admin_without_totp_loses_only_the_admin_group() -> None:
    client, stub = cognito(preferred_mfa=None)

    result = without_unprotected_admin(event(["vendor", "admin"]), client)

    assert result["response"]["claimsOverrideDetails"] == {"groupOverrideDetails": {"groupsToOverride": ["vendor"]}}
    stub.assert_no_pending_responses()


def test_an_admin_with_totp_keeps_every_group() -> None:
    client, stub = cognito(preferred_mfa=TOTP)

    result = without_unprotected_admin(event(["admin"]), client)

    assert result["response"]["claimsOverrideDetails"] is None
    stub.assert_no_pending_responses()


def test_other_users_are_not_looked_up() -> None:
    client = boto3.client("cognito-idp", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client):  # no response prepared: any call would raise
        result = without_unprotected_admin(event(["shopper"]), client)

    assert result["response"]["claimsOverrideDetails"] is None
