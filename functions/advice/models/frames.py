"""Frames clients send on the advice WebSocket (`action`), validated at the socket edge.

Server frames (`type`) are built by the logic (functions/advice/logic/live.py) and documented in
functions/advice/README.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter

from functions.advice.logic.domain import Mode, PresenceStatus
from functions.common.models import Record
from functions.common.values import Identifier


class Frame(Record):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PresenceFrame(Frame):
    action: Literal["presence"]
    status: PresenceStatus


class HeartbeatFrame(Frame):
    action: Literal["heartbeat"]


class ProductIn(Frame):
    title: Annotated[str, StringConstraints(max_length=300)] | None = None
    category: Annotated[str, StringConstraints(max_length=400)] | None = None
    brand: Annotated[str, StringConstraints(max_length=100)] | None = None


class RequestFrame(Frame):
    action: Literal["request"]
    product_id: Identifier
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] = "nl"
    mode: Mode = Mode.CHAT
    product: ProductIn | None = Field(default=None, description="What the product page knows of the product")
    program_id: Identifier | None = Field(default=None, description="The program whose advisors to ask")


class AcceptFrame(Frame):
    action: Literal["accept"]
    request_id: Identifier


class DeclineFrame(Frame):
    action: Literal["decline"]
    request_id: Identifier


class MessageFrame(Frame):
    action: Literal["message"]
    session_id: Identifier
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class TypingFrame(Frame):
    action: Literal["typing"]
    session_id: Identifier


class MediaFrame(Frame):
    action: Literal["media"]
    session_id: Identifier


class SignalFrame(Frame):
    action: Literal["signal"]
    session_id: Identifier
    payload: dict[str, Any] = Field(description="An SDP description or an ICE candidate, relayed as is")


class ForwardFrame(Frame):
    action: Literal["forward"]
    session_id: Identifier
    to: Literal["customer_service"] = "customer_service"


class EndFrame(Frame):
    action: Literal["end"]
    session_id: Identifier


class ResumeFrame(Frame):
    action: Literal["resume"]
    session_id: Identifier


ClientFrame = Annotated[
    PresenceFrame
    | HeartbeatFrame
    | RequestFrame
    | AcceptFrame
    | DeclineFrame
    | MessageFrame
    | TypingFrame
    | MediaFrame
    | SignalFrame
    | ForwardFrame
    | EndFrame
    | ResumeFrame,
    Field(discriminator="action"),
]
CLIENT_FRAME: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
ACTIONS = frozenset(
    {
        "presence",
        "heartbeat",
        "request",
        "accept",
        "decline",
        "message",
        "typing",
        "media",
        "signal",
        "forward",
        "end",
        "resume",
    }
)
