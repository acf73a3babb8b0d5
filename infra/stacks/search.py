"""Search: the OpenSearch Serverless collection with its encryption and network policies.

The data access policy, which names the IAM roles allowed into the collection, lives next to those
roles (infra/constructs/search_access.py) so that this stack never depends on a function stack.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_opensearchserverless as aoss
from constructs import Construct

from infra.shared import SearchRefs, Shared


class SearchStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        name = stage.name_of("search")
        resource = f"collection/{name}"
        encryption = aoss.CfnSecurityPolicy(
            self,
            "Encryption",
            name=f"{name}-enc",
            type="encryption",
            policy=json.dumps({"Rules": [{"ResourceType": "collection", "Resource": [resource]}], "AWSOwnedKey": True}),
        )
        # Public endpoint: Lambda functions run outside a VPC, and every request is still signed
        # (SigV4) and checked against the data access policy. A VPC endpoint would add a VPC, NAT
        # or endpoints and their cost to every stage for no gain in who can reach the data.
        network = aoss.CfnSecurityPolicy(
            self,
            "Network",
            name=f"{name}-net",
            type="network",
            policy=json.dumps(
                [{"Rules": [{"ResourceType": "collection", "Resource": [resource]}], "AllowFromPublic": True}]
            ),
        )
        collection = aoss.CfnCollection(
            self,
            "Collection",
            name=name,
            type="SEARCH",
            description="Plein product search",
            standby_replicas="ENABLED" if stage.search_standby_replicas else "DISABLED",
        )
        collection.add_resource_dependency(encryption)
        collection.add_resource_dependency(network)
        collection.apply_removal_policy(stage.removal_policy)
        shared.search = SearchRefs(
            collection_name=name,
            collection_arn=collection.attr_arn,
            endpoint=collection.attr_collection_endpoint,
            collection_id=collection.attr_id,
        )
        CfnOutput(self, "SearchEndpoint", value=collection.attr_collection_endpoint)
