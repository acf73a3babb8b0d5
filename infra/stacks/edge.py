"""Edge: what sits in front of the API and the web client once both exist.

- the regional WAF web ACL of the REST stage (a rate-based rule per client IP, AWS managed rules);
- the web client's `config.json`, written from the outputs of the Auth and Api stacks.

Kept out of the Api stack, so that the API's stack holds the API and its functions only.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infra.constructs.waf import RateLimitedWebAcl
from infra.constructs.web_client import WebClientConfig
from infra.shared import Shared


class EdgeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        if shared.rest_api is None or shared.user_pool is None or shared.user_pool_client_id is None:
            raise RuntimeError("the auth and API stacks must be built before the edge stack")
        self.web_acl = RateLimitedWebAcl(self, "Waf", stage=stage)
        self.web_acl.associate(shared.rest_api.deployment_stage.stage_arn)
        shared.inventory.web_acl_metric = self.web_acl.metric_name
        if shared.web is not None:
            WebClientConfig(
                self,
                "WebClientConfig",
                client=shared.web,
                settings={
                    "api_url": shared.rest_api.url,
                    "cognito_endpoint": f"https://cognito-idp.{stage.region}.amazonaws.com/",
                    "region": stage.region,
                    "user_pool_id": shared.user_pool.user_pool_id,
                    "client_id": shared.user_pool_client_id,
                    # Live advice: without it the client hides "ask an advisor".
                    **({"ws_url": shared.websocket.url} if shared.websocket else {}),
                },
            )
