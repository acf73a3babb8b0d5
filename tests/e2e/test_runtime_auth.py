"""The local API Gateway's Cognito authorizer, through a real sign-in and real HTTP."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.e2e.conftest import Plein

pytestmark = pytest.mark.e2e


def test_public_health_route_needs_no_token(plein: Plein) -> None:
    # When
    response = httpx.get(f"{plein.rest_url}/health/vendor")

    # Then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "context": "vendor"}


def test_signed_in_user_reaches_an_authenticated_route_with_claims(plein: Plein) -> None:
    # Given a token from InitiateAuth against the emulated Cognito
    client = plein.client("shopper")

    # When
    response = client.get("/probe/me")

    # Then the handler sees API Gateway's authorizer claims
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == plein.users["shopper"].sub
    assert body["groups"] == ["shopper"]
    assert body["claims"]["cognito:username"] == "shopper"
    assert body["claims"]["token_use"] == "id"
    assert all(isinstance(value, str) for value in body["claims"].values())


def test_no_token_is_401(plein: Plein) -> None:
    response = httpx.get(f"{plein.rest_url}/probe/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_tampered_token_is_401(plein: Plein) -> None:
    # Given the shopper's token with admin added to its groups
    forged = _tamper(plein.token("shopper"))

    # When
    response = httpx.get(f"{plein.rest_url}/probe/admin", headers={"Authorization": f"Bearer {forged}"})

    # Then the signature no longer matches
    assert response.status_code == 401


def test_expired_token_is_401(plein: Plein) -> None:
    # Given a token signed with the pool's own key but expired (moto's key, so only expiry fails)
    import jwt

    from tests.e2e.test_runtime_auth_helpers import signing_key

    claims = jwt.decode(plein.token("shopper"), options={"verify_signature": False})
    claims["exp"] = claims["iat"] - 60
    expired = jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": "dummy"})

    # When
    response = httpx.get(f"{plein.rest_url}/probe/me", headers={"Authorization": expired})

    # Then
    assert response.status_code == 401


def test_access_token_is_401(plein: Plein) -> None:
    # Given an access token (API Gateway's Cognito authorizer without scopes takes ID tokens only)
    result = plein.boto3_client("cognito-idp").initiate_auth(
        ClientId=plein.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "shopper", "PASSWORD": plein.users["shopper"].password},
    )

    response = httpx.get(
        f"{plein.rest_url}/probe/me", headers={"Authorization": result["AuthenticationResult"]["AccessToken"]}
    )

    assert response.status_code == 401


def test_wrong_group_is_403(plein: Plein) -> None:
    response = plein.client("shopper").get("/probe/admin")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_group"


def test_right_group_is_200(plein: Plein) -> None:
    response = plein.client("admin").get("/probe/admin")

    assert response.status_code == 200


def test_created_user_signs_in(plein: Plein) -> None:
    # Given
    plein.create_user("e2e-admin-2", "secret-pass-1", ["shopper", "admin"])

    # When
    response = plein.client("e2e-admin-2").get("/probe/admin")

    # Then
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/no/such/<script>route", "/nothing/%0D%0Ascript/here%0A"])
def test_unknown_route_is_404_in_the_error_shape_without_echoing_the_path(plein: Plein, path: str) -> None:
    response = httpx.get(f"{plein.rest_url}{path}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "route_not_found"
    assert "script" not in response.text


def test_path_parameters_resource_and_stage_reach_the_handler(plein: Plein) -> None:
    response = httpx.get(f"{plein.rest_url}/probe/items/abc-1")

    assert response.json() == {"item_id": "abc-1", "resource": "/probe/items/{item_id}", "stage": "local"}


def test_bad_json_body_is_refused_by_the_handler_as_a_400(plein: Plein) -> None:
    response = plein.client("shopper").post(
        "/probe/events", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_json")


def test_body_that_is_not_utf8_is_a_400_after_the_authorizer(plein: Plein) -> None:
    body = b'{"name": "\xff\xfe"}'
    anonymous = httpx.post(f"{plein.rest_url}/probe/events", content=body, headers={"Content-Type": "application/json"})
    signed_in = plein.client("shopper").post(
        "/probe/events", content=body, headers={"Content-Type": "application/json"}
    )

    assert anonymous.status_code == 401
    assert (signed_in.status_code, signed_in.json()["error"]["code"]) == (400, "invalid_encoding")


def test_openapi_and_docs_are_served(plein: Plein) -> None:
    schema = httpx.get(f"{plein.rest_url}/openapi.json", timeout=120).json()
    docs = httpx.get(f"{plein.rest_url}/docs")
    bundle = httpx.get(f"{plein.rest_url}/docs/swagger-ui-bundle.min.js")

    assert "/probe/me" in schema["paths"]
    assert "/health/vendor" in schema["paths"]
    assert "responses" in schema["paths"]["/cart"]["get"], "the orders API fell back to bare routes"
    assert schema["paths"]["/cart"]["get"]["security"] == [{"cognito": []}]
    assert "swagger-ui-bundle.min.js" in docs.text
    assert bundle.status_code == 200
    assert len(bundle.content) > 100_000


def test_oversize_url_and_headers_are_refused_in_the_error_shape_without_echo(plein: Plein) -> None:
    long_url = httpx.get(f"{plein.rest_url}/products", params={"q": "x" * 9000})
    long_headers = httpx.get(f"{plein.rest_url}/products", headers={"X-Padding": "y" * 11000})

    assert (long_url.status_code, long_url.json()["error"]["code"]) == (414, "uri_too_long")
    assert (long_headers.status_code, long_headers.json()["error"]["code"]) == (431, "headers_too_large")
    assert "xxxx" not in long_url.text
    assert "yyyy" not in long_headers.text


def test_users_cannot_bind_themselves_to_a_vendor(plein: Plein) -> None:
    # Given the demo vendor user, signed in with the web client
    cognito = plein.boto3_client("cognito-idp")
    tokens = cognito.initiate_auth(
        ClientId=plein.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "vendor", "PASSWORD": plein.users["vendor"].password},
    )["AuthenticationResult"]

    # When it tries to rebind itself, or a new account signs up as a vendor's staff
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.update_user_attributes(
            AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "custom:vendor_id", "Value": "vd_other"}]
        )
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.sign_up(
            ClientId=plein.user_pool_client_id,
            Username="would-be-staff",
            Password="Passw0rd!staff",
            UserAttributes=[{"Name": "custom:vendor_id", "Value": "vd_other"}],
        )

    # Then the attributes it may write still work, and its vendor binding is unchanged
    cognito.update_user_attributes(AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "name", "Value": "V"}])
    attributes = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    assert attributes["custom:vendor_id"] == plein.users["vendor"].vendor_id
