"""REST API of the catalog context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry

app = create_api("catalog")
handler = lambda_entry(app)
