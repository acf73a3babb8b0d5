"""Helpers for live advice over the local WebSocket gateway: a frame reader and two aiortc peers
negotiating peer-to-peer WebRTC through `signal` frames (used by tests/e2e/test_advice.py and
benchmarks/advice.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

Frame = dict[str, Any]


def loopback_only() -> None:
    """aioice gathers no loopback address by default: on a machine without a network only
    127.0.0.1 connects the two peers (and no STUN server is asked: `iceServers=[]`)."""
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


class Socket:
    """A signed-in advice socket whose frames are read in the background and taken by type."""

    def __init__(self, connection: ClientConnection):
        self.connection = connection
        self.frames: list[Frame] = []
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.connection:
                async with self._arrived:
                    self.frames.append(json.loads(raw))
                    self._arrived.notify_all()

    async def send(self, **frame: Any) -> None:
        await self.connection.send(json.dumps(frame))

    async def take(self, *types: str, timeout: float = 15.0) -> Frame:
        """The first unread frame of one of `types` (waiting up to `timeout` seconds)."""

        def first() -> Frame | None:
            for index, frame in enumerate(self.frames):
                if frame.get("type") in types:
                    return self.frames.pop(index)
            return None

        async with self._arrived:
            found = await asyncio.wait_for(self._arrived.wait_for(first), timeout)
        assert found is not None
        return found

    async def close(self) -> None:
        await self.connection.close()
        self._reader.cancel()


@contextlib.asynccontextmanager
async def advice_socket(ws_url: str, token: str) -> AsyncIterator[Socket]:
    async with connect(f"{ws_url}/?token={token}", open_timeout=15, max_size=2**20) as connection:
        socket = Socket(connection)
        try:
            yield socket
        finally:
            await socket.close()


async def negotiate(
    offerer: Socket,
    answerer: Socket,
    session_id: str,
    on_open: Callable[[], Awaitable[None]] | None = None,
    *,
    video: bool = False,
) -> str:
    """Run the p2p media negotiation of a session between the shopper (offerer) and the advisor
    (answerer) over their sockets (with a video track from the shopper if `video`); once the peers
    are connected the shopper sends "hello" on a data channel. Returns what the advisor received."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack

    loopback_only()
    config = RTCConfiguration(iceServers=[])
    shopper, advisor = RTCPeerConnection(config), RTCPeerConnection(config)
    received: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    try:

        @advisor.on("datachannel")
        def on_channel(channel: Any) -> None:
            @channel.on("message")
            def on_message(message: str) -> None:
                if not received.done():
                    received.set_result(message)

        if video:
            shopper.addTrack(VideoStreamTrack())
        channel = shopper.createDataChannel("advice")
        opened: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        @channel.on("open")
        def on_open_channel() -> None:
            if not opened.done():
                opened.set_result(True)

        await shopper.setLocalDescription(await shopper.createOffer())
        description = shopper.localDescription
        await offerer.send(
            action="signal", session_id=session_id, payload={"type": description.type, "sdp": description.sdp}
        )
        offer = (await answerer.take("signal"))["payload"]
        await advisor.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
        await advisor.setLocalDescription(await advisor.createAnswer())
        answer = advisor.localDescription
        await answerer.send(action="signal", session_id=session_id, payload={"type": answer.type, "sdp": answer.sdp})
        reply = (await offerer.take("signal"))["payload"]
        await shopper.setRemoteDescription(RTCSessionDescription(sdp=reply["sdp"], type=reply["type"]))

        await asyncio.wait_for(opened, 15)
        if on_open is not None:
            await on_open()
        channel.send("hello")
        return await asyncio.wait_for(received, 15)
    finally:
        await shopper.close()
        await advisor.close()
