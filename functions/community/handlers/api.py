"""REST API of the community context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry

app = create_api("community")
handler = lambda_entry(app)
