"""The moto server process of the local runtime: `python -m local.aws.moto_main --port 4566`.

Runs in its own process (its own core, its own GIL) with the local runtime's patches installed
from their registry (local/aws/patches.py: the request lock that makes DynamoDB requests atomic,
always, and the speed patches, the partition-indexed Query unless `--no-query-patch`; any moto but
the pinned version stops it with a message) and a few internal endpoints under `/_plein/`
(local/aws/moto_extras.py, including per-operation CPU time at `/_plein/stats`). Exits when its
parent dies, so it never outlives the runtime that started it. The garbage collector runs its
young-generation passes every 10,000 allocations instead of 700 (moto keeps every item and stream
record as tracked objects): server CPU per TransactWriteItems of 100 ~1 KB Puts into a table with
a stream and a GSI, 24 → 18 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
from typing import Any

from local.aws import patches

GC_THRESHOLD = 10_000  # allocations between young-generation collections (CPython's default: 700)


def _exit_with_parent(parent: int) -> None:
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument(
        "--no-query-patch", action="store_true", help="keep moto's own (full scan) Query; every other patch stays"
    )
    args = parser.parse_args(argv)
    try:
        patches.require_pinned_moto()
    except patches.UnsupportedMoto as exc:
        sys.exit(f"moto_main: {exc}")
    os.environ.setdefault("MOTO_PORT", str(args.port))
    _exit_with_parent(os.getppid())

    import logging

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from local.aws import moto_extras

    installed = patches.install(patches.selected(query=not args.no_query_patch))
    print(f"moto patches: {', '.join(installed)}", flush=True)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request costs time at 100k items
    app: Any = moto_extras.wrap(DomainDispatcherApplication(create_backend_app))
    # moto keeps every item, attribute value and stream record as tracked Python objects, so the
    # collector's young-generation passes (every 700 allocations by default) cost about a quarter of
    # a TransactWriteItems of 100 Puts (in-process, 3,000 items: 170 → 130 µs per Put with 10,000).
    # Collect less often, and leave what was imported at startup out of full collections.
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    gc.freeze()
    server = make_server(args.host, args.port, app, threaded=True)

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
