"""The OpenSearch Serverless data access policy of one stack: exactly its SEARCH functions' roles.

It lives in the stack that owns the roles (the collection's stack comes first and never depends
on a function stack); it is created when the first role of the stack registers, and rewritten as
each further role registers.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_opensearchserverless as aoss
from constructs import Construct

from infra.shared import Shared

POLICY_ID = "SearchDataAccess"
INDEX_PERMISSIONS = [
    "aoss:CreateIndex",
    "aoss:DescribeIndex",
    "aoss:UpdateIndex",
    "aoss:ReadDocument",
    "aoss:WriteDocument",
]
COLLECTION_PERMISSIONS = ["aoss:DescribeCollectionItems", "aoss:CreateCollectionItems", "aoss:UpdateCollectionItems"]


class SearchDataAccess(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared) -> None:
        super().__init__(scope, construct_id)
        if shared.search is None:
            raise RuntimeError("the search stack must be built before functions that need SEARCH")
        collection = shared.search.collection_name
        stack = Stack.of(self)
        self.role_arns: list[str] = []
        self.rules: list[dict[str, Any]] = [
            {"ResourceType": "index", "Resource": [f"index/{collection}/*"], "Permission": INDEX_PERMISSIONS},
            {
                "ResourceType": "collection",
                "Resource": [f"collection/{collection}"],
                "Permission": COLLECTION_PERMISSIONS,
            },
        ]
        self.policy = aoss.CfnAccessPolicy(
            self,
            "Policy",
            name=shared.stage.name_of(f"{stack.node.id.split('-')[-1].lower()}-data")[:32],
            type="data",
            description=f"Roles of {stack.node.id} functions that read and write the search collection",
            policy="[]",
        )

    def add_role(self, role: iam.IRole) -> None:
        self.role_arns.append(role.role_arn)
        self.policy.policy = Stack.of(self).to_json_string([{"Rules": self.rules, "Principal": self.role_arns}])


def register_search_role(fn: lambda_.Function, role: iam.Role, shared: Shared) -> None:
    stack = Stack.of(fn)
    access = stack.node.try_find_child(POLICY_ID)
    if not isinstance(access, SearchDataAccess):
        access = SearchDataAccess(stack, POLICY_ID, shared=shared)
    access.add_role(role)
    fn.node.add_dependency(access.policy)
