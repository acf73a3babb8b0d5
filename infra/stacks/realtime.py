"""Realtime: the advice WebSocket API, its functions and their media permissions (Chime, KVS)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import topology
from infra.constructs.function import PleinFunction
from infra.constructs.websocket import AdviceSocket
from infra.shared import Shared


class RealtimeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        wiring = topology.context("advice")
        socket = AdviceSocket(self, "AdviceSocket", stage=shared.stage)
        shared.websocket = socket.refs
        if wiring.websocket is None or wiring.websocket_authorizer is None:
            return
        if shared.user_pool is None:
            raise RuntimeError("the auth stack must be built before the realtime stack")
        handler = PleinFunction(self, wiring.websocket.name, shared=shared, wiring=wiring, function=wiring.websocket)
        # No table grant: it only asks Cognito about the token (GetUser needs no IAM permission).
        authorizer = PleinFunction(
            self,
            wiring.websocket_authorizer.name,
            shared=shared,
            wiring=wiring,
            function=wiring.websocket_authorizer,
            own_table=False,
        )
        socket.route_to(handler.function, authorizer.function)
        CfnOutput(self, "WebSocketUrl", value=socket.stage.url)
