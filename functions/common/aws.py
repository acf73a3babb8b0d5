"""boto3 clients created lazily, once per process.

boto3 reads `AWS_ENDPOINT_URL` itself, so the same code talks to AWS, moto or LocalStack.
Imported lazily because `import boto3` alone costs about 90 ms of cold start.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str, endpoint_url: str | None = None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
    return boto3.session.Session().client(service, endpoint_url=endpoint_url, config=config)
