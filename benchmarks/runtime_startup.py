"""Local runtime start: a clean data folder → every service ready, with the default seed.

    .venv/bin/python -m benchmarks.runtime_startup --runs 3 [--products 1000]

Each run uses a fresh temporary folder and free ports (what `python -m local up` does, without
the terminal output), then stops the runtime. Reports the phases (moto up, resources created,
Lambda workers ready, gateways listening, seed done, delivery started = ready), and the CPU time
all processes of the runtime used from start to stop (moto, fork server, workers, this process):
on a shared, loaded machine wall time says little, CPU time / cores is what an idle laptop needs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path

from local.config import RuntimeConfig
from local.runtime import Runtime, RuntimeThread


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cpu() -> float:
    """CPU seconds of this process and of every finished descendant (moto, fork server, workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--products", type=int, default=1000)
    args = parser.parse_args()
    totals = []
    for run in range(args.runs):
        folder = Path(tempfile.mkdtemp(prefix="plein-startup-"))
        config = RuntimeConfig(
            data_dir=folder,
            aws_port=_port(),
            rest_port=_port(),
            ws_port=_port(),
            products=args.products,
            pool_sizes={"orders-api": 2, "catalog-api": 2},
        )
        thread = RuntimeThread(Runtime(config))
        cpu_before = _cpu()
        started = time.perf_counter()
        thread.start(timeout=300)
        total = time.perf_counter() - started
        runtime = thread.runtime
        workers = sum(len(pool.workers) for pool in runtime.lambdas_service.pools.values())
        thread.stop()
        cpu = _cpu() - cpu_before
        shutil.rmtree(folder, ignore_errors=True)
        totals.append(total)
        print(
            f"run {run + 1}: ready in {total:.1f} s (CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f});"
            f" {len(runtime.lambdas_service.pools)} functions, {workers} workers;"
            f" seeded {', '.join(runtime.seeded)}; phases (s since start): {runtime.timings.marks}"
        )
    print(f"median {statistics.median(totals):.1f} s, max {max(totals):.1f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
