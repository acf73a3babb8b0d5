"""Lambda assets built without Docker: a dependencies layer and one code asset per context.

The layer holds the runtime requirements only (infra/layer/requirements.txt, exported from the
lock file without dev groups); the code asset holds `functions/__init__.py`, `functions/common/`
and `functions/<context>/`. Both are hashed from their sources.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra.config import FUNCTIONS_DIR, LAYER_DIR

PYTHON_VERSION = "3.13"
PLATFORM = "manylinux2014_aarch64"  # keep in step with function.py's ARM_64 architecture
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")


def installer() -> list[str]:
    """uv (on PATH, or as `python3 -m uv` as the Makefile installs it), else pip of this Python."""
    uv = shutil.which("uv")
    if uv:
        return [uv]
    python3 = shutil.which("python3")
    if python3 is None:
        return []
    probe = subprocess.run([python3, "-m", "uv", "--version"], capture_output=True, check=False)  # noqa: S603
    return [python3, "-m", "uv"] if probe.returncode == 0 else []


def pip_command(requirements: Path, target: Path) -> list[str]:
    """Install wheels for Lambda arm64 (never sdists: nothing is compiled on this machine)."""
    uv = installer()
    if uv:
        return [
            *uv, "pip", "install", "--no-deps", "--only-binary", ":all:", "--python-platform",
            "aarch64-manylinux2014", "--python-version", PYTHON_VERSION, "--target", str(target),
            "--requirement", str(requirements),
        ]  # fmt: skip
    return [
        sys.executable, "-m", "pip", "install", "--no-deps", "--only-binary=:all:", "--platform", PLATFORM,
        "--python-version", PYTHON_VERSION, "--implementation", "cp", "--target", str(target),
        "--requirement", str(requirements),
    ]  # fmt: skip


@jsii.implements(ILocalBundling)
class DependenciesBundling:
    def try_bundle(self, output_dir: str, *_: Any, **__: Any) -> bool:
        target = Path(output_dir) / "python"
        subprocess.run(pip_command(LAYER_DIR / "requirements.txt", target), check=True)  # noqa: S603
        return True


@jsii.implements(ILocalBundling)
class ContextCodeBundling:
    def __init__(self, context: str) -> None:
        self.context = context

    def try_bundle(self, output_dir: str, *_: Any, **__: Any) -> bool:
        out = Path(output_dir) / "functions"
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy2(FUNCTIONS_DIR / "__init__.py", out / "__init__.py")
        for package in ("common", self.context):
            shutil.copytree(FUNCTIONS_DIR / package, out / package, ignore=_IGNORED, dirs_exist_ok=True)
        return True


def _bundling(local: ILocalBundling) -> BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return BundlingOptions(image=DockerImage.from_registry("local-bundling-only"), local=local)


def dependencies_hash(requirements: str, python_version: str = PYTHON_VERSION, platform: str = PLATFORM) -> str:
    """Everything that shapes the layer: the pinned requirements, the Python version and the
    platform (architecture) the wheels are chosen for. A change to any of them is a new layer."""
    shaped_by = json.dumps({"requirements": requirements, "python": python_version, "platform": platform})
    return hashlib.sha256(shaped_by.encode()).hexdigest()


def dependencies_code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(LAYER_DIR),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=dependencies_hash((LAYER_DIR / "requirements.txt").read_text()),
        exclude=["*", "!requirements.txt"],
        bundling=_bundling(DependenciesBundling()),
    )


def context_code_excludes(context: str) -> list[str]:
    """Everything under functions/ except the package root, common/ and the context itself."""
    return ["*", "!__init__.py", "!common", "!common/**", f"!{context}", f"!{context}/**", "__pycache__", "*.pyc"]


def context_code(context: str) -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(FUNCTIONS_DIR),
        asset_hash_type=AssetHashType.SOURCE,
        exclude=context_code_excludes(context),
        bundling=_bundling(ContextCodeBundling(context)),
    )
