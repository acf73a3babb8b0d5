"""REST API of the notifications context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry
from functions.notifications.handlers.routes import campaigns, me, newsletter, unsubscribe

app = create_api("notifications")
app.include_router(me.router)
app.include_router(unsubscribe.router)
app.include_router(newsletter.router)
app.include_router(campaigns.router)
handler = lambda_entry(app)
