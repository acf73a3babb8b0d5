"""The import and layering rules of docs/conventions.md ("The shape of a context", "Layering"),
checked on the source: every rule names the files that break it."""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
CONTEXTS = sorted(p.name for p in FUNCTIONS.iterdir() if p.is_dir() and p.name not in ("common", "__pycache__"))
AWS_SDKS = ("boto3", "botocore", "pynamodb")
AWS_SHARED = ("functions.common.aws", "functions.common.dynamo")
"""The shared modules that are the AWS SDKs' front door (clients, PynamoDB bases): store-level too."""
TEST_DOUBLE_NAME = re.compile(r"fake|in_?memory|memory|stub|mock|dummy", re.IGNORECASE)

KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}
"""(rule, context) → why it is allowed to fail for now (a context being migrated meanwhile)."""


PARSE_ATTEMPTS = 20


@cache
def parse(path: Path) -> ast.Module:
    """`ast.parse`, once per file, tried again while CPython 3.11 < 3.11.8 raises its spurious "AST
    constructor recursion depth mismatch" (python/cpython#106905: the depth counter is shared by
    threads, and an e2e runtime's threads may compile code in the same xdist worker meanwhile;
    CI saw it twice in a row, so one retry is not enough)."""
    source = path.read_text()
    for _ in range(PARSE_ATTEMPTS - 1):
        try:
            return ast.parse(source, filename=str(path))
        except SystemError:
            time.sleep(0.05)
    return ast.parse(source, filename=str(path))


def imports(path: Path) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every absolute import statement of a module, at any depth (inside functions too)."""
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
            yield node


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in imports(path):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif node.module:
            found.add(node.module)
    return found


def sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def layer(path: Path) -> str:
    """`handlers`, `logic`, `models`, `store` or the file name for a context's top-level modules."""
    return path.relative_to(FUNCTIONS).parts[1]


def is_composition_root(path: Path) -> bool:
    return path.relative_to(FUNCTIONS).parts[1:] == ("handlers", "dependencies.py")


def is_module(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def rule_cases(rule: str) -> list[object]:
    """One case per context; a context known to break `rule` for now is an expected failure."""
    return [
        pytest.param(
            context,
            marks=pytest.mark.xfail(reason=KNOWN_VIOLATIONS[rule, context], strict=False)
            if (rule, context) in KNOWN_VIOLATIONS
            else (),
        )
        for context in CONTEXTS
    ]


def offenders(context: str, check: Callable[[Path], set[str]]) -> dict[str, set[str]]:
    found = {str(path.relative_to(ROOT)): check(path) for path in sources(FUNCTIONS / context)}
    return {path: bad for path, bad in found.items() if bad}


@pytest.mark.parametrize("path", sources(FUNCTIONS), ids=lambda p: str(p.relative_to(ROOT)))
def test_lambda_code_never_imports_infra_local_or_tests(path: Path) -> None:
    offending = {m for m in imported_modules(path) if m.split(".")[0] in ("infra", "local", "tests")}

    assert not offending, f"{path} imports {offending}"


@pytest.mark.parametrize("path", sources(FUNCTIONS / "common"), ids=lambda p: p.name)
def test_common_imports_no_context(path: Path) -> None:
    offending = {m for m in imported_modules(path) if m.startswith("functions.") and m.split(".")[1] != "common"}

    assert not offending, f"{path} imports {offending}"


@pytest.mark.parametrize("context", rule_cases("isolated"))
def test_contexts_never_import_each_other(context: str) -> None:
    def others(path: Path) -> set[str]:
        return {
            m
            for m in imported_modules(path)
            if m.startswith("functions.") and m.split(".")[1] not in ("common", context)
        }

    assert not offenders(context, others)


@pytest.mark.parametrize("context", rule_cases("sdk"))
def test_no_aws_sdk_above_store(context: str) -> None:
    """boto3, botocore and PynamoDB (and common/aws.py, common/dynamo.py) belong to store/; the
    composition root may import them to build clients (inside its providers)."""

    def sdk(path: Path) -> set[str]:
        if layer(path) == "store" or is_composition_root(path):
            return set()
        return {
            m
            for m in imported_modules(path)
            if m.split(".")[0] in AWS_SDKS or any(is_module(m, shared) for shared in AWS_SHARED)
        }

    assert not offenders(context, sdk)


@pytest.mark.parametrize("context", rule_cases("store"))
def test_only_the_composition_root_reaches_store(context: str) -> None:
    """Handlers, logic and models never import store/: handlers get stores through the providers of
    handlers/dependencies.py, logic through its ports."""
    store = f"functions.{context}.store"

    def reaches_store(path: Path) -> set[str]:
        if layer(path) == "store" or is_composition_root(path):
            return set()
        return {m for m in imported_modules(path) if is_module(m, store)}

    assert not offenders(context, reaches_store)


@pytest.mark.parametrize("context", rule_cases("lazy"))
def test_the_composition_root_imports_stores_inside_its_providers(context: str) -> None:
    """Cold start: handlers/dependencies.py imports store/ and the AWS SDKs in the providers that
    build them (type hints under `if TYPE_CHECKING:`), never when the handler module loads."""
    store = f"functions.{context}.store"

    def eager(path: Path) -> set[str]:
        if not is_composition_root(path):
            return set()
        found: set[str] = set()
        for node in parse(path).body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
        return {m for m in found if m.split(".")[0] in AWS_SDKS or any(is_module(m, p) for p in (*AWS_SHARED, store))}

    assert not offenders(context, eager)


@pytest.mark.parametrize("context", rule_cases("store_api"))
def test_stores_never_import_api_models(context: str) -> None:
    """Stores return the domain types of logic/, never the HTTP edge's models/api.py."""
    api = f"functions.{context}.models.api"

    def api_models(path: Path) -> set[str]:
        return {m for m in imported_modules(path) if is_module(m, api)} if layer(path) == "store" else set()

    assert not offenders(context, api_models)


@pytest.mark.parametrize("context", [*rule_cases("private"), "common"])
def test_no_module_imports_another_modules_private_names(context: str) -> None:
    def private(path: Path) -> set[str]:
        return {
            f"{node.module}.{alias.name}"
            for node in imports(path)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")
        }

    assert not offenders(context, private)


@pytest.mark.parametrize("context", [*rule_cases("doubles"), "common"])
def test_no_test_double_in_functions(context: str) -> None:
    """Fakes, in-memory stand-ins, stubs and recorders (test oracles too) live under tests/."""

    def doubles(path: Path) -> set[str]:
        named = {path.name} if TEST_DOUBLE_NAME.search(path.stem) else set()
        classes = {
            node.name
            for node in ast.walk(parse(path))
            if isinstance(node, ast.ClassDef) and TEST_DOUBLE_NAME.match(node.name)
        }
        return named | classes

    assert not offenders(context, doubles)


def test_the_rules_see_what_they_forbid(tmp_path: Path) -> None:
    """The checks above read imports inside functions too, and recognise doubles by name."""
    module = tmp_path / "handler.py"
    module.write_text("def provider():\n    import boto3\n    from functions.x.store.dynamo import _table\n")

    assert imported_modules(module) == {"boto3", "functions.x.store.dynamo"}
    assert TEST_DOUBLE_NAME.match("FakeClock")
    assert TEST_DOUBLE_NAME.match("InMemoryOrdersStore")
    assert TEST_DOUBLE_NAME.search("search_memory")
    assert not TEST_DOUBLE_NAME.match("CatalogIndexer")
