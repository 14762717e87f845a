"""The step screen: renders any step of the protocol from its data alone."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static

from kindreflex_tui.dossier.model import Event
from kindreflex_tui.engine import (
    DecisionNeedsOverride,
    DecisionRefused,
    Engine,
    Missing,
)
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import FieldSpec, Option, Step
from kindreflex_tui.tui.help import StepHelp
from kindreflex_tui.tui.widgets.checklist import Checklist
from kindreflex_tui.tui.widgets.decision import DecisionPanel
from kindreflex_tui.tui.widgets.entry_mark import EntryMarkPicker, mark_picker
from kindreflex_tui.tui.widgets.fields import FieldBlock, FieldEditor, InfoBlock
from kindreflex_tui.tui.widgets.flow_map import FlowMap
from kindreflex_tui.tui.widgets.override import OverrideReason
from kindreflex_tui.tui.widgets.per_child import PerChildGroup
from kindreflex_tui.tui.widgets.repeat import ItemRow, RepeatEditor
from kindreflex_tui.tui.widgets.text import literal

CLOSED_MESSAGE = "De Kindreflex is afgesloten voor deze cliënt"
"""Shown when a decision closes the dossier."""

NOTES_ID = "step-notes"
"""The widget id of the notes editor (a field may itself be called `notes`)."""

CHILD_EVENTS = frozenset({"child_added", "child_changed", "child_removed"})

APP_ACTIONS = ("show_history", "show_summary", "go_home", "save_now")
"""App actions the screen's keys hand on to, after committing pending text."""


class StepBody(VerticalScroll):
    """Everything of one step, top to bottom, built from the protocol data."""

    DEFAULT_CSS = """
    StepBody {
        height: 1fr;
        padding: 0 1;
        & > #step-title { text-style: bold; color: $text-primary; }
        & > #step-who { color: $text-muted; }
        & > #step-guidance {
            color: $text-muted;
            text-style: italic;
            margin: 0 0 1 0;
        }
        & > .section { text-style: bold underline; margin: 0 0 0 0; }
        & > #readonly-decision { color: $text-warning; margin-top: 1; }
        & TextArea { height: 5; }
    }
    """

    def __init__(self, engine: Engine, *, readonly: bool) -> None:
        super().__init__(id="step-body")
        self.engine = engine
        self.readonly = readonly
        self.can_focus = readonly

    def compose(self) -> ComposeResult:
        """Title, who, guidance, checklist, fields, notes and the decision."""
        engine = self.engine
        if engine.closed:
            yield Static("Dit dossier is afgesloten.", id="step-title")
            return
        step = engine.step
        yield Static(literal(f"Stap {step.number}. {step.title}"), id="step-title")
        yield Static(literal(f"Wie: {step.who}"), id="step-who")
        if step.guidance:
            yield Static(literal(step.guidance), id="step-guidance")
        if step.items:
            yield Static("Wat doe je in deze stap?", classes="section")
            yield Checklist(
                step.items,
                engine.visit.ticked,
                engine.tick,
                disabled=self.readonly,
            )
        if step.fields:
            yield Static("Wat noteer je?", classes="section")
        for spec in step.fields:
            yield self._block(spec)
        yield self._notes(step)
        if self.readonly:
            yield Static(
                "Alleen lezen: hier neem je geen beslissing.", id="readonly-decision"
            )
        else:
            yield DecisionPanel(step)

    def _mark_picker(self, target: str) -> EntryMarkPicker | None:
        """The entry-mark picker of a field or the notes, if the protocol has marks."""
        return mark_picker(self.engine, target, disabled=self.readonly)

    def _block(self, spec: FieldSpec) -> FieldBlock:
        """The widget for one top-level field, chosen by its type."""
        engine = self.engine
        if spec.type == "info":
            return InfoBlock(spec, id=f"field-{spec.id}")
        if spec.type == "repeat":
            return RepeatEditor(engine, spec, disabled=self.readonly)
        if spec.type == "per_child":
            return PerChildGroup(engine, spec, disabled=self.readonly)

        def commit(value: Any) -> object:
            return engine.set_answer(spec.id, value)

        return FieldEditor(
            spec,
            engine.value(spec.id),
            protocol=engine.protocol,
            commit=commit,
            disabled=self.readonly,
            extra=self._mark_picker(spec.id) if spec.type == "long_text" else None,
            id=f"field-{spec.id}",
        )

    def _notes(self, step: Step) -> FieldEditor:
        """The notes of the visit, with their entry mark."""
        spec = FieldSpec(id="notes", type="long_text", label=step.notes_label)

        def commit(value: Any) -> object:
            return self.engine.set_notes(value if isinstance(value, str) else "")

        return FieldEditor(
            spec,
            self.engine.visit.notes,
            protocol=self.engine.protocol,
            commit=commit,
            disabled=self.readonly,
            extra=self._mark_picker("notes"),
            id=NOTES_ID,
        )

    def focus_first_control(self) -> None:
        """Start at the top of the step with the keyboard, the title in sight."""
        for widget in self.screen.focus_chain:
            if self in widget.ancestors:
                self.screen.set_focus(widget, scroll_visible=False)
                break
        self.scroll_home(animate=False)

    def blocks(self) -> list[FieldBlock]:
        """The top-level field widgets, in protocol order (not the notes)."""
        return [
            child
            for child in self.children
            if isinstance(child, FieldBlock) and child.id != NOTES_ID
        ]


