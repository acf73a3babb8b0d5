"""What survives a restart: a clean stop snapshots the data, the next start restores it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from local.config import RuntimeConfig
from local.runtime import Runtime, RuntimeThread
from tests.e2e.conftest import PROBE, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="plein-persist-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(folder: Path) -> RuntimeThread:
    config = RuntimeConfig(
        data_dir=folder,
        aws_port=free_port(),
        rest_port=free_port(),
        ws_port=free_port(),
        web_port=free_port(),
        products=20,
        extra_contexts=(PROBE,),
    )
    thread = RuntimeThread(Runtime(config))
    thread.start()
    return thread


def _token(runtime: Runtime, username: str, password: str) -> str:
    assert runtime.resources is not None
    result = runtime.clients("cognito-idp").initiate_auth(
        ClientId=runtime.resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def test_data_and_users_survive_a_clean_restart(folder: Path) -> None:
    from local.seed.users import create_user

    # Given a runtime where a user was created and a consumer wrote a record
    first = _start(folder)
    try:
        runtime = first.runtime
        assert runtime.resources is not None
        assert not runtime.restored
        create_user(
            runtime.clients("cognito-idp"),
            runtime.resources.user_pool_id or "",
            "keeper",
            password="keeper-pass-1",
            groups=("shopper",),
        )
        token = _token(runtime, "keeper", "keeper-pass-1")
        published = httpx.post(
            f"{runtime.config.rest_url}/probe/events", json={"note": "kept"}, headers={"Authorization": token}
        )
        event_id = published.json()["event_id"]
        assert first.call(runtime.wait_until_idle(60), 70)
        shopper_sub = runtime.users["shopper"].sub
        # When it stops cleanly (what Ctrl-C does)
        runtime.save_snapshot()
    finally:
        first.stop()

    # Then the next start restores instead of seeding
    second = _start(folder)
    try:
        runtime = second.runtime
        assert runtime.restored
        assert runtime.seeded == []
        record = httpx.get(f"{runtime.config.rest_url}/probe/records/{event_id}")
        assert record.json() == {"event_id": event_id, "note": "kept"}
        # and users sign in with their passwords and keep their sub
        assert runtime.users["shopper"].sub == shopper_sub
        me = httpx.get(
            f"{runtime.config.rest_url}/probe/me",
            headers={"Authorization": _token(runtime, "keeper", "keeper-pass-1")},
        )
        assert me.status_code == 200
        assert me.json()["claims"]["cognito:username"] == "keeper"
    finally:
        second.stop()
