"""One protocol field as a control, chosen by its type, with label, help and error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from kindreflex_tui.dates import format_date, parse_date
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import FieldSpec, Protocol
from kindreflex_tui.tui.widgets.text import (
    ChoiceSet,
    WrappingRadioButton,
    focus_first_in,
    labelled,
    literal,
)

TEXT_DEBOUNCE_SECONDS = 0.5
"""Typed text goes to the engine this long after the last keystroke."""

RADIO_LIMIT = 6
"""Choice lists up to this long are radio buttons; longer ones a drop-down."""

DATE_PLACEHOLDER = "dd-mm-jjjj"

Commit = Callable[[Any], object]
"""Hands a value to the engine; raises InputError when it cannot be accepted."""


class FieldBlock(Vertical):
    """Base of everything shown for one field: visibility, required mark, missing."""

    DEFAULT_CSS = """
    FieldBlock {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 0 0 1;
        border-left: blank;
        & > .field-label { text-style: bold; }
        & > .field-help { color: $text-muted; }
        & > .field-error { color: $text-error; display: none; }
        & > .field-error.-shown { display: block; }
        &:focus-within { border-left: thick $accent; }
        &.-missing { border-left: thick $error; }
        & Input, & TextArea { background: $boost; }
        & Input.-date { width: 20; }
        & RadioSet.-yes-no { layout: horizontal; }
        & RadioSet.-yes-no > RadioButton { width: auto; margin-right: 3; }
    }
    """

    def __init__(
        self, spec: FieldSpec, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.spec = spec
        self.required = spec.required
        self.label_widget = Static(
            labelled(spec.label, required=spec.required), classes="field-label"
        )

    def compose_help(self) -> ComposeResult:
        """The label and, when the protocol gives one, the help text."""
        yield self.label_widget
        if self.spec.help:
            yield Static(literal(self.spec.help), classes="field-help")

    def set_state(self, *, visible: bool, required: bool) -> None:
        """Show or hide the field and mark it required, as the conditions say."""
        self.display = visible
        if required != self.required:
            self.required = required
            self.label_widget.update(labelled(self.spec.label, required=required))

    def mark_missing(self, missing: bool) -> None:
        """Highlight the field as something still to be filled in."""
        self.set_class(missing, "-missing")

    def focus_first(self) -> bool:
        """Put the focus on the first control of the field; False if there is none."""
        return focus_first_in(self)


class FieldEditor(FieldBlock):
    """A text, long text, date, yes/no, choice or choices field."""

    class Edited(Message):
        """The counsellor changed the control (before or without a commit)."""

        def __init__(self, editor: FieldEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(
        self,
        spec: FieldSpec,
        value: Any,
        *,
        protocol: Protocol,
        commit: Commit | None = None,
        disabled: bool = False,
        required: bool | None = None,
        extra: Widget | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(spec, id=id, classes=f"-type-{spec.type}")
        self.protocol = protocol
        self.commit = commit
        """None in a form: the values are collected at once by the form."""
        self.initial = value
        self.locked = disabled
        self.extra = extra
        self._timer: Timer | None = None
        self._committed_text = self._shown_text(value)
        self._codes = [c.id for c in protocol.choice_list(spec.choices)]
        if required is not None:
            self.required = required
            self.label_widget.update(labelled(spec.label, required=required))
        self.error_widget = Static("", classes="field-error")
        self.control = self._make_control()

    # -- building -------------------------------------------------------------------

    def _shown_text(self, value: Any) -> str:
        """A stored value as the text a text or date input shows."""
        if self.spec.type == "date":
            return format_date(value) if isinstance(value, str) else ""
        return value if isinstance(value, str) else ""

    def _make_control(self) -> Widget:
        """The control for this field type, holding the stored value."""
        spec, value, off = self.spec, self.initial, self.locked
        if spec.type == "text":
            return Input(
                self._committed_text,
                compact=True,
                disabled=off,
                classes="field-control",
            )
        if spec.type == "date":
            return Input(
                self._committed_text,
                placeholder=DATE_PLACEHOLDER,
                compact=True,
                disabled=off,
                classes="field-control -date",
            )
        if spec.type == "long_text":
            return TextArea(
                self._committed_text,
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
                compact=True,
                disabled=off,
                classes="field-control",
            )
        if spec.type == "yes_no":
            return ChoiceSet(
                WrappingRadioButton("Ja", value=value is True),
                WrappingRadioButton("Nee", value=value is False),
                disabled=off,
                compact=True,
                classes="field-control -yes-no",
            )
        choices = self.protocol.choice_list(spec.choices)
        if spec.type == "choice" and len(choices) <= RADIO_LIMIT:
            return ChoiceSet(
                *[
                    WrappingRadioButton(literal(c.label), value=value == c.id)
                    for c in choices
                ],
                disabled=off,
                compact=True,
                classes="field-control",
            )
        if spec.type == "choice":
            return Select(
                [(literal(c.label), c.id) for c in choices],
                value=value if value in self._codes else Select.NULL,
                prompt="Kies…",
                compact=True,
                disabled=off,
                classes="field-control",
            )
        chosen = value if isinstance(value, list) else []
        return SelectionList[str](
            *[Selection(literal(c.label), c.id, c.id in chosen) for c in choices],
            disabled=off,
            compact=True,
            classes="field-control",
        )

    def compose(self) -> ComposeResult:
        """Label, help, the control, the error line and any extra (an entry mark)."""
        yield from self.compose_help()
        yield self.control
        yield self.error_widget
        if self.extra is not None:
            yield self.extra

    # -- reading ----------------------------------------------------------------------

    def raw(self) -> Any:
        """The control's value as the engine takes it (dates as typed)."""
        control = self.control
        if isinstance(control, Input):
            return control.value
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, RadioSet):
            index = control.pressed_index
            if index < 0:
                return None
            if self.spec.type == "yes_no":
                return index == 0
            return self._codes[index]
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        if isinstance(control, SelectionList):
            return list(control.selected)
        return None

    def condition_value(self) -> Any:
        """The value as a condition reads it: dates as ISO text, blanks as None."""
        value = self.raw()
        if isinstance(value, str) and not value.strip():
            return None
        if self.spec.type == "date" and isinstance(value, str):
            try:
                return parse_date(value).isoformat()
            except InputError:
                return None
        return value

    # -- committing -------------------------------------------------------------------

    def show_error(self, message: str | None) -> None:
        """Show (or clear) why the value was not accepted; the typed text stays."""
        self.error_widget.update(literal(message or ""))
        self.error_widget.set_class(bool(message), "-shown")

    def validate_date(self) -> bool:
        """Check a typed date without committing it; shows the reason when wrong."""
        text = self.raw()
        if self.spec.type != "date" or not isinstance(text, str) or not text.strip():
            self.show_error(None)
            return True
        try:
            parse_date(text)
        except InputError as error:
            self.show_error(error.message)
            return False
        self.show_error(None)
        return True

    def commit_now(self) -> None:
        """Hand the current value to the engine; show the error if it is refused."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.commit is None or self.locked:
            return
        value = self.raw()
        if isinstance(value, str) and value == self._committed_text:
            return
        try:
            self.commit(value)
        except InputError as error:
            self.show_error(error.message)
            return
        self.show_error(None)
        if isinstance(value, str):
            self._committed_text = value

    def flush(self) -> None:
        """Commit text that is still waiting for its debounce."""
        if self.spec.type in ("text", "long_text", "date"):
            self.commit_now()

    def _text_changed(self, text: str) -> None:
        """Typed text: commit it a little later, once the typing pauses."""
        if text == self._committed_text:
            return
        self.post_message(self.Edited(self))
        if self.commit is None or self.spec.type == "date":
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TEXT_DEBOUNCE_SECONDS, self.commit_now)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._text_changed(event.value)

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._text_changed(event.text_area.text)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.commit is None:
            if self.validate_date():
                self.screen.focus_next()
            return
        self.commit_now()
        if not self.error_widget.has_class("-shown"):
            self.screen.focus_next()

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        if self.commit is None:
            self.validate_date()
        else:
            self.commit_now()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving a long text commits it at once."""
        if isinstance(self.control, TextArea) and not self.control.has_focus:
            self.commit_now()

    @on(RadioSet.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _choice_changed(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Edited(self))
        if self.commit is None or self.locked:
            return
        value = self.raw()
        if value == self.initial:
            # A restored control reporting its own value: nothing changed.
            return
        try:
            self.commit(value)
        except InputError as error:
            self.show_error(error.message)
            return
        self.initial = value
        self.show_error(None)


class InfoBlock(FieldBlock):
    """An `info` field: a highlighted notice, with a button when it names an action."""

    DEFAULT_CSS = """
    InfoBlock {
        & > .info-text {
            background: $warning-muted;
            color: $text;
            padding: 0 1;
        }
        & > Button { margin: 0 0 0 1; }
    }
    """

    ACTION_LABELS = {"redacted_summary": "Samenvatting zonder namen"}
    """Button labels per action an info field can name."""

    ACTION_TARGETS = {"redacted_summary": "show_redacted_summary"}
    """The app action each info action runs."""

    def compose(self) -> ComposeResult:
        """The notice and the action button, if any."""
        yield Static(literal(self.spec.label), classes="info-text")
        if self.spec.help:
            yield Static(literal(self.spec.help), classes="field-help")
        if self.spec.action:
            yield Button(
                self.ACTION_LABELS.get(self.spec.action, self.spec.action),
                compact=True,
                classes="info-action",
            )

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        """Run the app action the info field names."""
        event.stop()
        action = self.spec.action or ""
        await self.app.run_action(self.ACTION_TARGETS.get(action, action))
