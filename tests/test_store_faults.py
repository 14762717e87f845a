"""I/O errors at each system call of a save: the old file survives, the next save works.

The recipe follows SQLite's I/O-error tests: every call a save makes is failed in turn
with EIO and with ENOSPC, on a fresh copy of the same situation.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kindreflex_tui.dossier.atomic import TEMP_MARK, write_atomic
from kindreflex_tui.dossier.store import DossierStore, OpenDossier, read_dossier
from kindreflex_tui.errors import DossierError

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import add_events, make_dossier

SAVE_CALLS = [
    "link .bak",
    "replace .bak",
    "write .json",
    "fsync .json",
    "replace .json",
    "fsync folder",
]
"""The system calls one save of an existing dossier makes, in order."""

BEFORE_REPLACE = {"write .json", "fsync .json", "replace .json"}
"""Failures that must leave the old file exactly as it was."""


class Faults:
    """Wraps os.link/replace/write/fsync: records each call and fails a chosen one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.fail: str | None = None
        self.code = errno.EIO
        self.failed: str | None = None
        self.active = False
        self._fd_names: dict[int, str] = {}
        for name in ("link", "replace", "write", "fsync"):
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _label(self, name: str, args: tuple[Any, ...]) -> str:
        if name in ("link", "replace"):
            target = os.fspath(args[1])
            kind = ".bak" if ".bak" in Path(target).name else Path(target).suffix
            return f"{name} {kind}"
        fd = args[0]
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            return f"{name} folder"
        return f"{name} .json"

    def _wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not self.active:
                return real(*args, **kwargs)
            label = self._label(name, args)
            self.calls.append(label)
            if label == self.fail and self.failed is None:
                self.failed = label
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return call

    def save(
        self, opened: OpenDossier, fail: str | None, code: int
    ) -> Exception | None:
        """Save once with the named call failing; return the error raised, if any."""
        self.calls, self.fail, self.code, self.failed = [], fail, code, None
        self.active = True
        try:
            opened.save()
        except Exception as error:
            return error
        finally:
            self.active = False
        return None


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


@pytest.fixture
def opened(tmp_path: Path) -> OpenDossier:
    """A dossier saved twice (so it has a backup), with unsaved changes in memory."""
    store = DossierStore(tmp_path / "data")
    opened = store.create(make_dossier(events=10), holder="Els")
    add_events(opened.dossier, 1)
    opened.save()
    add_events(opened.dossier, 5)
    yield opened
    opened.close()


def test_a_save_makes_the_calls_this_matrix_fails(
    opened: OpenDossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = Faults(monkeypatch)
    assert faults.save(opened, None, errno.EIO) is None
    assert faults.calls == SAVE_CALLS


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC], ids=["EIO", "ENOSPC"])
@pytest.mark.parametrize("call", SAVE_CALLS)
def test_a_failing_call_never_costs_the_saved_dossier(
    opened: OpenDossier, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    path = opened.path
    old = path.read_bytes()
    wanted = opened.dossier.model_dump_json(indent=2).encode()
    faults = Faults(monkeypatch)

    error = faults.save(opened, call, code)

    assert faults.failed == call
    assert leftovers(path.parent) == []
    if call in BEFORE_REPLACE:
        assert isinstance(error, DossierError)
        assert path.read_bytes() == old
        name = errno.errorcode[code]
        assert str(error) == f"{path}: opslaan mislukt: " + (
            f"schijf vol ({name})"
            if code == errno.ENOSPC
            else f"schrijffout op de schijf ({name})"
        )
    elif call == "fsync folder":
        assert isinstance(error, DossierError)
        assert "niet gegarandeerd bewaard" in str(error)
        assert path.read_bytes() == wanted
    else:
        # Only the backup step failed: it falls back to a copy and the save goes on.
        assert error is None
        assert path.read_bytes() == wanted
        assert path.with_name(path.name + ".bak").read_bytes() == old
    assert "\n" not in str(error or "")

    read_dossier(path)
    assert faults.save(opened, None, code) is None
    assert read_dossier(path) == opened.dossier
    assert leftovers(path.parent) == []


def test_a_failed_fsync_is_not_retried_on_the_same_data(
    opened: OpenDossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = Faults(monkeypatch)
    faults.save(opened, "fsync .json", errno.EIO)
    assert faults.calls.count("fsync .json") == 1
    assert "replace .json" not in faults.calls


def test_a_write_split_into_small_pieces_still_lands_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[:1000]))
    path = tmp_path / "stukjes.json"
    data = make_dossier(events=100).model_dump_json(indent=2).encode()
    write_atomic(path, data)
    assert path.read_bytes() == data


def test_a_folder_without_fsync_support_still_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_fsync = os.fsync

    def no_folder_sync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", no_folder_sync)
    path = tmp_path / "netwerk.json"
    write_atomic(path, b"{}")
    assert path.read_bytes() == b"{}"
    assert "duurzaamheid niet gegarandeerd" in caplog.text


def test_a_full_disk_when_creating_the_temp_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    path = tmp_path / "vol.json"
    path.write_bytes(b"oud")
    with pytest.raises(DossierError, match=r"schijf vol \(ENOSPC\)$"):
        write_atomic(path, b"nieuw")
    assert path.read_bytes() == b"oud"


def test_an_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    path = tmp_path / "onderbroken.json"
    path.write_bytes(b"oud")
    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"nieuw")
    assert path.read_bytes() == b"oud"
    assert leftovers(tmp_path) == []
