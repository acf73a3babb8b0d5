"""Probe API: who am I (signed in), an admin-only route, publish an event, read a record."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from functions.common.api import SIGNED_IN, create_api, lambda_entry, principal
from functions.common.auth import Role
from functions.common.errors import NotFound
from functions.common.events import DomainEvent
from tests.e2e.probe.wiring import FAILING, RECORDED, SOURCE

app = create_api("probe")


class Recorded(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = RECORDED
    note: str


class Failing(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = FAILING
    note: str


class PublishIn(BaseModel):
    note: str
    fail: bool = False


@app.get("/probe/me", summary="The caller's claims", tags=["probe"], security=SIGNED_IN)
def me() -> dict[str, Any]:
    caller = principal(app)
    claims = app.current_event.raw_event["requestContext"]["authorizer"]["claims"]
    return {"user_id": caller.user_id, "groups": sorted(caller.groups), "claims": claims}


@app.get("/probe/admin", summary="Admins only", tags=["probe"], security=SIGNED_IN)
def admin_only() -> dict[str, str]:
    principal(app).require(Role.ADMIN)
    return {"status": "admin"}


@app.get("/probe/items/<item_id>", summary="Echo of the path parameter", tags=["probe"])
def item(item_id: str) -> dict[str, Any]:
    event = app.current_event
    return {"item_id": item_id, "resource": event.resource, "stage": event.request_context.stage}


@app.get("/probe/context", summary="The Lambda context and environment the function sees", tags=["probe"])
def lambda_context(hold_ms: Annotated[int, Query(ge=0, le=2000)] = 0) -> dict[str, Any]:
    import os
    import time

    time.sleep(hold_ms / 1000)
    context = app.lambda_context
    return {
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "aws_request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "table_name": os.environ.get("TABLE_NAME"),
        "pid": os.getpid(),
    }


@app.post("/probe/events", summary="Publish a probe event", tags=["probe"], security=SIGNED_IN)
def publish(body: PublishIn) -> dict[str, str]:
    from functions.common.aws import client
    from functions.common.events import EventBridgePublisher
    from functions.common.settings import EventBusSettings, load_settings

    event: DomainEvent = Failing(note=body.note) if body.fail else Recorded(note=body.note)
    EventBridgePublisher(load_settings(EventBusSettings).event_bus_name, client("events")).publish([event])
    return {"event_id": event.event_id}


@app.get("/probe/records/<event_id>", summary="A record a consumer wrote", tags=["probe"])
def record(event_id: str) -> dict[str, Any]:
    from tests.e2e.probe.records import bound

    model = bound()
    try:
        found = model.get(f"EVENT#{event_id}", "RECORD")
    except model.DoesNotExist as exc:
        raise NotFound("no such record") from exc
    return {"event_id": event_id, "note": found.note}


handler = lambda_entry(app)
