"""Cognito app clients' write attributes, enforced as on AWS: a correctness patch.

moto 5.2.5 stores an app client's `WriteAttributes` but never checks them: with a user's own
access token (UpdateUserAttributes) or at SignUp, anyone could set `custom:vendor_id` and act as
another vendor's staff. AWS refuses attributes the client may not write with NotAuthorizedException
("A client attempted to write unauthorized attribute"); these wrappers do the same before moto's
own code runs. A client without WriteAttributes may write every attribute, as on AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"


def refused(client: Any, attributes: Iterable[dict[str, str]]) -> bool:
    """Whether `attributes` holds one that the app client `client` may not write."""
    allowed = (client.extended_config or {}).get("WriteAttributes") if client is not None else None
    return allowed is not None and any(attribute["Name"] not in allowed for attribute in attributes)


def _client_of_token(backend: Any, access_token: str) -> Any:
    for pool in backend.user_pools.values():
        if access_token in pool.access_tokens:
            client_id, _ = pool.access_tokens[access_token]
            return pool.clients.get(client_id)
    return None


def _client_by_id(backend: Any, client_id: str) -> Any:
    return next((pool.clients[client_id] for pool in backend.user_pools.values() if client_id in pool.clients), None)


def checked_update(update: Callable[..., None]) -> Callable[..., None]:
    def update_user_attributes(self: Any, access_token: str, attributes: list[dict[str, str]]) -> None:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        if refused(_client_of_token(self, access_token), attributes):
            raise NotAuthorizedError(UNAUTHORIZED_ATTRIBUTE)
        update(self, access_token, attributes)

    return update_user_attributes


def checked_sign_up(sign_up: Callable[..., Any]) -> Callable[..., Any]:
    def sign_up_checked(
        self: Any, client_id: str, username: str, password: str, attributes: list[dict[str, str]]
    ) -> Any:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        if refused(_client_by_id(self, client_id), attributes):
            raise NotAuthorizedError(UNAUTHORIZED_ATTRIBUTE)
        return sign_up(self, client_id, username, password, attributes)

    return sign_up_checked


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's regional Cognito backend through `replace(owner, name, value)`."""
    from moto.cognitoidp.models import CognitoIdpBackend

    replace(CognitoIdpBackend, "update_user_attributes", checked_update(CognitoIdpBackend.update_user_attributes))
    replace(CognitoIdpBackend, "sign_up", checked_sign_up(CognitoIdpBackend.sign_up))


# ------------------------------------------------------------------ codes by e-mail
#
# moto 5.2.5 accepts any ConfirmationCode at ConfirmSignUp, has no ResendConfirmationCode, and
# checks ForgotPassword codes only when they carry its `moto-confirmation-code:` prefix (which it
# hands out in a response header). On AWS Cognito mails a six-digit code to the user's address and
# refuses a wrong one with CodeMismatchException. These wrappers do the same: the code is mailed
# through the emulated SES (so the local mailbox shows it) and checked on confirmation.

CODE_SENDER = "no-reply@verificationemail.com"
SIGN_UP_CODE = "plein_sign_up_code"
"""The user attribute (on moto's user object) holding the pending sign-up code."""


def _new_code() -> str:
    import secrets

    return f"{secrets.randbelow(1_000_000):06d}"


def _pool_and_user(response: Any, client_id: str, username: str) -> tuple[Any, Any, Any]:
    """moto's backend, user pool and user (None when unknown) for an app client and a username."""
    from moto.cognitoidp.exceptions import ResourceNotFoundError

    backend = response._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    return backend, pool, pool._get_user(username)


def _mail_code(backend: Any, user: Any, subject: str, text: str) -> None:
    """Send `text` to the user's e-mail address through the emulated SES of the pool's region."""
    from email.message import EmailMessage

    from moto.ses.models import RawMessage, ses_backends

    address = user.attribute_lookup.get("email")
    if not address:
        return
    message = EmailMessage()
    message["From"] = CODE_SENDER
    message["To"] = address
    message["Subject"] = subject
    message.set_content(text)
    ses = ses_backends[backend.account_id][backend.region_name]
    ses.sent_messages.append(
        RawMessage(f"cognito-{_new_code()}-{len(ses.sent_messages)}", CODE_SENDER, [address], message.as_string())
    )


