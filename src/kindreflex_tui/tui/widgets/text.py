"""Literal text for protocol and user strings, and toggles whose labels wrap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Checkbox, RadioButton, RadioSet
from textual.widgets._toggle_button import ToggleButton

if TYPE_CHECKING:
    _ToggleBase = ToggleButton
else:
    _ToggleBase = object

REQUIRED_MARK = " *"
"""Appended to the label of something that must be done or answered."""


def literal(text: str) -> Content:
    """Text shown exactly as written: square brackets are never read as markup."""
    return Content(text)


def labelled(text: str, *, required: bool = False) -> Content:
    """A literal label, with the required mark in bold when it must be answered."""
    if not required:
        return Content(text)
    return Content.assemble(text, (REQUIRED_MARK, "bold"))


class _WrappingToggle(_ToggleBase):
    """A toggle whose long label wraps under itself instead of being cut off.

    A mixin, not a ToggleButton subclass: a subclass would carry ToggleButton's
    default CSS again, above what RadioSet sets for its buttons.
    """

    def _make_label(self, label: Content | str) -> Content:  # type: ignore[override]
        """Keep the whole label, literal when given as a plain string."""
        return label if isinstance(label, Content) else Content(label)

    def _label_width(self, width: int) -> int:
        """How many cells the label may use on one line next to the button."""
        return max(4, width - self._button.cell_length - 2)

    def render(self) -> Content:
        """The button, then the label wrapped with a hanging indent."""
        button = self._button
        label_style = self.get_visual_style("toggle--label")
        width = self.content_size.width or self.size.width
        lines = self._label.wrap(self._label_width(width)) or [Content("")]
        indent = Content(" " * button.cell_length)
        rows = []
        for index, line in enumerate(lines):
            lead = button if index == 0 else indent
            rows.append(
                Content.assemble(lead, line.pad(1, 1).stylize_before(label_style))
            )
        return Content("\n").join(rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the wrapped label needs."""
        return max(1, len(self._label.wrap(self._label_width(width))))


class WrappingCheckbox(_WrappingToggle, Checkbox):
    """A checkbox for long checklist items."""


class WrappingRadioButton(_WrappingToggle, RadioButton):
    """A radio button for long option labels."""


class ChoiceSet(RadioSet):
    """A radio set whose keyboard cursor starts on the restored answer.

    Out of focus only the pressed button stands out, so an unanswered question
    does not look answered.
    """

    DEFAULT_CSS = """
    ChoiceSet:blur > RadioButton.-selected > .toggle--label {
        background: transparent;
    }
    """

    def on_mount(self) -> None:
        """After RadioSet's own mount (which highlights the first button)."""
        self.call_later(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        """Enter or Space on a restored set must not press another option."""
        if self.pressed_index >= 0:
            # RadioSet keeps its keyboard cursor in a private var; no public API.
            self._selected = self.pressed_index


def focus_first_in(container: Widget) -> bool:
    """Focus the first control inside a container, in Tab order; False if none."""
    for widget in container.screen.focus_chain:
        if container in widget.ancestors_with_self:
            widget.focus()
            return True
    return False
