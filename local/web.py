"""The reference web client on the local runtime: its config.json and a static file server.

`write_config` renders `web/config.json` (where the browser finds the REST API and Cognito);
`web_app` serves the `web/` folder as it is, `index.html` at `/`, with no caching so that an
edited file shows on reload. The same static files, with a config.json written by the
deployment, are what a bucket serves on AWS.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

CONFIG_FILE = "config.json"
CONFIG_KEYS = ("api_url", "cognito_endpoint", "region", "user_pool_id", "client_id")
"""What the client reads from config.json; `api_url`, `cognito_endpoint`, `region` and `client_id` are required."""
REQUIRED_KEYS = frozenset({"api_url", "cognito_endpoint", "region", "client_id"})
OPTIONAL_KEYS = ("ws_url",)
"""Read when present: `ws_url`, the advice WebSocket (without it the client hides live advice)."""
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
_NO_CACHE = {"Cache-Control": "no-cache"}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def client_settings(
    *,
    api_url: str,
    cognito_endpoint: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    ws_url: str | None = None,
) -> dict[str, str]:
    """config.json's settings; locally Cognito is the moto server (`RuntimeConfig.cognito_endpoint`)."""
    settings = {
        "api_url": api_url.rstrip("/"),
        "cognito_endpoint": cognito_endpoint.rstrip("/") + "/",
        "region": region,
        "user_pool_id": user_pool_id,
        "client_id": client_id,
    }
    if ws_url:
        settings["ws_url"] = ws_url.rstrip("/")
    return settings


def render_config(settings: dict[str, str]) -> str:
    """config.json's text; unknown keys are refused so that a typo cannot go unnoticed."""
    unknown = set(settings) - set(CONFIG_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        raise ValueError(f"unknown web client settings: {', '.join(sorted(unknown))}")
    missing = sorted(REQUIRED_KEYS - {key for key, value in settings.items() if value})
    if missing:
        raise ValueError(f"web client settings lack {', '.join(missing)}")
    ordered = {key: settings[key] for key in (*CONFIG_KEYS, *OPTIONAL_KEYS) if key in settings}
    return json.dumps(ordered, indent=2) + "\n"


def write_config(web_dir: Path, settings: dict[str, str]) -> None:
    """Write `web_dir/config.json` atomically (a browser reloading meanwhile never reads half a file)."""
    text = render_config(settings)
    web_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=web_dir, prefix=".config-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, web_dir / CONFIG_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def web_app(web_dir: Path, settings: dict[str, str] | None = None) -> web.Application:
    """An aiohttp application serving `web_dir` statically, `index.html` at `/`.

    With `settings`, `config.json` is served from them instead of from the folder, so that several
    runtimes can serve one checkout's web client at once without writing into it.
    """
    root = web_dir.resolve()
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"no index.html in {root}")
    config_text = render_config(settings) if settings is not None else None

    async def config(_: web.Request) -> web.StreamResponse:
        return web.Response(text=config_text, content_type="application/json", headers=_NO_CACHE)

    async def index(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(root / "index.html", headers=_NO_CACHE)

    async def static(request: web.Request) -> web.StreamResponse:
        relative = request.match_info["path"]
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or any(part.startswith(".") for part in Path(relative).parts):
            raise web.HTTPNotFound()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            if relative == CONFIG_FILE:
                raise web.HTTPNotFound(
                    text='{"error": "config.json is written when the local runtime starts"}',
                    content_type="application/json",
                )
            raise web.HTTPNotFound()
        return web.FileResponse(target, headers=_NO_CACHE)

    @web.middleware
    async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/", index)
    if config_text is not None:
        app.router.add_get(f"/{CONFIG_FILE}", config)
    app.router.add_get("/{path:.+}", static)
    return app
