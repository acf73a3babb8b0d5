"""local/web.py: config.json rendering and the static server of the web client (no browser needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from yarl import URL

from local.web import WEB_DIR, client_settings, render_config, web_app, write_config
from tests.support.loop import run as run_in_thread

SETTINGS = client_settings(
    api_url="http://127.0.0.1:3000/",
    cognito_endpoint="http://127.0.0.1:4566",
    region="eu-west-1",
    user_pool_id="eu-west-1_abc",
    client_id="client123",
)


def test_write_config_renders_what_the_client_reads(tmp_path: Path) -> None:
    write_config(tmp_path, SETTINGS)

    written = json.loads((tmp_path / "config.json").read_text())
    assert written == {
        "api_url": "http://127.0.0.1:3000",
        "cognito_endpoint": "http://127.0.0.1:4566/",
        "region": "eu-west-1",
        "user_pool_id": "eu-west-1_abc",
        "client_id": "client123",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]  # no temporary file left behind


def test_the_advice_socket_url_is_written_when_given() -> None:
    with_socket = client_settings(**SETTINGS, ws_url="ws://127.0.0.1:3001/advice/")

    assert json.loads(render_config(with_socket))["ws_url"] == "ws://127.0.0.1:3001/advice"
    assert "ws_url" not in json.loads(render_config(SETTINGS))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({**SETTINGS, "api_ur": "x"}, "unknown web client settings: api_ur"),
        ({**SETTINGS, "client_id": ""}, "lack client_id"),
        ({k: v for k, v in SETTINGS.items() if k != "api_url"}, "lack api_url"),
    ],
)
def test_config_refuses_unknown_and_missing_settings(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_config(settings)


def _fetch_all(web_dir: Path, paths: list[str]) -> list[tuple[int, str, str]]:
    async def run() -> list[tuple[int, str, str]]:
        async with TestServer(web_app(web_dir), host="127.0.0.1") as server, ClientSession() as session:
            results = []
            for path in paths:
                async with session.get(URL(str(server.make_url("/")).rstrip("/") + path, encoded=True)) as response:
                    results.append((response.status, response.content_type, await response.text()))
            return results

    return run_in_thread(run())


def test_web_app_serves_the_client_and_nothing_else(tmp_path: Path) -> None:
    # Given a copy of web/ with a config, and a file beside it that must stay private
    web_dir = tmp_path / "web"
    shutil.copytree(WEB_DIR, web_dir, ignore=shutil.ignore_patterns("config.json"))
    write_config(web_dir, SETTINGS)
    (tmp_path / "secret.txt").write_text("private")
    (web_dir / ".hidden").write_text("private")

    index, app_js, view, config, up, dotfile, missing = _fetch_all(
        web_dir, ["/", "/app.js", "/views/catalog.js", "/config.json", "/%2E%2E/secret.txt", "/.hidden", "/nope.js"]
    )

    assert (index[0], index[1]) == (200, "text/html")
    assert '<script type="module" src="app.js">' in index[2]
    assert app_js[0] == 200
    assert "javascript" in app_js[1]
    assert view[0] == 200
    assert "export async function render" in view[2]
    assert config[0] == 200
    assert json.loads(config[2])["client_id"] == "client123"
    assert [up[0], dotfile[0], missing[0]] == [404, 404, 404]


def test_missing_config_says_why(tmp_path: Path) -> None:
    web_dir = tmp_path / "web"
    shutil.copytree(WEB_DIR, web_dir, ignore=shutil.ignore_patterns("config.json"))

    [(status, _, body)] = _fetch_all(web_dir, ["/config.json"])

    assert status == 404
    assert "written when the local runtime starts" in body


def test_web_app_needs_an_index(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        web_app(tmp_path)
