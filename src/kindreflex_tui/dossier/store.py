"""The dossier folder: reading, listing, locking and crash-safe saving of dossiers.

Each dossier is `<id>.json` in the data folder, next to `<id>.json.bak` (the previous
version), `<id>.lock` (held while a process has it open for writing) and `<id>.holder`
(who holds that lock). The folder is 0700 and every file 0600.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import logging
import os
import re
import secrets
import socket
import stat
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import pydantic_core
from pydantic import ValidationError

from kindreflex_tui.dossier.atomic import (
    TEMP_MARK,
    AtomicWriteError,
    clean_orphans,
    describe_os_error,
    make_private_folder,
    replace,
    write_atomic,
)
from kindreflex_tui.dossier.migrations import FutureSchemaError, migrate
from kindreflex_tui.dossier.model import SCHEMA_VERSION, Dossier, DossierId
from kindreflex_tui.errors import DossierError, DossierLockedError, ReadOnlyDossierError

if TYPE_CHECKING:
    from filelock import FileLock


def _locks() -> Any:
    """The filelock module, imported when a dossier is first locked, not at start-up."""
    import filelock

    return filelock


log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024
"""The largest dossier file we read; a real one is well under 1 MB."""

ID_PATTERN = re.compile(DossierId.__metadata__[0].pattern)
"""What a dossier id (and so a file name) may look like."""

UNKNOWN_HOLDER = "een ander kindreflex-proces"
"""Who holds a lock when its holder file cannot be read."""

_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "string_type": "moet tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "is te lang",
    "string_pattern_mismatch": "heeft een ongeldige vorm",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "literal_error": "heeft een onbekende waarde",
    "date_type": "moet een datum zijn (jjjj-mm-dd)",
    "date_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "date_from_datetime_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "date_from_datetime_inexact": "moet een datum zijn (jjjj-mm-dd)",
    "datetime_type": "moet een tijdstip zijn",
    "datetime_parsing": "moet een tijdstip zijn",
    "datetime_from_date_parsing": "moet een tijdstip zijn",
    "timezone_aware": "tijdstip zonder tijdzone",
    "greater_than_equal": "is te klein",
}


class Stamp(NamedTuple):
    """What identifies one version of a file on disk, to notice writes by others."""

    inode: int
    size: int
    mtime_ns: int


def _stamp(result: os.stat_result) -> Stamp:
    return Stamp(result.st_ino, result.st_size, result.st_mtime_ns)


def _current_stamp(path: Path) -> Stamp | None:
    """The stamp of the file now on disk, or None when there is none."""
    try:
        return _stamp(os.stat(path))
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class DossierListing:
    """One `*.json` file in the data folder: the dossier, or why it cannot be read."""

    path: Path
    dossier: Dossier | None
    error: str | None = None


@dataclass
class _Loaded:
    """A dossier as read from disk, with what the store needs to save it safely."""

    dossier: Dossier
    original_version: int
    notes: list[str]
    stamp: Stamp


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fail(path: Path, message: str) -> DossierError:
    return DossierError(_one_line(message), where=_one_line(str(path)))


def _read_file(path: Path) -> tuple[bytes, Stamp]:
    """The bytes of a dossier file and its stamp; DossierError for any failure."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _fail(path, "bestand bestaat niet") from None
    except PermissionError:
        raise _fail(path, "geen leesrechten op dit bestand") from None
    except OSError as error:
        raise _fail(path, f"niet leesbaar: {describe_os_error(error)}") from None

    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _fail(path, "is een map, geen dossierbestand")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, "is geen gewoon bestand")
        if info.st_size > MAX_BYTES:
            raise _fail(path, _too_big(info.st_size))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise _fail(path, f"niet leesbaar: {describe_os_error(error)}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(path, _too_big(len(raw)))
    return raw, _stamp(info)


def _too_big(size: int) -> str:
    limit = MAX_BYTES // 10**6
    return f"te groot ({size / 1e6:.0f} MB; een dossier is hoogstens {limit} MB)"


def _json_problem(error: ValueError) -> str:
    """A Dutch one-line reason for a JSON syntax error from the parser."""
    message = str(error)
    if "recursion limit" in message:
        return "te diep genest om een dossier te zijn"
    found = re.search(r"line (\d+) column (\d+)", message)
    where = f"regel {found[1]}, kolom {found[2]}" if found else "onbekende plaats"
    if "EOF" in message:
        return f"onvolledig: het bestand houdt halverwege op ({where})"
    return f"geen geldige JSON ({where})"


def _loc(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "dossier"


def _validation_problem(error: ValidationError) -> str:
    """The first validation error in Dutch: which key, what is wrong, how many."""
    items = error.errors(include_url=False, include_input=False)
    first = items[0]
    reason = _MESSAGES.get(first["type"], f"ongeldige waarde ({first['type']})")
    more = f" (en nog {len(items) - 1} fout(en))" if len(items) > 1 else ""
    return f"geen geldig dossier: {_loc(first['loc'])}: {reason}{more}"


def _future_view(data: dict[str, Any]) -> Dossier | None:
    """A best-effort, read-only view of a newer dossier: only the keys we know."""
    data = copy.deepcopy(data)
    for _ in range(2):
        try:
            return Dossier.model_validate(data)
        except ValidationError as error:
            unknown = [
                item["loc"]
                for item in error.errors(include_url=False, include_input=False)
                if item["type"] == "extra_forbidden"
            ]
            if not unknown:
                return None
            for loc in unknown:
                holder: Any = data
                for part in loc[:-1]:
                    holder = holder[part]
                holder.pop(loc[-1], None)
    return None


def parse_dossier(raw: bytes, path: Path) -> tuple[Dossier, int, list[str]]:
    """Validate dossier bytes, migrating old ones; return it, its version, notes."""
    if not raw.strip():
        raise _fail(path, "bestand is leeg")
    try:
        dossier = Dossier.model_validate_json(raw)
    except ValidationError:
        pass
    else:
        if dossier.schema_version == SCHEMA_VERSION:
            return dossier, SCHEMA_VERSION, []

    raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in raw[:4096]:
        raise _fail(path, "binair bestand, geen JSON-dossier")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(
            path, f"geen UTF-8-tekst (byte {error.start}); binair bestand?"
        ) from None
    try:
        data = pydantic_core.from_json(raw)
    except ValueError as error:
        raise _fail(path, _json_problem(error)) from None

    try:
        migrated, notes = migrate(data)
    except FutureSchemaError as error:
        future = FutureSchemaError(error.found, where=str(path))
        future.view = _future_view(data)
        raise future from None
    except DossierError as error:
        raise _fail(path, error.message) from None
    try:
        dossier = Dossier.model_validate(migrated)
    except ValidationError as error:
        raise _fail(path, _validation_problem(error)) from None
    return dossier, data["schema_version"], notes


def _load(path: Path) -> _Loaded:
    raw, stamp = _read_file(path)
    dossier, version, notes = parse_dossier(raw, path)
    for note in notes:
        log.info("%s: %s", path, note)
    return _Loaded(dossier, version, notes, stamp)


def _load_or_point_to_backup(path: Path) -> _Loaded:
    """Load a dossier; if it is unreadable, say so and point to a readable backup."""
    try:
        return _load(path)
    except FutureSchemaError:
        raise
    except DossierError as error:
        backup = path.with_name(path.name + ".bak")
        try:
            _load(backup)
        except DossierError:
            raise error from None
        raise DossierError(
            f"{error.message}; de vorige versie staat nog in {backup.name}",
            where=error.where,
        ) from None


def read_dossier(path: Path) -> Dossier:
    """Read and validate one dossier file, migrating it in memory; never writes.

    Every problem raises DossierError with one line naming the file and what is wrong;
    a dossier from a newer kindreflex raises FutureSchemaError (with a `view`, if any).
    """
    return _load(Path(path)).dossier


def _holder_text(path: Path) -> str:
    """Who holds a dossier's lock, for the counsellor: "Els (pid 12) sinds 14:02"."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        name, pid = str(info["name"]), int(info["pid"])
        since = datetime.fromisoformat(info["since"]).astimezone()
    except (OSError, ValueError, KeyError, TypeError):
        return UNKNOWN_HOLDER
    host = info.get("host")
    where = f" op {host}" if host and host != socket.gethostname() else ""
    when = f"{since:%H:%M}" if since.date() == date.today() else f"{since:%d-%m %H:%M}"
    return f"{name} (pid {pid}{where}) sinds {when}"


def _lock_for(path: Path) -> FileLock:
    return _locks().FileLock(
        path.with_suffix(".lock"), timeout=0, mode=0o600, thread_local=False
    )


def _holder_path(path: Path) -> Path:
    return path.with_suffix(".holder")


class OpenDossier:
    """A dossier opened for work: save it (unless read-only), then close it."""

    def __init__(
        self,
        dossier: Dossier,
        path: Path,
        *,
        readonly: bool = False,
        held_by: str | None = None,
        readonly_reason: str | None = None,
        notes: list[str] | None = None,
        _lock: FileLock | None = None,
        _stamp: Stamp | None = None,
        _original_version: int = SCHEMA_VERSION,
    ) -> None:
        self.dossier = dossier
        self.path = path
        self.readonly = readonly
        self.held_by = held_by
        self.readonly_reason = readonly_reason
        self.notes = notes or []
        """What a migration changed when the file was read, for the counsellor."""
        self._lock = _lock
        self._stamp = _stamp
        self._original_version = _original_version
        self._guard = threading.Lock()
        self._closed = False

    def serialise(self) -> bytes:
        """The dossier as the JSON bytes `save` writes; call it where edits happen."""
        try:
            return self.dossier.model_dump_json(indent=2).encode("utf-8")
        except (ValueError, TypeError) as error:
            raise _fail(self.path, f"niet opgeslagen: {error}") from None

    def save(self, payload: bytes | None = None) -> None:
        """Write the dossier durably, keeping the previous version as `<id>.json.bak`.

        `payload` is a `serialise()` result taken earlier, so a worker thread can write
        while the dossier is being edited. Refuses (DossierError) when the file changed
        on disk since it was read or written here; ReadOnlyDossierError when read-only.
        """
        with self._guard:
            if self.readonly:
                reason = self.readonly_reason or "alleen-lezen geopend"
                raise ReadOnlyDossierError(
                    _one_line(f"niet opgeslagen: {reason}"), where=str(self.path)
                )
            if self._closed:
                raise _fail(self.path, "niet opgeslagen: het dossier is al gesloten")
            data = payload if payload is not None else self.serialise()

            self._check_unchanged()
            if self._original_version < SCHEMA_VERSION:
                self._keep_original()
            if self._stamp is not None:
                self._keep_previous()
            try:
                write_atomic(self.path, data)
            except AtomicWriteError as error:
                if error.replaced:
                    self._written()
                raise
            self._written()

    def _written(self) -> None:
        self._stamp = _current_stamp(self.path)
        self._original_version = SCHEMA_VERSION

    def _check_unchanged(self) -> None:
        """Refuse to overwrite a version of the file that this process has not seen."""
        current = _current_stamp(self.path)
        if current == self._stamp:
            return
        if current is None:
            raise _fail(
                self.path,
                "niet opgeslagen: het bestand is verdwenen sinds het geopend werd",
            )
        raise _fail(
            self.path,
            "niet opgeslagen: het bestand werd intussen door een ander proces "
            "gewijzigd; sluit en open het dossier opnieuw",
        )

    def _link_copy(self, target: Path) -> None:
        """Make `target` hold the current file, via a hard link (cheap) or a copy."""
        with contextlib.suppress(OSError):
            if os.path.samefile(self.path, target):
                return  # Already a link to it (the last save failed after the backup).
        temp = target.with_name(f".{target.name}{TEMP_MARK}{secrets.token_hex(4)}")
        try:
            os.link(self.path, temp)
        except OSError:
            write_atomic(target, self.path.read_bytes())
            return
        try:
            replace(temp, target)
        except OSError:
            write_atomic(target, self.path.read_bytes())
        finally:
            # A rename onto another link of the same file does nothing: tidy up.
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _keep_previous(self) -> None:
        """Keep the version about to be replaced as `<id>.json.bak`; else warn."""
        backup = self.path.with_name(self.path.name + ".bak")
        try:
            self._link_copy(backup)
        except (OSError, DossierError) as error:
            log.warning("%s: vorige versie niet bewaard als .bak: %s", self.path, error)

    def _keep_original(self) -> None:
        """Keep the file as written by the older version before its first rewrite."""
        original = self.path.with_name(
            f"{self.path.stem}.v{self._original_version}.bak"
        )
        if original.exists():
            return
        try:
            self._link_copy(original)
        except (OSError, DossierError) as error:
            reason = (
                error.message
                if isinstance(error, DossierError)
                else (describe_os_error(error))
            )
            raise _fail(
                self.path,
                f"niet opgeslagen: kopie van het oorspronkelijke bestand (schema "
                f"{self._original_version}) kon niet gemaakt worden: {reason}",
            ) from None

    def close(self) -> None:
        """Release the lock and remove the holder file; safe to call twice."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            if self._lock is not None:
                with contextlib.suppress(OSError):
                    os.unlink(_holder_path(self.path))
                self._lock.release(force=True)
                self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class DossierStore:
    """The data folder holding the dossiers; opens, creates, lists and locks them."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        try:
            make_private_folder(self.directory)
        except OSError as error:
            raise _fail(
                self.directory,
                f"gegevensmap niet bruikbaar: {describe_os_error(error)}",
            ) from None
        # TODO: warn when the folder is on a network or cloud-synced drive, where
        # file locks are unreliable; for now the README must say "local disk only".
        clean_orphans(self.directory, in_use=self._temp_in_use)

    def _temp_in_use(self, temp: Path) -> bool:
        """Whether a temp file belongs to a dossier another process holds open."""
        dossier_id = temp.name[1:].split(".", 1)[0]
        lock_path = temp.with_name(f"{dossier_id}.lock")
        if not lock_path.exists():
            return False
        lock = _locks().FileLock(lock_path, timeout=0, mode=0o600, thread_local=False)
        try:
            lock.acquire()
        except _locks().Timeout:
            return True
        except OSError:
            return True
        lock.release(force=True)
        return False

    def path_for(self, dossier_id: str) -> Path:
        """The file of a dossier: `<folder>/<id>.json`; only ever built from an id."""
        if not ID_PATTERN.fullmatch(dossier_id):
            raise DossierError(f"ongeldige dossier-id {dossier_id!r}")
        return self.directory / f"{dossier_id}.json"

    def new_id(self) -> str:
        """A fresh id from today's date and random hex, e.g. kx-20261203-3f9a1c."""
        while True:
            candidate = f"kx-{date.today():%Y%m%d}-{secrets.token_hex(3)}"
            if not self.path_for(candidate).exists():
                return candidate

    def resolve(self, ref: str) -> Path:
        """The file a reference points at: a path, a dossier id or a client code."""
        ref = ref.strip()
        if not ref:
            raise DossierError("geen dossier opgegeven")
        missing_path: Path | None = None
        if "/" in ref or os.sep in ref or ref.endswith(".json"):
            candidate = Path(ref).expanduser()
            inside = self.directory / ref
            if candidate.exists():
                return candidate
            if Path(ref).name == ref and inside.exists():
                return inside
            # Not a file: it may still be a client code with a slash in it.
            missing_path = candidate
        if ID_PATTERN.fullmatch(ref) and self.path_for(ref).exists():
            return self.path_for(ref)

        wanted = ref.casefold()
        matches = [
            listing
            for listing in self.scan()
            if listing.dossier and listing.dossier.client_ref.casefold() == wanted
        ]
        if len(matches) == 1:
            return matches[0].path
        if matches:
            ids = ", ".join(m.dossier.id for m in matches if m.dossier)
            raise DossierError(
                f"cliëntcode {ref!r} hoort bij meerdere dossiers ({ids}); "
                "kies er één met zijn id"
            )
        if missing_path is not None:
            raise _fail(missing_path, "bestand bestaat niet, en ook geen cliëntcode zo")
        raise DossierError(
            f"geen dossier met id of cliëntcode {ref!r}", where=str(self.directory)
        )

    def load(self, ref: str) -> Dossier:
        """Read a dossier without locking it (for summaries and lists)."""
        return _load_or_point_to_backup(self.resolve(ref)).dossier

    def scan(self) -> list[DossierListing]:
        """Every `*.json` dossier in the folder; unreadable ones with the reason."""
        listings = []
        try:
            entries = sorted(os.scandir(self.directory), key=lambda e: e.name)
        except OSError as error:
            raise _fail(
                self.directory, f"map niet leesbaar: {describe_os_error(error)}"
            ) from None
        for entry in entries:
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                loaded = _load_or_point_to_backup(path)
                listings.append(DossierListing(path, loaded.dossier))
            except DossierError as error:
                listings.append(DossierListing(path, None, error.message))
        return listings

    def create(self, dossier: Dossier, *, holder: str) -> OpenDossier:
        """Write a new dossier and keep it open (locked); refuse an id in use."""
        path = self.path_for(dossier.id)
        lock = _lock_for(path)
        try:
            lock.acquire()
        except _locks().Timeout:
            held_by = _holder_text(_holder_path(path))
            raise DossierLockedError(
                f"dossier {dossier.id} is in gebruik door {held_by}"
            ) from None
        except OSError as error:
            raise _fail(
                path, f"kan niet vergrendelen: {describe_os_error(error)}"
            ) from None

        opened = OpenDossier(dossier, path, _lock=lock)
        try:
            if path.exists():
                raise _fail(path, f"dossier {dossier.id} bestaat al")
            self._write_holder(path, holder)
            opened.save()
        except BaseException:
            opened.close()
            raise
        return opened

    def open(self, ref: str, *, holder: str, readonly: bool = False) -> OpenDossier:
        """Open a dossier for work, locked for us; read-only if another process has it.

        A dossier from a newer kindreflex opens read-only with `readonly_reason` set.
        """
        path = self.resolve(ref)
        if readonly:
            return self._open_readonly(path, "alleen-lezen geopend")

        lock = _lock_for(path)
        try:
            lock.acquire()
        except _locks().Timeout:
            held_by = _holder_text(_holder_path(path))
            opened = self._open_readonly(path, f"in gebruik door {held_by}")
            opened.held_by = held_by
            return opened
        except OSError as error:
            reason = f"kan niet vergrendelen ({describe_os_error(error)})"
            return self._open_readonly(path, reason)

        try:
            self._write_holder(path, holder)
            loaded = _load_or_point_to_backup(path)
        except FutureSchemaError:
            self._unlock(path, lock)
            return self._open_readonly(path, None)
        except BaseException:
            self._unlock(path, lock)
            raise
        return OpenDossier(
            loaded.dossier,
            path,
            notes=loaded.notes,
            _lock=lock,
            _stamp=loaded.stamp,
            _original_version=loaded.original_version,
        )

    def _open_readonly(self, path: Path, reason: str | None) -> OpenDossier:
        """A read-only view; a newer dossier's reason replaces `reason`."""
        try:
            loaded = _load_or_point_to_backup(path)
        except FutureSchemaError as error:
            if error.view is None:
                raise
            return OpenDossier(
                error.view, path, readonly=True, readonly_reason=error.message
            )
        return OpenDossier(
            loaded.dossier,
            path,
            readonly=True,
            readonly_reason=reason,
            notes=loaded.notes,
            _stamp=loaded.stamp,
            _original_version=loaded.original_version,
        )

    @staticmethod
    def _unlock(path: Path, lock: FileLock) -> None:
        with contextlib.suppress(OSError):
            os.unlink(_holder_path(path))
        lock.release(force=True)

    @staticmethod
    def _write_holder(path: Path, holder: str) -> None:
        """Record who holds the lock, so others can name them; failing only warns."""
        info = {
            "name": holder,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            write_atomic(_holder_path(path), json.dumps(info).encode("utf-8"))
        except DossierError as error:
            log.warning("%s: houder niet genoteerd: %s", path, error)
