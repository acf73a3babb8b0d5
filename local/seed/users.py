"""Demo users: one per role, each in its Cognito group (and in `shopper`, which everyone is).

Passwords are fixed so that they are the same after every start; they are printed by `up` and
`token`. Never use these outside the local runtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.common.auth import VENDOR_ID_CLAIM, Role

if TYPE_CHECKING:
    from local.seed import DemoUser, SeedContext

DEMO_USERS: dict[str, tuple[Role, ...]] = {
    "shopper": (Role.SHOPPER,),
    "vendor": (Role.SHOPPER, Role.VENDOR),
    "advisor": (Role.SHOPPER, Role.ADVISOR),
    "admin": (Role.SHOPPER, Role.ADMIN),
}


def demo_password(username: str) -> str:
    return f"plein-{username}-demo"


def create_user(
    cognito: Any,
    user_pool_id: str,
    username: str,
    *,
    password: str,
    groups: tuple[str, ...] | list[str],
    vendor_id: str | None = None,
    email: str | None = None,
) -> DemoUser:
    """Create a confirmed user with a permanent password in `groups` (idempotent)."""
    from local.seed import DemoUser

    attributes = [
        {"Name": "email", "Value": email or f"{username}@plein.local"},
        {"Name": "email_verified", "Value": "true"},
    ]
    if vendor_id:
        attributes.append({"Name": VENDOR_ID_CLAIM, "Value": vendor_id})
    try:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=username,
            UserAttributes=attributes,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
        )
    except cognito.exceptions.UsernameExistsException:
        cognito.admin_update_user_attributes(UserPoolId=user_pool_id, Username=username, UserAttributes=attributes)
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True)
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=str(group))
    described = cognito.admin_get_user(UserPoolId=user_pool_id, Username=username)
    sub = next(a["Value"] for a in described["UserAttributes"] if a["Name"] == "sub")
    return DemoUser(
        username=username,
        password=password,
        sub=sub,
        groups=tuple(str(g) for g in groups),
        vendor_id=vendor_id,
        email=email or f"{username}@plein.local",
    )


def set_vendor(ctx: SeedContext, username: str, vendor_id: str) -> None:
    from dataclasses import replace

    assert ctx.user_pool_id is not None, "no user pool"
    ctx.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=ctx.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": VENDOR_ID_CLAIM, "Value": vendor_id}],
    )
    if username in ctx.users:
        ctx.users[username] = replace(ctx.users[username], vendor_id=vendor_id)


def seed(ctx: SeedContext) -> None:
    if ctx.user_pool_id is None:
        ctx.log("no user pool at this endpoint: demo users skipped")
        return
    cognito = ctx.client("cognito-idp")
    progress = ctx.progress("demo users", len(DEMO_USERS))
    for username, groups in DEMO_USERS.items():
        ctx.users[username] = create_user(
            cognito,
            ctx.user_pool_id,
            username,
            password=demo_password(username),
            groups=tuple(g.value for g in groups),
        )
        progress.advance(1)
