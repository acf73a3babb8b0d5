"""The vendor's local step before start: imports the last run left unfinished start again.

On AWS an import interrupted by a crash resumes by itself: SQS delivers its S3 event again and the
import takes over once its heartbeat is stale. The local queues live in the emulator's memory, so
after a restart nothing would ever deliver that event again and the import would show "importing"
forever. The hook asks the feed service to announce each unfinished import's file again (a new
ObjectCreated event, queued for the import worker that starts next). It runs as the feed import
function does: in its own process, with that function's environment."""

from __future__ import annotations

import json
import subprocess
import sys

from local.hooks import HookContext

RESUME = (
    "import json; from functions.vendor.handlers.dependencies import feed_service; "
    "print(json.dumps([feed.feed_id for feed in feed_service().resume_interrupted()]))"
)


def before_start(ctx: HookContext) -> None:
    if not ctx.restored:
        return
    from functions.vendor.wiring import FEED_IMPORT

    done = subprocess.run(
        [sys.executable, "-c", RESUME], env=ctx.environment(FEED_IMPORT), capture_output=True, text=True, check=True
    )
    resumed = json.loads(done.stdout.strip().splitlines()[-1])
    if resumed:
        ctx.say(f"resuming {len(resumed)} feed import(s) the last run left unfinished")
