"""A plain (non-editable) install carries the shipped protocol and finds it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
"""The source checkout holding pyproject.toml."""

pytestmark = pytest.mark.slow


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout, as `pip install .` would build it."""
    out = tmp_path_factory.mktemp("wheel")
    # Offline when the build backend is already here; else pip fetches it as usual.
    isolation = (
        ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    )
    _pip("wheel", ".", "--no-deps", *isolation, "-w", str(out), cwd=ROOT)
    [built] = out.glob("kindreflex_tui-*.whl")
    return built


def _shipped_step_files() -> list[str]:
    head = tomllib.loads((ROOT / "protocol/caw/protocol.toml").read_text("utf-8"))
    return list(head["protocol"]["steps"])


def test_the_wheel_holds_the_protocol_and_every_step_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kindreflex_tui/protocols/caw/protocol.toml" in names
    steps = _shipped_step_files()
    assert len(steps) == 6
    for step in steps:
        assert f"kindreflex_tui/protocols/caw/{step}" in names
    assert "kindreflex_tui/protocol/loader.py" in names


def test_an_installed_wheel_finds_and_loads_its_own_protocol(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(site), str(wheel), cwd=tmp_path)
    probe = (
        "import json, kindreflex_tui\n"
        "from kindreflex_tui.protocol.loader import load_protocol, "
        "shipped_protocols_root\n"
        "p = load_protocol()\n"
        "print(json.dumps({'package': kindreflex_tui.__file__, "
        "'root': str(shipped_protocols_root()), 'steps': len(p.steps), "
        "'sha256': p.sha256}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert Path(seen["package"]).is_relative_to(site)
    assert Path(seen["root"]) == site / "kindreflex_tui" / "protocols"
    assert seen["steps"] == 6
    from kindreflex_tui.protocol.loader import load_protocol

    assert seen["sha256"] == load_protocol().sha256, "same files as the checkout"
