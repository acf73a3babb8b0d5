"""The feed files adapter (store/s3.py) on moto: announcing an uploaded file again is a new
ObjectCreated event for the import queue, with the file unchanged; a missing file is not."""

from __future__ import annotations

import json
from urllib.parse import unquote_plus

import boto3
from moto import mock_aws

from functions.vendor.store.s3 import S3FeedFiles

REGION = "eu-west-1"


def test_announcing_a_file_again_queues_a_new_object_created_event() -> None:
    with mock_aws():
        s3, sqs = boto3.client("s3", region_name=REGION), boto3.client("sqs", region_name=REGION)
        s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": REGION})
        queue = sqs.create_queue(QueueName="imports")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        key = "feeds/v1/f1/feed.csv"
        s3.put_object(Bucket="feeds", Key=key, Body=b"id,title\n1,Fiets\n", ContentType="text/csv")
        s3.put_bucket_notification_configuration(
            Bucket="feeds",
            NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
        )
        sqs.purge_queue(QueueUrl=queue)  # the test event of the configuration
        files = S3FeedFiles("feeds", s3)

        assert files.announce(key) is True
        assert files.announce("feeds/v1/f2/never-uploaded.csv") is False

        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        records = [record for m in messages for record in json.loads(m["Body"]).get("Records", [])]
        # (keys arrive URL-encoded, as S3 sends them)
        assert [(r["eventName"], unquote_plus(r["s3"]["object"]["key"])) for r in records] == [
            ("ObjectCreated:Copy", key)
        ]
        stored = s3.get_object(Bucket="feeds", Key=key)
        assert stored["Body"].read() == b"id,title\n1,Fiets\n"
        assert stored["ContentType"] == "text/csv"
