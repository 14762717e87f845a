"""Durable, atomic file replacement: after a crash a file is old or new, never torn.

The recipe: a temp file in the same folder, write everything, fsync, `os.replace`, fsync
the folder. A failed fsync is never retried on the same data (after a failed fsync the
kernel may have dropped the dirty pages); the next save writes a fresh temp file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kindreflex_tui.errors import DossierError

log = logging.getLogger(__name__)

TEMP_MARK = ".kxtmp-"
"""Part of the name of every temp file we create; nothing else is ever cleaned up."""

_REASONS = {
    errno.ENOSPC: "schijf vol",
    errno.EDQUOT: "schijfquotum overschreden",
    errno.EIO: "schrijffout op de schijf",
    errno.EROFS: "alleen-lezen bestandssysteem",
    errno.EACCES: "geen schrijfrechten",
    errno.EPERM: "niet toegestaan",
    errno.ENOENT: "map bestaat niet (meer)",
    errno.EFBIG: "bestand te groot",
    errno.ENAMETOOLONG: "naam te lang",
}
_NO_DIR_SYNC = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EISDIR}
"""Folder-fsync errors that mean "not supported here" rather than "failed"."""


class AtomicWriteError(DossierError):
    """A failed write; `replaced` says whether the new file is in place anyway."""

    def __init__(self, message: str, *, where: str | None, replaced: bool) -> None:
        super().__init__(message, where=where)
        self.replaced = replaced


def describe_os_error(error: OSError) -> str:
    """A short Dutch reason for an OSError with its errno: "schijf vol (ENOSPC)"."""
    code = error.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    reason = _REASONS.get(code) if code is not None else None
    reason = reason or (error.strerror or str(error) or "onbekende fout")
    return f"{reason} ({name})" if name else reason


def temp_prefix(path: Path) -> str:
    """The prefix of the temp files that stand in for `path` while it is written."""
    return f".{path.name}{TEMP_MARK}"


def is_temp_file(path: Path) -> bool:
    """Whether a file name is one of our temp files."""
    return path.name.startswith(".") and TEMP_MARK in path.name


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte, also when the OS accepts only part of it per call."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_file(fd: int) -> None:
    """Flush a file to stable storage (F_FULLFSYNC on macOS: fsync falls short)."""
    if sys.platform == "darwin":
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
    os.fsync(fd)


def sync_folder(folder: Path) -> None:
    """Make renames in a folder durable (POSIX); a no-op on Windows."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _NO_DIR_SYNC:
            raise
        # Some network and FUSE file systems cannot sync a folder.
        log.warning(
            "map %s kan niet gesynchroniseerd worden: duurzaamheid niet "
            "gegarandeerd (%s)",
            folder,
            describe_os_error(error),
        )
    finally:
        os.close(fd)


def replace(source: str | Path, target: str | Path) -> None:
    """`os.replace`, retried for about a second on Windows while a scanner holds it."""
    if os.name != "nt":
        os.replace(source, target)
        return
    for _ in range(4):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            time.sleep(0.25)
    os.replace(source, target)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically and durably; AtomicWriteError if not.

    On failure the old file is left as it was and no temp file stays behind, except when
    only the final folder sync failed: then `replaced` is true on the error.
    """
    path = Path(path)
    folder = path.parent
    where = str(path)
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=temp_prefix(path))
    except OSError as error:
        message = f"opslaan mislukt: {describe_os_error(error)}"
        raise AtomicWriteError(message, where=where, replaced=False) from None

    try:
        try:
            _write_all(fd, data)
            _sync_file(fd)
        finally:
            os.close(fd)
        replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        message = f"opslaan mislukt: {describe_os_error(error)}"
        raise AtomicWriteError(message, where=where, replaced=False) from None
    except BaseException:  # interrupted: leave no temp file behind
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

    try:
        sync_folder(folder)
    except OSError as error:
        message = (
            f"opgeslagen, maar niet gegarandeerd bewaard bij stroomuitval: "
            f"{describe_os_error(error)}"
        )
        raise AtomicWriteError(message, where=where, replaced=True) from None


def make_private_folder(folder: Path) -> bool:
    """Create a folder only its owner may enter (0700); warn if one exists looser.

    Returns whether it was created. OSError when it cannot be made.
    """
    folder = Path(folder)
    try:
        folder.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "geen map", str(folder)) from None
        created = False
    else:
        created = True
    if os.name == "nt":
        return created
    if created:
        os.chmod(folder, 0o700)
    mode = stat.S_IMODE(os.stat(folder).st_mode)
    if mode & 0o077:
        log.warning(
            "map %s is toegankelijk voor anderen (rechten %o); beperk ze met "
            "`chmod 700 %s`",
            folder,
            mode,
            folder,
        )
    return created


def clean_orphans(
    folder: Path, *, in_use: Callable[[Path], bool] | None = None
) -> list[Path]:
    """Delete our own temp files left by a crash; return what was removed.

    `in_use` can spare temp files that a live process may still be writing.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        log.warning("map %s niet leesbaar: %s", folder, describe_os_error(error))
        return removed
    for entry in entries:
        candidate = Path(entry.path)
        if not is_temp_file(candidate) or not entry.is_file(follow_symlinks=False):
            continue
        if in_use is not None and in_use(candidate):
            continue
        try:
            os.unlink(candidate)
        except FileNotFoundError:
            continue
        except OSError as error:
            log.warning(
                "tijdelijk bestand %s niet verwijderd: %s",
                candidate,
                describe_os_error(error),
            )
            continue
        removed.append(candidate)
    if removed:
        log.info(
            "%d achtergebleven tijdelijke bestanden opgeruimd in %s",
            len(removed),
            folder,
        )
    return removed
