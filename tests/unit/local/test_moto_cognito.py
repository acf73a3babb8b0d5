"""Cognito as the local runtime patches it (local/aws/moto_cognito.py): sign-up and password reset
codes are mailed through the emulated SES and a wrong code is refused, as on AWS; an app client's
write attributes are enforced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

REGION = "eu-west-1"
PASSWORD = "Correct-horse-7"


@pytest.fixture
def cognito(patched: None) -> Iterator[tuple[Any, str]]:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        pool = client.create_user_pool(PoolName="users", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool, ClientName="web", WriteAttributes=["email"], ExplicitAuthFlows=["USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        yield client, app


def _codes_sent_to(address: str) -> list[str]:
    from moto.ses.models import ses_backends

    sent = ses_backends["123456789012"][REGION].sent_messages
    return [re.findall(r"\b\d{6}\b", m.raw_data)[-1] for m in sent if address in m.destinations]


def _sign_up(client: Any, app: str, username: str = "mira") -> dict[str, Any]:
    answer: dict[str, Any] = client.sign_up(
        ClientId=app,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.org"}],
    )
    return answer


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def test_sign_up_mails_a_code_and_only_that_code_confirms(cognito: tuple[Any, str]) -> None:
    client, app = cognito
    answer = _sign_up(client, app)
    [code] = _codes_sent_to("mira@example.org")
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "m***@example.org",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert (
        _error(client.confirm_sign_up, ClientId=app, Username="mira", ConfirmationCode=wrong) == "CodeMismatchException"
    )
    assert (
        _error(
            client.initiate_auth,
            ClientId=app,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "mira", "PASSWORD": PASSWORD},
        )
        == "UserNotConfirmedException"
    )
    client.confirm_sign_up(ClientId=app, Username="mira", ConfirmationCode=code)
    tokens = client.initiate_auth(
        ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "mira", "PASSWORD": PASSWORD}
    )
    assert tokens["AuthenticationResult"]["IdToken"]


def test_a_resent_code_replaces_the_first(cognito: tuple[Any, str]) -> None:
    client, app = cognito
    _sign_up(client, app)
    delivery = client.resend_confirmation_code(ClientId=app, Username="mira")["CodeDeliveryDetails"]
    first, second = _codes_sent_to("mira@example.org")

    assert delivery == {"Destination": "m***@example.org", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    if first != second:
        assert (
            _error(client.confirm_sign_up, ClientId=app, Username="mira", ConfirmationCode=first)
            == "CodeMismatchException"
        )
    client.confirm_sign_up(ClientId=app, Username="mira", ConfirmationCode=second)
    assert _error(client.resend_confirmation_code, ClientId=app, Username="mira") == "InvalidParameterException"


def test_a_password_reset_needs_the_mailed_code(cognito: tuple[Any, str]) -> None:
    client, app = cognito
    _sign_up(client, app)
    client.confirm_sign_up(ClientId=app, Username="mira", ConfirmationCode=_codes_sent_to("mira@example.org")[0])
    client.forgot_password(ClientId=app, Username="mira")
    code = _codes_sent_to("mira@example.org")[-1]
    fresh = "Another-horse-8"

    assert (
        _error(
            client.confirm_forgot_password, ClientId=app, Username="mira", ConfirmationCode="000000x", Password=fresh
        )
        == "CodeMismatchException"
    )
    client.confirm_forgot_password(ClientId=app, Username="mira", ConfirmationCode=code, Password=fresh)
    assert client.initiate_auth(
        ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "mira", "PASSWORD": fresh}
    )["AuthenticationResult"]
    # a code is used once
    assert (
        _error(client.confirm_forgot_password, ClientId=app, Username="mira", ConfirmationCode=code, Password=PASSWORD)
        == "CodeMismatchException"
    )


def test_a_reset_for_an_unknown_user_answers_alike_and_mails_nothing(cognito: tuple[Any, str]) -> None:
    client, app = cognito
    answer = client.forgot_password(ClientId=app, Username="nobody")

    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert "x-moto-forgot-password-confirmation-code" not in answer["ResponseMetadata"]["HTTPHeaders"]
    assert _codes_sent_to("nobody@example.org") == []


def test_sign_up_may_not_set_an_attribute_the_client_cannot_write(cognito: tuple[Any, str]) -> None:
    client, app = cognito
    attributes = [{"Name": "email", "Value": "x@example.org"}, {"Name": "custom:vendor_id", "Value": "v-1"}]

    assert (
        _error(client.sign_up, ClientId=app, Username="x", Password=PASSWORD, UserAttributes=attributes)
        == "NotAuthorizedException"
    )
