"""JWT verification as API Gateway's Cognito authorizer does it, with locally generated RS256 keys."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from local.gateway.auth import InvalidToken, JwtVerifier, authorizer_claims, bearer_token, issuer

POOL = "eu-west-1_pool"
CLIENT = "client-1"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, Any]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private, other


@pytest.fixture
def verifier(keys: tuple[Any, Any]) -> JwtVerifier:
    jwk = RSAAlgorithm.to_jwk(keys[0].public_key(), as_dict=True)
    jwk |= {"kid": "k1", "alg": "RS256", "use": "sig"}
    return JwtVerifier.from_jwks("eu-west-1", POOL, [CLIENT], {"keys": [jwk]})


def _token(key: Any, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "user-1",
        "aud": CLIENT,
        "iss": issuer("eu-west-1", POOL),
        "token_use": "id",
        "exp": now + 3600,
        "iat": now,
        "auth_time": now,
        "cognito:username": "shopper",
        "cognito:groups": ["shopper", "admin"],
        "email_verified": True,
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": overrides.pop("kid", "k1")})


def test_a_valid_id_token_gives_its_claims(verifier: JwtVerifier, keys: tuple[Any, Any]) -> None:
    claims = verifier.verify(_token(keys[0]))

    assert claims["sub"] == "user-1"


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 10},
        {"aud": "another-client"},
        {"token_use": "access", "aud": None, "client_id": CLIENT},
        {"iss": "https://cognito-idp.eu-west-1.amazonaws.com/other-pool"},
        {"token_use": None},
    ],
    ids=["expired", "wrong-audience", "access-token", "wrong-issuer", "no-token-use"],
)
def test_tokens_api_gateway_refuses(verifier: JwtVerifier, keys: tuple[Any, Any], overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(_token(keys[0], **overrides))


def test_a_token_signed_by_another_key_is_refused(verifier: JwtVerifier, keys: tuple[Any, Any]) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(_token(keys[1]))


def test_a_tampered_payload_is_refused(verifier: JwtVerifier, keys: tuple[Any, Any]) -> None:
    header, _, signature = _token(keys[0]).split(".")
    _, payload, _ = _token(keys[0], sub="someone-else").split(".")

    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{payload}.{signature}")


@pytest.mark.parametrize("token", [None, "", "abc", "a.b.c"])
def test_garbage_is_refused(verifier: JwtVerifier, token: str | None) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_hs256_with_the_public_key_is_refused(verifier: JwtVerifier) -> None:
    forged = jwt.encode(
        {"sub": "x", "token_use": "id"},
        "a-shared-secret-of-thirty-two-bytes!",
        algorithm="HS256",
        headers={"kid": "k1"},
    )

    with pytest.raises(InvalidToken):
        verifier.verify(forged)


def test_claims_are_strings_as_api_gateway_passes_them() -> None:
    claims = authorizer_claims(
        {"cognito:groups": ["shopper", "admin"], "email_verified": True, "exp": 1764064800, "sub": "u"}
    )

    assert claims["cognito:groups"] == "shopper,admin"
    assert claims["email_verified"] == "true"
    assert claims["exp"] == "Tue Nov 25 10:00:00 UTC 2025"
    assert claims["sub"] == "u"


@pytest.mark.parametrize(
    ("header", "expected"), [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("abc", "abc"), ("", None), (None, None)]
)
def test_bearer_or_raw_token(header: str | None, expected: str | None) -> None:
    assert bearer_token(header) == expected


def test_a_verified_token_is_remembered_and_still_expires(
    verifier: JwtVerifier, keys: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a token verified once
    now = time.time()
    token = _token(keys[0], exp=int(now) + 60)
    assert verifier.verify(token)["sub"] == "user-1"

    # When it is used again, the signature is not checked again (as API Gateway caches its authorizer)
    def no_decode(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("decoded again")

    monkeypatch.setattr(jwt, "decode", no_decode)
    assert verifier.verify(token)["sub"] == "user-1"

    # Then once it has expired it is refused all the same
    monkeypatch.setattr(time, "time", lambda: now + 61)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_the_verified_tokens_kept_are_bounded(verifier: JwtVerifier, keys: tuple[Any, Any]) -> None:
    verifier.cache_size = 3
    tokens = [_token(keys[0], sub=f"user-{i}") for i in range(5)]
    for token in tokens:
        verifier.verify(token)

    assert list(verifier._verified) == tokens[2:]
