"""The home screen: every dossier in the data folder, follow-ups due first."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from kindreflex_tui.dates import format_date
from kindreflex_tui.listing import DossierRow, collect


def _cell(text: str, style: str = "") -> Content:
    """A table cell that shows text literally (no markup), optionally styled."""
    content = Content(text)
    return content.stylize(style) if style else content


def fold(text: str) -> str:
    """Text for searching: without accents and case, so "zoe" finds "Zoë"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _due_text(row: DossierRow) -> str:
    """The follow-up column: its state and date, short enough for 80 columns."""
    if row.next_due is None:
        return ""
    day = format_date(row.next_due)
    if row.overdue:
        return f"te laat {day}"
    if row.due_now:
        return f"binnenkort {day}"
    return day


class HomeScreen(Screen[None]):
    """Choose a dossier to resume, or start a new one."""

    BINDINGS = [
        Binding("ctrl+n", "app.new_dossier", "Nieuw dossier"),
        Binding("ctrl+r", "reload", "Vernieuw", show=False),
        Binding("ctrl+f", "focus_filter", "Zoek", show=False),
        Binding("down", "to_table", "Naar de lijst", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DossierRow] = []

    def compose(self) -> ComposeResult:
        """A filter, the dossier table and a button for a new dossier."""
        yield Header()
        with Horizontal(id="home-bar"):
            yield Input(
                placeholder="Zoek op cliëntcode, stap of hulpverlener",
                id="filter",
                select_on_focus=False,
            )
            yield Button("Nieuw dossier", id="new", variant="primary")
        yield DataTable(id="dossiers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-empty")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table and put the cursor in it."""
        table = self.query_one("#dossiers", DataTable)
        table.add_column("Cliënt", key="client", width=11)
        table.add_column("Stap", key="step", width=15)
        table.add_column("Gewijzigd", key="changed", width=10)
        table.add_column("Hulpverlener", key="counsellor", width=12)
        table.add_column("Opvolging", key="due", width=21)
        self.reload()
        self.query_one("#filter", Input).focus()

    def on_screen_resume(self) -> None:
        """Coming back from a dossier: show its new state."""
        if getattr(self.app, "session", None) is None:
            self.app.sub_title = ""
        search = self.query_one("#filter", Input)
        search.value = ""  # back from a dossier: show them all again
        self.reload()
        search.focus()

    def reload(self) -> None:
        """Read the data folder again and redraw the table."""
        app = self.app
        store = app.store  # type: ignore[attr-defined]
        self.rows = collect(store.directory, app.today())  # type: ignore[attr-defined]
        self._fill(self.query_one("#filter", Input).value)

    def _fill(self, needle: str) -> None:
        """Show the rows that match the filter text."""
        table = self.query_one("#dossiers", DataTable)
        table.clear()
        wanted = fold(needle.strip())
        shown = 0
        for index, row in enumerate(self.rows):
            if wanted and wanted not in self._haystack(row):
                continue
            table.add_row(*self._cells(row), key=str(index))
            shown += 1
        empty = self.query_one("#home-empty", Static)
        if not self.rows:
            empty.update(
                "Nog geen dossiers in deze map. Druk Ctrl+N voor een nieuw dossier."
            )
        elif not shown:
            empty.update(Content(f"Geen dossier past bij ‘{needle.strip()}’."))
        else:
            empty.update("")
        empty.display = not shown

    @staticmethod
    def _haystack(row: DossierRow) -> str:
        """The text a filter searches in."""
        parts = [row.client_ref, row.step_label, row.counsellor, row.due_label]
        parts.append(row.error or "")
        return fold(" ".join(p or "" for p in parts))

    @staticmethod
    def _cells(row: DossierRow) -> tuple[Content, ...]:
        """The table cells of one dossier row."""
        if row.error:
            return (
                _cell(row.path.name),
                _cell("onleesbaar", "bold $error"),
                _cell(""),
                _cell(""),
                _cell(row.error, "$error"),
            )
        changed = (
            f"{row.updated_at.astimezone():%d-%m-%Y %H:%M}" if row.updated_at else ""
        )
        due_style = (
            "bold $error" if row.overdue else ("bold $warning" if row.due_now else "")
        )
        return (
            _cell(row.client_ref or ""),
            _cell(row.step_label or ""),
            _cell(changed),
            _cell(row.counsellor or ""),
            _cell(_due_text(row), due_style),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the counsellor types."""
        if event.input.id == "filter":
            self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter opens the first match."""
        table = self.query_one("#dossiers", DataTable)
        if table.row_count:
            table.focus()
            table.move_cursor(row=0)
            self._open_row(0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The new-dossier button."""
        if event.button.id == "new":
            self.app.run_action("new_dossier")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens that dossier."""
        self._open_row(event.cursor_row)

    def _open_row(self, cursor_row: int) -> None:
        """Open the dossier shown at a table row."""
        table = self.query_one("#dossiers", DataTable)
        key = table.coordinate_to_cell_key((cursor_row, 0)).row_key.value
        row = self.rows[int(key or 0)]
        if row.error:
            self.notify(
                f"{row.path.name} kan niet geopend worden: {row.error}",
                title="Onleesbaar dossier",
                severity="error",
                markup=False,
            )
            return
        self.app.open_dossier(str(row.path))  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        """Read the folder again."""
        self.reload()

    def action_to_table(self) -> None:
        """Down from the filter moves into the list."""
        table = self.query_one("#dossiers", DataTable)
        if self.focused is not table and table.row_count:
            table.focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while the list has the focus goes into the filter."""
        table = self.query_one("#dossiers", DataTable)
        if self.focused is table and event.key == "backspace":
            event.stop()
            search = self.query_one("#filter", Input)
            search.focus()
            search.value = search.value[:-1]
            return
        if self.focused is table and event.is_printable and event.character:
            event.stop()
            search = self.query_one("#filter", Input)
            search.focus()
            search.insert_text_at_cursor(event.character)

    def action_focus_filter(self) -> None:
        """Move to the filter field."""
        self.query_one("#filter", Input).focus()
