"""A yes/no question in a small dialog; Escape and "no" both mean no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kindreflex_tui.tui.widgets.override import DIALOG_CSS


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; the safe answer has the focus."""

    DEFAULT_CSS = "ConfirmScreen {" + DIALOG_CSS + "}"

    BINDINGS = [Binding("escape", "no", "Terug")]

    def __init__(self, title: str, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        """The question and its two buttons."""
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.question))
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        """Focus the safe answer."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button pressed."""
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        """Escape: the safe answer."""
        self.dismiss(False)
