"""REST API of the orders context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry
from functions.orders.handlers.routes import cart, checkout, orders, vendor_orders

app = create_api("orders")
app.include_router(cart.router)
app.include_router(checkout.router)
app.include_router(orders.router)
app.include_router(vendor_orders.router)
handler = lambda_entry(app)
