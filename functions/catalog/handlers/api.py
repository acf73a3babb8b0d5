"""REST API of the catalog context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.catalog.handlers.routes import discovery, products
from functions.common.api import create_api, lambda_entry

app = create_api("catalog")
app.include_router(products.router)
app.include_router(discovery.router)
handler = lambda_entry(app)
