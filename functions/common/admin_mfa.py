"""Cognito pre-token-generation trigger: the `admin` group reaches tokens only with MFA.

Cognito cannot require MFA for one group, and its tokens do not say whether MFA was used. Once a
user has TOTP as their preferred MFA, Cognito asks for the code at every sign-in; so a token that
carries `admin` is a token obtained with MFA exactly when the claim is issued only to users whose
preferred MFA is TOTP. This trigger drops `admin` from the groups of everyone else (the other
groups are untouched), so every `Principal.require(Role.ADMIN)` check also requires MFA.
"""

from __future__ import annotations

from typing import Any

from functions.common.auth import Role

TOTP = "SOFTWARE_TOKEN_MFA"


def without_unprotected_admin(event: dict[str, Any], cognito: Any) -> dict[str, Any]:
    groups: list[str] = list(event.get("request", {}).get("groupConfiguration", {}).get("groupsToOverride") or [])
    if Role.ADMIN.value not in groups:
        return event
    user = cognito.admin_get_user(UserPoolId=event["userPoolId"], Username=event["userName"])
    if user.get("PreferredMfaSetting") == TOTP:
        return event
    kept = [group for group in groups if group != Role.ADMIN.value]
    event.setdefault("response", {})["claimsOverrideDetails"] = {"groupOverrideDetails": {"groupsToOverride": kept}}
    return event


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    from functions.common.aws import client

    return without_unprotected_admin(event, client("cognito-idp"))
