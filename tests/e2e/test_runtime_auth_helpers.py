"""Moto's own Cognito signing key, to mint tokens that differ from real ones in one claim only."""

from __future__ import annotations

import json
from typing import Any

from jwt.algorithms import RSAAlgorithm


def signing_key() -> Any:
    from moto.utilities.utils import load_resource

    jwk = load_resource("cognitoidp/resources/jwks-private.json")
    return RSAAlgorithm.from_jwk(json.dumps(jwk))
