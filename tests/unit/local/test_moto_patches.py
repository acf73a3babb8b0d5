"""The registry of moto patches (local/aws/patches.py): every entry names what it really replaces in
the installed moto, the request lock is always installed, and any moto but the pinned one is refused."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from local.aws import moto_main, moto_parse, patches

ROOT = Path(__file__).resolve().parents[3]


def _resolve(target: str) -> tuple[Any, str]:
    """The owner and attribute name of `module.Class.attribute`, importing the longest module prefix."""
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1]
    raise AssertionError(f"{target}: no module")


def _current(targets: list[str]) -> dict[str, Any]:
    found = {}
    for target in targets:
        owner, name = _resolve(target)
        found[target] = getattr(owner, name)
    return found


ALL_TARGETS = sorted({target for patch in patches.REGISTRY for target in patch.replaces})


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_every_registered_target_exists_in_the_installed_moto(target: str) -> None:
    owner, name = _resolve(target)

    assert patches.qualified(owner, name) == target
    assert hasattr(owner, name), f"moto's {owner.__qualname__} has no {name}"


def test_every_patch_says_why_and_names_are_unique() -> None:
    names = [patch.name for patch in patches.REGISTRY]

    assert len(names) == len(set(names))
    assert all(patch.why and patch.replaces for patch in patches.REGISTRY)
    correctness = [patch.name for patch in patches.REGISTRY if patch.correctness]
    assert correctness == [
        "request_lock",
        "journal",
        "eventbridge_whole_events",
        "s3_notification_records",
        "cognito_write_attributes",
        "cognito_codes",
    ]


def test_the_pinned_version_is_the_pin_of_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [re.fullmatch(r"moto\[server\]==(.+)", spec) for spec in project["dependency-groups"]["local"]]

    assert [pin.group(1) for pin in pins if pin] == [patches.PINNED_MOTO_VERSION]


def test_install_replaces_exactly_the_registered_targets_and_remove_restores_them() -> None:
    # Given moto as installed
    before = _current(ALL_TARGETS)

    # When every patch is installed, then removed
    installed = patches.install()
    try:
        during = _current(ALL_TARGETS)
    finally:
        patches.remove()

    # Then each target was replaced while installed, and is moto's own again after
    assert installed == [patch.name for patch in patches.REGISTRY]
    assert [target for target in ALL_TARGETS if during[target] is before[target]] == []
    assert _current(ALL_TARGETS) == before


def test_without_the_query_patch_only_the_query_patch_is_left_out() -> None:
    query = next(patch for patch in patches.REGISTRY if patch.name == "query")
    others = [target for patch in patches.REGISTRY if patch is not query for target in patch.replaces]
    before = _current([*query.replaces, *others])

    installed = patches.install(patches.selected(query=False))
    try:
        after = _current([*query.replaces, *others])
    finally:
        patches.remove()

    assert installed == [patch.name for patch in patches.REGISTRY if patch is not query]
    assert "request_lock" in installed
    assert all(after[target] is before[target] for target in query.replaces)
    assert all(after[target] is not before[target] for target in others)


def test_a_patch_replacing_what_its_entry_does_not_name_is_refused_and_undone() -> None:
    # Given an entry that names the request handler's call_action but installs the body parser
    wrong = patches.Patch("wrong", (f"{patches._DYNAMODB_HANDLER}.call_action",), "a mistake", moto_parse.apply)
    from moto.dynamodb.responses import DynamoHandler

    parse_parameters = DynamoHandler.parse_parameters

    # When it is installed, the install fails and leaves moto as it was
    with pytest.raises(patches.PatchMismatch, match="parse_parameters"):
        patches.install([wrong])
    assert DynamoHandler.parse_parameters is parse_parameters


@pytest.fixture
def other_moto(monkeypatch: pytest.MonkeyPatch) -> str:
    import moto

    monkeypatch.setattr(moto, "__version__", "5.3.0")
    return "5.3.0"


def test_another_moto_version_is_refused_with_both_versions_named(other_moto: str) -> None:
    before = _current(ALL_TARGETS)

    with pytest.raises(patches.UnsupportedMoto) as refused:
        patches.install()

    assert f"moto {other_moto} is installed" in str(refused.value)
    assert f"moto {patches.PINNED_MOTO_VERSION} only" in str(refused.value)
    assert _current(ALL_TARGETS) == before


def test_the_moto_server_stops_on_another_moto_version(other_moto: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        moto_main.main(["--port", "0"])

    assert str(stopped.value.code).startswith(f"moto_main: moto {other_moto} is installed")


def test_attributes_a_patch_adds_exist_only_while_installed() -> None:
    added = [target for patch in patches.REGISTRY for target in patch.adds]
    owners = [_resolve(target) for target in added]

    assert added
    assert not any(hasattr(owner, name) for owner, name in owners)
    patches.install()
    try:
        assert all(hasattr(owner, name) for owner, name in owners)
    finally:
        patches.remove()
    assert not any(hasattr(owner, name) for owner, name in owners)
