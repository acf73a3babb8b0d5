"""Inbox notifications as live frames: the notifications context publishes `NotificationCreated`;
advice owns the members' socket connections and forwards it to each of them as a `notification`
frame (the bell's count updates without polling).

A relayed duplicate sends the frame again; it carries `notification_id`, so a client shows it once.
A member without an open connection gets nothing here (the inbox has it).
"""

from __future__ import annotations

from typing import Any

from functions.advice.logic.ports import LiveStore, Notifier
from functions.advice.models.consumed import NotificationCreatedView

NOTIFICATIONS = "plein.notifications"


class InboxFrames:
    def __init__(self, live: LiveStore, notifier: Notifier):
        self._live = live
        self._notifier = notifier

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> int:
        """Route one event; the number of connections the frame reached."""
        if (source, detail_type) != (NOTIFICATIONS, "NotificationCreated"):
            return 0
        return self.notification_created(NotificationCreatedView.model_validate(detail))

    def notification_created(self, event: NotificationCreatedView) -> int:
        frame = {
            "type": "notification",
            "notification_id": event.notification_id,
            "topic": event.topic,
            "title": event.title,
            "body": event.body,
            "link": event.link,
            "unread": event.unread,
            "created_at": event.occurred_at.isoformat(),
        }
        reached = 0
        for connection in self._live.connections_of(event.user_id):
            if self._notifier.send(connection.connection_id, frame):
                reached += 1
            else:
                self._live.drop_connection(connection.connection_id)
        return reached
