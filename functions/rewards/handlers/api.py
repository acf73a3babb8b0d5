"""REST API of the rewards context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry
from functions.rewards.handlers.routes import admin, me, payouts, redemptions, referrals

app = create_api("rewards")
app.include_router(me.router)
app.include_router(redemptions.router)
app.include_router(referrals.router)
app.include_router(admin.router)
app.include_router(payouts.router)
handler = lambda_entry(app)
