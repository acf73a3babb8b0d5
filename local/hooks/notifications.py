"""The notifications context's local step before start: the emulated SES must know the sender
identity (moto refuses mail from unverified addresses) and SNS the platform applications push
endpoints are created on. Neither is in a saved data folder, so this runs on every start."""

from __future__ import annotations

from local.config import LOCAL_MAIL_SENDER, LOCAL_PUSH_PLATFORMS
from local.hooks import HookContext


def before_start(ctx: HookContext) -> None:
    ctx.client("ses").verify_email_identity(EmailAddress=LOCAL_MAIL_SENDER)
    sns = ctx.client("sns")
    for platform, sns_platform in LOCAL_PUSH_PLATFORMS.items():
        sns.create_platform_application(
            Name=f"plein-local-{platform}",
            Platform=sns_platform,
            Attributes={"PlatformCredential": "local", "PlatformPrincipal": "local"},
        )
