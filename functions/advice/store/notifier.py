"""Frames to socket connections through the API Gateway Management API."""

from __future__ import annotations

import json
from typing import Any


class ConnectionsNotifier:
    def __init__(self, client: Any):
        self._client = client

    def send(self, connection_id: str, frame: dict[str, Any]) -> bool:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=json.dumps(frame).encode())
        except self._client.exceptions.GoneException:
            return False
        return True
