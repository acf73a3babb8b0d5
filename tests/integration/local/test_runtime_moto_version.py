"""The local runtime refuses to start on a moto its patches were not written for, before starting
anything, instead of running moto unpatched. (Not a unit test only because asyncio's event loop
opens a socket pair.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from local.aws.patches import PINNED_MOTO_VERSION, UnsupportedMoto
from local.config import RuntimeConfig
from local.runtime import Runtime
from tests.support.loop import run


def test_the_runtime_stops_on_another_moto_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given another moto than the pinned one
    import moto

    monkeypatch.setattr(moto, "__version__", "5.3.0")
    runtime = Runtime(RuntimeConfig(data_dir=tmp_path / "data"))

    # When the runtime starts, it stops with both versions named
    try:
        with pytest.raises(UnsupportedMoto, match=rf"moto 5\.3\.0 is installed.*moto {PINNED_MOTO_VERSION} only"):
            run(runtime.start())
    finally:
        run(runtime.stop())

    # Then nothing was started or written
    assert runtime._moto is None
    assert not (tmp_path / "data").exists()
