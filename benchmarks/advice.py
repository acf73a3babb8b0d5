"""Live advice benchmark: routing in logic, the socket round trip, time to a p2p connection.

    .venv/bin/python -m benchmarks.advice --advisors 10000 --decisions 500 --round-trips 300 --calls 10

Each measure runs beside a baseline in the same process and run:
1. routing: `routing.next_wave` over `--advisors` online advisors (random programs, expertise,
   languages, load, ratings) vs `heapq.nlargest(3, ...)` over as many precomputed floats (the
   floor of choosing the best three) and a bare one-attribute filter pass over the advisors (how
   fast this machine walks 10,000 objects right now). Target: p99 under 10 ms.
2. socket round trip: a `heartbeat` frame answered by the advice function through the local
   WebSocket gateway (gateway → Lambda worker → DynamoDB on moto → `@connections` → gateway)
   vs a bare `websockets` echo server on loopback; between them, the e2e probe function's echo
   through the same gateway (worker and `@connections`, no table).
3. p2p video: from the advisor's `accept` until the two aiortc peers are connected (`matched`
   with the join data of a video request, SDP offer and answer relayed as `signal` frames, ICE
   and DTLS on 127.0.0.1, a video track and a data channel) vs two aiortc peers exchanging the
   same descriptions in-process.
Steps 2 and 3 start the whole local runtime (seeded with the demo advisor) in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from functions.advice.logic import routing
from functions.advice.logic.domain import AdviceRequest, Candidate, Mode, PresenceStatus, ProductContext

T0 = datetime(2026, 12, 1, tzinfo=UTC)
TAGS = ("coffee", "cooking", "cycling", "outdoor", "audio", "electronics", "fashion", "home", "kitchen", "sport")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def advisors(count: int, rng: random.Random) -> list[Candidate]:
    return [
        Candidate(
            user_id=f"a{i:05d}",
            display_name=f"Advisor {i}",
            programs=rng.sample(["p1", "p2", "p3"], rng.randint(1, 2)),
            expertise=rng.sample(TAGS, rng.randint(1, 4)),
            languages=rng.sample(["nl", "de", "en", "fr"], rng.randint(1, 2)),
            status=PresenceStatus.ONLINE if rng.random() < 0.9 else PresenceStatus.AWAY,
            active_sessions=rng.randint(0, 3),
            rating=rng.choice([None, rng.uniform(2, 5)]),
            median_response_ms=rng.choice([None, rng.randint(2_000, 60_000)]),
            quality=rng.choice([None, rng.random()]),
            last_offered_at=rng.choice([None, T0 - timedelta(seconds=rng.randint(0, 7200))]),
            heartbeat_at=T0,
        )
        for i in range(count)
    ]


def bench_routing(count: int, decisions: int) -> dict[str, Any]:
    rng = random.Random(14)
    pool = advisors(count, rng)
    floats = [rng.random() for _ in range(count)]
    routed: list[float] = []
    baseline: list[float] = []
    scan: list[float] = []
    for index in range(decisions):
        request = AdviceRequest(
            request_id=f"r{index}",
            program_id=rng.choice(["p1", "p2", "p3"]),
            shopper_id="shopper",
            product=ProductContext(product_id="p"),
            question="?",
            language=rng.choice(["nl", "de", "en"]),
            mode=Mode.CHAT,
            topics=rng.sample(TAGS, 2),
            declined=[f"a{rng.randrange(count):05d}" for _ in range(3)],
            created_at=T0,
            escalate_at=T0,
        )
        start = time.perf_counter()
        routing.next_wave(request, pool, T0)
        routed.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        heapq.nlargest(routing.WAVE, floats)
        baseline.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        [c for c in pool if c.status is PresenceStatus.ONLINE]
        scan.append((time.perf_counter() - start) * 1000)
    return {
        "advisors": count,
        "decisions": decisions,
        "next_wave_ms": percentiles(routed),
        "nlargest_ms": percentiles(baseline),
        "scan_ms": percentiles(scan),
    }


async def echo_round_trips(count: int) -> list[float]:
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(connection: ServerConnection) -> None:
        async for message in connection:
            await connection.send(message)

    samples = []
    async with serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as socket:
            for _ in range(count + 20):
                start = time.perf_counter()
                await socket.send(json.dumps({"action": "heartbeat"}))
                await socket.recv()
                samples.append((time.perf_counter() - start) * 1000)
    return samples[20:]


async def gateway_round_trips(ws_url: str, token: str, count: int, action: str, reply: str) -> list[float]:
    from tests.e2e.advice_peers import advice_socket

    samples = []
    async with advice_socket(ws_url, token) as socket:
        for _ in range(count + 20):
            start = time.perf_counter()
            await socket.send(action=action)
            await socket.take(reply)
            samples.append((time.perf_counter() - start) * 1000)
    return samples[20:]


async def loopback_connect() -> float:
    """Two aiortc peers, descriptions handed over in-process: ms from offer to connected."""
    from aiortc import RTCConfiguration, RTCPeerConnection, VideoStreamTrack

    from tests.e2e.advice_peers import loopback_only

    loopback_only()
    config = RTCConfiguration(iceServers=[])
    offerer, answerer = RTCPeerConnection(config), RTCPeerConnection(config)
    connected = asyncio.get_running_loop().create_future()

    @answerer.on("connectionstatechange")
    def changed() -> None:
        if answerer.connectionState == "connected" and not connected.done():
            connected.set_result(True)

    start = time.perf_counter()
    offerer.addTrack(VideoStreamTrack())
    offerer.createDataChannel("advice")
    await offerer.setLocalDescription(await offerer.createOffer())
    await answerer.setRemoteDescription(offerer.localDescription)
    await answerer.setLocalDescription(await answerer.createAnswer())
    await offerer.setRemoteDescription(answerer.localDescription)
    await asyncio.wait_for(connected, 15)
    elapsed = (time.perf_counter() - start) * 1000
    await offerer.close()
    await answerer.close()
    return elapsed


async def advised_call(ws_url: str, shopper_token: str, advisor_token: str, program_id: str) -> float:
    """ms from the advisor's accept to two connected aiortc peers, through the local gateway."""
    from tests.e2e.advice_peers import advice_socket, negotiate

    async with advice_socket(ws_url, advisor_token) as advisor, advice_socket(ws_url, shopper_token) as shopper:
        await advisor.send(action="presence", status="online")
        await advisor.take("presence")
        await shopper.send(
            action="request", product_id="bench", question="Welke molen?", mode="video", program_id=program_id
        )
        request_id = (await advisor.take("offer"))["request_id"]
        start = time.perf_counter()
        await advisor.send(action="accept", request_id=request_id)
        session_id = str((await shopper.take("matched"))["session_id"])  # with the p2p join data
        connected: list[float] = []

        async def mark() -> None:
            connected.append((time.perf_counter() - start) * 1000)

        await negotiate(shopper, advisor, session_id, on_open=mark, video=True)
        await advisor.send(action="end", session_id=session_id)
        await shopper.take("ended")
        return connected[0]


