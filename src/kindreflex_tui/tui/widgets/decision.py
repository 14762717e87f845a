"""The decision that ends a step: the question, the options, a reason, Beslis."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, RadioSet, Static

from kindreflex_tui.protocol.model import Option, Step
from kindreflex_tui.tui.widgets.text import (
    ChoiceSet,
    WrappingRadioButton,
    labelled,
    literal,
)


class DecisionPanel(Vertical):
    """Choose how to go on; Beslis asks the screen to take the decision."""

    DEFAULT_CSS = """
    DecisionPanel {
        height: auto;
        border: round $primary;
        border-title-style: bold;
        padding: 0 1;
        margin: 1 0 0 0;
        & > #decision-question { text-style: bold; }
        & > RadioSet { margin: 0 0 0 0; }
        & > #option-help { color: $text-muted; }
        & > .decision-label { margin-top: 1; }
        & > #decision-reason { background: $boost; }
        & > #decision-reason.-missing { background: $error-muted; }
        & > #decision-missing { color: $text-error; display: none; }
        & > #decision-missing.-shown { display: block; }
        & > #decide { margin-top: 1; }
    }
    """

    class Decide(Message):
        """The counsellor pressed Beslis with an option (or none) and a reason."""

        def __init__(self, option: Option | None, reason: str) -> None:
            super().__init__()
            self.option = option
            self.reason = reason

    def __init__(self, step: Step) -> None:
        super().__init__(id="decision")
        self.step = step
        self.border_title = "Beslissing"

    def compose(self) -> ComposeResult:
        """Question, options, option help, reason, what is missing, Beslis."""
        yield Static(literal(self.step.decision), id="decision-question")
        yield ChoiceSet(
            *[WrappingRadioButton(literal(o.label)) for o in self.step.options],
            id="decision-options",
        )
        yield Static("", id="option-help")
        yield Static(
            labelled("Reden voor je beslissing", required=self.step.reason_required),
            classes="decision-label",
        )
        yield Input(
            placeholder="Waarom kies je deze route?",
            compact=True,
            id="decision-reason",
        )
        yield Static("", id="decision-missing")
        yield Button("Beslis", variant="primary", id="decide")

    @property
    def option(self) -> Option | None:
        """The option chosen so far, if any."""
        index = self.query_one("#decision-options", RadioSet).pressed_index
        return self.step.options[index] if index >= 0 else None

    # TODO: the chosen option and the reason live only here until Beslis; the
    # engine has no draft decision, so leaving the step forgets them.
    @property
    def reason(self) -> str:
        """The reason typed so far."""
        return self.query_one("#decision-reason", Input).value

    def focus_options(self) -> None:
        """Put the focus on the options, scrolled into view."""
        options = self.query_one("#decision-options", RadioSet)
        options.focus()
        self.screen.call_after_refresh(self.scroll_visible, animate=False)

    def show_missing(self, lines: list[str]) -> None:
        """List what is still open right above the Beslis button (or clear it)."""
        missing = self.query_one("#decision-missing", Static)
        if lines:
            text = "Nog niet alles is ingevuld:\n" + "\n".join(f"• {x}" for x in lines)
            missing.update(literal(text))
        else:
            missing.update("")
        missing.set_class(bool(lines), "-shown")

    @on(RadioSet.Changed, "#decision-options")
    def _option_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        option = self.option
        help_text = option.help if option and option.help else ""
        self.query_one("#option-help", Static).update(literal(help_text))

    @on(Input.Submitted, "#decision-reason")
    def _reason_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#decide", Button).focus()

    @on(Button.Pressed, "#decide")
    def _decide(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Decide(self.option, self.reason))
