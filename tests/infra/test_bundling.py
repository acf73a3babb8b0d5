"""Lambda assets: runtime requirements only, and one context's code per asset."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from infra.config import FUNCTIONS_DIR, LAYER_DIR, REPO_ROOT
from infra.constructs.bundling import ContextCodeBundling, DependenciesBundling, context_code_excludes

pytestmark = pytest.mark.infra

DEV_ONLY = ("moto", "pytest", "aws-cdk-lib", "cdk-nag", "mypy", "ruff", "tantivy", "hypothesis")


def test_layer_requirements_are_the_locked_runtime_dependencies() -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    exported = subprocess.run(
        [
            uv,
            "export",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            "--format",
            "requirements-txt",
            "--frozen",
            "--quiet",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pinned = lambda text: sorted(line for line in text.splitlines() if "==" in line and not line.startswith("#"))  # noqa: E731
    assert pinned((LAYER_DIR / "requirements.txt").read_text()) == pinned(exported), (
        "infra/layer/requirements.txt is stale: uv export --no-dev --no-emit-project --no-hashes "
        "--format requirements-txt > infra/layer/requirements.txt"
    )
    for name in DEV_ONLY:
        assert f"\n{name}==" not in exported


def test_context_code_holds_common_and_its_own_context_only(tmp_path: Path) -> None:
    assert ContextCodeBundling("vendor").try_bundle(str(tmp_path))
    package = tmp_path / "functions"
    assert sorted(p.name for p in package.iterdir()) == ["__init__.py", "common", "vendor"]
    assert (package / "vendor" / "wiring.py").is_file()
    assert not list(package.rglob("__pycache__"))
    assert {p.name for p in (package / "common").glob("*.py")} == {
        p.name for p in (FUNCTIONS_DIR / "common").glob("*.py")
    }


@pytest.mark.slow
def test_dependencies_layer_installs_arm64_wheels_for_the_lambda_python(tmp_path: Path) -> None:
    assert DependenciesBundling().try_bundle(str(tmp_path))
    site = tmp_path / "python"
    assert (site / "aws_lambda_powertools").is_dir()
    assert (site / "pynamodb").is_dir()
    compiled = [p.name for p in (site / "pydantic_core").glob("_pydantic_core*.so")]
    assert compiled
    assert all("aarch64" in name and "cpython-313" in name for name in compiled)
    assert not (site / "moto").exists()


def fingerprint(root: Path, context: str) -> str:
    from aws_cdk import FileSystem

    return FileSystem.fingerprint(str(root), exclude=context_code_excludes(context))


def test_context_asset_hash_changes_with_its_own_code_only(tmp_path: Path) -> None:
    # Given a copy of functions/ with two contexts
    root = tmp_path / "functions"
    (root / "common").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "common" / "api.py").write_text("A = 1\n")
    for context in ("vendor", "catalog"):
        (root / context).mkdir()
        (root / context / "wiring.py").write_text(f"NAME = {context!r}\n")
    before = fingerprint(root, "vendor")
    # When another context, a bytecode cache or a stray top-level file changes, the hash stays
    (root / "catalog" / "wiring.py").write_text("NAME = 'changed'\n")
    (root / "vendor" / "__pycache__").mkdir()
    (root / "vendor" / "__pycache__" / "wiring.cpython-311.pyc").write_bytes(b"\0")
    (root / "notes.txt").write_text("scratch")
    assert fingerprint(root, "vendor") == before
    # When its own code or common code changes, the hash changes
    (root / "vendor" / "wiring.py").write_text("NAME = 'v2'\n")
    after_own = fingerprint(root, "vendor")
    assert after_own != before
    (root / "common" / "api.py").write_text("A = 2\n")
    assert fingerprint(root, "vendor") != after_own
