"""The import rules of DESIGN.md and STYLE.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
CONTEXTS = sorted(p.name for p in FUNCTIONS.iterdir() if p.is_dir() and p.name not in ("common", "__pycache__"))


def parse(path: Path) -> ast.Module:
    """`ast.parse`, again if CPython 3.11 < 3.11.8 raises its spurious "AST constructor recursion
    depth mismatch" (python/cpython#106905: the depth counter is shared by threads, and the e2e
    runtime's threads compile code in the same xdist worker)."""
    source = path.read_text()
    try:
        return ast.parse(source, filename=str(path))
    except SystemError:
        return ast.parse(source, filename=str(path))


def imported_modules(path: Path) -> set[str]:
    tree = parse(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]


@pytest.mark.parametrize("path", sources(FUNCTIONS), ids=lambda p: str(p.relative_to(ROOT)))
def test_lambda_code_never_imports_infra_or_local(path: Path) -> None:
    offending = {m for m in imported_modules(path) if m.split(".")[0] in ("infra", "local", "tests")}

    assert not offending, f"{path} imports {offending}"


@pytest.mark.parametrize("path", sources(FUNCTIONS / "common"), ids=lambda p: p.name)
def test_common_imports_no_context(path: Path) -> None:
    offending = {m for m in imported_modules(path) if m.startswith("functions.") and m.split(".")[1] != "common"}

    assert not offending, f"{path} imports {offending}"


@pytest.mark.parametrize("context", CONTEXTS)
def test_contexts_never_import_each_other(context: str) -> None:
    for path in sources(FUNCTIONS / context):
        others = {
            m
            for m in imported_modules(path)
            if m.startswith("functions.") and m.split(".")[1] not in ("common", context)
        }
        assert not others, f"{path} imports {others}"


@pytest.mark.parametrize("context", CONTEXTS)
def test_logic_has_no_aws_sdk(context: str) -> None:
    for path in sources(FUNCTIONS / context / "logic"):
        sdk = {m for m in imported_modules(path) if m.split(".")[0] in ("boto3", "botocore", "pynamodb")}
        assert not sdk, f"{path} imports {sdk}: logic talks to AWS only through ports"


@pytest.mark.parametrize("context", CONTEXTS)
def test_only_stores_know_pynamodb(context: str) -> None:
    for path in sources(FUNCTIONS / context):
        if "store" in path.parts:
            continue
        assert not any(m.startswith("pynamodb") for m in imported_modules(path)), path
