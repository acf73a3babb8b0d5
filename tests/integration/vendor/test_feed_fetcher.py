"""The feed fetcher (store/http.py) against a real HTTP server on this machine: the body streams,
redirects are followed and checked again (one to an address that may not be reached is refused),
errors and oversize bodies are refused in plain words, and the Host header is the URL's host
while the connection goes to the address that was checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from functions.vendor.logic.feeds.pulls import PullRefused
from functions.vendor.store.http import SafeFetcher

BODY = b"id,title,price\nP-1,Lamp,9.99 EUR\n" * 1000
seen_hosts: list[str] = []


class _Shop(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        seen_hosts.append(self.headers.get("Host", ""))
        port = self.server.server_address[1]  # type: ignore[index]
        routes = {
            "/redirect": (302, {"Location": "/feed.csv"}),
            "/inside": (302, {"Location": f"http://inside.test:{port}/feed.csv"}),
            "/loop": (302, {"Location": "/loop"}),
        }
        if self.path in ("/feed.csv", "/unsized.csv"):
            self.send_response(200)
            if self.path == "/feed.csv":
                self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path in routes:
            status, headers = routes[self.path]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *_: object) -> None:
        return None


class _Guarded(SafeFetcher):
    """127.0.0.1 stands in for a public address, 127.0.0.2 for a private one."""

    def reachable(self, address: str) -> bool:
        return address == "127.0.0.1"


@pytest.fixture(scope="module")
def shop() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def _fetcher() -> SafeFetcher:
    hosts = {"feeds.test": ["127.0.0.1"], "inside.test": ["127.0.0.2"]}
    return _Guarded(allow_private=True, resolver=lambda host, port: hosts[host])


def test_the_body_streams_through_redirects_with_the_urls_host(shop: int) -> None:
    seen_hosts.clear()
    with _fetcher().fetch(f"http://feeds.test:{shop}/redirect", 10 * len(BODY)) as body:
        assert body.read() == BODY
    assert seen_hosts == [f"feeds.test:{shop}"] * 2


@pytest.mark.parametrize(
    ("path", "limit", "code"),
    [
        ("/inside", 10 * len(BODY), "private_address"),  # a redirect is checked like the URL
        ("/loop", 10 * len(BODY), "too_many_redirects"),
        ("/missing.csv", 10 * len(BODY), "http_error"),
        ("/feed.csv", len(BODY) - 1, "too_large"),  # declared too large
        ("/unsized.csv", len(BODY) - 1, "too_large"),  # found too large while reading
    ],
)
def test_what_cannot_be_fetched_is_refused_in_plain_words(shop: int, path: str, limit: int, code: str) -> None:
    with pytest.raises(PullRefused) as refused, _fetcher().fetch(f"http://feeds.test:{shop}{path}", limit) as body:
        body.read()
    assert refused.value.code == code


def test_an_unreachable_host_is_refused() -> None:
    fetcher = SafeFetcher(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])
    with pytest.raises(PullRefused) as refused:
        fetcher.fetch("http://closed.test:9/feed.csv", 1000)
    assert refused.value.code == "unreachable"
