"""Checkout throughput and latency on the local runtime with concurrent buyers.

Starts the whole local runtime (moto server, local API Gateway, `orders-api` in worker processes),
publishes one offer with plenty of stock as a vendor `OffersChanged` event, signs in `--buyers`
shoppers and measures, in the same run:

- baseline: `GET /cart` by all buyers at once (same gateway, auth, worker pool and table);
- single buyer: sequential checkouts of one buyer (no contention);
- concurrent: every buyer in a loop of `PUT /cart/items/{offer}` + `POST /checkout` (timed: checkout only),
  all on the same offer, so every reservation contends on one inventory item.

    .venv/bin/python -m benchmarks.checkout --buyers 20 --checkouts 10 --workers 4
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from functions.vendor.models import events as vendor_events
from infra.topology import bus_name
from local.config import RuntimeConfig
from local.runtime import Runtime, RuntimeThread
from local.seed.users import create_user

ADDRESS = {"name": "Bench Buyer", "line1": "Damrak 1", "postal_code": "1012 LG", "city": "Amsterdam", "country": "NL"}
PASSWORD = "Passw0rd!bench"  # noqa: S105 - a throwaway user of a throwaway local runtime


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def row(self) -> list[str]:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
        return [
            self.name,
            str(len(ordered)),
            f"{len(ordered) / self.seconds:.1f}" if self.seconds else "-",
            f"{statistics.median(ordered) * 1000:.0f}" if ordered else "-",
            f"{p99 * 1000:.0f}",
            ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items())),
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def publish_offer(runtime: Runtime, config: RuntimeConfig, offer_id: str, vendor_id: str, quantity: int) -> None:
    now = datetime.now(UTC)
    snapshot = vendor_events.OfferSnapshot(
        offer_id=offer_id,
        vendor_id=vendor_id,
        vendor_name="Bench Vendor",
        sku=offer_id,
        product_id=f"p-{offer_id}",
        title="Benchmark offer",
        price=1500,
        quantity=quantity,
        created_at=now,
        updated_at=now,
        revision=1,
    )
    events = (
        vendor_events.VendorUpdated(
            vendor_id=vendor_id,
            name="Bench Vendor",
            status="approved",
            commission_bps=1000,
            shipping_rules=[vendor_events.ShippingRule(zone="all", countries=["*"], cost=495)],
            return_days=14,
        ),
        vendor_events.OffersChanged(
            vendor_id=vendor_id,
            changes=[
                vendor_events.OfferChange(
                    offer_id=offer_id, product_id=snapshot.product_id, change="upserted", offer=snapshot
                )
            ],
        ),
    )
    runtime.clients("events").put_events(
        Entries=[
            {
                "EventBusName": bus_name(config.stage),
                "Source": e.source,
                "DetailType": e.detail_type,
                "Detail": e.model_dump_json(),
            }
            for e in events
        ]
    )


def sign_in(runtime: Runtime, username: str) -> str:
    resources = runtime.resources
    assert resources is not None
    result = runtime.clients("cognito-idp").initiate_auth(
        ClientId=resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def run_phase(
    name: str,
    clients: list[httpx.Client],
    per_client: int,
    step: Callable[[httpx.Client, int], httpx.Response],
    progress: Progress,
) -> Phase:
    phase = Phase(name)
    lock = threading.Lock()
    task = progress.add_task(name, total=len(clients) * per_client)
    barrier = threading.Barrier(len(clients))

    def loop(index: int) -> None:
        client = clients[index]
        barrier.wait()
        for i in range(per_client):
            started = time.perf_counter()
            response = step(client, index * 100_000 + i)
            elapsed = float(response.extensions.get("checkout_seconds", time.perf_counter() - started))
            with lock:
                phase.latencies.append(elapsed)
                phase.statuses[response.status_code] += 1
            progress.advance(task)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(loop, range(len(clients))))
    phase.seconds = time.perf_counter() - started
    return phase


def buyers(runtime: Runtime, config: RuntimeConfig, user_pool_id: str, count: int) -> list[httpx.Client]:
    cognito = runtime.clients("cognito-idp")
    clients = []
    for i in range(count):
        username = f"bench-{i}-{secrets.token_hex(2)}"
        create_user(cognito, user_pool_id, username, password=PASSWORD, groups=("shopper",))
        token = sign_in(runtime, username)
        clients.append(
            httpx.Client(base_url=config.rest_url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        )
    return clients


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--checkouts", type=int, default=10, help="checkouts per buyer")
    parser.add_argument("--workers", type=int, default=4, help="orders-api worker processes")
    args = parser.parse_args(argv)
    console = Console()
    data_dir = Path(tempfile.mkdtemp(prefix="plein-bench-"))
    config = RuntimeConfig(
        data_dir=data_dir,
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        web_port=free_port(),
        products=20,
        pool_sizes={"orders-api": args.workers},
        persist=False,
        log_level="WARNING",
    )
    thread = RuntimeThread(Runtime(config))
    console.print(f"starting the local runtime in {data_dir} …")
    thread.start(timeout=300)
    runtime = thread.runtime
    try:
        offer_id, vendor_id = f"bench-{secrets.token_hex(3)}", f"vd_bench_{secrets.token_hex(3)}"
        publish_offer(runtime, config, offer_id, vendor_id, quantity=1_000_000)
        resources = runtime.resources
        assert resources is not None
        assert resources.user_pool_id is not None
        clients = buyers(runtime, config, resources.user_pool_id, args.buyers)
        deadline = time.monotonic() + 120
        while clients[0].put(f"/cart/items/{offer_id}", json={"quantity": 1}).status_code != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the offer never reached the orders inventory")
            time.sleep(0.5)

        def get_cart(client: httpx.Client, _: int) -> httpx.Response:
            return client.get("/cart")

        def checkout(client: httpx.Client, n: int) -> httpx.Response:
            client.put(f"/cart/items/{offer_id}", json={"quantity": 1})
            return client.post(
                "/checkout",
                json={"shipping_address": ADDRESS, "payment_method": "tok_visa"},
                headers={"Idempotency-Key": f"bench-{n}-{secrets.token_hex(4)}"},
            )

        def timed_checkout(client: httpx.Client, n: int) -> httpx.Response:
            client.put(f"/cart/items/{offer_id}", json={"quantity": 1})
            started = time.perf_counter()
            response = client.post(
                "/checkout",
                json={"shipping_address": ADDRESS, "payment_method": "tok_visa"},
                headers={"Idempotency-Key": f"bench-{n}-{secrets.token_hex(4)}"},
            )
            response.extensions["checkout_seconds"] = time.perf_counter() - started
            return response

        phases: list[Phase] = []
        with Progress(console=console) as progress:
            run_phase("warm-up", clients, 2, checkout, progress)
            phases.append(run_phase(f"GET /cart ({args.buyers} buyers)", clients, args.checkouts, get_cart, progress))
            single = run_phase("checkout (1 buyer)", clients[:1], args.checkouts * 2, timed_checkout, progress)
            phases.append(single)
            phases.append(
                run_phase(f"checkout ({args.buyers} buyers)", clients, args.checkouts, timed_checkout, progress)
            )
        table = Table(title=f"Checkout on the local runtime, orders-api with {args.workers} workers")
        for column in ("phase", "requests", "req/s", "p50 ms", "p99 ms", "statuses"):
            table.add_column(column)
        for phase in phases:
            table.add_row(*phase.row())
        console.print(table)
        console.print(
            "checkout latency: the POST only; req/s: checkouts per second of the phase (each after a cart PUT)"
        )
        for client in clients:
            client.close()
    finally:
        thread.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