def run_runtime(body: Callable[[Any], Coroutine[Any, Any, dict[str, Any]]]) -> dict[str, Any]:
    from local.config import RuntimeConfig
    from local.runtime import Runtime, RuntimeThread
    from tests.e2e.conftest import free_port

    data_dir = Path(tempfile.mkdtemp(prefix="plein-bench-advice-"))
    config = RuntimeConfig(
        data_dir=data_dir,
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        web_port=free_port(),
        products=50,
        extra_contexts=("tests.e2e.probe.wiring",),
        log_level="WARNING",
    )
    thread = RuntimeThread(Runtime(config))
    thread.start()
    try:
        return asyncio.run(body(thread.runtime))
    finally:
        thread.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def bench_runtime(round_trips: int, calls: int) -> dict[str, Any]:
    async def body(runtime: Any) -> dict[str, Any]:
        from local.seed.advice import PROGRAM_ID

        config = runtime.config

        def token(username: str) -> str:
            """An access token: what the advice socket's authorizer takes."""
            result = runtime.clients("cognito-idp").initiate_auth(
                ClientId=runtime.resources.user_pool_client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": runtime.users[username].password},
            )
            return str(result["AuthenticationResult"]["AccessToken"])

        ws_url = f"{config.ws_url}/advice"
        shopper, advisor = token("shopper"), token("advisor")
        echo = await echo_round_trips(round_trips)
        gateway = await gateway_round_trips(ws_url, shopper, round_trips, "heartbeat", "heartbeat")
        probe = await gateway_round_trips(f"{config.ws_url}/probe", shopper, round_trips, "echo", "echo")
        loopback = [await loopback_connect() for _ in range(calls)]
        advised = [await advised_call(ws_url, shopper, advisor, PROGRAM_ID) for _ in range(calls)]
        return {
            "round_trips": round_trips,
            "echo_ms": percentiles(echo),
            "gateway_heartbeat_ms": percentiles(gateway),
            "gateway_probe_echo_ms": percentiles(probe),
            "calls": calls,
            "aiortc_loopback_connect_ms": percentiles(loopback),
            "accept_to_connected_ms": percentiles(advised),
        }

    return run_runtime(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--advisors", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--round-trips", type=int, default=300)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--skip-runtime", action="store_true", help="only the routing measure")
    args = parser.parse_args()
    results: dict[str, Any] = {"routing": bench_routing(args.advisors, args.decisions)}
    print(json.dumps(results, indent=2), flush=True)
    if not args.skip_runtime:
        results["runtime"] = bench_runtime(args.round_trips, args.calls)
        print(json.dumps(results["runtime"], indent=2), flush=True)


if __name__ == "__main__":
    main()
