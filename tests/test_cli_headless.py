"""The headless commands start without Textual (and --version, --help without pydantic).

Each case runs `kindreflex` in a fresh interpreter and reads back which of the heavy
packages got imported, and the exit code and output a user would see.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kindreflex_tui.demo import write_demo

RUN = """
import json, sys
from kindreflex_tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "pydantic", "rich"})
sys.stderr.write("\\n@@" + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""
"""Runs the CLI and reports the exit code and the heavy packages it imported."""


@dataclass
class Outcome:
    """What one run of kindreflex did."""

    code: int
    stdout: str
    stderr: str
    heavy: set[str]


def kindreflex(*argv: str, env: dict[str, str] | None = None) -> Outcome:
    """Run kindreflex with these arguments in a new Python process, stdout a pipe."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=env,
        check=False,
    )
    stderr, _, report = done.stderr.rpartition("\n@@")
    data = json.loads(report)
    return Outcome(data["code"] or 0, done.stdout, stderr.strip(), set(data["heavy"]))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo dossiers and one broken file."""
    folder = tmp_path_factory.mktemp("data")
    write_demo(folder)
    (folder / "kapot.json").write_text('{"id": ', encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_summary_never_imports_textual_nor_rich_when_piped(
    demo_dir: Path, fmt: str
) -> None:
    """A piped summary runs on the plain path: no Textual, no rich."""
    run = kindreflex("summary", "DEMO-03", "--format", fmt, "--data-dir", str(demo_dir))
    assert run.code == 0, run.stderr
    assert "DEMO-03" in run.stdout
    assert run.heavy.isdisjoint({"textual", "rich"})


def test_redacted_summary_never_imports_textual(demo_dir: Path) -> None:
    """The redacted summary is headless too."""
    run = kindreflex("summary", "DEMO-04", "--redact", "--data-dir", str(demo_dir))
    assert run.code == 0 and "Kind 1" in run.stdout
    assert "textual" not in run.heavy


def test_list_never_imports_textual(demo_dir: Path) -> None:
    """`kindreflex list` is headless, and lists the broken file instead of failing."""
    run = kindreflex("list", "--data-dir", str(demo_dir))
    assert run.code == 0
    assert "ONLEESBAAR" in run.stdout
    assert run.heavy.isdisjoint({"textual", "rich"})


def test_schema_never_imports_textual() -> None:
    """`kindreflex schema` prints the JSON Schema without Textual."""
    run = kindreflex("schema")
    assert run.code == 0 and json.loads(run.stdout)["title"] == "Dossier"
    assert "textual" not in run.heavy


def test_protocol_check_never_imports_textual() -> None:
    """`kindreflex protocol check` is headless."""
    run = kindreflex("protocol", "check")
    assert run.code == 0, run.stderr
    assert "textual" not in run.heavy


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_neither_textual_nor_pydantic(flag: str) -> None:
    """--version and --help answer at once: no Textual, no pydantic."""
    run = kindreflex(flag)
    assert run.code == 0
    assert "kindreflex" in run.stdout
    assert run.heavy == set()


def test_unknown_dossier_is_one_line_on_stderr_and_exit_1(demo_dir: Path) -> None:
    """An unknown reference: one line naming it, exit 1, no traceback."""
    run = kindreflex("summary", "DEMO-99", "--data-dir", str(demo_dir))
    assert run.code == 1
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith("kindreflex: ") and "DEMO-99" in run.stderr


def test_invalid_dossier_file_is_one_line_on_stderr_and_exit_1(demo_dir: Path) -> None:
    """A broken dossier file: one line with the file and the problem, exit 1."""
    run = kindreflex("summary", str(demo_dir / "kapot.json"))
    assert run.code == 1
    assert len(run.stderr.splitlines()) == 1
    assert "kapot.json" in run.stderr and "Traceback" not in run.stderr


def test_usage_error_exits_2(demo_dir: Path) -> None:
    """An unknown format is a usage error: exit 2."""
    run = kindreflex("summary", "DEMO-01", "--format", "pdf")
    assert run.code == 2
    assert "pdf" in run.stderr
