"""Per-context local hooks (local/hooks/<context>.py) are found like the seeds, and the generic
runtime names no context."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from functions.common.wiring import ContextWiring, TableSpec
from infra.topology import CONTEXTS, contexts
from local import hooks
from local.hooks import HookContext, before_start_hooks, run_before_start

LOCAL = Path(hooks.__file__).resolve().parent.parent


def _refuse(*_args: Any) -> Any:
    raise AssertionError("the hook reached the emulated AWS")


def _context(wiring: ContextWiring, *, restored: bool) -> HookContext:
    return HookContext(wiring=wiring, restored=restored, client=_refuse, environment=_refuse)


def test_hooks_are_the_modules_of_local_hooks_named_after_a_context() -> None:
    modules = sorted(path.stem for path in (LOCAL / "hooks").glob("*.py") if path.stem != "__init__")

    found = [wiring.name for wiring, _ in before_start_hooks(contexts())]

    assert found == [name for name in CONTEXTS if name in modules]
    assert "catalog" in found


def test_a_context_without_a_hook_module_is_skipped() -> None:
    wiring = ContextWiring(name="nohook", table=TableSpec("functions.nohook.store.records.NoHookRecord"))

    assert run_before_start([wiring], lambda w: _context(w, restored=True)) == []


def test_the_catalog_hook_leaves_a_seeded_runtime_alone() -> None:
    catalog = next(wiring for wiring in contexts() if wiring.name == "catalog")

    ran = run_before_start([catalog], lambda w: _context(w, restored=False))

    assert ran == ["catalog"]


GENERIC = sorted(
    str(path.relative_to(LOCAL)) for folder in ("", "aws", "gateway") for path in (LOCAL / folder).glob("*.py")
)


@pytest.mark.parametrize("module", GENERIC)
def test_the_generic_runtime_imports_no_context(module: str) -> None:
    source = (LOCAL / module).read_text()

    named = {name for name in CONTEXTS if re.search(rf"\bfunctions\.{name}\b", source)}

    assert named == set()
