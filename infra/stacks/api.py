"""Api: the REST API and one Lambda function per context API.

The API is one `SpecRestApi` whose definition is generated at synthesis from the code's OpenAPI
document (`infra.openapi.merged_schema`), so it holds every operation in one resource; the
functions live in a nested stack (`Handlers`).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, NestedStack, Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra import topology
from infra.constructs.function import PleinFunction
from infra.constructs.rest_api import RestApiFromOpenApi
from infra.shared import Shared

HANDLERS = "Handlers"


class ApiStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, shared: Shared, document: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        handlers = {}
        functions = NestedStack(self, HANDLERS, description="The context API functions of the REST API")
        for wiring in topology.contexts():
            if wiring.api is not None:
                fn = PleinFunction(functions, wiring.api.name, shared=shared, wiring=wiring, function=wiring.api)
                handlers[wiring.name] = fn.function
        if shared.user_pool is None:
            raise RuntimeError("the auth stack must be built before the API")
        self.rest = RestApiFromOpenApi(
            self,
            "Rest",
            stage=shared.stage,
            document=document,
            handlers=handlers,
            user_pool=shared.user_pool,
            cors_origins=shared.cors_origins(),
        )
        shared.inventory.rest_api_names.append(shared.stage.name_of("api"))
        shared.rest_api = self.rest.api
        CfnOutput(self, "ApiUrl", value=self.rest.api.url)
        # Functions that write links to the API read its URL from here at run time (infra/topology.py).
        ssm.StringParameter(
            self,
            "PublicApiUrl",
            parameter_name=topology.public_api_url_parameter(shared.stage.name),
            string_value=self.rest.api.url,
            description="The REST API's public URL, for links in short links, avatars and e-mails",
        )
