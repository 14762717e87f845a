"""The dossier store: round trips, private files, backups, refs, listing and locks."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindreflex_tui.dossier.atomic import TEMP_MARK, clean_orphans, write_atomic
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.dossier.store import (
    DossierStore,
    OpenDossier,
    read_dossier,
)
from kindreflex_tui.errors import DossierError, DossierLockedError, ReadOnlyDossierError

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import add_events, make_dossier

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


@pytest.fixture
def store(tmp_path: Path) -> DossierStore:
    """An empty store in a fresh data folder."""
    return DossierStore(tmp_path / "data")


def saved(store: DossierStore, dossier_id: str = "kx-20260302-a1b2c3", **kw) -> Path:
    """Create a dossier in the store, close it again and return its file."""
    with store.create(make_dossier(dossier_id, **kw), holder="Els") as opened:
        return opened.path


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_saved_dossier_reads_back_equal(store: DossierStore) -> None:
    dossier = make_dossier(events=30)
    with store.create(dossier, holder="Els") as opened:
        add_events(opened.dossier, 3)
        opened.save()

    assert read_dossier(opened.path) == opened.dossier
    assert store.load("kx-20260302-a1b2c3") == opened.dossier


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    notes=st.text(max_size=300),
    answer=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=10,
    ),
)
def test_any_notes_and_answers_survive_a_save(
    tmp_path: Path, notes: str, answer: object
) -> None:
    store = DossierStore(tmp_path / "data")
    dossier = make_dossier(store.new_id())
    dossier.visits[-1].notes = notes
    dossier.visits[-1].answers["free"] = answer
    with store.create(dossier, holder="Els") as opened:
        assert read_dossier(opened.path) == dossier


@posix_only
def test_the_data_folder_and_every_file_are_private(store: DossierStore) -> None:
    with store.create(make_dossier(), holder="Els") as opened:
        opened.save()
        holder = opened.path.with_suffix(".holder")
        assert mode(holder) == 0o600
    files = [opened.path, opened.path.with_name(opened.path.name + ".bak")]

    assert mode(store.directory) == 0o700
    assert [mode(f) for f in files] == [0o600, 0o600]
    assert mode(opened.path.with_suffix(".lock")) == 0o600


@posix_only
def test_a_data_folder_others_can_read_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o755)
    with caplog.at_level(logging.WARNING):
        DossierStore(folder)
    assert "toegankelijk voor anderen" in caplog.text
    assert "755" in caplog.text


def test_a_missing_data_folder_is_made_with_its_parents(tmp_path: Path) -> None:
    store = DossierStore(tmp_path / "a" / "b" / "data")
    assert store.directory.is_dir()


def test_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("geen map")
    with pytest.raises(DossierError, match="gegevensmap niet bruikbaar"):
        DossierStore(tmp_path / "data")


def test_each_save_keeps_the_previous_version_as_backup(store: DossierStore) -> None:
    with store.create(make_dossier(events=2), holder="Els") as opened:
        first = opened.path.read_bytes()
        add_events(opened.dossier, 1)
        opened.save()
        second = opened.path.read_bytes()
        add_events(opened.dossier, 1)
        opened.save()

    backup = opened.path.with_name(opened.path.name + ".bak")
    assert backup.read_bytes() == second
    assert first != second
    assert len(read_dossier(backup).history) == 3


def test_a_new_dossier_has_no_backup_yet(store: DossierStore) -> None:
    path = saved(store)
    assert not path.with_name(path.name + ".bak").exists()


def test_leftover_temp_files_are_removed_when_the_store_opens(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = DossierStore(folder)
    path = saved(store)
    orphan = folder / f".{path.name}{TEMP_MARK}abc123"
    orphan.write_bytes(b'{"half')
    others = [folder / ".verborgen.txt", folder / "notities.tmp", folder / "x.json~"]
    for other in others:
        other.write_text("van de gebruiker")

    DossierStore(folder)

    assert not orphan.exists()
    assert all(other.exists() for other in others)
    assert read_dossier(path).id == "kx-20260302-a1b2c3"


def test_a_temp_file_of_a_dossier_open_elsewhere_is_spared(store: DossierStore) -> None:
    with store.create(make_dossier(), holder="Els") as opened:
        busy = opened.path.with_name(f".{opened.path.name}{TEMP_MARK}busy")
        busy.write_bytes(b"{")
        DossierStore(store.directory)
        assert busy.exists()
    assert clean_orphans(store.directory) == [busy]


def test_a_new_id_has_the_date_and_a_random_part(store: DossierStore) -> None:
    ids = {store.new_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("kx-") and len(i) == len("kx-20261203-3f9a1c") for i in ids)


@pytest.mark.parametrize("bad", ["../geheim", "Jan Peeters", "a/b", "", "KX-1234"])
def test_file_names_are_only_made_from_ids(store: DossierStore, bad: str) -> None:
    with pytest.raises(DossierError, match="ongeldige dossier-id"):
        store.path_for(bad)


def test_creating_an_id_that_exists_is_refused(store: DossierStore) -> None:
    path = saved(store)
    before = path.read_bytes()
    with pytest.raises(DossierError, match="bestaat al"):
        store.create(make_dossier(client_ref="ANDER"), holder="Jan")
    assert path.read_bytes() == before
    # The refusal released the lock: the existing dossier opens for writing.
    with store.open("kx-20260302-a1b2c3", holder="Els") as opened:
        assert not opened.readonly


def test_a_dossier_is_found_by_path_id_or_client_code(store: DossierStore) -> None:
    path = saved(store, client_ref="CL-2026-0412")
    saved(store, "kx-20260302-ffffff", client_ref="CL-2026-0999")

    assert store.resolve(str(path)) == path
    assert store.resolve(path.name) == path
    assert store.resolve("kx-20260302-a1b2c3") == path
    assert store.resolve("cl-2026-0412") == path
    assert store.resolve("  CL-2026-0412 ") == path


def test_a_client_code_of_two_dossiers_names_both(store: DossierStore) -> None:
    saved(store, "kx-20260302-aaaaaa", client_ref="CL-7")
    saved(store, "kx-20260302-bbbbbb", client_ref="cl-7")
    with pytest.raises(DossierError) as caught:
        store.resolve("CL-7")
    assert "kx-20260302-aaaaaa" in str(caught.value)
    assert "kx-20260302-bbbbbb" in str(caught.value)


@pytest.mark.parametrize("ref", ["CL-onbekend", "kx-20990101-000000", "", "x/y.json"])
def test_an_unknown_reference_is_a_clear_error(store: DossierStore, ref: str) -> None:
    saved(store)
    with pytest.raises(DossierError) as caught:
        store.resolve(ref)
    assert "\n" not in str(caught.value)


def test_scan_lists_good_and_broken_dossiers_without_failing(
    store: DossierStore,
) -> None:
    saved(store, "kx-20260302-bbbbbb")
    saved(store, "kx-20260302-aaaaaa")
    (store.directory / "kapot.json").write_text('{"schema_version": 2, "id"')
    (store.directory / "leeg.json").write_bytes(b"")
    (store.directory / "notities.txt").write_text("geen dossier")

    listings = store.scan()

    assert [x.path.name for x in listings] == [
        "kapot.json",
        "kx-20260302-aaaaaa.json",
        "kx-20260302-bbbbbb.json",
        "leeg.json",
    ]
    broken = {x.path.name: x.error for x in listings if x.dossier is None}
    assert broken["kapot.json"] is not None and "onvolledig" in broken["kapot.json"]
    assert broken["leeg.json"] == "bestand is leeg"
    assert [x.dossier.id for x in listings if x.dossier] == [
        "kx-20260302-aaaaaa",
        "kx-20260302-bbbbbb",
    ]


def test_a_second_open_is_read_only_and_names_the_holder(store: DossierStore) -> None:
    path = saved(store)
    first = store.open("kx-20260302-a1b2c3", holder="Els")
    second = store.open("kx-20260302-a1b2c3", holder="Jan")

    assert not first.readonly
    assert second.readonly
    assert second.held_by is not None
    assert second.held_by.startswith(f"Els (pid {os.getpid()}) sinds ")
    assert "Els" in (second.readonly_reason or "")
    before = path.read_bytes()
    add_events(second.dossier, 1)
    with pytest.raises(ReadOnlyDossierError):
        second.save()
    assert path.read_bytes() == before

    first.close()
    with store.open("kx-20260302-a1b2c3", holder="Jan") as third:
        assert not third.readonly


def test_creating_a_dossier_someone_holds_is_refused(store: DossierStore) -> None:
    saved(store)
    with (
        store.open("kx-20260302-a1b2c3", holder="Els"),
        pytest.raises(DossierLockedError, match="Els"),
    ):
        store.create(make_dossier(), holder="Jan")


def test_closing_removes_the_holder_and_can_be_repeated(store: DossierStore) -> None:
    opened = store.create(make_dossier(), holder="Els")
    holder = opened.path.with_suffix(".holder")
    assert json.loads(holder.read_text())["name"] == "Els"
    opened.close()
    opened.close()
    assert not holder.exists()
    with pytest.raises(DossierError, match="gesloten"):
        opened.save()


def test_a_dossier_opened_read_only_cannot_be_saved(store: DossierStore) -> None:
    saved(store)
    with store.open("kx-20260302-a1b2c3", holder="Els", readonly=True) as viewer:
        assert viewer.readonly
        assert viewer.held_by is None
        with pytest.raises(ReadOnlyDossierError, match="alleen-lezen"):
            viewer.save()
        # A read-only view takes no lock: someone else can open it for writing.
        with store.open("kx-20260302-a1b2c3", holder="Jan") as writer:
            assert not writer.readonly


def test_a_file_changed_by_another_process_is_not_overwritten(
    store: DossierStore,
) -> None:
    opened = store.create(make_dossier(), holder="Els")
    theirs = make_dossier(client_ref="GEWIJZIGD-ELDERS")
    write_atomic(opened.path, theirs.model_dump_json().encode())

    add_events(opened.dossier, 1)
    with pytest.raises(DossierError, match="ander proces gewijzigd"):
        opened.save()
    assert read_dossier(opened.path).client_ref == "GEWIJZIGD-ELDERS"
    opened.close()


def test_a_file_deleted_meanwhile_is_not_brought_back(store: DossierStore) -> None:
    opened = store.create(make_dossier(), holder="Els")
    opened.path.unlink()
    with pytest.raises(DossierError, match="verdwenen"):
        opened.save()
    assert not opened.path.exists()
    opened.close()


def test_saves_from_several_threads_all_land_whole(store: DossierStore) -> None:
    opened: OpenDossier = store.create(make_dossier(events=50), holder="Els")
    errors: list[BaseException] = []

    def save_a_few() -> None:
        try:
            for _ in range(10):
                opened.save()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=save_a_few) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    opened.close()

    assert errors == []
    assert read_dossier(opened.path) == opened.dossier
    assert not [p for p in store.directory.iterdir() if TEMP_MARK in p.name]


def test_a_dossier_dumps_as_readable_indented_json(store: DossierStore) -> None:
    path = saved(store)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "schema_version": 2,')
    assert Dossier.model_validate_json(text).client_ref == "CL-2026-0412"


def test_a_broken_dossier_points_to_its_readable_backup(store: DossierStore) -> None:
    with store.create(make_dossier(), holder="Els") as opened:
        opened.save()
    opened.path.write_bytes(b'{"schema_version": 2, "id": "kx-2026')

    with pytest.raises(DossierError) as caught:
        store.open("kx-20260302-a1b2c3", holder="Els")
    assert str(caught.value).endswith(
        "; de vorige versie staat nog in kx-20260302-a1b2c3.json.bak"
    )
    [listing] = store.scan()
    assert listing.error is not None and "json.bak" in listing.error
    # The refused open let go of the lock.
    opened.path.write_bytes(make_dossier().model_dump_json().encode())
    with store.open("kx-20260302-a1b2c3", holder="Els") as again:
        assert not again.readonly
