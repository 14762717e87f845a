"""The entry-mark picker: is this entry a fact, an observation, the client's words..."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Select, Static

from kindreflex_tui.dossier.model import Mark
from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import Choice
from kindreflex_tui.tui.widgets.fields import TEXT_DEBOUNCE_SECONDS
from kindreflex_tui.tui.widgets.text import literal

SetMark = Callable[[str | None, str | None], object]
"""Hands (kind, source) to the engine; raises InputError when refused."""


class EntryMarkPicker(Horizontal):
    """A drop-down of the protocol's entry marks and, for some, the source."""

    DEFAULT_CSS = """
    EntryMarkPicker {
        height: auto;
        & > .mark-label { width: auto; padding: 0 1 0 0; color: $text-muted; }
        & > Select { width: 32; }
        & > Input { width: 1fr; margin-left: 1; }
        & > .mark-source.-hidden { display: none; }
        & > .mark-error { color: $text-error; width: auto; }
    }
    """

    def __init__(
        self,
        marks: list[Choice],
        current: Mark | None,
        set_mark: SetMark,
        *,
        disabled: bool = False,
    ) -> None:
        super().__init__(classes="entry-mark")
        self.marks = marks
        self.set_mark = set_mark
        self.kind = current.kind if current else None
        self.source = (current.source or "") if current else ""
        self.locked = disabled
        self._timer: Timer | None = None
        self.source_kinds = {m.id for m in marks if m.needs_source}
        """Marks that ask where the information came from."""
        known = {m.id for m in marks}
        self.select = Select(
            [(literal(m.label), m.id) for m in marks],
            value=self.kind if self.kind in known else Select.NULL,
            prompt="(geen)",
            compact=True,
            disabled=disabled,
            classes="mark-kind",
        )
        self.source_input = Input(
            self.source,
            placeholder="Bron: van wie komt deze informatie?",
            compact=True,
            disabled=disabled,
            classes="mark-source",
        )
        self.source_input.set_class(self.kind not in self.source_kinds, "-hidden")
        self.error = Static("", classes="mark-error")

    def compose(self) -> ComposeResult:
        """Label, the mark, the source when it asks for one, and any error."""
        yield Static("Soort:", classes="mark-label")
        yield self.select
        yield self.source_input
        yield self.error

    def _store(self) -> None:
        """Send the mark and source to the engine."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.locked:
            return
        source = self.source_input.value if self.kind in self.source_kinds else None
        try:
            self.set_mark(self.kind, source)
        except InputError as error:
            self.error.update(literal(error.message))
            return
        self.error.update("")
        self.source = self.source_input.value

    @property
    def lacks_source(self) -> bool:
        """Whether the chosen mark asks for a source that is still empty."""
        return self.kind in self.source_kinds and not self.source_input.value.strip()

    def flush(self) -> None:
        """Store a source that is still waiting for its debounce."""
        if self._timer is not None:
            self._store()

    @on(Select.Changed)
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        kind = None if event.value is Select.NULL else str(event.value)
        if kind == self.kind:
            return
        self.kind = kind
        self.source_input.set_class(kind not in self.source_kinds, "-hidden")
        self._store()

    @on(Input.Changed)
    def _source_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.source:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TEXT_DEBOUNCE_SECONDS, self._store)

    @on(Input.Blurred)
    @on(Input.Submitted)
    def _source_done(self, event: Input.Blurred | Input.Submitted) -> None:
        event.stop()
        self.flush()


def mark_picker(
    engine: Engine, target: str, *, disabled: bool = False
) -> EntryMarkPicker | None:
    """A picker bound to one entry of the current visit, if the protocol has marks."""
    marks = engine.protocol.choice_list(engine.protocol.info.entry_marks)
    if not marks:
        return None

    def set_mark(kind: str | None, source: str | None) -> object:
        return engine.set_mark(target, kind, source)

    return EntryMarkPicker(
        marks, engine.visit.marks.get(target), set_mark, disabled=disabled
    )
