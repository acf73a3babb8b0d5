"""The feeds bucket: presigned uploads, streamed reads, error reports and their download links."""

from __future__ import annotations

from typing import IO, Any

from functions.common.errors import Unavailable
from functions.vendor.logic.domain import FeedObject, PresignedPost

READ_CHUNK = 256 * 1024


class S3FeedFiles:
    def __init__(self, bucket: str, client: Any):
        self._bucket = bucket
        self._s3 = client

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedPost:
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_seconds,
        )
        return PresignedPost(url=post["url"], fields={k: str(v) for k, v in post["fields"].items()})

    def open(self, key: str) -> FeedObject | None:
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return None
        body = response["Body"]
        return FeedObject(
            size=int(response.get("ContentLength") or 0),
            chunks=body.iter_chunks(READ_CHUNK),
            content_type=response.get("ContentType"),
        )

    def announce(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
            # a copy onto itself (with its metadata restated, as S3 requires) is a new ObjectCreated event
            self._s3.copy_object(
                Bucket=self._bucket,
                Key=key,
                CopySource={"Bucket": self._bucket, "Key": key},
                Metadata=head.get("Metadata", {}),
                ContentType=head.get("ContentType", "application/octet-stream"),
                MetadataDirective="REPLACE",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put_report(self, key: str, body: IO[bytes]) -> None:
        try:
            self._s3.upload_fileobj(body, self._bucket, key, ExtraArgs={"ContentType": "text/csv; charset=utf-8"})
        except Exception as exc:
            raise Unavailable("the error report could not be stored", code="storage_unavailable") from exc

    def put_feed(self, key: str, body: IO[bytes], content_type: str) -> None:
        self._s3.upload_fileobj(body, self._bucket, key, ExtraArgs={"ContentType": content_type})

    def report_url(self, key: str, expires_seconds: int) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_seconds
        )
        return url
