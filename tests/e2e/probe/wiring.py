"""Wiring of the probe context (test-only): an API, a WebSocket function and two consumers."""

from functions.common.wiring import ContextWiring, EventSubscription, Function, Need, TableSpec

SOURCE = "plein.probe"
RECORDED = "ProbeRecorded"
FAILING = "ProbeFailing"
FAILING_MAX_RECEIVES = 2

WIRING = ContextWiring(
    name="probe",
    table=TableSpec(model="tests.e2e.probe.records:ProbeRecord"),
    api=Function("probe-api", "tests.e2e.probe.api.handler", frozenset({Need.EVENT_BUS})),
    websocket=Function("probe-ws", "tests.e2e.probe.ws.handler", frozenset({Need.WEBSOCKET})),
    # The platform's socket authorizer (Cognito access tokens), as the advice socket has it.
    websocket_authorizer=Function(
        "probe-ws-authorizer", "functions.advice.handlers.ws_authorizer.handler", frozenset({Need.TOKENS})
    ),
    events=(
        EventSubscription(
            Function("probe-recorder", "tests.e2e.probe.consumers.record"), sources=(SOURCE,), detail_types=(RECORDED,)
        ),
        EventSubscription(
            Function("probe-failing", "tests.e2e.probe.consumers.fail"),
            sources=(SOURCE,),
            detail_types=(FAILING,),
            max_receive_count=FAILING_MAX_RECEIVES,
        ),
    ),
    publishes=(RECORDED, FAILING),
)