class StepScreen(Screen[None]):
    """Shows the current step of a dossier and changes it only through the engine."""

    DEFAULT_CSS = """
    StepScreen {
        & > #readonly-banner {
            height: auto;
            padding: 0 1;
            background: $error-muted;
            color: $text;
            text-style: bold;
        }
    }
    """

    AUTO_FOCUS = None
    """The screen focuses its first control itself, without scrolling past the title."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: a focused TextArea would take F6 (select line) and others.
        Binding("f1", "help", "Hulp", priority=True),
        Binding("f2", "to_decision", "Beslis", priority=True),
        Binding("f5", "hand_on('show_history')", "Historiek", priority=True),
        Binding("f6", "hand_on('show_summary')", "Samenvatting", priority=True),
        Binding("f9", "hand_on('go_home')", "Dossiers", priority=True),
        Binding("ctrl+s", "hand_on('save_now')", "Bewaar", priority=True),
    ]

    def __init__(
        self,
        engine: Engine,
        *,
        readonly: bool = False,
        readonly_reason: str | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.readonly = readonly
        self.readonly_reason = readonly_reason
        self.flow_map = FlowMap(engine, id="flow-map")
        self.body = StepBody(engine, readonly=readonly)
        self._missing_option: Option | None = None
        """The option whose missing items are listed, kept up to date as one types."""
        self._sync_pending = False
        self._children_changed = False

    # -- building ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, flow map, read-only banner, the step, footer."""
        yield Header()
        yield self.flow_map
        if self.readonly:
            yield Static(
                literal(self.readonly_reason or "Alleen lezen"), id="readonly-banner"
            )
        yield self.body
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Listen to the engine and show the fields the conditions allow."""
        self.engine.listeners.append(self._engine_changed)
        self.refresh_conditions()
        self.call_after_refresh(self.body.focus_first_control)

    def on_unmount(self) -> None:
        """Commit pending text and stop listening."""
        self.flush()
        if self._engine_changed in self.engine.listeners:
            self.engine.listeners.remove(self._engine_changed)

    def on_screen_suspend(self) -> None:
        """Another screen comes on top: pending text goes to the engine first."""
        self.flush()

    # -- keeping in step with the engine ----------------------------------------------

    def flush(self) -> None:
        """Hand every piece of text still waiting for its debounce to the engine."""
        if self.readonly or not self.is_attached:
            return
        for editor in self.body.query(FieldEditor):
            editor.flush()
        for picker in self.body.query(EntryMarkPicker):
            picker.flush()

    def _engine_changed(self, event: Event) -> None:
        """Called by the engine, possibly halfway through a change: only schedule."""
        if event.kind in CHILD_EVENTS:
            self._children_changed = True
        if not self._sync_pending:
            self._sync_pending = True
            self.call_later(self._sync_with_engine)

    async def _sync_with_engine(self) -> None:
        """After changes: the map, the per-child groups, conditions, missing list."""
        self._sync_pending = False
        if self.engine.dossier.current_visit is None or not self.is_attached:
            return
        self.flow_map.refresh()
        if self._children_changed:
            self._children_changed = False
            for group in self.body.query(PerChildGroup):
                await group.recompose()
        self.refresh_conditions()
        if self._missing_option is not None:
            self._update_missing()

    def refresh_conditions(self) -> None:
        """Hide, show and require fields as the answers so far say."""
        if self.engine.dossier.current_visit is None:
            return
        step = self.engine.step
        for block in self.body.blocks():
            if step.field(block.spec.id) is not block.spec:
                continue  # a block of the step just left, about to be replaced
            block.set_state(
                visible=self.engine.is_visible(block.spec),
                required=self.engine.is_required(block.spec),
            )
            if isinstance(block, PerChildGroup):
                block.refresh_conditions()

    # -- the decision -----------------------------------------------------------------

    @on(DecisionPanel.Decide)
    def _decide(self, event: DecisionPanel.Decide) -> None:
        event.stop()
        self.flush()
        if self.readonly:
            return
        option = event.option
        panel = self.query_one(DecisionPanel)
        if option is None:
            self._missing_option = None
            panel.show_missing(["kies hoe je verder gaat"])
            panel.focus_options()
            return
        missing = self._missing(option, event.reason)
        if missing:
            self._missing_option = option
            self._show_missing(missing, focus=True)
            return
        self._clear_missing()
        warnings = self.engine.warnings(option.id)
        if not warnings:
            self.call_later(self._take, option, event.reason, None)
            return

        async def overridden(override: str | None) -> None:
            if override is None:
                panel.focus_options()
                return
            await self._take(option, event.reason, override)

        self.app.push_screen(OverrideReason(option.label, warnings), overridden)

    def _missing(self, option: Option, reason: str) -> list[Missing]:
        """What the engine still misses for this option, and the reason if needed."""
        missing = self.engine.missing(option.id)
        if self.engine.step.reason_required and not reason.strip():
            missing.append(Missing("reason", "geef een reden voor je beslissing"))
        return missing

    def _update_missing(self) -> None:
        """Keep a shown missing list in step with what is filled in meanwhile."""
        option = self._missing_option
        if option is None or self.engine.closed or not self.body.query(DecisionPanel):
            return
        panel = self.query_one(DecisionPanel)
        missing = self._missing(option, panel.reason)
        if missing:
            self._show_missing(missing, focus=False)
        else:
            self._clear_missing()

    def _block_for(self, target: str) -> FieldBlock | None:
        """The top-level field widget a missing target points at."""
        base = target.split("/", 1)[0]
        for block in self.body.blocks():
            if block.spec.id == base:
                return block
        return None

    def _show_missing(self, missing: list[Missing], *, focus: bool) -> None:
        """List what is missing, mark it in the step, and go to the first one."""
        lines = []
        for item in missing:
            block = self._block_for(item.target)
            hidden = block is not None and not block.display
            note = " (dit veld verschijnt pas na een ander antwoord hierboven)"
            lines.append(item.message + (note if hidden else ""))
        panel = self.query_one(DecisionPanel)
        panel.show_missing(lines)
        targets = {m.target for m in missing}
        checklist = self.body.query(Checklist)
        if checklist:
            checklist.first().mark_missing(targets)
        bases = {t.split("/", 1)[0] for t in targets}
        for block in self.body.blocks():
            block.mark_missing(block.spec.id in bases)
        self.query_one(f"#{NOTES_ID}", FieldEditor).mark_missing("notes" in targets)
        self.query_one("#decision-reason", Input).set_class(
            "reason" in targets, "-missing"
        )
        if focus:
            for item in missing:
                if self._focus_target(item.target):
                    break

    def _clear_missing(self) -> None:
        """No more missing list or marks."""
        self._missing_option = None
        if self.body.query(DecisionPanel):
            self.query_one(DecisionPanel).show_missing([])
            self.query_one("#decision-reason", Input).remove_class("-missing")
        for checklist in self.body.query(Checklist):
            checklist.mark_missing(set())
        for block in self.body.blocks():
            block.mark_missing(False)
        for notes in self.body.query(f"#{NOTES_ID}"):
            notes.set_class(False, "-missing")

    def _focus_target(self, target: str) -> bool:
        """Focus the control a missing target points at; False if it is hidden."""
        widget: Widget | None = None
        if target == "reason":
            widget = self.query_one("#decision-reason", Input)
        else:
            for checklist in self.body.query(Checklist):
                widget = checklist.box(target)
        if widget is not None:
            widget.focus()
            return True
        block = self._block_for(target)
        if target == "notes":
            block = self.query_one(f"#{NOTES_ID}", FieldEditor)
        if block is None or not block.display:
            return False
        for picker in block.query(EntryMarkPicker):
            if picker.lacks_source:
                picker.source_input.focus()
                return True
        _base, _, rest = target.partition("/")
        item_id = rest.split("/", 1)[0]
        if isinstance(block, RepeatEditor) and item_id:
            for row in block.query(ItemRow):
                if row.item_id == item_id:
                    row.query_one(".item-edit").focus()
                    return True
        if isinstance(block, PerChildGroup) and item_id:
            group = block.group(item_id)
            if group is not None:
                for editor in group.query(FieldEditor):
                    if editor.display and editor.focus_first():
                        return True
        return block.focus_first()

    async def _take(self, option: Option, reason: str, override: str | None) -> None:
        """Take the decision; show the next step, or close and leave."""
        try:
            self.engine.decide(option.id, reason, override_reason=override)
        except DecisionRefused as refused:
            self._missing_option = option
            self._show_missing(refused.missing, focus=True)
            return
        except DecisionNeedsOverride as needs:
            self.notify(needs.message, severity="warning", markup=False)
            return
        except InputError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        if self.engine.closed:
            self.notify(CLOSED_MESSAGE, markup=False)
            self.dismiss(None)
            return
        self._missing_option = None
        await self.body.recompose()
        self.flow_map.refresh()
        self.refresh_conditions()
        self.body.scroll_home(animate=False)
        self.call_after_refresh(self.body.focus_first_control)

    # -- keys -------------------------------------------------------------------------

    def action_help(self) -> None:
        """Open the step's help (once, however fast F1 is pressed)."""
        if isinstance(self.app.screen, StepHelp) or self.engine.closed:
            return
        self.app.push_screen(StepHelp(self.engine.step))

    def action_to_decision(self) -> None:
        """Jump to the decision at the end of the step."""
        panels = self.body.query(DecisionPanel)
        if panels:
            panels.first().focus_options()

    async def action_hand_on(self, action: str) -> None:
        """Commit pending text, then run the app's action (history, summary...)."""
        self.flush()
        await self.app.run_action(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the app's keys only when the app offers the action."""
        if action == "hand_on" and parameters:
            name = str(parameters[0])
            if not hasattr(self.app, f"action_{name}"):
                return False
            return self.app.check_action(name, ())
        if action == "to_decision":
            return not self.readonly
        return True
