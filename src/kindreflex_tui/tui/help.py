"""The F1 help of a step: what the protocol says about it, and the keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kindreflex_tui.protocol.model import Step
from kindreflex_tui.tui.widgets.text import literal

KEYS = (
    ("F1", "deze hulp openen en sluiten"),
    ("F2", "naar de beslissing onderaan de stap"),
    ("F5", "historiek: wie deed wat en wanneer"),
    ("F6", "samenvatting"),
    ("F9", "terug naar de dossiers"),
    ("Ctrl+S", "nu bewaren (er wordt ook vanzelf bewaard)"),
    ("Ctrl+P", "alle acties zoeken"),
    ("Tab / Shift+Tab", "naar het volgende / vorige veld"),
    ("Pijltjes", "binnen een keuzelijst bewegen"),
    ("Spatie / Enter", "aanvinken of kiezen"),
    ("Esc", "een venster sluiten zonder iets te bewaren"),
)
"""The keys of the step screen, as the help lists them."""


def step_help(step: Step) -> list[tuple[str, str]]:
    """The help of a step as (heading, text) pairs, protocol text unchanged."""
    parts = [
        ("Stap", f"{step.number}. {step.title}"),
        ("Wie", step.who),
    ]
    if step.guidance:
        parts.append(("Toelichting", step.guidance))
    for item in step.items:
        if item.help:
            parts.append((item.label, item.help))
    for spec in step.fields:
        if spec.help:
            parts.append((spec.label, spec.help))
        for sub in spec.fields:
            if sub.help:
                parts.append((f"{spec.label} – {sub.label}", sub.help))
    for option in step.options:
        if option.help:
            parts.append((option.label, option.help))
    return parts


class StepHelp(ModalScreen[None]):
    """The guidance, the help texts and the keys of the current step."""

    DEFAULT_CSS = """
    StepHelp {
        align: center middle;
        & > #help-dialog {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        & #help-body { height: auto; max-height: 75vh; }
        & .help-heading { text-style: bold; margin-top: 1; }
        & .help-heading.-first { margin-top: 0; }
        & .help-key { color: $text-accent; }
        & #help-close { margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "close", "Sluiten"),
    ]

    def __init__(self, step: Step) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        """The step's texts, then the keys, then a close button."""
        with Vertical(id="help-dialog"):
            with VerticalScroll(id="help-body"):
                for index, (heading, text) in enumerate(step_help(self.step)):
                    first = " -first" if index == 0 else ""
                    yield Static(literal(heading), classes="help-heading" + first)
                    yield Static(literal(text))
                yield Static("Toetsen", classes="help-heading")
                for key, what in KEYS:
                    yield Static(
                        Content.assemble((f"{key:<16}", "bold"), what),
                        classes="help-key",
                    )
            yield Button("Sluiten (Esc)", compact=True, id="help-close")

    def on_mount(self) -> None:
        """Let the arrows scroll the help straight away."""
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to the step."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The close button."""
        event.stop()
        self.dismiss(None)
