"""Older dossiers open in this version; newer ones open read-only, never rewritten."""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kindreflex_tui.dossier.migrations import FutureSchemaError, migrate
from kindreflex_tui.dossier.model import SCHEMA_VERSION, Dossier
from kindreflex_tui.dossier.store import DossierStore, read_dossier
from kindreflex_tui.errors import DossierError, ReadOnlyDossierError

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import add_events, make_dossier

FIXTURES = Path(__file__).parent / "fixtures"
V1 = FIXTURES / "dossier-v1-prototype.json"
V1_ID = "kx-20250314-5e0c2d"
MOMENT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def v1_data() -> dict:
    return json.loads(V1.read_text(encoding="utf-8"))


@pytest.fixture
def v1_store(tmp_path: Path) -> DossierStore:
    """A data folder holding the committed prototype (schema 1) dossier."""
    store = DossierStore(tmp_path / "data")
    shutil.copyfile(V1, store.path_for(V1_ID))
    return store


def test_the_prototype_fixture_becomes_a_valid_dossier() -> None:
    data, notes = migrate(v1_data(), now=MOMENT)
    dossier = Dossier.model_validate(data)

    assert dossier.schema_version == SCHEMA_VERSION
    assert dossier.counsellors == ["Els Peeters"]
    assert [c.birth_date for c in dossier.children] == [
        date(2013, 5, 17),
        date(2019, 11, 3),
    ]
    assert dossier.status == "closed"
    assert notes == ["omgezet van schema 1 (prototype) naar 2"]


def test_the_migration_is_recorded_in_the_history() -> None:
    data, _ = migrate(v1_data(), now=MOMENT)
    dossier = Dossier.model_validate(data)
    last = dossier.history[-1]

    assert [e.seq for e in dossier.history] == list(range(1, 13))
    assert (last.kind, last.by, last.at, last.old, last.new) == (
        "dossier_migrated",
        "kindreflex",
        MOMENT,
        1,
        2,
    )


def test_a_prototype_dossier_still_under_way_becomes_open() -> None:
    data = v1_data()
    data["visits"][-1]["decision"] = None
    data["visits"][-1]["left_at"] = None
    data["visits"][-1]["left_by"] = None
    assert migrate(data, now=MOMENT)[0]["status"] == "open"


def test_a_prototype_dossier_without_counsellor_or_visits_migrates() -> None:
    data = v1_data()
    del data["counsellor"]
    data["visits"] = []
    migrated = Dossier.model_validate(migrate(data, now=MOMENT)[0])
    assert (migrated.counsellors, migrated.status) == ([], "open")


def test_migrating_leaves_the_input_unchanged() -> None:
    data = v1_data()
    original = copy.deepcopy(data)
    migrate(data, now=MOMENT)
    assert data == original


def test_a_current_dossier_passes_unchanged() -> None:
    data = json.loads(make_dossier().model_dump_json())
    assert migrate(data) == (data, [])


def test_a_newer_schema_is_refused_with_an_update_hint() -> None:
    with pytest.raises(FutureSchemaError) as caught:
        migrate({**v1_data(), "schema_version": 3})
    assert caught.value.found == 3
    assert "nieuwere kindreflex (schema 3); werk bij" in str(caught.value)


@pytest.mark.parametrize("version", [0, -1, True, "1", 1.5, None])
def test_a_nonsense_schema_version_is_refused(version: object) -> None:
    with pytest.raises(DossierError, match="ongeldige `schema_version`"):
        migrate({**v1_data(), "schema_version": version})


def test_reading_a_prototype_dossier_migrates_in_memory_only(
    v1_store: DossierStore,
) -> None:
    path = v1_store.path_for(V1_ID)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)

    dossier = read_dossier(path)
    v1_store.scan()

    assert dossier.counsellors == ["Els Peeters"]
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert sorted(p.name for p in v1_store.directory.iterdir()) == [path.name]


def test_the_first_save_keeps_the_original_prototype_file(
    v1_store: DossierStore,
) -> None:
    path = v1_store.path_for(V1_ID)
    original = path.read_bytes()

    with v1_store.open(V1_ID, holder="Els") as opened:
        assert opened.notes == ["omgezet van schema 1 (prototype) naar 2"]
        assert not path.with_suffix(".v1.bak").exists()
        opened.save()
        add_events(opened.dossier, 1)
        opened.save()

    assert path.with_suffix(".v1.bak").read_bytes() == original
    assert json.loads(path.read_bytes())["schema_version"] == SCHEMA_VERSION


def test_migrate_save_load_is_stable(v1_store: DossierStore) -> None:
    with v1_store.open(V1_ID, holder="Els") as opened:
        migrated = opened.dossier
        opened.save()
        saved_once = opened.path.read_bytes()

    reloaded = v1_store.load(V1_ID)
    assert reloaded == migrated
    assert reloaded.model_dump_json(indent=2).encode() == saved_once

    with v1_store.open(V1_ID, holder="Els") as again:
        assert again.notes == []
        again.save()
    assert v1_store.path_for(V1_ID).read_bytes() == saved_once


def test_an_existing_original_copy_is_never_overwritten(
    v1_store: DossierStore,
) -> None:
    keep = v1_store.path_for(V1_ID).with_suffix(".v1.bak")
    keep.write_bytes(b"eerder bewaard origineel")
    with v1_store.open(V1_ID, holder="Els") as opened:
        opened.save()
    assert keep.read_bytes() == b"eerder bewaard origineel"


def future_file(store: DossierStore, **extra: object) -> Path:
    """A dossier as a newer kindreflex (schema 3) might write it."""
    data = json.loads(make_dossier().model_dump_json())
    data["schema_version"] = 3
    data.update(extra)
    path = store.path_for("kx-20260302-a1b2c3")
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_newer_dossier_opens_read_only_and_is_never_rewritten(
    tmp_path: Path,
) -> None:
    store = DossierStore(tmp_path / "data")
    path = future_file(store, signalen=[{"soort": "nieuw in schema 3"}])
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)

    with store.open("kx-20260302-a1b2c3", holder="Els") as opened:
        assert opened.readonly
        assert opened.readonly_reason is not None
        assert "schema 3" in opened.readonly_reason
        assert "werk bij" in opened.readonly_reason
        assert opened.dossier.client_ref == "CL-2026-0412"
        add_events(opened.dossier, 1)
        with pytest.raises(ReadOnlyDossierError, match="schema 3"):
            opened.save()

    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert not path.with_name(path.name + ".bak").exists()
    # The lock is not kept: a newer kindreflex elsewhere can still write it.
    assert not path.with_suffix(".holder").exists()


def test_a_newer_dossier_is_listed_with_the_reason(tmp_path: Path) -> None:
    store = DossierStore(tmp_path / "data")
    future_file(store)
    [listing] = store.scan()
    assert listing.dossier is None
    assert listing.error is not None and "schema 3" in listing.error


def test_a_newer_dossier_this_version_cannot_show_is_a_clear_error(
    tmp_path: Path,
) -> None:
    store = DossierStore(tmp_path / "data")
    future_file(store, children="nu een object per kind")
    with pytest.raises(FutureSchemaError, match="schema 3"):
        store.open("kx-20260302-a1b2c3", holder="Els")
