"""Auth: the Cognito user pool (groups, app client, `vendor_id` attribute) and the stage's secrets.

Fixed at creation (changing them replaces the pool, and with it every account): the sign-in
aliases (e-mail and username), the required standard attribute `email`, the custom attribute
`vendor_id` (its name and type), and the username case sensitivity. docs/operations.md lists them.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from functions.common.auth import USER_WRITABLE_ATTRIBUTES, Role
from functions.common.wiring import ContextWiring, Function, TableSpec
from infra.config import StageConfig
from infra.constructs.function import PleinFunction
from infra.nag import acknowledge
from infra.shared import Shared

CDK_STANDARD_ATTRIBUTES = {"email": "email", "name": "fullname", "locale": "locale"}
"""Cognito's standard attribute names as `StandardAttributesMask` spells them."""


# Platform functions run shared code only (functions/common): no table, no events of their own.
PLATFORM = ContextWiring(name="common", table=TableSpec(model=""))
ADMIN_MFA = Function("auth-admin-mfa", "functions.common.admin_mfa.handler", memory_mb=256, timeout_seconds=5)


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
            sign_in_case_sensitive=False,
            # Optional for everyone; Cognito cannot require MFA for one group, so the pre-token
            # trigger (`_admin_mfa_gate`) issues the admin group only to users with TOTP.
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            email=_email(stage),
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
        client_attributes = cognito.ClientAttributes().with_standard_attributes(
            **{CDK_STANDARD_ATTRIBUTES[name]: True for name in USER_WRITABLE_ATTRIBUTES}
        )
        # The web client signs in with InitiateAuth USER_PASSWORD_AUTH (web/auth.js): the password goes
        # over TLS to Cognito only, never to Plein's API. SRP stays allowed for clients that use it.
        # No hosted UI and no OAuth flows at all (so no implicit grant and no callback URLs).
        self.client = client = pool.add_client(
            "Web",
            user_pool_client_name=stage.name_of("web"),
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=client_attributes.with_custom_attributes("vendor_id"),
            write_attributes=client_attributes,
        )
        # Signs pagination cursors; functions get its ARN (CURSOR_SECRET_ARN) and read it at run time.
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
            "A random signing key: rotate with put-secret-value (docs/operations.md); functions re-read it in minutes.",
        )
        shared.user_pool = pool
        shared.cursor_secret = self.cursor_secret
        self._admin_mfa_gate(pool, shared)
        shared.user_pool_client_id = client.user_pool_client_id
        if stage.payment_provider != "local":
            # The payment provider's API key: created with a random placeholder, set by the operator.
            self.payment_secret = secretsmanager.Secret(
                self,
                "PaymentSecret",
                secret_name=stage.name_of("payment-provider"),
                description=f"API key of the {stage.payment_provider} payment provider (set with put-secret-value)",
                removal_policy=stage.removal_policy,
            )
            acknowledge(
                self.payment_secret,
                "AwsSolutions-SMG4",
                "The provider issues the key: rotate it in its dashboard, then put-secret-value (docs/operations.md).",
            )
            shared.payment_secret = self.payment_secret
        CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)

    def _admin_mfa_gate(self, pool: cognito.UserPool, shared: Shared) -> None:
        """Tokens carry the `admin` group only for users with TOTP MFA (functions/common/admin_mfa.py)."""
        gate = PleinFunction(self, ADMIN_MFA.name, shared=shared, wiring=PLATFORM, function=ADMIN_MFA, own_table=False)
        # The pool's own ARN would be a cycle (pool -> trigger -> role policy -> pool): this account's pools.
        pools = f"arn:{Aws.PARTITION}:cognito-idp:{Aws.REGION}:{Aws.ACCOUNT_ID}:userpool/*"
        gate.role.add_to_policy(iam.PolicyStatement(actions=["cognito-idp:AdminGetUser"], resources=[pools]))
        acknowledge(
            gate.role,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]",
            "AdminGetUser (read-only) on this account's pools: naming the pool would make a circular dependency.",
        )
        pool.add_trigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, gate.function)


def _email(stage: StageConfig) -> cognito.UserPoolEmail:
    """Through SES when the stage names a verified sender; else Cognito's own (about 50 mails a day)."""
    if stage.ses_from_email is None:
        return cognito.UserPoolEmail.with_cognito()
    return cognito.UserPoolEmail.with_ses(from_email=stage.ses_from_email, from_name="Plein", ses_region=stage.region)
