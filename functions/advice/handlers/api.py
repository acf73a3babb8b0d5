"""REST API of the advice context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.advice.handlers.routes import advisors, programs, sessions
from functions.common.api import create_api, lambda_entry

app = create_api("advice")
app.include_router(programs.router)
app.include_router(advisors.router)
app.include_router(sessions.router)
handler = lambda_entry(app)
