"""Feed import benchmark: the real import handler vs a hand-written boto3 `batch_writer` loader.

    .venv/bin/python -m benchmarks.feed_import --rows 100000

Starts the local runtime's AWS emulation (`python -m local.aws.moto_main`, its own process),
writes a CSV feed of N rows, and in the same run measures, each in a fresh child process:
- baseline: `csv.DictReader` + boto3 `Table.batch_writer()` putting every row as an item;
- import: `functions.vendor.handlers.feed_import.handler` on the SQS-wrapped S3 event of the
  uploaded file (streaming parse, pydantic validation, BatchGet of stored offers, BatchWrite,
  progress, error report, FeedImportCompleted).
Reports rows/s and the child's peak RSS. With `--searchable` (or only that with `--runtime-only`)
it then uploads the same file into a fresh local runtime (`local.runtime.Runtime`: REST API,
presigned POST, S3 event, import worker, stream relay, catalog indexer) as the demo vendor and
times how long after the import ends `GET /products?vendor=` counts every row (600 s cap).
`PLEIN_BENCH_KEEP=1` keeps that runtime's folder and logs.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGION = "eu-west-1"
STAGE = "bench"
VENDOR_TABLE = f"plein-{STAGE}-vendor"
BASELINE_TABLE = f"plein-{STAGE}-baseline"
BUCKET = f"plein-{STAGE}-feeds"
BUS = f"plein-{STAGE}"
HEADER = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "price",
    "sale_price",
    "availability",
    "quantity",
    "brand",
    "gtin",
    "mpn",
    "condition",
    "product_type",
    "color",
    "size",
)
BRANDS = ("Wolkenweber", "Noordzee", "Tatra", "Lindqvist", "Bergfeld", "Van Dijk", "Sauna Co.", "Kiel & Söhne")
NOUNS = ("Pullover", "Schal", "Mütze", "Trui", "Sjaal", "Jacket", "Teekanne", "Kaffeebecher", "Rucksack", "Lamp")
ADJECTIVES = ("warmer", "leichter", "stevige", "zachte", "classic", "handgemachter", "recycelter", "robuste")
CATEGORIES = ("Kleidung > Pullover", "Kleidung > Accessoires", "Wonen > Keuken", "Home > Lighting", "Outdoor > Taschen")


def _gtin13(n: int) -> str:
    body = f"400{n:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def write_feed(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            noun, adjective, brand = rng.choice(NOUNS), rng.choice(ADJECTIVES), rng.choice(BRANDS)
            price = rng.randint(500, 25_000)
            writer.writerow(
                (
                    f"SKU-{i:07d}",
                    f"{brand} {adjective} {noun} {i}",
                    f"{adjective.capitalize()} {noun} von {brand}, Modell {i}. Pflegeleicht und langlebig.",
                    f"https://shop.example/p/{i}",
                    f"https://img.example/p/{i}.jpg",
                    f"{price / 100:.2f} EUR",
                    f"{price * 0.8 / 100:.2f} EUR" if i % 10 == 0 else "",
                    "in stock" if i % 9 else "out of stock",
                    str(0 if i % 9 == 0 else rng.randint(1, 200)),
                    brand,
                    _gtin13(i),
                    f"MPN-{i}",
                    "new",
                    rng.choice(CATEGORIES),
                    rng.choice(("Grau", "Blauw", "Red", "Schwarz")),
                    rng.choice(("S", "M", "L", "XL")),
                )
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "local.aws.moto_main", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto did not start")


def aws_environment(port: int) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": VENDOR_TABLE,
        "FEEDS_BUCKET": BUCKET,
        "EVENT_BUS_NAME": BUS,
        "STAGE": STAGE,
        "CURSOR_SECRET": "benchmark-cursor-secret",
        "POWERTOOLS_SERVICE_NAME": "plein-vendor",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "Plein",
        "LOG_LEVEL": "WARNING",
    }


def provision() -> None:
    import boto3

    from functions.vendor.store.records import VendorRecord

    schema = VendorRecord._get_schema()
    dynamodb = boto3.client("dynamodb")
    for name in (VENDOR_TABLE, BASELINE_TABLE):
        dynamodb.create_table(
            TableName=name,
            KeySchema=schema["key_schema"],
            AttributeDefinitions=schema["attribute_definitions"],
            GlobalSecondaryIndexes=[
                {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
                for i in schema["global_secondary_indexes"]
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    boto3.client("events").create_event_bus(Name=BUS)


@dataclass
class Result:
    name: str
    rows: int
    seconds: float
    peak_rss_mb: float
    detail: dict[str, Any]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline_child(env: dict[str, str], feed: str, rows: int, queue: Any) -> None:
    os.environ.update(env)
    import boto3

    table = boto3.resource("dynamodb").Table(BASELINE_TABLE)
    start = time.perf_counter()
    written = 0
    with open(feed, newline="", encoding="utf-8") as handle, table.batch_writer() as batch:
        for row in csv.DictReader(handle):
            batch.put_item(Item={"pk": f"OFFER#{row['id']}", "sk": "OFFER", **{k: v for k, v in row.items() if v}})
            written += 1
    seconds = time.perf_counter() - start
    queue.put(Result("boto3 batch_writer", written, seconds, _peak_rss_mb(), {}))


def _import_child(env: dict[str, str], feed: str, rows: int, queue: Any) -> None:
    os.environ.update(env)
    import boto3

    from functions.common.auth import Principal, Role
    from functions.vendor.handlers import dependencies
    from functions.vendor.handlers.feed_import import handler
    from functions.vendor.models.api import FeedRequest, VendorApplication, VendorApproval

    # An approved vendor and a feed record, as the API would make them (not timed).
    vendors = dependencies.vendor_service()
    applicant = Principal(user_id="bench-owner", username="bench")
    vendor = vendors.apply(applicant, VendorApplication(name="Benchmark Bazaar"))
    vendors.approve(Principal(user_id="admin", groups=frozenset({Role.ADMIN})), vendor.vendor_id, VendorApproval())
    owner = Principal(user_id="bench-owner", groups=frozenset({Role.VENDOR}), vendor_id=vendor.vendor_id)
    created = dependencies.feed_service().request_upload(owner, vendor.vendor_id, FeedRequest(filename="feed.csv"))
    key = created.upload.fields["key"]
    boto3.client("s3").upload_file(feed, BUCKET, key, ExtraArgs={"ContentType": "text/csv"})
    size = os.path.getsize(feed)
    s3_event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": BUCKET}, "object": {"key": key, "size": size, "sequencer": "0001"}},
            }
        ]
    }
    sqs_event = {
        "Records": [
            {
                "messageId": "m1",
                "receiptHandle": "r1",
                "body": json.dumps(s3_event),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:plein-bench-vendor-feed-import",
                "awsRegion": REGION,
            }
        ]
    }

    class Context:
        function_name = "plein-bench-vendor-feed-import"
        memory_limit_in_mb = 1769
        invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:plein-bench-vendor-feed-import"
        aws_request_id = "bench"

        def get_remaining_time_in_millis(self) -> int:
            return 900_000

    rss_before = _peak_rss_mb()
    start = time.perf_counter()
    response = handler(sqs_event, Context())
    seconds = time.perf_counter() - start
    feed_record = dependencies.feed_service().status(owner, vendor.vendor_id, created.feed_id)
    queue.put(
        Result(
            "plein feed import",
            feed_record.counts.received,
            seconds,
            _peak_rss_mb(),
            {
                "status": feed_record.status,
                "counts": feed_record.counts.model_dump(),
                "response": response,
                "rss_before_import_mb": round(rss_before, 1),
                "vendor_id": vendor.vendor_id,
                "finished_at": time.time(),
            },
        )
    )


def searchable_phase(feed: Path, rows: int, *, persist: bool = False) -> dict[str, Any]:
    """The same feed through the whole local runtime: REST → presigned POST → S3 event → import worker →
    stream relay → OffersChanged → catalog indexer; how long after the import ends until
    `GET /products?vendor=` counts every row, what is left in the DLQs and the emulator's memory.
    With `persist`, the write journal is on (as under `make up`) and the run also measures a clean
    stop and the restart that loads the journal."""

    from local.commands.feeds import claims_of, upload_file
    from local.config import RuntimeConfig
    from local.runtime import Runtime, RuntimeThread

    folder = Path(tempfile.mkdtemp(prefix="plein-bench-"))
    config = RuntimeConfig(
        data_dir=folder,
        aws_port=_free_port(),
        rest_port=_free_port(),
        ws_port=_free_port(),
        web_port=_free_port(),
        products=50,
        persist=persist,
        log_level="INFO",
    )
    thread = RuntimeThread(Runtime(config))
    thread.start(timeout=600)
    restart: dict[str, Any] = {}
    try:
        runtime = thread.runtime
        thread.call(runtime.wait_until_idle(120), 130)
        token = _vendor_token(runtime)
        vendor_id = claims_of(token)["custom:vendor_id"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def call(method: str, path: str, body: Any = None) -> Any:
            request = urllib.request.Request(  # noqa: S310 - the local REST API
                config.rest_url + path, data=json.dumps(body).encode() if body else None, method=method, headers=headers
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read())

        created = call("POST", f"/vendors/{vendor_id}/feeds", {"filename": "feed.csv"})
        moto_stats(config.moto_endpoint, reset=True)
        cpu_before = function_cpu(runtime), time.process_time()
        started = time.monotonic()
        upload_file(created["upload"]["url"], created["upload"]["fields"], feed, "text/csv")
        while True:
            status = call("GET", f"/vendors/{vendor_id}/feeds/{created['feed_id']}")
            if status["status"] in ("completed", "failed"):
                break
            time.sleep(0.5)
        import_ended = time.monotonic()
        searchable_at_end = call("GET", f"/products?vendor={vendor_id}&limit=1")["total"]
        searchable_at, total = _wait_searchable(lambda: call("GET", f"/products?vendor={vendor_id}&limit=1"), rows)
        settled = None
        if searchable_at is not None and thread.call(runtime.wait_until_idle(300), 310):
            settled = time.monotonic()
        server = moto_stats(config.moto_endpoint)
        functions = function_cpu(runtime)
        busy = {name: round(cpu - cpu_before[0].get(name, 0.0), 1) for name, cpu in functions.items()}
        dlq = dead_letters(runtime)
        moto_rss = _rss_mb(runtime._moto.pid) if runtime._moto else None
        if persist:
            restart = stop_and_restart(thread, config, vendor_id)
        return {
            "status": status["status"],
            "counts": status["counts"],
            "upload_to_import_end_s": round(import_ended - started, 1),
            "searchable_when_import_ended": searchable_at_end,
            "searchable_after_import_s": round(searchable_at - import_ended, 1) if searchable_at else None,
            "searchable_total": total,
            "idle_after_import_s": round(settled - import_ended, 1) if settled else None,
            "moto_cpu_s": round(sum(op["cpu_s"] for op in server.values()), 1),
            "runtime_process_cpu_s": round(time.process_time() - cpu_before[1], 1),
            "function_cpu_s": dict(sorted(((k, v) for k, v in busy.items() if v >= 0.1), key=lambda kv: -kv[1])),
            "moto_top": dict(list(server.items())[:10]),
            "dead_letters": dlq,
            "moto_rss_mb": moto_rss,
            **restart,
            "logs": str(folder / "logs") if os.environ.get("PLEIN_BENCH_KEEP") else None,
        }
    finally:
        thread.stop()
        if not os.environ.get("PLEIN_BENCH_KEEP"):
            shutil.rmtree(folder, ignore_errors=True)


def _wait_searchable(listing: Any, rows: int, timeout: float = 600) -> tuple[float | None, int]:
    """When the vendor's listing counts every row (None: not within `timeout`), and its last count."""
    started, total = time.monotonic(), 0
    while time.monotonic() - started < timeout:
        total = listing()["total"]
        if total >= rows:
            return time.monotonic(), total
        time.sleep(0.25)
    return None, total


