"""Reading bad dossier files: one clear line naming the file, and the file untouched."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kindreflex_tui.dossier import store as store_module
from kindreflex_tui.dossier.migrations import FutureSchemaError
from kindreflex_tui.dossier.store import read_dossier
from kindreflex_tui.errors import DossierError

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import make_dossier

GOOD = make_dossier().model_dump_json(indent=2).encode()


def _with(change: Callable[[dict], None]) -> bytes:
    data = json.loads(GOOD)
    change(data)
    return json.dumps(data).encode()


def _del(key: str) -> Callable[[dict], None]:
    return lambda data: data.pop(key)


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "bestand is leeg"),
    "blank": (b"  \n\t\n", "bestand is leeg"),
    "truncated": (GOOD[: len(GOOD) // 2], "onvolledig"),
    "not json": (b"id = 'kx-1'\nclient_ref = 'x'\n", "geen geldige JSON (regel 1"),
    "binary": (bytes(range(256)) * 4, "binair"),
    "latin-1": ('{"client_ref": "Ann Müller"}'.encode("latin-1"), "geen UTF-8"),
    "a list": (b"[1, 2, 3]", "verwacht een JSON-object, gevonden een lijst"),
    "a string": (b'"kx-20260302-a1b2c3"', "gevonden tekst"),
    "text version": (
        _with(lambda d: d.update(schema_version="twee")),
        "ongeldige `schema_version`",
    ),
    "missing key": (_with(_del("client_ref")), "client_ref: ontbreekt"),
    "unknown key": (
        _with(lambda d: d.update(wachtwoord="x")),
        "wachtwoord: onbekende sleutel",
    ),
    "bad date": (
        _with(lambda d: d["children"][0].update(birth_date="31-02-2020")),
        "children[0].birth_date: moet een datum zijn",
    ),
    "naive time": (
        _with(lambda d: d["visits"][1].update(entered_at="2026-03-02T10:00:00")),
        "visits[1].entered_at: tijdstip zonder tijdzone",
    ),
    "future version": (
        _with(lambda d: d.update(schema_version=3)),
        "geschreven door een nieuwere kindreflex (schema 3); werk bij",
    ),
    "nested 100k deep": (b"[" * 100_000 + b"]" * 100_000, "te diep genest"),
    "deep in an answer": (
        _with(
            lambda d: d["visits"][0]["answers"].update(
                x=json.loads("[" * 300 + "]" * 300)
            )
        ),
        "te diep genest",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_gives_one_line_and_stays_untouched(
    tmp_path: Path, kind: str
) -> None:
    content, expected = BAD_FILES[kind]
    path = tmp_path / "kx-20260302-a1b2c3.json"
    path.write_bytes(content)
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = os.stat(path)

    with pytest.raises(DossierError) as caught:
        read_dossier(path)

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    assert expected in message
    assert len(message) < len(str(path)) + 200
    assert path.read_bytes() == content
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_future_version_is_its_own_error_kind(tmp_path: Path) -> None:
    path = tmp_path / "nieuw.json"
    path.write_bytes(BAD_FILES["future version"][0])
    with pytest.raises(FutureSchemaError) as caught:
        read_dossier(path)
    assert caught.value.found == 3
    assert caught.value.view is not None
    assert caught.value.view.client_ref == "CL-2026-0412"


def test_a_file_without_schema_version_is_read_as_the_current_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "zonder.json"
    path.write_bytes(_with(_del("schema_version")))
    assert read_dossier(path).schema_version == 2


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "weg.json"
    with pytest.raises(DossierError, match=r"weg\.json: bestand bestaat niet$"):
        read_dossier(path)
    assert not path.exists()


def test_a_folder_is_not_a_dossier(tmp_path: Path) -> None:
    with pytest.raises(DossierError, match="is een map"):
        read_dossier(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "pijp.json"
    os.mkfifo(pipe)
    with pytest.raises(DossierError, match="geen gewoon bestand"):
        read_dossier(pipe)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads all")
def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "dicht.json"
    path.write_bytes(GOOD)
    path.chmod(0)
    with pytest.raises(DossierError, match="geen leesrechten"):
        read_dossier(path)


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "groot.json"
    with path.open("wb") as handle:
        handle.truncate(store_module.MAX_BYTES + 1)  # sparse: costs no disk space
    with pytest.raises(DossierError, match="te groot"):
        read_dossier(path)
    assert path.stat().st_size == store_module.MAX_BYTES + 1


def test_a_file_with_a_byte_order_mark_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD)
    assert read_dossier(path).client_ref == "CL-2026-0412"
