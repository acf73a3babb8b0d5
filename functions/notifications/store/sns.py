"""Mobile push through SNS platform endpoints: one endpoint per device token, created on the
stage's platform application of the device's platform (FCM, APNs)."""

from __future__ import annotations

import json
from typing import Any

from functions.common.dynamo import error_code
from functions.common.errors import BadRequest
from functions.notifications.logic.domain import PushMessage

GONE = frozenset({"EndpointDisabled", "NotFound", "InvalidParameter"})


class SnsPusher:
    def __init__(self, client: Any, applications: dict[str, str]):
        self._client = client
        self._applications = applications

    def register(self, platform: str, token: str, user_id: str) -> str:
        application = self._applications.get(platform)
        if application is None:
            raise BadRequest(f"push to {platform} devices is not configured", code="push_unavailable")
        try:
            found = self._client.create_platform_endpoint(
                PlatformApplicationArn=application, Token=token, CustomUserData=user_id
            )
        except Exception as exc:
            if error_code(exc) == "InvalidParameter":
                raise BadRequest("the device token was refused", code="invalid_device_token") from exc
            raise
        arn = str(found["EndpointArn"])
        # CreatePlatformEndpoint returns an existing endpoint for a known token: enable it again
        self._client.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "true", "CustomUserData": user_id})
        return arn

    def unregister(self, endpoint_arn: str) -> None:
        try:
            self._client.delete_endpoint(EndpointArn=endpoint_arn)
        except Exception as exc:
            if error_code(exc) not in GONE:
                raise

    def push(self, endpoint_arn: str, message: PushMessage) -> str | None:
        data = {**message.data, **({"link": message.link} if message.link else {})}
        payload = {
            "default": f"{message.title}: {message.body}",
            "GCM": json.dumps({"notification": {"title": message.title, "body": message.body}, "data": data}),
            "APNS": json.dumps({"aps": {"alert": {"title": message.title, "body": message.body}}, **data}),
        }
        try:
            found = self._client.publish(TargetArn=endpoint_arn, Message=json.dumps(payload), MessageStructure="json")
        except Exception as exc:
            if error_code(exc) in GONE:
                return None
            raise
        return str(found["MessageId"])
