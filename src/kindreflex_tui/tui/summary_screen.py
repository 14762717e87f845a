"""The summary screen: what `kindreflex summary` prints, with or without names."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from kindreflex_tui.engine import Engine
from kindreflex_tui.summary import render_summary


@dataclass(frozen=True)
class ReopenRequest:
    """Reopen a closed dossier at a step, for a reason."""

    step_id: str
    reason: str


class SummaryScreen(Screen[ReopenRequest | None]):
    """The step summary of the open dossier; Ctrl+R hides or shows the names."""

    BINDINGS = [
        Binding("escape", "back", "Terug"),
        Binding("ctrl+r", "toggle_redact", "Zonder namen"),
        Binding("ctrl+o", "reopen", "Heropenen"),
    ]

    def __init__(self, engine: Engine, *, redact: bool = False, closed: bool = False):
        super().__init__()
        self.engine = engine
        self.redact = redact
        self.closed = closed

    def compose(self) -> ComposeResult:
        """A note line and the summary text in a scrolling view."""
        yield Header()
        yield Static("", id="summary-note")
        with VerticalScroll(id="summary-scroll"):
            yield Static("", id="summary-text")
        yield Footer()

    def on_mount(self) -> None:
        """Render the summary."""
        self._show_text()
        self.query_one("#summary-scroll").focus()

    def _show_text(self) -> None:
        """(Re)build the text in the current redaction mode."""
        engine = self.engine
        text = render_summary(
            engine.dossier,
            engine.protocol,
            "text",
            redact=self.redact,
            today=engine.today(),
        )
        self.query_one("#summary-text", Static).update(Content(text))
        # The header shows the client code; a shared screen without names hides it.
        self.sub_title = "Samenvatting zonder namen" if self.redact else None
        note = (
            "Zonder namen: geschikt voor teamoverleg en anoniem overleg met VK of OCJ. "
            "Vrije tekst kan toch herkenbaar zijn: lees na. Ctrl+R toont de namen."
            if self.redact
            else "Met namen: alleen voor het cliëntdossier. Ctrl+R verbergt de namen."
        )
        if self.closed:
            note = "Deze Kindreflex is afgesloten. Ctrl+O heropent hem. " + note
        self.query_one("#summary-note", Static).update(note)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer reopening only for a closed dossier that may be changed."""
        if action == "reopen":
            session = getattr(self.app, "session", None)
            return self.closed and session is not None and not session.readonly
        return True

    def action_toggle_redact(self) -> None:
        """Switch between the summary with and without names."""
        self.redact = not self.redact
        self._show_text()

    def action_back(self) -> None:
        """Leave the summary."""
        self.dismiss(None)

    def action_reopen(self) -> None:
        """Ask at which step and why to reopen, then hand that to the app."""

        def chosen(request: ReopenRequest | None) -> None:
            if request is not None:
                self.dismiss(request)

        self.app.push_screen(ReopenScreen(self.engine), chosen)


class ReopenScreen(ModalScreen[ReopenRequest | None]):
    """Choose the step to reopen a closed Kindreflex at, and say why."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren")]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def compose(self) -> ComposeResult:
        """The step choice, the reason and two buttons."""
        steps = [
            (f"{step.number}. {step.title}", step.id)
            for step in self.engine.protocol.steps
        ]
        with Vertical(classes="dialog"):
            yield Static("Kindreflex heropenen", classes="dialog-title")
            yield Label("Bij welke stap?")
            yield Select(steps, value=steps[0][1], allow_blank=False, id="reopen-step")
            yield Label("Waarom?")
            yield Input(id="reopen-reason")
            yield Static("", id="reopen-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Heropenen", id="reopen", variant="primary")
                yield Button("Annuleren", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Reopen or cancel."""
        if event.button.id == "reopen":
            self._reopen()
        else:
            self.dismiss(None)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in the reason field reopens."""
        self._reopen()

    def action_cancel(self) -> None:
        """Close without reopening."""
        self.dismiss(None)

    def _reopen(self) -> None:
        """Check that a reason is given, then hand the request back."""
        reason = self.query_one("#reopen-reason", Input).value.strip()
        step = self.query_one("#reopen-step", Select).value
        if not reason:
            self.query_one("#reopen-error", Static).update("Geef een reden.")
            return
        self.dismiss(ReopenRequest(str(step), reason))
