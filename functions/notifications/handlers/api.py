"""REST API of the notifications context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry

app = create_api("notifications")
handler = lambda_entry(app)
