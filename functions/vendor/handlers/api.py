"""REST API of the vendor context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry

app = create_api("vendor")
handler = lambda_entry(app)
