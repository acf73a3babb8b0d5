"""The feed fetcher: GET a vendor's feed URL without letting the URL reach what it should not.

Every URL, and every redirect target (at most MAX_REDIRECTS), is checked before it is fetched:
https only (http too where private addresses are allowed: the local runtime), no user or password
in it, and every address its host resolves to must be public, never private, loopback,
link-local (the instance metadata endpoint), multicast or reserved. The connection then goes to
the address that was checked (the Host header and TLS name stay the host's), so a DNS answer that
changes between the check and the connect (rebinding) cannot redirect it. The body is streamed
and fails past its size limit; connect and read time out.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from functions.vendor.logic.feeds.pulls import PullRefused

MAX_REDIRECTS = 5
CONNECT_SECONDS = 10.0
READ_SECONDS = 60.0
USER_AGENT = "Plein feed fetcher (+https://plein.example/vendors/feeds)"
Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise PullRefused("host_not_found", f"the host {host!r} of the feed URL was not found") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class SafeFetcher:
    """`allow_private` (the local runtime only) lets plain http and private addresses through."""

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = resolve):
        self._allow_private = allow_private
        self._resolve = resolver

    def reachable(self, address: str) -> bool:
        """Whether an address the URL's host resolves to may be connected to."""
        return self._allow_private or ipaddress.ip_address(address.split("%", maxsplit=1)[0]).is_global

    def check(self, url: str) -> None:
        self._target(url)

    def _target(self, url: str) -> tuple[str, str, int, str, str]:
        """(scheme, host, port, the checked address, path with query) of a URL that may be fetched."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise PullRefused("invalid_url", "the feed URL is not a valid URL") from exc
        allowed = ("https", "http") if self._allow_private else ("https",)
        if parts.scheme.lower() not in allowed or not parts.hostname:
            raise PullRefused("https_required", "the feed URL must start with https:// and name a host")
        if parts.username or parts.password:
            raise PullRefused("credentials_in_url", "the feed URL must not contain a user name or password")
        scheme = parts.scheme.lower()
        port = port or (443 if scheme == "https" else 80)
        addresses = self._resolve(parts.hostname, port)
        if not addresses:
            raise PullRefused("host_not_found", f"the host {parts.hostname!r} of the feed URL was not found")
        for address in addresses:
            if not self.reachable(address):
                raise PullRefused(
                    "private_address",
                    f"the host {parts.hostname!r} resolves to {address}, which is not a public address",
                )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return scheme, parts.hostname, port, addresses[0], path

    def fetch(self, url: str, max_bytes: int) -> IO[bytes]:
        import urllib3

        current = url
        for _ in range(MAX_REDIRECTS + 1):
            scheme, host, port, address, path = self._target(current)
            pool = self._pool(urllib3, scheme, host, port, address)
            try:
                response = pool.urlopen(
                    "GET",
                    path,
                    headers={"Host": host if port in (80, 443) else f"{host}:{port}", "User-Agent": USER_AGENT},
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    timeout=urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
                )
            except urllib3.exceptions.HTTPError as exc:
                raise PullRefused("unreachable", f"the feed URL could not be reached: {type(exc).__name__}") from exc
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                response.release_conn()
                continue
            if response.status != 200:
                response.release_conn()
                raise PullRefused("http_error", f"the feed URL answered HTTP {response.status}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                response.release_conn()
                raise PullRefused("too_large", f"the feed is larger than {max_bytes // (1024 * 1024)} MB")
            return io.BufferedReader(_Limited(response, max_bytes), buffer_size=1024 * 1024)
        raise PullRefused("too_many_redirects", f"the feed URL redirects more than {MAX_REDIRECTS} times")

    @staticmethod
    def _pool(urllib3: Any, scheme: str, host: str, port: int, address: str) -> Any:
        if scheme == "http":
            return urllib3.HTTPConnectionPool(address, port, maxsize=1)
        import certifi

        return urllib3.HTTPSConnectionPool(
            address,
            port,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )


class _Limited(io.RawIOBase):
    """A response body that fails once more than `limit` bytes came."""

    def __init__(self, response: Any, limit: int):
        super().__init__()
        self._response = response
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        import urllib3

        try:
            chunk: bytes = self._response.read(len(buffer))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise PullRefused("unreachable", f"the feed download broke off: {type(exc).__name__}") from exc
        self._read += len(chunk)
        if self._read > self._limit:
            raise PullRefused("too_large", f"the feed is larger than {self._limit // (1024 * 1024)} MB")
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._response.release_conn()
        super().close()
