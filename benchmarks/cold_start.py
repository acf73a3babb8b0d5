"""Cold start of every Lambda handler against a bare Powertools handler, in the same run.

Each sample is a fresh Python process that imports one handler module (the Lambda init phase).
Modules are sampled interleaved so machine noise hits all of them alike; the figure that counts
is the ratio of medians to the baseline (target: at most 1.5x).

    .venv/bin/python -m benchmarks.cold_start [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from infra.topology import contexts

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_SITE = ROOT / ".local" / "lambda-site"
BASE_PYTHON: str = getattr(sys, "_base_executable", sys.executable)  # the interpreter outside the venv
BASELINE = "benchmarks.bare_handler"
TARGET_RATIO = 1.5
PROBE = (
    "import time, importlib, sys; t = time.perf_counter(); importlib.import_module(sys.argv[1]); "
    "print(time.perf_counter() - t)"
)


def handler_modules() -> list[str]:
    modules = []
    for wiring in contexts():
        for function in wiring.functions():
            module = function.handler.rpartition(".")[0]
            if module not in modules:
                modules.append(module)
    return modules


def build_runtime_site() -> None:
    """Install the Lambda runtime requirements only, as the bundle holds them (no dev packages)."""
    if RUNTIME_SITE.exists():
        return
    requirements = subprocess.run(
        [BASE_PYTHON, "-m", "uv", "export", "--no-dev", "--no-emit-project", "--no-hashes", "--frozen"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    spec = RUNTIME_SITE.with_suffix(".txt")
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(requirements)
    subprocess.run(
        [
            *(BASE_PYTHON, "-m", "uv", "pip", "install", "--quiet"),
            *("--python", BASE_PYTHON, "--target", str(RUNTIME_SITE), "-r", str(spec)),
        ],
        check=True,
        cwd=ROOT,
    )


def sample(module: str) -> float:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{RUNTIME_SITE}{os.pathsep}{ROOT}",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "Bench",
        "AWS_REGION": "eu-west-1",
    }
    out = subprocess.run(
        [BASE_PYTHON, "-s", "-c", PROBE, module],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    build_runtime_site()
    modules = [BASELINE, *handler_modules()]
    samples: dict[str, list[float]] = {module: [] for module in modules}
    for _ in track(range(args.runs), description="cold starts"):
        for module in modules:
            samples[module].append(sample(module))
    baseline = statistics.median(samples[BASELINE])
    table = Table(title=f"Cold start: import in a fresh process, median of {args.runs}")
    for column in ("handler module", "median ms", "p90 ms", "ratio to baseline"):
        table.add_column(column)
    worst = 0.0
    for module in modules:
        median = statistics.median(samples[module])
        p90 = statistics.quantiles(samples[module], n=10)[-1]
        ratio = median / baseline
        if module != BASELINE:
            worst = max(worst, ratio)
        table.add_row(module, f"{median:.1f}", f"{p90:.1f}", f"{ratio:.2f}x")
    Console().print(table)
    verdict = "meets" if worst <= TARGET_RATIO else "misses"
    Console().print(f"worst ratio {worst:.2f}x {verdict} the {TARGET_RATIO}x target")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
