"""What survives a restart, clean or not: the tables through the write journal, the bucket and the
users through the snapshot mirrored every few seconds; the next start restores them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from local.runtime import Runtime, RuntimeThread
from tests.e2e.conftest import PROBE, kill_emulator, start_on

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]


def _start(folder: Path, *, persist_every_seconds: float = 5.0) -> RuntimeThread:
    return start_on(folder, persist_every_seconds=persist_every_seconds, extra_contexts=(PROBE,))


def _token(runtime: Runtime, username: str, password: str) -> str:
    assert runtime.resources is not None
    result = runtime.clients("cognito-idp").initiate_auth(
        ClientId=runtime.resources.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def _sign_up_and_record(thread: RuntimeThread, username: str, note: str) -> str:
    """A user signs up and, signed in, has the probe's consumer write a record; its event id."""
    from local.seed.users import create_user

    runtime = thread.runtime
    assert runtime.resources is not None
    create_user(
        runtime.clients("cognito-idp"),
        runtime.resources.user_pool_id or "",
        username,
        password=f"{username}-pass-1",
        groups=("shopper",),
    )
    token = _token(runtime, username, f"{username}-pass-1")
    published = httpx.post(
        f"{runtime.config.rest_url}/probe/events", json={"note": note}, headers={"Authorization": token}
    )
    assert thread.call(runtime.wait_until_idle(60), 70)
    return str(published.json()["event_id"])


def test_data_and_users_survive_a_clean_restart(data_folder: Path) -> None:
    folder = data_folder
    # Given a runtime where a user was created and a consumer wrote a record
    first = _start(folder)
    try:
        runtime = first.runtime
        assert not runtime.restored
        event_id = _sign_up_and_record(first, "keeper", "kept")
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


def test_a_killed_runtime_loses_no_acknowledged_write(data_folder: Path) -> None:
    import time

    folder = data_folder

    # Given a runtime where a user signed up and a consumer wrote a record, and a few seconds passed
    first = _start(folder, persist_every_seconds=1.0)
    try:
        runtime = first.runtime
        event_id = _sign_up_and_record(first, "survivor", "journaled")
        time.sleep(3)  # the users' mirror runs every second here (every 5 s by default)
        # When the emulator dies without a clean stop (what kill -9 of `make up` does to it)
        kill_emulator(runtime)
    finally:
        first.stop()

    # Then the next start restores every acknowledged write and the user, once, without seeding
    second = _start(folder)
    try:
        runtime = second.runtime
        assert runtime.restored
        assert runtime.seeded == []
        record = httpx.get(f"{runtime.config.rest_url}/probe/records/{event_id}")
        assert record.json() == {"event_id": event_id, "note": "journaled"}
        me = httpx.get(
            f"{runtime.config.rest_url}/probe/me",
            headers={"Authorization": _token(runtime, "survivor", "survivor-pass-1")},
        )
        assert me.status_code == 200
    finally:
        second.stop()


def test_an_older_snapshot_is_restored_and_then_kept_in_the_journals_format(data_folder: Path) -> None:
    folder = data_folder
    import json

    from local import snapshot

    # Given a folder as an older runtime left it: per-context table files, no format in the manifest
    first = _start(folder)
    try:
        event_id = _sign_up_and_record(first, "elder", "from an older runtime")
        first.runtime.save_snapshot()
        tables = dict(first.runtime.resources.tables) if first.runtime.resources else {}
    finally:
        first.stop()
    _start(folder).stop()  # a start compacts the journal into table files
    directory = snapshot.tables_dir(folder)
    for context, table in tables.items():
        (directory / f"{table}.jsonl").rename(directory / f"{context}.jsonl")
    (directory / "journal.jsonl").unlink(missing_ok=True)
    (snapshot.path(folder) / "manifest.json").write_text(json.dumps({"counts": {}}))

    # When it starts twice
    for _ in range(2):
        again = _start(folder)
        try:
            runtime = again.runtime
            assert runtime.restored
            record = httpx.get(f"{runtime.config.rest_url}/probe/records/{event_id}")
        finally:
            again.stop()

        # Then the record is there each time, and the folder is in the journal's format
        assert record.json() == {"event_id": event_id, "note": "from an older runtime"}
        assert snapshot.is_current(folder)
        assert not any((directory / f"{context}.jsonl").exists() for context in tables)
