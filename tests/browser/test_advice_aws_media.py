"""Advice video as it runs on AWS, in real browsers, against stand-ins for the AWS services.

Kinesis Video Streams: the web client's own KVS signalling (no KVS SDK) between two browsers,
through a stand-in for the KVS signalling service that follows its documented WebSocket protocol
(ConnectAsMaster/ConnectAsViewer with the channel ARN and client id in a SigV4-presigned query;
SDP_OFFER, SDP_ANSWER and ICE_CANDIDATE messages with base64 JSON payloads; a master addresses a
viewer by `recipientClientId`; messages for a client not connected yet are held), until both
browsers' WebRTC connection is up. The URLs are presigned by the API's own presigner.

Chime: the Amazon Chime SDK (bundled by tools/chime_bundle.mjs) joins the meeting the API created:
it opens the meeting's signalling WebSocket with the attendee's join token. A Chime media service
cannot be stood in for here, so the test ends at the join request."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.credentials import Credentials

from functions.advice.store.media import sigv4_presigner
from tests.browser.test_advice import advisor_page  # noqa: F401 - the advisor's own browser context
from tests.browser.test_web import TIMEOUT_MS
from tests.e2e.conftest import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
CHANNEL_ARN = "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/plein-test-advice-a1/1700000000000"
MASTER = "MASTER"


@contextmanager
def serving(handler: Callable[[Any], Awaitable[None]], subprotocols: Sequence[str] = ()) -> Iterator[int]:
    """`handler` as a WebSocket server on a free loopback port, in a thread of its own (Playwright
    keeps the test's thread); yields the port."""
    import websockets
    from websockets.typing import Subprotocol

    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop = asyncio.Event()  # bound to `loop` when first awaited there

    async def serve() -> None:
        offered = [Subprotocol(name) for name in subprotocols] or None
        async with websockets.serve(handler, "127.0.0.1", port, subprotocols=offered):
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


class KvsSignalling:
    """One single-master channel: a master (no client id) and viewers by `X-Amz-ClientId`."""

    def __init__(self) -> None:
        self.port = 0
        self.sent: list[tuple[str, str, str | None]] = []  # (sender, action, recipient)
        self.refused: list[str] = []
        self._clients: dict[str, Any] = {}
        self._held: dict[str, list[str]] = defaultdict(list)

    async def connection(self, ws: Any) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        signed = "X-Amz-Signature" in query and "/kinesisvideo/aws4_request" in query["X-Amz-Credential"][0]
        if query.get("X-Amz-ChannelARN") != [CHANNEL_ARN] or not signed:
            self.refused.append(ws.request.path)
            await ws.close(1008, "403 Forbidden")
            return
        me = query.get("X-Amz-ClientId", [MASTER])[0]
        self._clients[me] = ws
        for held in self._held.pop(me, []):
            await ws.send(held)
        async for raw in ws:
            message = json.loads(raw)
            recipient = message.get("recipientClientId") if me == MASTER else MASTER
            self.sent.append((me, message["action"], message.get("recipientClientId")))
            delivered = json.dumps(
                {"messageType": message["action"], "messagePayload": message["messagePayload"], "senderClientId": me}
            )
            if recipient in self._clients:
                await self._clients[recipient].send(delivered)
            else:
                self._held[recipient].append(delivered)


@pytest.fixture
def kvs() -> Iterator[KvsSignalling]:
    signalling = KvsSignalling()
    with serving(signalling.connection) as signalling.port:
        yield signalling


def _start_call(page: Page, web_url: str, media: dict[str, Any]) -> None:
    page.goto(f"{web_url}#/")
    page.evaluate(
        """async (media) => {
          const { startCall } = await import("/advice_call.js");
          const [local, remote] = [document.createElement("video"), document.createElement("video")];
          document.body.append(local, remote);
          window.callStates = [];
          window.call = startCall({
            socket: null, sessionId: "s1", localVideo: local, remoteVideo: remote, media,
            onState: (state) => window.callStates.push(state),
          });
        }""",
        media,
    )


def _until(page: Page, done: Callable[[], bool]) -> None:
    """Wait for `done` while Playwright keeps working: its request routing and events run on this
    thread (a blocking wait would hold up the page's requests), and string predicates of
    `wait_for_function` are refused by the page's CSP."""
    for _ in range(TIMEOUT_MS // 50):
        if done():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"not within {TIMEOUT_MS} ms: {page.evaluate('() => window.callStates')}")


def _state(page: Page, state: str) -> Callable[[], bool]:
    return lambda: bool(page.evaluate("(state) => window.callStates.includes(state)", state))


def _join(page: Page, web_url: str, url: str, role: str) -> None:
    _start_call(page, web_url, {"provider": "kvs", "role": role, "signaling_url": url, "ice_servers": []})


def test_advisor_and_shopper_connect_over_kvs_signalling(
    page: Page,
    advisor_page: Page,  # noqa: F811
    web_url: str,
    kvs: KvsSignalling,
) -> None:
    # Given the join data the API hands out on AWS: presigned URLs for master and viewer
    presign = sigv4_presigner(lambda: Credentials("AKIDEXAMPLE", "secret"), "eu-west-1")
    endpoint = f"ws://127.0.0.1:{kvs.port}"
    master_url = presign(f"{endpoint}?X-Amz-ChannelARN={CHANNEL_ARN}")
    viewer_url = presign(f"{endpoint}?X-Amz-ChannelARN={CHANNEL_ARN}&X-Amz-ClientId=u1")

    # When the shopper (viewer) starts the call before the advisor (master) is connected
    _join(page, web_url, viewer_url, "VIEWER")
    _join(advisor_page, web_url, master_url, "MASTER")

    # Then both browsers connect their video, the viewer offering and the master answering it
    for joined in (page, advisor_page):
        _until(joined, _state(joined, "connected"))
    assert kvs.refused == []
    assert ("u1", "SDP_OFFER", None) in kvs.sent
    assert (MASTER, "SDP_ANSWER", "u1") in kvs.sent
    assert {action for sender, action, _ in kvs.sent if sender == MASTER} >= {"SDP_ANSWER", "ICE_CANDIDATE"}
    assert all(recipient == "u1" for sender, _, recipient in kvs.sent if sender == MASTER)


def test_the_chime_sdk_joins_the_meeting_with_the_attendees_token(page: Page, web_url: str) -> None:
    # Given a stand-in for the meeting's signalling endpoint, and the join data the API hands out
    joined: list[tuple[str, str | None]] = []
    frames: list[bytes] = []
    received = threading.Event()

    async def signalling(ws: Any) -> None:
        joined.append((ws.request.path, ws.request.headers.get("Sec-WebSocket-Protocol")))
        async for frame in ws:
            frames.append(frame)
            received.set()

    with serving(signalling, ["_aws_wt_session"]) as port:
        meeting = {
            "MeetingId": "11111111-2222-3333-4444-555555555555",
            "MediaRegion": "eu-west-1",
            "MediaPlacement": {
                "AudioHostUrl": "127.0.0.1:3478",
                "SignalingUrl": f"ws://127.0.0.1:{port}/control/11111111-2222-3333-4444-555555555555",
                "TurnControlUrl": f"http://127.0.0.1:{port}/calls/11111111-2222-3333-4444-555555555555",
            },
        }
        attendee = {"ExternalUserId": "u1", "AttendeeId": "a-u1", "JoinToken": "join-token-u1"}

        # When the shopper's call starts
        _start_call(page, web_url, {"provider": "chime", "meeting": meeting, "attendee": attendee})

        # Then the SDK opens the meeting's signalling connection with the attendee's token and joins
        _until(page, _state(page, "connecting"))
        _until(page, received.is_set)
        path, protocols = joined[0]
        assert path.startswith("/control/11111111-2222-3333-4444-555555555555?X-Chime-Control-Protocol-Version=3")
        assert protocols is not None
        assert [p.strip() for p in protocols.split(",")] == ["_aws_wt_session", "join-token-u1"]
        assert isinstance(frames[0], bytes)  # the SDK's binary JOIN frame
        page.evaluate("window.call.stop()")


def test_a_refused_kvs_connection_fails_the_call(page: Page, web_url: str, kvs: KvsSignalling) -> None:
    # Given a signalling URL without a signature (or one that expired): KVS refuses the connection
    _join(page, web_url, f"ws://127.0.0.1:{kvs.port}?X-Amz-ChannelARN={CHANNEL_ARN}&X-Amz-ClientId=u1", "VIEWER")

    # Then the call says it failed instead of waiting for ever
    _until(page, _state(page, "failed"))
    assert len(kvs.refused) == 1
