"""REST API of the vendor context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry
from functions.vendor.handlers.routes import feeds, offers, vendors

app = create_api("vendor")
app.include_router(vendors.router)
app.include_router(offers.router)
app.include_router(feeds.router)
handler = lambda_entry(app)
