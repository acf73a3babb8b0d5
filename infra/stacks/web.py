"""Web: the reference web client (S3 + CloudFront); its config.json is written by the edge stack."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.constructs.web_client import WebClient
from infra.shared import Shared


class WebStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.client = WebClient(self, "Client", stage=shared.stage)
        shared.web = self.client
        CfnOutput(self, "WebUrl", value=self.client.url)
