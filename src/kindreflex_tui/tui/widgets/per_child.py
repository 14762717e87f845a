"""A per-child group: the same sub-fields for every child in the register."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kindreflex_tui.dossier.model import Child
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.model import FieldSpec
from kindreflex_tui.tui.widgets.entry_mark import mark_picker
from kindreflex_tui.tui.widgets.fields import FieldBlock, FieldEditor, InfoBlock
from kindreflex_tui.tui.widgets.repeat import child_facts
from kindreflex_tui.tui.widgets.text import literal

CONSENT_HINT = (
    "12+: dit kind wordt bekwaam geacht om zelf toestemming te geven; "
    "vraag het zijn toestemming en luister naar zijn mening."
)
"""Shown with every child of twelve or older."""


class ChildGroup(Vertical):
    """The sub-fields of a per-child field for one child."""

    DEFAULT_CSS = """
    ChildGroup {
        height: auto;
        border: round $border-blurred;
        padding: 0 1;
        margin: 0 0 1 0;
        &.-twelve-plus { border: round $warning; }
        & > .consent-hint { color: $text-warning; }
        & FieldEditor { margin: 0; }
        & FieldEditor TextArea { height: 4; }
    }
    """

    def __init__(
        self, engine: Engine, spec: FieldSpec, child: Child, *, disabled: bool
    ) -> None:
        twelve_plus = engine.is_twelve_plus(child)
        super().__init__(classes="child-group")
        self.set_class(twelve_plus, "-twelve-plus")
        self.engine = engine
        self.spec = spec
        self.child = child
        self.locked = disabled
        self.twelve_plus = twelve_plus
        facts = child_facts(engine, child.id)
        self.border_title = literal(f"{child.name} ({facts})" if facts else child.name)

    def answers(self) -> dict[str, Any]:
        """The child's answers, every sub-field present for the conditions."""
        found: dict[str, Any] = {sub.id: None for sub in self.spec.fields}
        found.update(self.engine.per_child(self.spec.id, self.child.id))
        return found

    def compose(self) -> ComposeResult:
        """The consent hint for 12+, then an editor per sub-field."""
        if self.twelve_plus:
            yield Static(CONSENT_HINT, classes="consent-hint")
        answers = self.answers()
        for sub in self.spec.fields:
            if sub.type == "info":
                yield InfoBlock(sub)
                continue

            def commit(value: Any, sub_id: str = sub.id) -> object:
                return self.engine.set_child_answer(
                    self.spec.id, self.child.id, sub_id, value
                )

            target = f"{self.spec.id}/{self.child.id}/{sub.id}"
            yield FieldEditor(
                sub,
                answers.get(sub.id),
                protocol=self.engine.protocol,
                commit=commit,
                disabled=self.locked,
                extra=mark_picker(self.engine, target, disabled=self.locked)
                if sub.type == "long_text"
                else None,
            )

    def refresh_conditions(self) -> None:
        """Hide, show and require sub-fields as this child's answers say."""
        answers = self.answers()
        for block in self.query(FieldBlock):
            block.set_state(
                visible=self.engine.is_visible(block.spec, answers),
                required=self.engine.is_required(block.spec, answers),
            )


class PerChildGroup(FieldBlock):
    """A per-child field: a group for each child of the register."""

    DEFAULT_CSS = """
    PerChildGroup > .per-child-empty { color: $text-muted; }
    """

    def __init__(
        self, engine: Engine, spec: FieldSpec, *, disabled: bool = False
    ) -> None:
        super().__init__(spec, id=f"field-{spec.id}", classes="-type-per_child")
        self.engine = engine
        self.locked = disabled

    def compose(self) -> ComposeResult:
        """Label, help and a group per child."""
        yield from self.compose_help()
        children = self.engine.born_children()
        if not children:
            yield Static(
                "Er staan nog geen geboren kinderen in het register (stap 1).",
                classes="per-child-empty",
            )
        for child in children:
            yield ChildGroup(self.engine, self.spec, child, disabled=self.locked)

    def refresh_conditions(self) -> None:
        """Re-evaluate the conditions inside every child's group."""
        for group in self.query(ChildGroup):
            group.refresh_conditions()

    def group(self, child_id: str) -> ChildGroup | None:
        """The group of one child."""
        for group in self.query(ChildGroup):
            if group.child.id == child_id:
                return group
        return None

    def flush(self) -> None:
        """Commit text still waiting in any child's group."""
        for editor in self.query(FieldEditor):
            editor.flush()
