"""The command line's own words: usage errors in Dutch, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kindreflex_tui.cli import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--bogus"], "onbekende argumenten: --bogus"),
        (["lijst"], "ongeldige keuze: 'lijst'"),
        (["summary"], "dit ontbreekt: dossier"),
        (["protocol"], "dit ontbreekt: ACTIE"),
        (["summary", "X", "--format", "pdf"], "ongeldige keuze: 'pdf'"),
    ],
)
def test_usage_errors_are_dutch_and_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped command says what is wrong in Dutch and exits with code 2."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("gebruik: kindreflex")
    assert expected in err
    assert "Traceback" not in err


def test_help_is_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists the commands under Dutch headings."""
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: kindreflex")
    assert "opties:" in out
    assert "toon deze hulp" in out


def test_open_of_an_unknown_dossier_fails_before_the_app_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kindreflex open X` for a code that does not exist: one line, exit 1."""
    assert main(["open", "CL-BESTAAT-NIET", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "CL-BESTAAT-NIET" in err
    assert "Traceback" not in err
