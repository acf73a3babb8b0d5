"""The reference web client on AWS: a private S3 bucket behind CloudFront (origin access control).

`WebClient` (the web stack) publishes the static files of web/; `WebClientConfig` (the edge stack,
once the API exists) writes `config.json` next to them from the stack outputs, the same settings
the local runtime writes (local/web.py). No Docker: both are BucketDeployments of local folders
or generated JSON.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.config import WEB_DIR, StageConfig
from infra.nag import acknowledge

CONFIG_FILE = "config.json"
# What web/config.js reads (the same keys as local/web.py CONFIG_KEYS; a test keeps them equal).
CONFIG_KEYS = ("api_url", "cognito_endpoint", "region", "user_pool_id", "client_id")
OPTIONAL_KEYS = ("ws_url",)  # local/web.py OPTIONAL_KEYS
NOT_PUBLISHED = [CONFIG_FILE, "README.md", ".gitignore", "node_modules"]


class WebClient(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: StageConfig) -> None:
        super().__init__(scope, construct_id)
        # The files are rebuilt from web/ on every deploy: nothing to keep when the stage goes away.
        self.bucket = s3.Bucket(
            self,
            "Site",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "The bucket holds only the public static web client, written by deploys and read through CloudFront.",
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Plein web client ({stage.name})",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "The marketplace serves every country; no geo restriction is a business decision, not an oversight.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR2",
            "Static files only; the REST API behind it has its own regional WAF web ACL with rate-based rules.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR3",
            "Static public files; CloudFront standard logs need an ACL-enabled bucket, added when a stage needs them.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR4",
            "The default *.cloudfront.net certificate allows old TLS; a stage with its own domain sets TLS 1.2_2021.",
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        self.files = s3deploy.BucketDeployment(
            self,
            "Files",
            sources=[s3deploy.Source.asset(str(WEB_DIR), exclude=NOT_PUBLISHED)],
            destination_bucket=self.bucket,
            # config.json is written by the edge stack: never pruned by a deploy of the files.
            exclude=[CONFIG_FILE],
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=256,
        )
        acknowledge_deployment_handler(self)


class WebClientConfig(Construct):
    """`config.json` in the web client's bucket, from values known only once the API is deployed.

    An SDK-call custom resource that may PutObject exactly that key and nothing else. Written with
    `Cache-Control: no-cache`, which CloudFront (minimum TTL 1 s) honours: no invalidation needed.
    """

    def __init__(self, scope: Construct, construct_id: str, *, client: WebClient, settings: dict[str, str]) -> None:
        super().__init__(scope, construct_id)
        unknown = set(settings) - set(CONFIG_KEYS) - set(OPTIONAL_KEYS)
        if unknown:
            raise ValueError(f"unknown web client settings: {sorted(unknown)}")
        stack = Stack.of(self)
        body = stack.to_json_string(settings)
        put = cr.AwsSdkCall(
            service="S3",
            action="putObject",
            parameters={
                "Bucket": client.bucket.bucket_name,
                "Key": CONFIG_FILE,
                "Body": body,
                "ContentType": "application/json",
                "CacheControl": "no-cache",
            },
            physical_resource_id=cr.PhysicalResourceId.of(CONFIG_FILE),
        )
        self.writer = cr.AwsCustomResource(
            self,
            "Write",
            on_create=put,
            on_update=put,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [iam.PolicyStatement(actions=["s3:PutObject"], resources=[client.bucket.arn_for_objects(CONFIG_FILE)])]
            ),
            install_latest_aws_sdk=False,
        )
        acknowledge_sdk_call_handler(stack)


def acknowledge_sdk_call_handler(stack: Stack) -> None:
    """CDK's SDK-call custom resource function (a singleton per stack): its managed policy and runtime."""
    for child in stack.node.children:
        if child.node.id.startswith("AWS679f53fac002430cb0da5b7982bd2287"):
            acknowledge(
                child,
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                "CDK's own SDK-call custom resource function; its calls are granted one by one, on named resources.",
            )
            acknowledge(
                child,
                "AwsSolutions-L1",
                "CDK's SDK-call custom resource pins its own Node.js runtime; it runs only during deploys.",
            )


def acknowledge_deployment_handler(client: WebClient) -> None:
    """CDK's BucketDeployment function (a singleton per stack): its managed policy, runtime and grants."""
    stack = Stack.of(client)
    site = stack.get_logical_id(client.bucket.node.default_child)  # type: ignore[arg-type]
    account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
    region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
    partition = "<AWS::Partition>" if Token.is_unresolved(stack.partition) else stack.partition
    reason = "CDK's own BucketDeployment function: it copies web/ from the CDK asset bucket into the site bucket."
    findings = [
        *(
            f"AwsSolutions-IAM5[Action::s3:{action}]"
            for action in ("GetBucket*", "GetObject*", "List*", "Abort*", "DeleteObject*")
        ),
        f"AwsSolutions-IAM5[Resource::arn:{partition}:s3:::cdk-hnb659fds-assets-{account}-{region}/*]",
        f"AwsSolutions-IAM5[Resource::<{site}.Arn>/*]",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        # CDK grants the CloudFront invalidation of the site's distribution on `*`.
        "AwsSolutions-IAM5[Resource::*]",
    ]
    for child in stack.node.children:
        if child.node.id.startswith("Custom::CDKBucketDeployment"):
            for finding in findings:
                acknowledge(child, finding, reason)
            acknowledge(
                child, "AwsSolutions-L1", "CDK pins the BucketDeployment function's runtime; it runs only on deploy."
            )
