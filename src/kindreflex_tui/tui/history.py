"""The history screen: the path through the steps and every recorded change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
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
        yield Static(self._path_text(), id="history-path")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Fill the events table, newest last, cursor on the newest."""
        table = self.query_one("#history", DataTable)
        for label in ("Tijd", "Wie", "Stap", "Wat", "Reden"):
            table.add_column(label)
        for event in self.engine.dossier.history:
            table.add_row(*(Content(cell) for cell in self._row(event)))
        table.move_cursor(row=table.row_count - 1)
        table.focus()

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

    def _row(self, event: Event) -> tuple[str, str, str, str, str]:
        """One event as table cells."""
        what = _KIND_WORDS.get(event.kind, event.kind)
        if event.target and event.kind not in ("step_entered", "step_left"):
            what += f" {event.target}"
        if event.kind in ("answer_set", "notes_set") and event.new is not None:
            what += f": {_short(event.new, 30)}"
        elif event.kind == "decision_taken":
            target = (
                "einde"
                if event.new == END
                else f"stap {self._step_label(str(event.new))}"
            )
            what += f" → {target}"
        return (
            f"{event.at.astimezone():%d-%m %H:%M:%S}",
            event.by,
            self._step_label(event.step),
            what,
            event.reason or "",
        )
