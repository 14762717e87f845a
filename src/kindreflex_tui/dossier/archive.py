"""Keep a copy of every protocol version that dossiers follow, so they open years later.

The copies live in `<data>/protocols/<id>-<version>-<sha12>/`, exactly as shipped.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from pathlib import Path

from kindreflex_tui.dossier.atomic import (
    TEMP_MARK,
    describe_os_error,
    make_private_folder,
    sync_folder,
    write_atomic,
)
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.errors import DossierError, ProtocolError
from kindreflex_tui.protocol.loader import (
    PROTOCOL_FILE,
    load_protocol,
    read_protocol,
    shipped_protocols_root,
)
from kindreflex_tui.protocol.model import Protocol

STALE_STAGING_SECONDS = 3600
"""A half-made archive copy older than this is a crash leftover."""
ARCHIVE_FOLDER = "protocols"
"""The folder in the data folder that holds the archived protocol versions."""


def archive_name(protocol_id: str, version: str, sha256: str) -> str:
    """The folder name of one archived protocol version."""
    safe_version = "".join(c if c.isalnum() or c in ".-_" else "_" for c in version)
    return f"{protocol_id}-{safe_version}-{sha256[:12]}"


def _remove_stale_staging(root: Path) -> None:
    """Remove half-made copies that a crashed process left behind long ago."""
    cutoff = time.time() - STALE_STAGING_SECONDS
    for stale in root.glob(f".*{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            if stale.is_dir() and stale.stat().st_mtime < cutoff:
                shutil.rmtree(stale)


def archive_protocol(data_dir: Path, protocol_dir: Path, protocol: Protocol) -> Path:
    """Copy a protocol's files into the data folder's archive, unless already there.

    The copy is checked against the protocol's sha256 before it is put in place.
    """
    if not protocol.sha256:
        raise DossierError("protocol zonder sha256 kan niet gearchiveerd worden")
    root = Path(data_dir) / ARCHIVE_FOLDER
    info = protocol.info
    target = root / archive_name(info.id, info.version, protocol.sha256)
    if (target / PROTOCOL_FILE).is_file():
        return target

    try:
        make_private_folder(Path(data_dir))
        make_private_folder(root)
        _remove_stale_staging(root)
        staging = root / f".{target.name}{TEMP_MARK}{secrets.token_hex(4)}"
        make_private_folder(staging)
    except OSError as error:
        raise DossierError(
            f"protocolarchief niet bruikbaar: {describe_os_error(error)}",
            where=str(root),
        ) from None
    try:
        for name in [PROTOCOL_FILE, *info.steps]:
            write_atomic(staging / name, (Path(protocol_dir) / name).read_bytes())
        copied, _ = read_protocol(staging)
        if copied is None or copied.sha256 != protocol.sha256:
            raise DossierError(
                f"protocolbestanden in {protocol_dir} zijn gewijzigd sinds ze geladen "
                "werden; niet gearchiveerd"
            )
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / PROTOCOL_FILE).is_file():
                raise
        sync_folder(root)
    except OSError as error:
        raise DossierError(
            f"protocol niet gearchiveerd: {describe_os_error(error)}", where=str(target)
        ) from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return target


def _shipped(protocol_id: str) -> Protocol | None:
    """The shipped protocol with this id, if kindreflex comes with one."""
    root = shipped_protocols_root()
    with contextlib.suppress(OSError):
        for folder in sorted(root.iterdir()):
            if not (folder / PROTOCOL_FILE).is_file():
                continue
            try:
                protocol = load_protocol(folder)
            except ProtocolError:
                continue
            if protocol.info.id == protocol_id:
                return protocol
    return None


def protocol_for(dossier: Dossier, data_dir: Path) -> tuple[Protocol, str | None]:
    """The protocol a dossier follows, and a note when the shipped one differs.

    The shipped protocol when its sha256 matches, else the archived copy; DossierError
    naming the protocol when neither is available.
    """
    wanted = dossier.protocol
    shipped = _shipped(wanted.id)
    if shipped is not None and shipped.sha256 == wanted.sha256:
        return shipped, None

    folder = Path(data_dir) / ARCHIVE_FOLDER
    folder = folder / archive_name(wanted.id, wanted.version, wanted.sha256)
    archived = None
    if (folder / PROTOCOL_FILE).is_file():
        try:
            archived = load_protocol(folder)
        except ProtocolError as error:
            raise DossierError(
                f"gearchiveerd protocol is beschadigd: {error.message}",
                where=str(folder),
            ) from None
    if archived is None or archived.sha256 != wanted.sha256:
        raise DossierError(
            f"protocol {wanted.id} versie {wanted.version} (sha256 "
            f"{wanted.sha256[:12]}) ontbreekt: niet meegeleverd en niet gearchiveerd "
            f"in {folder.parent}",
            where=dossier.id,
        )

    if shipped is None:
        note = (
            f"dit dossier volgt protocolversie {wanted.version}; die wordt niet meer "
            "meegeleverd"
        )
    elif shipped.info.version != wanted.version:
        note = (
            f"dit dossier volgt protocolversie {wanted.version}; de huidige is "
            f"{shipped.info.version}"
        )
    else:
        note = (
            f"dit dossier volgt protocolversie {wanted.version} zoals die toen was; "
            "de meegeleverde versie heeft intussen een andere inhoud"
        )
    return archived, note
