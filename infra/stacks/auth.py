"""Auth: the Cognito user pool (groups, app client, `vendor_id` attribute) and the cursor secret."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from functions.common.auth import Role
from infra.nag import acknowledge
from infra.shared import Shared


class AuthStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=stage.name_of("users"),
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True, username=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            custom_attributes={"vendor_id": cognito.StringAttribute(min_len=1, max_len=64, mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=10,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=stage.deletion_protection,
            removal_policy=stage.removal_policy,
        )
        acknowledge(pool, "AwsSolutions-COG2", "Shoppers may opt in to TOTP MFA; requiring it would block sign-up.")
        acknowledge(
            pool,
            "AwsSolutions-COG3",
            "Threat protection needs the Cognito Plus feature plan; enable it per stage when the budget allows.",
        )
        acknowledge(
            pool,
            "AwsSolutions-COG8",
            "The Essentials plan covers Plein's sign-in; Plus (threat protection) is a per-stage cost decision.",
        )
        for role in Role:
            cognito.CfnUserPoolGroup(
                self, f"{role.value.title()}Group", user_pool_id=pool.user_pool_id, group_name=role.value
            )
        # The custom attribute is written only by admin APIs (vendor approval), never by the user.
        client_attributes = cognito.ClientAttributes().with_standard_attributes(email=True, fullname=True)
        client = pool.add_client(
            "Web",
            user_pool_client_name=stage.name_of("web"),
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=stage.is_dev),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=client_attributes.with_custom_attributes("vendor_id"),
            write_attributes=client_attributes,
        )
        # Signs pagination cursors (CURSOR_SECRET); resolved into function environments at deploy time.
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            secret_name=stage.name_of("cursor-secret"),
            description="Key that signs pagination cursors (CURSOR_SECRET) of every Plein function",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=48, exclude_punctuation=True),
            removal_policy=stage.removal_policy,
        )
        acknowledge(
            self.cursor_secret,
            "AwsSolutions-SMG4",
            "Rotating the cursor key invalidates open cursors; rotate by changing the secret and redeploying.",
        )
        shared.user_pool = pool
        shared.cursor_secret = self.cursor_secret
        CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
