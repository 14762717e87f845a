"""One open dossier in the app: its engine, its file and a debounced autosave."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from kindreflex_tui.dossier.store import OpenDossier
from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import KindreflexError

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

log = logging.getLogger(__name__)

AUTOSAVE_DELAY = 0.3
"""Seconds of quiet after a change before the dossier is written."""


class Session:
    """Keeps an open dossier saved: after every engine change, soon and off the loop."""

    def __init__(self, app: App[object], engine: Engine, handle: OpenDossier) -> None:
        self.app = app
        self.engine = engine
        self.handle = handle
        self.dirty = False
        """Changes exist that are not on disk yet."""
        self.saved_at: datetime | None = None
        self.error: str | None = None
        """Why the last save failed, if it did."""
        self._timer: Timer | None = None
        self._write_lock = threading.Lock()
        self._version = 0
        """Counts serialised versions, so an older one never overwrites a newer."""
        self._written = 0
        engine.listeners.append(self._changed)

    @property
    def readonly(self) -> bool:
        """Whether this dossier may not be changed here."""
        return self.handle.readonly

    def status(self) -> str:
        """The save state in a few words, for the header."""
        if self.readonly:
            return "Alleen lezen"
        if self.error:
            return f"NIET OPGESLAGEN: {self.error}"
        if self.saved_at is not None:
            return f"Opgeslagen om {self.saved_at:%H:%M:%S}"
        return "Opgeslagen"

    def header(self) -> str:
        """The header line: the client code and the save state."""
        return f"{self.engine.dossier.client_ref} · {self.status()}"

    def _changed(self, _event: object) -> None:
        """Note a change and (re)start the autosave countdown."""
        self.dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        """Serialise on the event loop, then write in a worker thread."""
        self._timer = None
        if not self.dirty or self.readonly:
            return
        self._version += 1
        version, payload = self._version, self.handle.serialise()
        self.dirty = False
        self.app.run_worker(
            lambda: self._write(version, payload),
            thread=True,
            group="autosave",
            exclusive=False,
            name="autosave",
        )

    def _store(self, version: int, payload: bytes) -> None:
        """Write a version unless a newer one is already on disk."""
        with self._write_lock:
            if version <= self._written:
                return
            self.handle.save(payload)
            self._written = version

    def _write(self, version: int, payload: bytes) -> None:
        """Write one serialised version (worker thread); report back to the loop."""
        try:
            self._store(version, payload)
        except KindreflexError as error:
            self.app.call_from_thread(self._failed, error.message)
        else:
            self.app.call_from_thread(self._saved)

    def _saved(self) -> None:
        """A save succeeded: show the time."""
        self.saved_at = datetime.now()
        self.error = None
        self.app.sub_title = self.header()

    def _failed(self, reason: str) -> None:
        """A save failed: keep the changes marked dirty and tell the counsellor once."""
        reason = reason.removeprefix("niet opgeslagen: ")
        self.dirty = True
        repeated = reason == self.error
        self.error = reason
        self.app.sub_title = self.header()
        if repeated:
            return  # the header still says it; a pile of messages would hide dialogs
        self.app.notify(
            f"Het dossier is niet opgeslagen: {reason}. Je wijzigingen blijven in "
            "dit venster; kindreflex probeert opnieuw bij elke wijziging en met "
            "Ctrl+S.",
            title="Opslaan mislukt",
            severity="error",
            timeout=15,
            markup=False,
        )

    def save_now(self) -> bool:
        """Write at once on this thread (Ctrl+S, quitting); True when it worked."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.readonly:
            return True
        self._version += 1
        try:
            self._store(self._version, self.handle.serialise())
        except KindreflexError as error:
            self._failed(error.message)
            return False
        self.dirty = False
        self._saved()
        return True

    def close(self) -> bool:
        """Flush what is pending and release the dossier; True when nothing was lost."""
        ok = True
        if self.dirty:
            ok = self.save_now()
        if self.engine.listeners and self._changed in self.engine.listeners:
            self.engine.listeners.remove(self._changed)
        try:
            self.handle.close()
        except KindreflexError as error:  # pragma: no cover - lock release failed
            log.warning("dossier niet netjes gesloten: %s", error)
        return ok
