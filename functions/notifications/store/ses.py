"""The mailer on Amazon SES: one MIME message (plain text and HTML alternatives, List-Unsubscribe
headers) built here and sent with SendRawEmail, so the headers reach the recipient as written."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from functions.common.errors import Unavailable
from functions.notifications.logic.domain import OutgoingMail

_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_HEADER_UNSAFE = re.compile(r"[\r\n]")
_MAX_TAG = 256


def mime_message(mail: OutgoingMail, sender: str, sender_name: str | None = None) -> EmailMessage:
    """The e-mail as MIME: multipart/alternative with the text part first (the fallback)."""
    message = EmailMessage()
    message["Subject"] = _header(mail.subject)
    message["From"] = Address(display_name=sender_name, addr_spec=sender) if sender_name else sender
    message["To"] = mail.to_address
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = mail.language
    for name, value in mail.headers.items():
        message[_header(name)] = _header(value)
    message.set_content(mail.text, subtype="plain", charset="utf-8")
    message.add_alternative(mail.html, subtype="html", charset="utf-8")
    return message


def ses_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    """SES message tags: names and values limited to letters, digits, `_` and `-`."""
    return [
        {"Name": _TAG_UNSAFE.sub("_", name)[:_MAX_TAG], "Value": _TAG_UNSAFE.sub("_", value)[:_MAX_TAG] or "none"}
        for name, value in tags.items()
    ]


def _header(value: str) -> str:
    return _HEADER_UNSAFE.sub(" ", value)


class SesMailer:
    """`Mailer` on SES. `configuration_set` routes bounce, complaint, open and click events."""

    def __init__(self, client: Any, sender: str, sender_name: str | None = None, configuration_set: str | None = None):
        self._client = client
        self._sender = sender
        self._sender_name = sender_name
        self._configuration_set = configuration_set

    def send(self, mail: OutgoingMail) -> str:
        raw = mime_message(mail, self._sender, self._sender_name).as_bytes()
        request: dict[str, Any] = {
            "Source": self._sender,
            "Destinations": [mail.to_address],
            "RawMessage": {"Data": raw},
        }
        if mail.tags:
            request["Tags"] = ses_tags(mail.tags)
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_raw_email(**request)
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code in {"Throttling", "ThrottlingException", "ServiceUnavailable", "MaxSendingRateExceeded"}:
                raise Unavailable("the mail service is busy, retry shortly", code="mail_unavailable") from exc
            raise
        return str(response["MessageId"])
