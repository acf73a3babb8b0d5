"""The `$connect` authorizer against a moto user pool: real Cognito access tokens, real GetUser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.advice.handlers import ws_authorizer
from functions.common.settings import load_settings

METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc/dev/$connect"
PASSWORD = "Sup3r-secret!"


def make_pool(cognito: Any, name: str) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(
        PoolName=name, Schema=[{"Name": "vendor_id", "AttributeDataType": "String", "Mutable": True}]
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def sign_in(cognito: Any, pool_id: str, client_id: str, username: str, groups: list[str]) -> dict[str, str]:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "custom:vendor_id", "Value": "v-1"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    for group in groups:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    result = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    tokens: dict[str, str] = result["AuthenticationResult"]
    return tokens


@pytest.fixture
def cognito(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name="eu-west-1")
        yield client
    load_settings.cache_clear()


@pytest.fixture
def pool(cognito: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    pool_id, client_id = make_pool(cognito, "plein")
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    load_settings.cache_clear()
    return pool_id, client_id


def connect(token: str | None) -> dict[str, Any]:
    query = {"token": token} if token is not None else None
    return ws_authorizer.authorize({"methodArn": METHOD_ARN, "queryStringParameters": query})


def effect(response: dict[str, Any]) -> str:
    return str(response["policyDocument"]["Statement"][0]["Effect"])


def test_access_token_of_our_pool_is_allowed_with_the_caller_as_context(cognito, pool) -> None:
    # Given a vendor signed in to Plein's pool
    tokens = sign_in(cognito, pool[0], pool[1], "vera", ["vendor", "shopper"])
    # When it connects with its access token
    response = connect(tokens["AccessToken"])
    # Then the connection is allowed and the routes learn who it is
    assert effect(response) == "Allow"
    assert response["policyDocument"]["Statement"][0]["Resource"] == METHOD_ARN
    context = response["context"]
    assert context["username"] == "vera"
    assert set(context["groups"].split(",")) == {"vendor", "shopper"}
    assert context["vendor_id"] == "v-1"
    assert response["principalId"] == context["sub"] != ""


@pytest.mark.parametrize("token", [None, "", "not-a-token", "a.b.c"])
def test_missing_or_garbage_tokens_are_denied(pool, token: str | None) -> None:
    response = connect(token)
    assert effect(response) == "Deny"
    assert "context" not in response


def test_id_token_is_denied(cognito, pool) -> None:
    tokens = sign_in(cognito, pool[0], pool[1], "ida", [])
    assert effect(connect(tokens["IdToken"])) == "Deny"


def test_access_token_of_another_pool_is_denied(cognito, pool) -> None:
    # Given a valid access token, but issued by some other user pool
    other_pool, other_client = make_pool(cognito, "elsewhere")
    tokens = sign_in(cognito, other_pool, other_client, "mallory", ["admin"])
    # Then Cognito accepts it, but it is not ours
    assert effect(connect(tokens["AccessToken"])) == "Deny"


def test_signed_out_token_is_denied(cognito, pool) -> None:
    tokens = sign_in(cognito, pool[0], pool[1], "otto", [])
    cognito.global_sign_out(AccessToken=tokens["AccessToken"])
    assert effect(connect(tokens["AccessToken"])) == "Deny"