def _send_sign_up_code(backend: Any, user: Any) -> dict[str, str]:
    code = _new_code()
    setattr(user, SIGN_UP_CODE, code)
    _mail_code(backend, user, "Your Plein verification code", f"Your verification code is {code}.")
    return _delivery(user)


def _delivery(user: Any) -> dict[str, str]:
    address = str((user.attribute_lookup.get("email") if user is not None else None) or "")
    masked = f"{address[:1]}***@{address.partition('@')[2]}" if "@" in address else "***"
    return {"Destination": masked, "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def mailed_sign_up(sign_up: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def sign_up_mailed(self: Any) -> Any:
        from moto.core.responses import ActionResult

        result = sign_up(self)
        backend, _, user = _pool_and_user(self, self._get_param("ClientId"), self._get_param("Username"))
        if user is None or user.status != "UNCONFIRMED":
            return result
        # the answer names where the code went (moto's names the recovery phone, which it never uses)
        answer = {"UserConfirmed": False, "UserSub": user.id, "CodeDeliveryDetails": _send_sign_up_code(backend, user)}
        return ActionResult(answer)

    return sign_up_mailed


def checked_confirm_sign_up(confirm: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def confirm_sign_up_checked(self: Any) -> Any:
        from moto.cognitoidp.exceptions import CodeMismatchException, UserNotFoundError

        _, _, user = _pool_and_user(self, self._get_param("ClientId"), self._get_param("Username"))
        if user is None:
            raise UserNotFoundError("Username/client id combination not found.")
        if user.status != "CONFIRMED":
            if getattr(user, SIGN_UP_CODE, None) != self._get_param("ConfirmationCode"):
                raise CodeMismatchException("Invalid verification code provided, please try again.")
            setattr(user, SIGN_UP_CODE, None)
        return confirm(self)

    return confirm_sign_up_checked


def resend_confirmation_code(self: Any) -> Any:
    from moto.cognitoidp.exceptions import InvalidParameterException, UserNotFoundError
    from moto.core.responses import ActionResult

    backend, _, user = _pool_and_user(self, self._get_param("ClientId"), self._get_param("Username"))
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if user.status == "CONFIRMED":
        raise InvalidParameterException("User is already confirmed.")
    return ActionResult({"CodeDeliveryDetails": _send_sign_up_code(backend, user)})


def mailed_forgot_password(self: Any) -> Any:
    """ForgotPassword mails a six-digit code (no moto header); an unknown user gets the same
    answer with nothing sent, as with the client's PreventUserExistenceErrors."""
    from moto.core.responses import ActionResult

    backend, _, user = _pool_and_user(self, self._get_param("ClientId"), self._get_param("Username"))
    if user is not None:
        user.confirmation_code = _new_code()
        _mail_code(
            backend,
            user,
            "Your Plein password reset code",
            f"Your code to set a new password is {user.confirmation_code}.",
        )
    return ActionResult({"CodeDeliveryDetails": _delivery(user)})


def checked_confirm_forgot_password(confirm: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def confirm_forgot_password_checked(self: Any) -> Any:
        from moto.cognitoidp.exceptions import CodeMismatchException

        backend, pool, user = _pool_and_user(self, self._get_param("ClientId"), self._get_param("Username"))
        code = user.confirmation_code if user is not None else None
        if code is None or code != self._get_param("ConfirmationCode"):
            raise CodeMismatchException("Invalid verification code provided, please try again.")
        backend._validate_password(pool.id, self._get_param("Password"))
        return confirm(self)

    return confirm_forgot_password_checked


def apply_codes(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's Cognito request handler through `replace(owner, name, value)`."""
    from moto.cognitoidp.responses import CognitoIdpResponse as Handler

    replace(Handler, "sign_up", mailed_sign_up(Handler.sign_up))
    replace(Handler, "confirm_sign_up", checked_confirm_sign_up(Handler.confirm_sign_up))
    replace(Handler, "resend_confirmation_code", resend_confirmation_code)
    replace(Handler, "forgot_password", mailed_forgot_password)
    replace(Handler, "confirm_forgot_password", checked_confirm_forgot_password(Handler.confirm_forgot_password))
