"""The list editor of a repeat field (children, consultations, agreements...)."""

from __future__ import annotations

import uuid
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kindreflex_tui.dates import format_date
from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import FieldSpec
from kindreflex_tui.tui.confirm import ConfirmScreen
from kindreflex_tui.tui.widgets.fields import FieldBlock
from kindreflex_tui.tui.widgets.item_form import ItemForm
from kindreflex_tui.tui.widgets.text import literal


def child_facts(engine: Engine, child_id: str) -> str:
    """Age and consent hint of a register child: "13 jaar · 12+" or "verwacht"."""
    child = engine.dossier.child(child_id)
    if child is None:
        return ""
    if child.expected:
        due = format_date(child.due_date) if child.due_date else ""
        return f"verwacht {due}".strip()
    age = engine.child_age(child)
    if age is None:
        return "leeftijd onbekend"
    facts = f"{age} jaar"
    return f"{facts} · 12+" if engine.is_twelve_plus(child) else facts


class ItemRow(Horizontal):
    """One item in the list: its name and the buttons to change or remove it."""

    DEFAULT_CSS = """
    ItemRow {
        height: auto;
        & > .item-title { width: 1fr; }
        & > .item-title.-twelve-plus { text-style: bold; color: $text-warning; }
        & > Button { margin-left: 1; width: auto; min-width: 8; }
    }
    """

    def __init__(self, item: dict[str, Any], title: str, facts: str, *, locked: bool):
        super().__init__(id=f"row-{uuid.uuid4().hex}", classes="item-row")
        self.item = item
        self.item_id = str(item.get("id"))
        self.title = title
        self.facts = facts
        self.locked = locked

    def compose(self) -> ComposeResult:
        """Name (with age for children), Wijzig and Verwijder."""
        text = f"• {self.title}" + (f"  ({self.facts})" if self.facts else "")
        title = Static(literal(text), classes="item-title")
        title.set_class("12+" in self.facts, "-twelve-plus")
        yield title
        yield Button("Wijzig", compact=True, disabled=self.locked, classes="item-edit")
        yield Button(
            "Verwijder", compact=True, disabled=self.locked, classes="item-remove"
        )


class RepeatEditor(FieldBlock):
    """A repeat field: its items as rows, with Toevoegen, Wijzig and Verwijder."""

    DEFAULT_CSS = """
    RepeatEditor {
        & > .repeat-rows { height: auto; }
        & .repeat-empty { color: $text-muted; }
        & > .repeat-add { margin-top: 0; }
    }
    """

    def __init__(
        self, engine: Engine, spec: FieldSpec, *, disabled: bool = False
    ) -> None:
        super().__init__(spec, id=f"field-{spec.id}", classes="-type-repeat")
        self.engine = engine
        self.locked = disabled
        self.rows = Vertical(classes="repeat-rows")
        self.add_button = Button(
            literal(f"+ Toevoegen: {spec.label}"),
            compact=True,
            disabled=disabled,
            classes="repeat-add",
        )

    def compose(self) -> ComposeResult:
        """Label, help, the rows and the add button."""
        yield from self.compose_help()
        with self.rows:
            yield from self._make_rows()
        yield self.add_button

    def _make_rows(self) -> list[Static | ItemRow]:
        """A row per item, or a line saying there are none yet."""
        items = self.engine.items(self.spec.id)
        if not items:
            return [Static("Nog niets toegevoegd.", classes="repeat-empty")]
        rows: list[Static | ItemRow] = []
        for item in items:
            title = self.engine.item_title(self.spec, item)
            facts = ""
            if self.spec.store == "children":
                facts = child_facts(self.engine, str(item.get("id")))
            rows.append(ItemRow(item, title, facts, locked=self.locked))
        self._update_add(len(items))
        return rows

    def _update_add(self, count: int) -> None:
        """No adding past the protocol's maximum."""
        full = self.spec.max is not None and count >= self.spec.max
        self.add_button.disabled = self.locked or full

    async def rebuild(self) -> None:
        """Show the items as the engine now holds them."""
        await self.rows.remove_children()
        await self.rows.mount_all(self._make_rows())
        if not self.engine.items(self.spec.id):
            self._update_add(0)

    def focus_first(self) -> bool:
        """The add button is where filling in a repeat starts."""
        if self.add_button.focusable:
            self.add_button.focus()
            return True
        return super().focus_first()

    # -- actions ----------------------------------------------------------------------

    def open_form(self, item: dict[str, Any] | None = None) -> None:
        """Open the item form, to add an item or to change one."""
        field_id = self.spec.id

        def save(values: dict[str, Any]) -> object:
            if item is None:
                return self.engine.add_item(field_id, values)
            return self.engine.update_item(field_id, str(item["id"]), values)

        async def closed(saved: bool | None) -> None:
            if saved:
                await self.rebuild()
            if item is None:
                self.add_button.focus()
            else:
                self._refocus(item)

        self.app.push_screen(ItemForm(self.engine, self.spec, item, save), closed)

    def _refocus(self, item: dict[str, Any]) -> None:
        """Back on the edit button of the item just changed."""
        for row in self.query(ItemRow):
            if row.item_id == str(item.get("id")):
                row.query_one(".item-edit", Button).focus()
                return
        self.add_button.focus()

    def ask_remove(self, row: ItemRow) -> None:
        """Ask, then remove the item through the engine."""

        async def answered(go: bool | None) -> None:
            if not go:
                row.query_one(".item-remove", Button).focus()
                return
            try:
                self.engine.remove_item(self.spec.id, row.item_id)
            except InputError as error:
                self.notify(error.message, severity="error", markup=False)
                return
            await self.rebuild()
            self.add_button.focus()

        self.app.push_screen(
            ConfirmScreen(
                "Verwijderen?",
                f"‘{row.title}’ verwijderen? De geschiedenis van het dossier bewaart "
                "wat er stond.",
                yes="Verwijderen",
                no="Annuleren",
            ),
            answered,
        )

    @on(Button.Pressed, ".repeat-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        self.open_form()

    @on(Button.Pressed, ".item-edit")
    def _edit(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, ItemRow):
            self.open_form(row.item)

    @on(Button.Pressed, ".item-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, ItemRow):
            self.ask_remove(row)
