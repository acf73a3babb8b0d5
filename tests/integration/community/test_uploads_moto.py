"""Avatar uploads on moto: the presigned POST stores the image under its key with its type, and
the read link serves it."""

from __future__ import annotations

import boto3
import requests

from functions.community.store.s3 import S3Uploads
from tests.integration.community.conftest import REGION, Aws

BUCKET = "plein-test-uploads"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_presigned_avatar_upload_lands_under_its_key_and_can_be_read(aws: Aws) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    uploads = S3Uploads(BUCKET, s3)

    upload = uploads.presign_upload("avatars/u1/a1", "image/png", len(PNG), 600)
    posted = requests.post(upload.url, data=upload.fields, files={"file": ("a.png", PNG, "image/png")}, timeout=10)

    assert posted.status_code in (200, 204), posted.text
    stored = s3.get_object(Bucket=BUCKET, Key="avatars/u1/a1")
    assert (stored["ContentType"], stored["Body"].read()) == ("image/png", PNG)
    assert requests.get(uploads.download_url("avatars/u1/a1", 60), timeout=10).content == PNG
