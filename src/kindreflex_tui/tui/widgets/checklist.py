"""The checklist of a step: one checkbox per thing to do, required ones marked."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox

from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import ChecklistItem
from kindreflex_tui.tui.widgets.text import WrappingCheckbox, labelled, literal

Tick = Callable[[str, bool], object]
"""Ticks or unticks a checklist item in the engine."""


class ChecklistBox(WrappingCheckbox):
    """One checklist item; knows which protocol item it ticks."""

    def __init__(self, item: ChecklistItem, done: bool, *, disabled: bool) -> None:
        super().__init__(
            labelled(item.label, required=item.required),
            value=done,
            disabled=disabled,
            id=f"item-{item.id}",
        )
        self.item = item
        if item.help:
            self.tooltip = literal(item.help)


class Checklist(Vertical):
    """The step's checklist; ticks go to the engine straight away."""

    DEFAULT_CSS = """
    Checklist {
        height: auto;
        margin: 0 0 1 0;
        & > ChecklistBox {
            width: 1fr;
            height: auto;
            border: none;
            padding: 0;
            margin: 0;
            border-left: blank;
            background: transparent;
            &:focus { border: none; border-left: blank; }
            &.-missing { border-left: thick $error; }
        }
    }
    """

    def __init__(
        self,
        items: list[ChecklistItem],
        ticked: list[str],
        tick: Tick,
        *,
        disabled: bool = False,
    ) -> None:
        super().__init__(id="checklist")
        self.items = items
        self.ticked = set(ticked)
        self.tick = tick
        self.locked = disabled

    def compose(self) -> ComposeResult:
        """A checkbox per item, restored from the ticks so far."""
        for item in self.items:
            yield ChecklistBox(item, item.id in self.ticked, disabled=self.locked)

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        box = event.checkbox
        if not isinstance(box, ChecklistBox) or self.locked:
            return
        if (box.item.id in self.ticked) == event.value:
            return
        try:
            self.tick(box.item.id, event.value)
        except InputError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        if event.value:
            self.ticked.add(box.item.id)
        else:
            self.ticked.discard(box.item.id)

    def mark_missing(self, item_ids: set[str]) -> None:
        """Highlight the items that must still be ticked."""
        for box in self.query(ChecklistBox):
            box.set_class(box.item.id in item_ids, "-missing")

    def box(self, item_id: str) -> ChecklistBox | None:
        """The checkbox of an item, if it is in this list."""
        for box in self.query(ChecklistBox):
            if box.item.id == item_id:
                return box
        return None
