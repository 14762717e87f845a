"""Archived protocol versions: a dossier opens with the protocol it was made with."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from kindreflex_tui.dossier import archive
from kindreflex_tui.dossier.archive import archive_protocol, protocol_for
from kindreflex_tui.dossier.model import ProtocolRef
from kindreflex_tui.errors import DossierError
from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir
from kindreflex_tui.protocol.model import Protocol

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import make_dossier


def ref_to(protocol: Protocol) -> ProtocolRef:
    return ProtocolRef(
        id=protocol.info.id, version=protocol.info.version, sha256=protocol.sha256
    )


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the shipped protocols folder, holding a copy of the CAW one."""
    root = tmp_path / "shipped"
    shutil.copytree(shipped_protocol_dir(), root / "caw")
    monkeypatch.setattr(archive, "shipped_protocols_root", lambda: root)
    return root / "caw"


def bump_version(folder: Path, version: str) -> Protocol:
    """Edit a protocol folder as a new release would, and load the result."""
    head = folder / "protocol.toml"
    text = head.read_text(encoding="utf-8")
    head.write_text(
        text.replace('version = "1.0.0"', f'version = "{version}"'), encoding="utf-8"
    )
    return load_protocol(folder)


def test_a_protocol_is_archived_once_with_private_copies(
    tmp_path: Path, protocol: Protocol
) -> None:
    data = tmp_path / "data"
    folder = archive_protocol(data, shipped_protocol_dir(), protocol)

    assert folder.parent == data / "protocols"
    assert folder.name == f"kindreflex_caw-1.0.0-{protocol.sha256[:12]}"
    assert load_protocol(folder).sha256 == protocol.sha256
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["protocol.toml", *protocol.info.steps])
    if os.name != "nt":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}

    mtime = (folder / "protocol.toml").stat().st_mtime_ns
    assert archive_protocol(data, shipped_protocol_dir(), protocol) == folder
    assert (folder / "protocol.toml").stat().st_mtime_ns == mtime
    assert [p.name for p in (data / "protocols").iterdir()] == [folder.name]


def test_files_changed_since_loading_are_not_archived(
    tmp_path: Path, protocol: Protocol, shipped_copy: Path
) -> None:
    bump_version(shipped_copy, "1.0.1")
    with pytest.raises(DossierError, match="gewijzigd sinds ze geladen"):
        archive_protocol(tmp_path / "data", shipped_copy, protocol)
    assert list((tmp_path / "data" / "protocols").iterdir()) == []


def test_a_dossier_of_the_shipped_protocol_gets_it_without_note(
    tmp_path: Path, protocol: Protocol
) -> None:
    dossier = make_dossier()
    dossier.protocol = ref_to(protocol)
    found, note = protocol_for(dossier, tmp_path / "data")
    assert found.sha256 == protocol.sha256
    assert note is None


def test_an_older_dossier_gets_its_archived_protocol_and_a_note(
    tmp_path: Path, shipped_copy: Path
) -> None:
    data = tmp_path / "data"
    old = load_protocol(shipped_copy)
    archive_protocol(data, shipped_copy, old)
    dossier = make_dossier()
    dossier.protocol = ref_to(old)

    bump_version(shipped_copy, "1.1.0")
    found, note = protocol_for(dossier, data)

    assert found.info.version == "1.0.0"
    assert found.sha256 == old.sha256
    assert note == "dit dossier volgt protocolversie 1.0.0; de huidige is 1.1.0"


def test_same_version_other_content_is_pointed_out(
    tmp_path: Path, shipped_copy: Path
) -> None:
    data = tmp_path / "data"
    old = load_protocol(shipped_copy)
    archive_protocol(data, shipped_copy, old)
    dossier = make_dossier()
    dossier.protocol = ref_to(old)

    with (shipped_copy / "protocol.toml").open("a", encoding="utf-8") as head:
        head.write("\n# a comment changes the content hash\n")
    found, note = protocol_for(dossier, data)

    assert found.sha256 == old.sha256
    assert note is not None and "andere inhoud" in note


def test_a_protocol_found_nowhere_is_named(tmp_path: Path, protocol: Protocol) -> None:
    dossier = make_dossier()
    dossier.protocol = ProtocolRef(
        id="kindreflex_caw", version="0.9.0", sha256="c0" * 32
    )
    with pytest.raises(DossierError) as caught:
        protocol_for(dossier, tmp_path / "data")
    message = str(caught.value)
    assert "kindreflex_caw" in message
    assert "0.9.0" in message
    assert "c0c0c0c0c0c0" in message
    assert "\n" not in message
