"""The history screen: the path through the steps and every recorded change."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from kindreflex_tui.dossier.model import Event
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.model import END

_KIND_WORDS = {
    "dossier_created": "dossier gemaakt",
    "dossier_migrated": "dossier omgezet naar een nieuwer formaat",
    "counsellor_joined": "hulpverlener kwam erbij",
    "step_entered": "stap begonnen",
    "step_left": "stap verlaten",
    "item_ticked": "afgevinkt",
    "item_unticked": "afvinken ongedaan",
    "answer_set": "antwoord",
    "notes_set": "notities aangepast",
    "mark_set": "soort aantekening",
    "child_added": "kind toegevoegd",
    "child_changed": "kind aangepast",
    "child_removed": "kind verwijderd",
    "decision_taken": "beslissing",
    "dossier_closed": "Kindreflex afgesloten",
    "dossier_reopened": "dossier heropend",
}


def _short(value: object, width: int = 40) -> str:
    """A value in one short line."""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class HistoryScreen(Screen[None]):
    """Who did what and when, and why each route was taken."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Terug")]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def compose(self) -> ComposeResult:
        """The path of visits, then the table of events."""
        yield Header()
        with VerticalScroll(id="history-path"):
            yield Static(self._path_text())
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the events table, newest last, cursor on the newest."""
        table = self.query_one("#history", DataTable)
        table.add_column("Tijd", width=14)
        table.add_column("Wie", width=10)
        table.add_column("Stap", width=4)
        table.add_column("Wat en waarom")
        self.details: list[str] = []
        for event in self.engine.dossier.history:
            cells = self._row(event)
            # Rich Text cells: shown literally, and measured for the column width.
            table.add_row(*(Text(cell) for cell in cells))
            self.details.append(cells[3])
        table.move_cursor(row=table.row_count - 1)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the whole line of the highlighted event under the table."""
        if 0 <= event.cursor_row < len(self.details):
            detail = self.query_one("#history-detail", Static)
            detail.update(Content(self.details[event.cursor_row]))

    def _step_label(self, step_id: str | None) -> str:
        """A step as its number, or empty."""
        if not step_id or not self.engine.protocol.has_step(step_id):
            return step_id or ""
        return str(self.engine.protocol.step(step_id).number)

    def _path_text(self) -> Content:
        """Every visit with its decision, one line each."""
        lines = ["Verloop:"]
        for visit, step in self.engine.path():
            line = (
                f"{step.number}. {step.short_title}  "
                f"{visit.entered_at.astimezone():%d-%m-%Y %H:%M} ({visit.entered_by})"
            )
            decision = visit.decision
            if decision is not None:
                option = step.option(decision.option)
                label = option.label if option else decision.option
                target = (
                    "einde"
                    if decision.target == END
                    else f"stap {self._step_label(decision.target)}"
                )
                line += f" → {target}: {_short(label, 50)}"
                if decision.reason:
                    line += f" — ‘{_short(decision.reason, 60)}’"
                if decision.override_reason:
                    line += (
                        f" (waarschuwing genegeerd: {_short(decision.override_reason)})"
                    )
            else:
                line += "  (bezig)"
            lines.append(line)
        return Content("\n".join(lines))

    def _label(self, event: Event) -> str:
        """What an event's target is called in the protocol, or the target itself."""
        target = event.target or ""
        step_id = event.step
        if not step_id or not self.engine.protocol.has_step(step_id):
            return target
        step = self.engine.protocol.step(step_id)
        if event.kind in ("item_ticked", "item_unticked"):
            item = next((i for i in step.items if i.id == target), None)
            return _short(item.label, 80) if item else target
        field = step.field(target.split("/")[0]) if target else None
        if field is not None:
            return _short(field.label, 80)
        return target

    def _value(self, event: Event) -> str:
        """The new value of an answer as the counsellor reads it."""
        new = event.new
        step_id, target = event.step, event.target or ""
        if step_id and self.engine.protocol.has_step(step_id) and "/" not in target:
            field = self.engine.protocol.step(step_id).field(target)
            if field is not None:
                return self.engine.display(field, new)
        if isinstance(new, dict):
            return ", ".join(str(v) for k, v in new.items() if k != "id" and v)
        return str(new)

    def _row(self, event: Event) -> tuple[str, str, str, str]:
        """One event as table cells."""
        what = _KIND_WORDS.get(event.kind, event.kind)
        if event.kind in ("item_ticked", "item_unticked", "answer_set", "mark_set"):
            what += f" {self._label(event)}"
        if event.kind in ("answer_set", "notes_set") and event.new is not None:
            what += f": {_short(self._value(event), 160)}"
        elif event.kind in ("child_added", "child_changed") and isinstance(
            event.new, dict
        ):
            what += f": {_short(event.new.get('name', ''), 30)}"
        elif event.kind == "decision_taken":
            target = (
                "einde"
                if event.new == END
                else f"stap {self._step_label(str(event.new))}"
            )
            what += f" → {target}"
        if event.reason:
            what += f" — ‘{_short(event.reason, 200)}’"
        return (
            f"{event.at.astimezone():%d-%m-%y %H:%M}",
            event.by,
            self._step_label(event.step),
            what,
        )
