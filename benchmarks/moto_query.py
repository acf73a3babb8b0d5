"""DynamoDB Query latency on moto 5.2.5: moto's own Query vs the local runtime's partition-indexed one.

    .venv/bin/python -m benchmarks.moto_query --items 100000

Loads `--items` items (about 640 B each, 1,000 per partition, every item also in a GSI) into an
in-process moto (mock_aws, loaded through the backend to save time), then times the same boto3
Query calls (`Limit=20`, a key condition, a GSI query) with moto's Query and with the patch.
Numbers go to docs/benchmarks.md ("Local runtime").
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from moto import mock_aws
from rich.progress import Progress

from local.aws import moto_query, patches

TABLE = "bench"


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _time(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), _percentile(samples, 99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--unpatched-runs", type=int, default=10)
    args = parser.parse_args()
    patches.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        from moto.dynamodb.models import dynamodb_backends

        backend = dynamodb_backends["123456789012"]["eu-west-1"]
        rng = random.Random(7)
        partitions = max(1, args.items // 1000)
        with Progress() as progress:
            task = progress.add_task("loading items", total=args.items)
            for i in range(args.items):
                backend.put_item(
                    TABLE,
                    {
                        "pk": {"S": f"VENDOR#{i % partitions:04d}"},
                        "sk": {"S": f"OFFER#{i:08d}"},
                        "gsi1pk": {"S": f"CATEGORY#{i % 50:02d}"},
                        "gsi1sk": {"S": f"PRICE#{rng.randint(100, 99_999):08d}#{i:08d}"},
                        "title": {"S": "x" * 500},
                        "price": {"N": str(rng.randint(100, 99_999))},
                    },
                )
                if i % 1000 == 0:
                    progress.advance(task, 1000)
        queries: dict[str, Callable[[], Any]] = {
            "partition, Limit 20": lambda: client.query(
                TableName=TABLE,
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": f"VENDOR#{rng.randrange(partitions):04d}"}},
                Limit=20,
            ),
            "begins_with, Limit 20, backwards": lambda: client.query(
                TableName=TABLE,
                KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                ExpressionAttributeValues={":p": {"S": "VENDOR#0001"}, ":s": {"S": "OFFER#0000"}},
                ScanIndexForward=False,
                Limit=20,
            ),
            "GSI, Limit 20": lambda: client.query(
                TableName=TABLE,
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :g AND gsi1sk > :s",
                ExpressionAttributeValues={":g": {"S": f"CATEGORY#{rng.randrange(50):02d}"}, ":s": {"S": "PRICE#0005"}},
                Limit=20,
            ),
        }
        print(f"moto Query at {args.items:,} items ({partitions} partitions); ms p50 / p99")
        for name, query in queries.items():
            query()  # warm the caches (sorted partition, GSI grouping)
            patched = _time(query, args.runs)
            with moto_query.original_query():
                original = _time(query, args.unpatched_runs)
            print(
                f"| {name} | {original[0]:.1f} / {original[1]:.1f} | {patched[0]:.2f} / {patched[1]:.2f} |"
                f" {original[0] / patched[0]:.0f}x |"
            )
    patches.remove()


if __name__ == "__main__":
    main()