def _vendor_token(runtime: Any) -> str:
    assert runtime.resources is not None
    token: str = runtime.clients("cognito-idp").initiate_auth(
        ClientId=runtime.resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "vendor", "PASSWORD": runtime.users["vendor"].password},
    )["AuthenticationResult"]["IdToken"]
    return token


def dead_letters(runtime: Any) -> dict[str, int]:
    """Messages in each consumer's DLQ (all of them, empty ones as 0)."""
    sqs = runtime.clients("sqs")
    found = {}
    for queue in runtime.resources.queues:
        attributes = sqs.get_queue_attributes(QueueUrl=queue.dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
        found[queue.function] = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
    return found


def _rss_mb(pid: int) -> float | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def stop_and_restart(thread: Any, config: Any, vendor_id: str) -> dict[str, Any]:
    """A clean stop (what Ctrl-C does: save the bucket and users, stop), then a start from the same
    folder (the journal loaded and compacted), and how many of the vendor's products it then lists."""
    from local.runtime import Runtime, RuntimeThread

    started = time.monotonic()
    thread.runtime.save_snapshot()
    thread.stop()
    stopped = time.monotonic()
    again = RuntimeThread(Runtime(config))
    again.start(timeout=900)
    ready = time.monotonic()
    try:
        url = f"{config.rest_url}/products?vendor={vendor_id}&limit=1"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - the local REST API
            listed = json.loads(response.read())["total"]
        moto = again.runtime._moto
        return {
            "clean_stop_s": round(stopped - started, 1),
            "restart_s": round(ready - stopped, 1),
            "restart_timings": again.runtime.timings.marks,
            "listed_after_restart": listed,
            "moto_rss_after_restart_mb": _rss_mb(moto.pid) if moto else None,
        }
    finally:
        again.stop()


def function_cpu(runtime: Any) -> dict[str, float]:
    """CPU seconds (user + system) each function's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    for name, pool in runtime.lambdas.pools.items():
        for worker in pool.workers:
            try:
                fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, TypeError):
                continue
            found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return found


def moto_stats(endpoint: str, *, reset: bool = False) -> dict[str, dict[str, float]]:
    """The moto server's CPU and wall seconds per operation (local/aws/moto_extras.py)."""
    request = urllib.request.Request(f"{endpoint}/_plein/stats", method="DELETE" if reset else "GET")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the local moto server
        result: dict[str, dict[str, float]] = json.loads(response.read())
        return result


def run_child(target: Any, env: dict[str, str], feed: Path, rows: int) -> Result:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(env, str(feed), rows, queue))
    process.start()
    result: Result = queue.get(timeout=3600)
    process.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=0, help="moto port (default: a free one)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--runtime-only", action="store_true", help="only the run through the whole local runtime")
    parser.add_argument(
        "--persist", action="store_true", help="with --runtime-only: journal on, then a clean stop and a restart"
    )
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument(
        "--searchable", action="store_true", help="also run the feed through the whole local runtime to search"
    )
    args = parser.parse_args(argv)

    if args.runtime_only:
        with tempfile.TemporaryDirectory() as folder:
            feed = Path(folder) / "feed.csv"
            write_feed(feed, args.rows)
            print("through the local runtime:", json.dumps(searchable_phase(feed, args.rows, persist=args.persist)))
        return 0
    port = args.port or _free_port()
    env = aws_environment(port)
    moto = start_moto(port)
    try:
        os.environ.update(env)
        provision()
        with tempfile.TemporaryDirectory() as folder:
            feed = Path(folder) / "feed.csv"
            write_feed(feed, args.rows)
            print(f"feed: {args.rows} rows, {feed.stat().st_size / 1e6:.1f} MB; moto on port {port}")
            results = []
            if not args.skip_baseline:
                results.append(run_child(_baseline_child, env, feed, args.rows))
                print(_line(results[-1]))
            results.append(run_child(_import_child, env, feed, args.rows))
            print(_line(results[-1]))
            print(json.dumps(results[-1].detail["counts"]))
            if len(results) == 2:
                ratio = results[1].rows_per_second / results[0].rows_per_second
                print(f"import / baseline rows/s: {ratio:.2f}x")
            _stop(moto)
            if args.searchable:
                searchable = searchable_phase(feed, args.rows)
                print("through the local runtime:", json.dumps(searchable))
                results[-1].detail["runtime"] = searchable
        if args.json:
            args.json.write_text(
                json.dumps([{**r.__dict__, "rows_per_second": r.rows_per_second} for r in results], indent=2)
            )
    finally:
        _stop(moto)
    return 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _line(result: Result) -> str:
    return (
        f"{result.name:<20} {result.rows:>7} rows in {result.seconds:7.1f} s = {result.rows_per_second:7.0f} rows/s,"
        f" peak RSS {result.peak_rss_mb:6.1f} MB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
