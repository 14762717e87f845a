"""Real processes: killed in the middle of a save, or opening the same dossier twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kindreflex_tui.dossier.atomic import TEMP_MARK
from kindreflex_tui.dossier.store import DossierStore, read_dossier
from kindreflex_tui.errors import ReadOnlyDossierError

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from dossier_factory import add_events, make_dossier

CHILD = Path(__file__).parent / "fixtures" / "store_child.py"
DOSSIER_ID = "kx-20260302-a1b2c3"
KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill")


def start(folder: Path, mode: str, holder: str = "Kind-proces") -> subprocess.Popen:
    """Start a child process on the dossier and wait until it has the dossier open."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), DOSSIER_ID, mode, holder],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    assert first == "ready", f"child did not start: {first!r}"
    return child


def ask(child: subprocess.Popen, command: str) -> str:
    """Send a command to a holding child and return its answer."""
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(command + "\n")
    child.stdin.flush()
    return child.stdout.readline().strip()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with one dossier of about 30 KB, not held by anyone."""
    store = DossierStore(tmp_path / "data")
    with store.create(make_dossier(DOSSIER_ID, events=100), holder="Els"):
        pass
    return store.directory


@pytest.mark.slow
def test_a_dossier_killed_mid_save_always_loads_old_or_new(folder: Path) -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    path = folder / f"{DOSSIER_ID}.json"
    acknowledged = start_length = len(read_dossier(path).history)

    for kill in range(KILLS):
        child = start(folder, "loop")
        time.sleep(chance.uniform(0, 0.04))
        child.kill()
        out, _ = child.communicate()
        saves = [int(line) for line in out.split()]
        acknowledged = max([acknowledged, *saves])

        dossier = read_dossier(path)  # never a torn or half-written file
        context = f"kill {kill + 1} (seed {seed})"
        assert len(dossier.history) >= acknowledged, context
        assert len(dossier.history) <= acknowledged + 5, context
        acknowledged = len(dossier.history)  # where the next child starts
        backup = path.with_name(path.name + ".bak")
        if backup.exists():
            read_dossier(backup)
        DossierStore(folder)
        assert not [p for p in folder.iterdir() if TEMP_MARK in p.name], context

    assert acknowledged > start_length, "the children never completed a save"


def test_a_second_process_gets_read_only_and_no_write_is_lost(folder: Path) -> None:
    store = DossierStore(folder)
    holder = start(folder, "hold", "Els")
    try:
        viewer = store.open(DOSSIER_ID, holder="Jan")
        assert viewer.readonly
        assert viewer.held_by is not None
        assert viewer.held_by.startswith(f"Els (pid {holder.pid}) sinds ")

        add_events(viewer.dossier, 3, by="Jan")
        with pytest.raises(ReadOnlyDossierError, match="in gebruik door Els"):
            viewer.save()
        assert ask(holder, "save") == "101"
        assert ask(holder, "close") == "closed"
    finally:
        holder.kill()
        holder.wait()

    with store.open(DOSSIER_ID, holder="Jan") as mine:
        assert not mine.readonly
        assert len(mine.dossier.history) == 101
        assert mine.dossier.history[-1].by == "Els"


def test_the_lock_goes_when_its_process_dies(folder: Path) -> None:
    store = DossierStore(folder)
    holder = start(folder, "hold", "Els")
    with store.open(DOSSIER_ID, holder="Jan") as before:
        assert before.readonly

    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()

    with store.open(DOSSIER_ID, holder="Jan") as after:
        assert not after.readonly
        assert after.held_by is None
        add_events(after.dossier, 1, by="Jan")
        after.save()
    assert read_dossier(folder / f"{DOSSIER_ID}.json").history[-1].by == "Jan"


def test_a_child_refuses_a_dossier_held_here(folder: Path) -> None:
    store = DossierStore(folder)
    with store.open(DOSSIER_ID, holder="Els"):
        child = subprocess.run(
            [sys.executable, str(CHILD), str(folder), DOSSIER_ID, "hold", "Jan"],
            capture_output=True,
            text=True,
            input="",
            timeout=60,
        )
    assert child.returncode == 1
    assert child.stdout.startswith(f"readonly Els (pid {os.getpid()}) sinds ")
