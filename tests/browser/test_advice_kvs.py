"""Advice video as it runs on AWS with Kinesis Video Streams: the web client's own KVS signalling
(no KVS SDK) between two real browsers, through a stand-in for the KVS signalling service that
follows its documented WebSocket protocol (ConnectAsMaster/ConnectAsViewer with the channel ARN
and client id in a SigV4-presigned query; SDP_OFFER, SDP_ANSWER and ICE_CANDIDATE messages with
base64 JSON payloads; a master addresses a viewer by `recipientClientId`; messages for a client
not connected yet are held). The URLs are presigned by the API's own presigner."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from collections.abc import Iterator
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


class KvsSignalling:
    """One single-master channel: a master (no client id) and viewers by `X-Amz-ClientId`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sent: list[tuple[str, str, str | None]] = []  # (sender, action, recipient)
        self.refused: list[str] = []
        self._clients: dict[str, Any] = {}
        self._held: dict[str, list[str]] = defaultdict(list)
        self._loop = asyncio.new_event_loop()
        self._stopped: asyncio.Event | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> KvsSignalling:
        self._thread.start()
        assert self._started.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        assert self._stopped is not None
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(10)

    def _run(self) -> None:
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        import websockets

        self._stopped = asyncio.Event()
        async with websockets.serve(self._connection, "127.0.0.1", self.port):
            self._started.set()
            await self._stopped.wait()

    async def _connection(self, ws: Any) -> None:
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
    with KvsSignalling() as signalling:
        yield signalling


def _join(page: Page, web_url: str, url: str, role: str) -> None:
    page.goto(f"{web_url}#/")
    page.evaluate(
        """async ({ url, role }) => {
          const { startCall } = await import("/advice_call.js");
          const [local, remote] = [document.createElement("video"), document.createElement("video")];
          document.body.append(local, remote);
          window.callStates = [];
          startCall({
            socket: null, sessionId: "s1", localVideo: local, remoteVideo: remote,
            media: { provider: "kvs", role, signaling_url: url, ice_servers: [] },
            onState: (state) => window.callStates.push(state),
          });
        }""",
        {"url": url, "role": role},
    )


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
        joined.wait_for_function("window.callStates.includes('connected')", timeout=TIMEOUT_MS)
    assert kvs.refused == []
    assert ("u1", "SDP_OFFER", None) in kvs.sent
    assert (MASTER, "SDP_ANSWER", "u1") in kvs.sent
    assert {action for sender, action, _ in kvs.sent if sender == MASTER} >= {"SDP_ANSWER", "ICE_CANDIDATE"}
    assert all(recipient == "u1" for sender, _, recipient in kvs.sent if sender == MASTER)
