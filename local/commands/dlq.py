"""`python -m local dlq`: what sits in the dead-letter queues of the running runtime, and why;
`--redrive` sends event messages back to the queue they came from.

Each consumer's queue has a `-dlq` twin. Messages of an event queue land there after their last
failed receive (the runtime logs each one with its reason when it happens). A stream consumer's
`-dlq` holds descriptions of the stream batches it skipped: those cannot be sent back (the records
are in the stream, not in the message), so they are listed only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from local.aws.resources import DLQ_SUFFIX
from local.config import STAGE

console = Console()
SAMPLE_SIZE = 3


@dataclass
class DeadLetters:
    queue: str
    url: str
    source_url: str | None
    """The queue the messages came from; None for a stream consumer's failure records."""
    count: int
    samples: list[str] = field(default_factory=list)


def dead_letter_queues(sqs: Any, stage: str = STAGE) -> list[DeadLetters]:
    """Every DLQ of the stage with its message count and a few of its messages' summaries."""
    prefix = f"plein-{stage}-"
    urls = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    names = {url.rsplit("/", 1)[-1]: url for url in urls}
    found = []
    for name, url in sorted(names.items()):
        if not name.endswith(DLQ_SUFFIX):
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        count = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
        letters = DeadLetters(name, url, names.get(name.removesuffix(DLQ_SUFFIX)), count)
        if count:
            letters.samples = [_summary(message["Body"]) for message in _peek(sqs, url)]
        found.append(letters)
    return found


def _peek(sqs: Any, url: str) -> list[dict[str, Any]]:
    """A few messages, made visible again at once (visibility timeout 0)."""
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=SAMPLE_SIZE, VisibilityTimeout=0
    ).get("Messages", [])
    return messages


def _summary(body: str) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return body[:120]
    if isinstance(parsed, dict) and "detail-type" in parsed:
        detail = parsed.get("detail") or {}
        return f"{parsed.get('source')} {parsed['detail-type']} {detail.get('event_id', '')}".strip()
    if isinstance(parsed, dict) and "Records" in parsed:
        return f"S3 notification: {len(parsed['Records'])} record(s)"
    return json.dumps(parsed)[:120]


def redrive(sqs: Any, letters: DeadLetters) -> int:
    """Move every message of `letters` back to its source queue; returns how many moved."""
    if letters.source_url is None:
        return 0
    moved = 0
    while True:
        messages = sqs.receive_message(QueueUrl=letters.url, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
            "Messages", []
        )
        if not messages:
            return moved
        sqs.send_message_batch(
            QueueUrl=letters.source_url,
            Entries=[{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)],
        )
        sqs.delete_message_batch(
            QueueUrl=letters.url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
        moved += len(messages)


def register(root: typer.Typer) -> None:
    @root.command()
    def dlq(
        redrive_messages: Annotated[
            bool, typer.Option("--redrive", help="send event messages back to their queues")
        ] = False,
        data_dir: Annotated[Path, typer.Option("--data-dir", envvar="PLEIN_DATA_DIR")] = Path(".local"),
    ) -> None:
        """List the dead-letter queues with their messages; `--redrive` sends them back."""
        from local.runtime import STATE_FILE, AwsClients

        state_file = data_dir / STATE_FILE
        if not state_file.exists():
            console.print(f"[red]no runtime state in {data_dir}: is `python -m local up` running?[/red]")
            raise typer.Exit(1)
        state = json.loads(state_file.read_text())
        sqs = AwsClients(state["aws_endpoint"], state["region"])("sqs")
        table = Table("dead-letter queue", "messages", "examples", "redriven")
        for letters in dead_letter_queues(sqs):
            moved = redrive(sqs, letters) if redrive_messages and letters.count else 0
            table.add_row(letters.queue, str(letters.count), "\n".join(letters.samples), str(moved) if moved else "")
        console.print(table)
