from __future__ import annotations

import pytest

from functions.common.auth import Role, parse_groups, principal_from_claims, principal_from_event
from functions.common.errors import Forbidden, Unauthorized


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, frozenset()),
        ("admin", {Role.ADMIN}),
        ("vendor,shopper", {Role.VENDOR, Role.SHOPPER}),
        ("[vendor shopper]", {Role.VENDOR, Role.SHOPPER}),
        (["advisor", "unknown"], {Role.ADVISOR}),
    ],
)
def test_groups_in_every_format_api_gateway_uses(raw: object, expected: set[Role]) -> None:
    assert parse_groups(raw) == expected


def test_claims_become_a_principal() -> None:
    principal = principal_from_claims(
        {
            "sub": "u-1",
            "cognito:username": "vera",
            "email": "vera@example.com",
            "cognito:groups": "vendor,shopper",
            "custom:vendor_id": "ven_1",
        }
    )

    assert principal.user_id == "u-1"
    assert principal.vendor_id == "ven_1"
    assert principal.has(Role.VENDOR)


def test_no_claims_is_unauthenticated() -> None:
    with pytest.raises(Unauthorized):
        principal_from_event({"requestContext": {}})
    with pytest.raises(Unauthorized):
        principal_from_claims({"email": "x@example.com"})


def test_vendor_may_only_act_for_its_own_vendor() -> None:
    vendor = principal_from_claims({"sub": "u", "cognito:groups": "vendor", "custom:vendor_id": "ven_a"})
    vendor.require_vendor("ven_a")

    with pytest.raises(Forbidden) as refused:
        vendor.require_vendor("ven_b")
    assert refused.value.code == "not_your_vendor"


def test_shopper_with_a_forged_vendor_claim_is_still_not_a_vendor() -> None:
    shopper = principal_from_claims({"sub": "u", "cognito:groups": "shopper", "custom:vendor_id": "ven_a"})

    with pytest.raises(Forbidden):
        shopper.require_vendor("ven_a")


def test_admin_acts_for_any_vendor_and_group_checks() -> None:
    admin = principal_from_claims({"sub": "a", "cognito:groups": "admin"})
    admin.require_vendor("ven_z")
    admin.require(Role.ADMIN)

    with pytest.raises(Forbidden):
        principal_from_claims({"sub": "s", "cognito:groups": "shopper"}).require(Role.ADMIN)
