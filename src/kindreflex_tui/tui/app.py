"""The kindreflex app: from the list of dossiers through the steps and back."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from kindreflex_tui.dossier.archive import archive_protocol, protocol_for
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import KindreflexError
from kindreflex_tui.paths import config_dir
from kindreflex_tui.paths import data_dir as default_data_dir
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.settings import Settings, load_settings, save_settings
from kindreflex_tui.tui.home import HomeScreen
from kindreflex_tui.tui.session import Session

if TYPE_CHECKING:
    from kindreflex_tui.tui.new_dossier import NewDossier
    from kindreflex_tui.tui.summary_screen import ReopenRequest

# The step, history, summary and dialog screens are imported where they are first
# shown: the dossier list draws without paying for their widgets.

log = logging.getLogger(__name__)


class KindreflexApp(App[int]):
    """The Kindreflex in the terminal: choose a dossier, walk its steps, autosaved."""

    TITLE = "Kindreflex"
    CSS_PATH = "kindreflex.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f5", "show_history", "Historiek"),
        Binding("f6", "show_summary", "Samenvatting"),
        Binding("f9", "go_home", "Dossiers"),
        Binding("ctrl+s", "save_now", "Bewaar", show=False),
        Binding("ctrl+q", "quit", "Stoppen", priority=True),
        # Some terminals (VS Code's) take Ctrl+Q for themselves.
        Binding("f10", "quit", "Stoppen", show=False, priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "opdrachten",
            show=False,
            priority=True,
            tooltip="Open de lijst met opdrachten",
        ),
    ]

    def __init__(
        self,
        data_dir: Path,
        target: str | None = None,
        *,
        config_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.store = DossierStore(data_dir)
        self.target = target
        self.config_dir = config_dir
        self.clock = clock
        self.today = today
        self.session: Session | None = None
        self.settings = load_settings(config_dir)

    # -- start and stop ---------------------------------------------------------------

    def on_mount(self) -> None:
        """Show the dossier list, and open the dossier named on the command line."""
        self.push_screen(HomeScreen())
        if self.target:
            self.open_dossier(self.target)

    async def action_quit(self) -> None:
        """Save what is pending, release the dossier and leave."""
        self._leave_dossier(lambda: self.exit(0), "Toch stoppen")

    def action_help_quit(self) -> None:
        """Ctrl+C: say in Dutch how to quit (it copies in text fields)."""
        self.notify(
            "Druk Ctrl+Q om kindreflex te sluiten; je dossier wordt eerst bewaard.",
            title="Stoppen?",
            markup=False,
        )

    def action_command_palette(self) -> None:
        """The command palette, asking in Dutch."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder="Zoek een opdracht…", id="--command-palette")
            )

    def _unsaved_input(self) -> str | None:
        """Input on screen that leaving would lose: an open item form, a bad value."""
        from kindreflex_tui.tui.widgets.fields import FieldEditor
        from kindreflex_tui.tui.widgets.item_form import ItemForm

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ItemForm):
                typed = screen.condition_values()
                before = {key: screen.item.get(key) for key in typed}
                if typed != before:
                    return f"het venster ‘{screen.heading}’ is nog niet opgeslagen"
            for editor in screen.query(FieldEditor):
                if editor.error_widget.has_class("-shown"):
                    return f"‘{editor.spec.label}’ heeft een waarde die niet klopt"
        return None

    def _leave_dossier(
        self, then: Callable[[], object], anyway: str, *, asked: bool = False
    ) -> None:
        """Close the open dossier and go on, unless that would lose input or changes."""
        from kindreflex_tui.tui.confirm import ConfirmScreen

        problem = None if asked or self.session is None else self._unsaved_input()
        if problem is not None:

            def confirmed(leave: bool | None) -> None:
                if leave:
                    self._leave_dossier(then, anyway, asked=True)

            self.push_screen(
                ConfirmScreen(
                    "Nog niet bewaard",
                    f"{problem[0].upper()}{problem[1:]}. Als je nu verdergaat, "
                    "gaat dat verloren.",
                    yes=anyway,
                    no="Blijven",
                ),
                confirmed,
            )
            return

        self._flush_typing()
        session = self.session
        if session is None or not session.dirty or session.save_now():
            self._close_session()
            then()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self._close_session()
                then()

        self.push_screen(
            ConfirmScreen(
                "Wijzigingen niet opgeslagen",
                f"Het dossier kon niet opgeslagen worden: {session.error}. "
                "Als je nu verdergaat, gaan je laatste wijzigingen verloren. "
                "Blijf, los de oorzaak op en probeer opnieuw met Ctrl+S.",
                yes=anyway,
                no="Blijven",
            ),
            answered,
        )

    def _flush_typing(self) -> None:
        """Hand text still waiting for its debounce to the engine."""
        from kindreflex_tui.tui.step_screen import StepScreen

        for screen in self.screen_stack:
            if isinstance(screen, StepScreen):
                screen.flush()

    def on_unmount(self) -> None:
        """Never leave without writing pending changes (terminal closed, crash)."""
        self._close_session()

    def _close_session(self) -> None:
        """Flush typed text and pending saves, then release the open dossier."""
        self._flush_typing()
        if self.session is not None:
            session, self.session = self.session, None
            session.close()
        self.sub_title = ""

    # -- dossiers ---------------------------------------------------------------------

    def _actor(self) -> str:
        """Who is working: the remembered counsellor, else the system user."""
        if self.settings.counsellor:
            return self.settings.counsellor
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):  # pragma: no cover - no user database
            return "onbekend"

    def _engine_options(self) -> dict[str, object]:
        """The clock and calendar the engine uses (fixed in tests)."""
        options: dict[str, object] = {"today": self.today}
        if self.clock is not None:
            options["clock"] = self.clock
        return options

    def open_dossier(self, ref: str) -> None:
        """Open a dossier (path, id or client code) at its current step."""
        self._close_session()
        try:
            handle = self.store.open(ref, holder=self._actor())
        except KindreflexError as error:
            self.notify(
                str(error), title="Dossier niet geopend", severity="error", markup=False
            )
            return
        try:
            protocol, note = protocol_for(handle.dossier, self.store.directory)
        except KindreflexError as error:
            handle.close()
            self.notify(
                str(error), title="Dossier niet geopend", severity="error", markup=False
            )
            return
        engine = Engine(
            protocol,
            handle.dossier,
            self._actor(),
            **self._engine_options(),  # type: ignore[arg-type]
        )
        self.session = Session(self, engine, handle)
        self.sub_title = self.session.header()
        self._settle_memory()
        if note:
            self.notify(note, title="Protocolversie", timeout=10, markup=False)
        if handle.readonly:
            reason = handle.readonly_reason or (
                f"in gebruik door {handle.held_by}" if handle.held_by else None
            )
            self.notify(
                f"Alleen lezen: {reason}." if reason else "Alleen lezen.",
                title="Dossier in gebruik" if handle.held_by else "Alleen lezen",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self._show_current()

    def _show_current(self) -> None:
        """Show the step in progress, or the summary of a closed dossier."""
        from kindreflex_tui.tui.step_screen import StepScreen
        from kindreflex_tui.tui.summary_screen import SummaryScreen

        session = self.session
        if session is None:
            return
        if session.engine.closed:
            self.push_screen(
                SummaryScreen(session.engine, closed=True), self._after_summary
            )
            return
        handle = session.handle
        reason = handle.readonly_reason or (
            f"in gebruik door {handle.held_by}" if handle.held_by else None
        )
        self.push_screen(
            StepScreen(
                session.engine,
                readonly=session.readonly,
                readonly_reason=f"Alleen lezen: {reason}" if reason else None,
            ),
            self._after_step,
        )

    def _after_step(self, _result: object) -> None:
        """A step screen closed: the dossier was closed, back to the list."""
        if self.session is not None and self.session.engine.closed:
            self._close_session()
            self._refresh_home()

    def _after_summary(self, result: ReopenRequest | None) -> None:
        """Reopen a closed dossier when asked, else back to the list."""
        session = self.session
        if session is None:
            return
        if result is None:
            self._close_session()
            self._refresh_home()
            return
        try:
            session.engine.reopen(result.step_id, result.reason)
        except KindreflexError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._show_current()

    def create_dossier(self, request: NewDossier) -> None:
        """Make a new dossier for a client and start at step 1."""
        self._close_session()
        try:
            protocol = load_protocol(request.protocol_dir)
            engine = Engine.start(
                protocol,
                dossier_id=self.store.new_id(),
                client_ref=request.client_ref,
                counsellor=request.counsellor,
                **self._engine_options(),  # type: ignore[arg-type]
            )
            archive_protocol(self.store.directory, request.protocol_dir, protocol)
            handle = self.store.create(engine.dossier, holder=request.counsellor)
        except KindreflexError as error:
            self.notify(
                str(error), title="Dossier niet gemaakt", severity="error", markup=False
            )
            return
        if request.counsellor != self.settings.counsellor:
            self.settings = Settings(counsellor=request.counsellor)
            try:
                save_settings(self.settings, self.config_dir)
            except (KindreflexError, OSError) as error:
                log.warning("instellingen niet bewaard: %s", error)
        engine.actor = request.counsellor
        self.session = Session(self, engine, handle)
        self.sub_title = self.session.header()
        self._settle_memory()
        self._show_current()

    @staticmethod
    def _settle_memory() -> None:
        """Move what is alive now out of the collector's way.

        After a dossier is open its objects live for the whole session; a full
        collection walking them all stalls the event loop (over 100 ms measured in
        bench/autosave.py). Freezing them keeps later collections short.
        """
        gc.collect()
        gc.freeze()

    def _refresh_home(self) -> None:
        """Reload the dossier list when it is showing."""
        screen = self.screen
        if isinstance(screen, HomeScreen):
            screen.reload()

    # -- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer dossier actions only while a dossier is open."""
        if action in (
            "show_history",
            "show_summary",
            "show_redacted_summary",
            "save_now",
        ):
            return self.session is not None
        if action == "go_home":
            return not isinstance(self.screen, HomeScreen)
        return True

    def action_new_dossier(self) -> None:
        """Ask for the client code and counsellor, then create the dossier."""
        from kindreflex_tui.tui.new_dossier import NewDossierScreen

        def created(request: NewDossier | None) -> None:
            if request is not None:
                self.create_dossier(request)

        # The dossier list already read every file: its rows name the codes in use.
        home = next(s for s in self.screen_stack if isinstance(s, HomeScreen))
        taken = {row.client_ref for row in home.rows if row.client_ref}
        self.push_screen(
            NewDossierScreen(
                self.settings.counsellor,
                taken_refs=taken,
                own_protocols=(self.config_dir or config_dir()) / "protocols",
            ),
            created,
        )

    def action_show_history(self) -> None:
        """Show the visits, decisions and every change of the open dossier."""
        from kindreflex_tui.tui.history import HistoryScreen

        if self.session is not None and not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.session.engine))

    def action_show_summary(self) -> None:
        """Show the step summary of the open dossier."""
        from kindreflex_tui.tui.summary_screen import SummaryScreen

        if self.session is not None and not isinstance(self.screen, SummaryScreen):
            self.push_screen(SummaryScreen(self.session.engine))

    def action_show_redacted_summary(self) -> None:
        """Show the summary without names, for an anonymous consultation."""
        from kindreflex_tui.tui.summary_screen import SummaryScreen

        if self.session is not None and not isinstance(self.screen, SummaryScreen):
            self.push_screen(SummaryScreen(self.session.engine, redact=True))

    def action_save_now(self) -> None:
        """Write the open dossier now."""
        if self.session is None:
            return
        if self.session.readonly:
            self.notify(
                "Alleen lezen: er wordt niets opgeslagen.", timeout=4, markup=False
            )
        elif self.session.save_now():
            self.notify("Dossier opgeslagen.", timeout=2, markup=False)

    def action_go_home(self) -> None:
        """Close the open dossier (saved) and return to the list of dossiers."""
        self._leave_dossier(self._show_home, "Toch naar de lijst")

    def _show_home(self) -> None:
        """Show the dossier list, whatever was on top of it."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.switch_screen(HomeScreen())
        else:
            self._refresh_home()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The main actions in the command palette (Ctrl+P), in Dutch."""
        yield SystemCommand(
            "Nieuw dossier", "Maak een dossier voor een cliënt", self.action_new_dossier
        )
        if self.session is not None:
            yield SystemCommand(
                "Historiek",
                "Bezoeken, beslissingen en wijzigingen",
                self.action_show_history,
            )
            yield SystemCommand(
                "Samenvatting", "De stappensamenvatting", self.action_show_summary
            )
            yield SystemCommand(
                "Samenvatting zonder namen",
                "Voor anoniem overleg met VK of OCJ",
                self.action_show_redacted_summary,
            )
            yield SystemCommand(
                "Bewaar nu", "Schrijf het dossier", self.action_save_now
            )
            yield SystemCommand(
                "Dossiers", "Terug naar de lijst met dossiers", self.action_go_home
            )
        yield SystemCommand("Stoppen", "Bewaar en sluit kindreflex", self.action_quit)


def make_app(
    data_dir: Path | str | None = None,
    target: str | None = None,
    **options: object,
) -> KindreflexApp:
    """Build the app for a data folder; the CLI and the tests both call this."""
    folder = default_data_dir(data_dir)
    return KindreflexApp(folder, target, **options)  # type: ignore[arg-type]


def run_app(data_dir: Path | str | None = None, target: str | None = None) -> int:
    """Run the app in this terminal until the counsellor quits; return the exit code."""
    app = make_app(data_dir, target)
    if target:
        # An unknown dossier is a one-line error on the command line, not an empty app.
        app.target = str(app.store.resolve(target))
    app.run()
    return app.return_code or 0
