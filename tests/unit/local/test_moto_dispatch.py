"""The local moto server's cached dispatch (local/aws/moto_dispatch.py) picks moto's own backends."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.test import EnvironBuilder

from local.aws import moto_dispatch, patches

ENDPOINT = "http://127.0.0.1:4566"


class _Captured(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def _environ(request: Any) -> dict[str, Any]:
    url = urlsplit(request.url)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    headers = {name: (value.decode() if isinstance(value, bytes) else value) for name, value in request.headers.items()}
    builder = EnvironBuilder(
        path=url.path or "/",
        base_url=f"{url.scheme}://{url.netloc}",
        query_string=url.query,
        method=request.method,
        headers=headers,
        data=body or b"",
    )
    return builder.get_environ()


def _sent(service: str, call: Callable[[Any], Any]) -> dict[str, Any]:
    """The WSGI environ of the request a boto3 client sends for `call` (captured, never sent)."""
    client = boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def capture(request: Any, **_kwargs: Any) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send", capture)
    with pytest.raises(_Captured) as captured:
        call(client)
    return _environ(captured.value.request)


def _presigned_post() -> dict[str, Any]:
    s3 = boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name="eu-west-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    post = s3.generate_presigned_post("plein-feeds", "uploads/v1/feed.csv")
    url = urlsplit(post["url"])
    data = {**post["fields"], "file": (io.BytesIO(b"id,title\n1,x\n"), "feed.csv")}
    return EnvironBuilder(
        path=url.path, base_url=f"{url.scheme}://{url.netloc}", method="POST", data=data
    ).get_environ()


REQUESTS: dict[str, Callable[[], dict[str, Any]]] = {
    "dynamodb": lambda: _sent("dynamodb", lambda c: c.get_item(TableName="t", Key={"pk": {"S": "a"}})),
    "dynamodb-describe": lambda: _sent("dynamodb", lambda c: c.describe_table(TableName="t")),
    "dynamodbstreams": lambda: _sent("dynamodbstreams", lambda c: c.get_records(ShardIterator="x" * 20)),
    "events": lambda: _sent(
        "events", lambda c: c.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])
    ),
    "sqs": lambda: _sent("sqs", lambda c: c.receive_message(QueueUrl=f"{ENDPOINT}/123456789012/q")),
    "s3-put": lambda: _sent("s3", lambda c: c.put_object(Bucket="plein-feeds", Key="a/b.csv", Body=b"x")),
    "s3-list": lambda: _sent("s3", lambda c: c.list_objects_v2(Bucket="plein-feeds")),
    "s3-presigned-post": _presigned_post,
    "sts": lambda: _sent("sts", lambda c: c.get_caller_identity()),
    "cognito-idp": lambda: _sent("cognito-idp", lambda c: c.list_users(UserPoolId="eu-west-1_abc")),
    "cognito-idp-unsigned": lambda: _sent(
        "cognito-idp", lambda c: c.initiate_auth(ClientId="c", AuthFlow="USER_PASSWORD_AUTH", AuthParameters={})
    ),
    "lambda": lambda: _sent("lambda", lambda c: c.invoke(FunctionName="f", Payload=b"{}")),
    "moto-api": lambda: EnvironBuilder(path="/moto-api/reset", method="POST").get_environ(),
    "unknown-path": lambda: EnvironBuilder(path="/not_a-service/x", method="GET").get_environ(),
}


def _dispatched(environ: dict[str, Any]) -> Any:
    """The backend a dispatcher picks (its app factory returns the backend's name)."""
    dispatcher = DomainDispatcherApplication(lambda backend: backend)  # type: ignore[arg-type, return-value]
    first = dispatcher.get_application(dict(environ, **{"wsgi.input": _rewind(environ)}))
    again = dispatcher.get_application(dict(environ, **{"wsgi.input": _rewind(environ)}))
    assert again == first
    return first


def _rewind(environ: dict[str, Any]) -> Any:
    stream = environ["wsgi.input"]
    stream.seek(0)
    return io.BytesIO(stream.read())


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_requests_reach_moto_s_own_backend(name: str) -> None:
    environ = REQUESTS[name]()
    expected = _dispatched(environ)

    patches.install()
    try:
        assert DomainDispatcherApplication.__dict__["get_backend_for_host"].__qualname__.startswith("cached_backend")
        found = _dispatched(environ)
    finally:
        patches.remove()

    assert found == expected


def test_the_services_the_runtime_uses_reach_their_backends(patched: None) -> None:
    found = {name: _dispatched(REQUESTS[name]()) for name in REQUESTS if name not in {"unknown-path"}}

    assert found == {
        "cognito-idp": "cognitoidp",
        "cognito-idp-unsigned": "cognitoidp",
        "dynamodb": "dynamodb",
        "dynamodb-describe": "dynamodb",
        "dynamodbstreams": "dynamodbstreams",
        "events": "events",
        "lambda": "awslambda",
        "moto-api": "moto_api",
        "s3-list": "s3",
        "s3-presigned-post": "s3",
        "s3-put": "s3",
        "sqs": "sqs",
        "sts": "sts",
    }


def test_answers_are_remembered_per_host(patched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a dispatcher that answered for DynamoDB once
    dispatcher = DomainDispatcherApplication(lambda backend: backend)  # type: ignore[arg-type, return-value]
    assert dispatcher.get_backend_for_host("dynamodb") == "dynamodb"
    assert dispatcher.get_backend_for_host("sqs.eu-west-1.amazonaws.com") == "sqs"

    # When moto's module listing and URL patterns could no longer answer
    import moto.backends

    def refuse() -> Any:
        raise AssertionError("moto's modules were listed again")

    monkeypatch.setattr(moto.backends, "list_of_moto_modules", refuse)

    # Then the remembered hosts are answered from the cache, others still by moto's code
    assert dispatcher.get_backend_for_host("dynamodb") == "dynamodb"
    assert dispatcher.get_backend_for_host("sqs.eu-west-1.amazonaws.com") == "sqs"
    with pytest.raises(AssertionError):
        dispatcher.get_backend_for_host("sts.eu-west-1.amazonaws.com")


def test_unknown_hosts_are_not_remembered(patched: None) -> None:
    dispatcher = DomainDispatcherApplication(lambda backend: backend)  # type: ignore[arg-type, return-value]

    assert dispatcher.get_backend_for_host("nothing.example") is None
    assert "nothing.example" not in dispatcher._plein_backends  # type: ignore[attr-defined]
    assert moto_dispatch._CACHE_LIMIT > 0
