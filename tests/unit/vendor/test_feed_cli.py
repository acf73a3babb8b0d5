"""The `feed upload` command's pieces that need no runtime: the multipart body and the token claims."""

from __future__ import annotations

import base64
import json
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from local.commands.feeds import claims_of, multipart


def test_multipart_body_streams_fields_then_file(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"id,title,price\n" + b"a,b,1 EUR\n" * 100_000)
    seen: list[int] = []

    body, size, boundary = multipart({"key": "feeds/v/f/feed.csv", "policy": "p"}, feed, "text/csv", seen.append)
    raw = b"".join(body)

    assert len(raw) == size
    assert sum(seen) == feed.stat().st_size
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n".encode() + raw
    )
    parts = list(message.iter_parts())
    assert [part.get_param("name", header="content-disposition") for part in parts] == ["key", "policy", "file"]
    assert parts[2].get_payload(decode=True) == feed.read_bytes()


def test_claims_of_reads_the_vendor_id() -> None:
    payload = base64.urlsafe_b64encode(json.dumps({"custom:vendor_id": "vd_1"}).encode()).decode().rstrip("=")

    assert claims_of(f"h.{payload}.s") == {"custom:vendor_id": "vd_1"}
    assert claims_of("garbage") == {}
