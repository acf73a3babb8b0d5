"""The advice REST API through the real resolver: status codes, error codes, CSV, validation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from functions.advice.logic.domain import CompensationKind
from tests.unit.advice.conftest import World
from tests.unit.advice.test_sessions import finished
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.test_api_smoke import FakeLambdaContext

Invoke = Callable[..., tuple[int, Any]]
CLAIMS = {
    "vendor": {
        "sub": "u-vendor",
        "cognito:username": "vendor",
        "cognito:groups": "shopper,vendor",
        "custom:vendor_id": "v1",
    },
    "shopper": {"sub": "u-shopper", "cognito:username": "shopper", "cognito:groups": "shopper"},
    "stranger": {"sub": "u-stranger", "cognito:username": "stranger", "cognito:groups": "shopper"},
}


@pytest.fixture
def api(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-advice")
    from functions.advice.handlers import api
    from functions.advice.handlers import dependencies as deps

    overrides = api.app.dependency_overrides
    overrides[deps.program_service] = lambda: world.programs
    overrides[deps.application_service] = lambda: world.applications
    overrides[deps.session_service] = lambda: world.sessions

    def invoke(
        method: str, path: str, who: str | None = "shopper", body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        event = rest_event(method, path, body, CLAIMS[who] if who else None)
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        response = api.handler(event, FakeLambdaContext())
        body_text = response["body"]
        headers = response.get("multiValueHeaders") or {}
        is_json = "text/csv" not in (headers.get("Content-Type") or [""])[0]
        return response["statusCode"], json.loads(body_text) if is_json and body_text else body_text

    yield invoke
    overrides.clear()


PROGRAM = {
    "name": "Koffie",
    "vendor_id": "v1",
    "categories": ["Home > Kitchen"],
    "compensation": {"kind": "cash", "cash": 250},
}


def test_the_onboarding_flow_over_http(api: Invoke) -> None:
    status, program = api("POST", "/advice/programs", "vendor", PROGRAM)
    assert status == 201
    program_id = program["program_id"]
    test = {"knowledge": [{"question_id": "q1", "text": "?", "choices": ["a", "b"], "correct": 1}], "pass_mark": 1}
    assert api("PUT", f"/advice/programs/{program_id}/test", "vendor", test)[0] == 200
    status, invite = api("POST", f"/advice/programs/{program_id}/invites", "vendor", {"max_uses": 1})
    assert status == 201

    status, application = api("POST", "/advice/applications", "shopper", {"invite_code": invite["code"]})
    assert status == 201
    app_path = f"/advice/applications/{application['application_id']}"
    assert "correct" not in application["knowledge"][0]
    status, failed = api("POST", f"{app_path}/answers", "shopper", {"knowledge": [0]})
    assert (status, failed["passed"], failed["attempts_left"]) == (200, False, 2)
    assert api("PATCH", app_path, "shopper", {"knowledge_base_confirmed": False})[0] == 422
    status, early = api("PATCH", app_path, "shopper", {"knowledge_base_confirmed": True})
    assert (status, early["error"]["code"]) == (409, "tests_not_passed")
    status, listed = api("GET", "/advice/sessions", "shopper", query={"limit": "5"})
    assert (status, listed) == (200, {"items": [], "next_cursor": None})
    status, refused = api("GET", "/advice/sessions", "shopper", query={"flagged": "true"})
    assert (status, refused["error"]["code"]) == (403, "missing_group")


def test_errors_have_codes(api: Invoke) -> None:
    assert api("POST", "/advice/programs", None, PROGRAM)[0] == 401
    status, body = api("POST", "/advice/programs", "shopper", PROGRAM)
    assert (status, body["error"]["code"]) == (403, "missing_group")
    status, body = api("POST", "/advice/programs", "vendor", {**PROGRAM, "compensation": {"kind": "gold"}})
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    status, body = api("POST", "/advice/applications", "shopper", {"invite_code": "NOPE1234"})
    assert (status, body["error"]["code"]) == (404, "invite_not_found")
    status, body = api("GET", "/advice/advisors/me", "shopper")
    assert (status, body["error"]["code"]) == (404, "profile_not_found")
    status, body = api(
        "PUT", "/advice/advisors/me", "shopper", {"display_name": "S", "expertise": [], "languages": ["nl"]}
    )
    assert status == 422


def test_transcripts_ratings_and_the_csv_report(world: World, api: Invoke) -> None:
    program_id, session_id = finished(world, CompensationKind.CASH)
    assert api("GET", f"/advice/sessions/{session_id}", "stranger")[0] == 404
    status, detail = api("GET", f"/advice/sessions/{session_id}", "shopper")
    assert status == 200
    assert len(detail["transcript"]) == 2
    assert api("POST", f"/advice/sessions/{session_id}/rating", "shopper", {"csat": 6})[0] == 422
    assert api("POST", f"/advice/sessions/{session_id}/rating", "shopper", {"csat": 5, "nps": 9})[0] == 200
    status, again = api("POST", f"/advice/sessions/{session_id}/rating", "shopper", {"csat": 5})
    assert (status, again["error"]["code"]) == (409, "already_rated")

    window = {
        "from": (world.clock() - timedelta(days=1)).isoformat(),
        "to": (world.clock() + timedelta(days=1)).isoformat(),
    }
    status, report = api("GET", f"/advice/programs/{program_id}/report", "vendor", query=window)
    assert (status, report["program"]["rating_average"]) == (200, 5.0)
    status, text = api("GET", f"/advice/programs/{program_id}/report", "vendor", query={**window, "format": "csv"})
    assert status == 200
    assert text.splitlines()[0].startswith("scope,advisor_id,advisor_name,requests")
    assert api("GET", f"/advice/programs/{program_id}/report", "stranger", query=window)[0] == 403
