"""Members' images in the stage's upload bucket (the feeds bucket, under `avatars/`): presigned
uploads whose policy pins the key, the content type and the size, and short-lived read links."""

from __future__ import annotations

from typing import Any

from functions.community.logic.ports import PresignedUpload


class S3Uploads:
    def __init__(self, bucket: str, client: Any):
        self._bucket = bucket
        self._s3 = client

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedUpload:
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_seconds,
        )
        return PresignedUpload(url=post["url"], fields={k: str(v) for k, v in post["fields"].items()})

    def download_url(self, key: str, expires_seconds: int) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_seconds
        )
        return url
