"""Request → service dispatch without rescanning moto's modules, for the local moto server.

moto 5.2.5's server picks the backend of every request with `DomainDispatcherApplication.
get_backend_for_host`: it lists moto's package directory (`os.listdir` and an `os.path.isdir` per
entry, about 170) to see whether the host names a module, then tries its ~180 URL patterns in turn.
About 0.25 ms per request, ~9 % of the server's CPU in a 100k-row feed import (py-spy). Its answer
depends only on the host it is given (what `infer_service_region_host` made of the path, the
`Authorization` credential scope, `X-Amz-Target` and the body, which still runs on every request),
the package directory and the instance's URL patterns, none of which change while the server runs.
This version remembers the answer per host (and per patterns object); hosts no backend matches are
not remembered, so moto's "Unable to find appropriate backend" note still prints each time. Pinned
to the moto version of `patches`; tests/unit/local/test_moto_dispatch.py checks that requests of
every service the runtime uses (DynamoDB, DynamoDB Streams, EventBridge, SQS, S3 with a presigned
POST, STS, Cognito, Lambda) reach the backend moto's own dispatch picks. `get_application` per
signed DynamoDB request (in-process): 0.25 ms → 0.0024 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CACHE_LIMIT = 4096  # distinct hosts (service and region); past it, answers are computed as moto does


def cached_backend_for_host(original: Callable[[Any, str | None], Any]) -> Callable[[Any, str | None], Any]:
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        cache: dict[str | None, Any] | None = self.__dict__.get("_plein_backends")
        patterns = self.__dict__.get("_plein_patterns")
        if cache is None or patterns is not self.backend_url_patterns:
            cache = self._plein_backends = {}
            self._plein_patterns = self.backend_url_patterns
        backend = cache.get(host)
        if backend is None:
            backend = original(self, host)
            if backend is not None and len(cache) < _CACHE_LIMIT:
                cache[host] = backend
        return backend

    return get_backend_for_host


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's server dispatcher through `replace(owner, name, value)` (so it can be undone)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    replace(
        DomainDispatcherApplication,
        "get_backend_for_host",
        cached_backend_for_host(DomainDispatcherApplication.get_backend_for_host),
    )
