"""The modal form for one repeat item (a child, a consultation, an agreement...)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import FieldSpec
from kindreflex_tui.tui.widgets.entry_mark import mark_picker
from kindreflex_tui.tui.widgets.fields import FieldEditor, InfoBlock
from kindreflex_tui.tui.widgets.text import literal

SaveItem = Callable[[dict[str, Any]], object]
"""Stores the form's values through the engine; raises InputError when refused."""


class ItemForm(ModalScreen[bool]):
    """Fill in the sub-fields of one item; saved through the engine, or cancelled."""

    DEFAULT_CSS = """
    ItemForm {
        align: center middle;
        & > #item-dialog {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        & #item-title { text-style: bold; }
        & #item-fields { height: auto; max-height: 65vh; }
        & #item-error { color: $text-error; display: none; }
        & #item-error.-shown { display: block; }
        & #item-buttons { height: auto; align-horizontal: right; }
        & #item-buttons > Button { margin-left: 2; }
        & FieldEditor TextArea { height: 4; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren"),
        Binding("ctrl+s", "save", "Opslaan"),
    ]

    def __init__(
        self,
        engine: Engine,
        spec: FieldSpec,
        item: Mapping[str, Any] | None,
        save: SaveItem,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.spec = spec
        self.item = dict(item or {})
        self.save = save
        verb = "wijzigen" if item else "toevoegen"
        self.heading = f"{spec.label}: {verb}"

    def compose(self) -> ComposeResult:
        """The sub-fields with the item's values, an error line and the buttons."""
        with Vertical(id="item-dialog"):
            yield Static(literal(self.heading), id="item-title")
            item_id = self.item.get("id")
            with VerticalScroll(id="item-fields"):
                for sub in self.spec.fields:
                    if sub.type == "info":
                        yield InfoBlock(sub)
                        continue
                    # A saved item's long texts get a mark; a new one has no id yet.
                    # TODO: let a new item's long texts be marked before it is saved.
                    marked = (
                        item_id and sub.type == "long_text" and self.spec.store is None
                    )
                    yield FieldEditor(
                        sub,
                        self.item.get(sub.id),
                        protocol=self.engine.protocol,
                        extra=mark_picker(
                            self.engine, f"{self.spec.id}/{item_id}/{sub.id}"
                        )
                        if marked
                        else None,
                    )
            yield Static("", id="item-error")
            with Horizontal(id="item-buttons"):
                yield Button(
                    "Opslaan (Ctrl+S)", variant="primary", compact=True, id="item-save"
                )
                yield Button("Annuleren (Esc)", compact=True, id="item-cancel")

    def on_mount(self) -> None:
        """Show the fields the conditions allow and start in the first one."""
        self.refresh_conditions()
        for editor in self.query(FieldEditor):
            if editor.display and editor.focus_first():
                break

    def values(self) -> dict[str, Any]:
        """What the form holds, as the engine takes it (dates as typed)."""
        return {
            editor.spec.id: editor.raw()
            for editor in self.query(FieldEditor)
            if editor.display
        }

    def condition_values(self) -> dict[str, Any]:
        """What the form holds, as conditions read it; every sub-field present."""
        found: dict[str, Any] = {sub.id: None for sub in self.spec.fields}
        for editor in self.query(FieldEditor):
            found[editor.spec.id] = editor.condition_value()
        return found

    def refresh_conditions(self) -> None:
        """Hide, show and require sub-fields as the answers so far say."""
        item = self.condition_values()
        for block in self.query(InfoBlock):
            block.set_state(
                visible=self.engine.is_visible(block.spec, item), required=False
            )
        for editor in self.query(FieldEditor):
            editor.set_state(
                visible=self.engine.is_visible(editor.spec, item),
                required=self.engine.is_required(editor.spec, item),
            )

    @on(FieldEditor.Edited)
    def _edited(self) -> None:
        self.refresh_conditions()

    def show_error(self, message: str | None) -> None:
        """Say why the item cannot be saved yet."""
        error = self.query_one("#item-error", Static)
        error.update(literal(message or ""))
        error.set_class(bool(message), "-shown")

    def action_save(self) -> None:
        """Store the item through the engine and close, or say what is wrong."""
        dates_ok = all(editor.validate_date() for editor in self.query(FieldEditor))
        if not dates_ok:
            self.show_error("Er staat een datum in die niet klopt; zie hierboven.")
            return
        try:
            self.save(self.values())
        except InputError as error:
            self.show_error(error.message)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without storing anything."""
        self.dismiss(False)

    @on(Button.Pressed, "#item-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#item-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
