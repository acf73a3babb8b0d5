"""Latency of the list endpoints of the local runtime at marketplace scale, over real HTTP.

    .venv/bin/python -m benchmarks.list_endpoints --products 100000 --requests 200

Starts the runtime on free ports in a temporary folder with `--products` seeded, waits until every
event is delivered (search index built), then calls each list endpoint `--requests` times through
the local API Gateway (keep-alive client, signed in where the route needs it) and prints p50 / p99.
`--no-query-patch` measures moto's own Query for comparison; `--pause-delivery` stops event
delivery before measuring (at 100k products the consumers may still be catching up, and their
writes share the one moto process with the reads being measured).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from local.config import RuntimeConfig
from local.runtime import Runtime, RuntimeThread

ENDPOINTS = [
    ("catalog search", None, "/products?limit=20"),
    ("catalog search q", None, "/products?q=wool&limit=20"),
    ("catalog sorted", None, "/products?sort=price_asc&limit=20"),
    ("suggest", None, "/products/suggest?q=wo"),
    ("categories", None, "/categories"),
    ("trending", None, "/trending"),
    ("vendor offers", "vendor", "/vendors/{vendor_id}/offers?limit=20"),
    ("vendor storefront", None, "/vendors/{vendor_id}/storefront"),
    ("vendor orders", "vendor", "/vendors/{vendor_id}/orders"),
    ("cart", "shopper", "/cart"),
    ("orders", "shopper", "/orders"),
]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _token(runtime: Runtime, username: str) -> str:
    resources = runtime.resources
    assert resources is not None
    result = runtime.clients("cognito-idp").initiate_auth(
        ClientId=resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": runtime.users[username].password},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-query-patch", action="store_true")
    parser.add_argument("--idle-timeout", type=float, default=600, help="seconds to wait for delivery to settle")
    parser.add_argument(
        "--pause-delivery", action="store_true", help="stop event delivery before measuring (isolates the read path)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plein-lists-"))
    config = RuntimeConfig(
        data_dir=folder,
        aws_port=_port(),
        rest_port=_port(),
        ws_port=_port(),
        products=args.products,
        patch_moto_query=not args.no_query_patch,
        log_level="WARNING",
    )
    thread = RuntimeThread(Runtime(config))
    started = time.perf_counter()
    thread.start(timeout=3600)
    runtime = thread.runtime
    try:
        print(f"seeded {args.products:,} products, ready in {time.perf_counter() - started:.0f} s", flush=True)
        idle = thread.call(runtime.wait_until_idle(args.idle_timeout), args.idle_timeout + 60)
        print(f"events delivered: {idle}, after {time.perf_counter() - started:.0f} s", flush=True)
        if args.pause_delivery and runtime.delivery is not None:
            thread.call(runtime.delivery.stop(), 120)
            time.sleep(max(0, min(60, 2 * max(r.spec.timeout_seconds for r in runtime.lambdas_service.pools.values()))))
            print("event delivery paused", flush=True)
        vendor_id = runtime.users["vendor"].vendor_id or ""
        tokens = {name: _token(runtime, name) for name in ("vendor", "shopper")}
        with httpx.Client(base_url=config.rest_url, timeout=30) as client:
            print(f"| endpoint | status | p50 ms | p99 ms |  (load {os.getloadavg()[0]:.1f})")
            for name, user, path in ENDPOINTS:
                url = path.format(vendor_id=vendor_id)
                headers = {"Authorization": f"Bearer {tokens[user]}"} if user else {}
                status = client.get(url, headers=headers).status_code  # warm
                samples = []
                for _ in range(args.requests):
                    begin = time.perf_counter()
                    client.get(url, headers=headers)
                    samples.append((time.perf_counter() - begin) * 1000)
                samples.sort()
                p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
                print(f"| {name} `GET {path}` | {status} | {statistics.median(samples):.1f} | {p99:.1f} |", flush=True)
    finally:
        thread.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
