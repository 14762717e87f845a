"""The modal that asks for a reason before overriding a warning, and its dialog CSS."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kindreflex_tui.tui.widgets.text import literal

DIALOG_CSS = """
    align: center middle;
    & > .dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    & .dialog-title { text-style: bold; }
    & .dialog-warning { color: $text-warning; padding: 0 0 0 2; }
    & .dialog-error { color: $text-error; display: none; }
    & .dialog-error.-shown { display: block; }
    & .dialog-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    & .dialog-buttons > Button { margin-left: 2; }
"""


class OverrideReason(ModalScreen[str | None]):
    """Shows why a decision contradicts the answers and asks for a reason to go on.

    Dismisses with the reason, or with None when the counsellor cancels.
    """

    DEFAULT_CSS = "OverrideReason {" + DIALOG_CSS + "}"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren"),
    ]

    def __init__(self, option_label: str, warnings: list[str]) -> None:
        super().__init__()
        self.option_label = option_label
        self.warnings = warnings

    def compose(self) -> ComposeResult:
        """The warnings, the reason input and the two buttons."""
        with Vertical(classes="dialog"):
            yield Static(
                "Deze keuze spreekt je antwoorden tegen", classes="dialog-title"
            )
            yield Static(literal(f"Keuze: {self.option_label}"))
            for warning in self.warnings:
                yield Static(literal(f"• {warning}"), classes="dialog-warning")
            yield Static("Waarom ga je toch verder met deze keuze?")
            yield Input(
                placeholder="Reden om de waarschuwing te negeren", id="override"
            )
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Toch beslissen", variant="warning", id="override-go")
                yield Button("Annuleren", id="override-cancel")

    def on_mount(self) -> None:
        """Start in the reason input."""
        self.query_one("#override", Input).focus()

    def action_confirm(self) -> None:
        """Go on with the reason, or ask for one when it is empty."""
        reason = self.query_one("#override", Input).value.strip()
        if not reason:
            error = self.query_one(".dialog-error", Static)
            error.update("Geef een reden, of kies Annuleren.")
            error.add_class("-shown")
            self.query_one("#override", Input).focus()
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Do nothing: the decision is not taken."""
        self.dismiss(None)

    @on(Input.Submitted, "#override")
    @on(Button.Pressed, "#override-go")
    def _confirm(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#override-cancel")
    def _cancel(self) -> None:
        self.action_cancel()
