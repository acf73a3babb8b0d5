"""Members' contact details from the Cognito user pool (AdminGetUser): e-mail, locale, name."""

from __future__ import annotations

from typing import Any

from functions.common.dynamo import error_code
from functions.notifications.logic.domain import DEFAULT_LANGUAGE, Contact

LANGUAGES = frozenset({"nl", "de", "en"})


class CognitoRecipients:
    """Looks a member up by their `sub` (the user id every context uses). The pool's usernames
    are not the sub, so the lookup lists users filtered on `sub` (a standard attribute)."""

    def __init__(self, client: Any, user_pool_id: str):
        self._client = client
        self._pool = user_pool_id

    def contact(self, user_id: str) -> Contact | None:
        if not user_id or '"' in user_id or "\\" in user_id:
            return None
        try:
            found = self._client.list_users(UserPoolId=self._pool, Filter=f'sub = "{user_id}"', Limit=1)
        except Exception as exc:
            if error_code(exc) in {"UserNotFoundException", "InvalidParameterException"}:
                return None
            raise
        users = found.get("Users") or []
        if not users:
            return None
        attributes = {a["Name"]: a["Value"] for a in users[0].get("Attributes", [])}
        locale = (attributes.get("locale") or "").split("-")[0].lower()
        return Contact(
            user_id=user_id,
            email=attributes.get("email"),
            language=locale if locale in LANGUAGES else DEFAULT_LANGUAGE.value,
            display_name=attributes.get("name") or attributes.get("given_name"),
        )
