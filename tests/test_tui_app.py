"""The app around the steps: home screen, new dossier, resume, lock, save, history."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from kindreflex_tui.dossier.archive import archive_protocol
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir
from kindreflex_tui.protocol.model import Protocol
from kindreflex_tui.settings import load_settings
from kindreflex_tui.tui.app import KindreflexApp, make_app
from kindreflex_tui.tui.history import HistoryScreen
from kindreflex_tui.tui.home import HomeScreen
from kindreflex_tui.tui.step_screen import StepScreen
from kindreflex_tui.tui.summary_screen import SummaryScreen

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def caw() -> Protocol:
    """The shipped protocol."""
    return load_protocol()


def _app(data: Path, config: Path, target: str | None = None) -> KindreflexApp:
    """An app on a temporary data and settings folder, on a fixed day."""
    return make_app(data, target, config_dir=config, today=lambda: TODAY)


def _dossier_at_step_2(
    protocol: Protocol, data: Path, client_ref: str, child: str = "Jan [de oudste]"
) -> Path:
    """Save a dossier that went through step 1 and stands in step 2."""
    store = DossierStore(data)
    engine = Engine.start(
        protocol,
        dossier_id=store.new_id(),
        client_ref=client_ref,
        counsellor="Els",
        today=lambda: TODAY,
    )
    for item in engine.step.items:
        engine.tick(item.id)
    engine.set_answer("has_children", True)
    engine.set_answer("residential", False)
    engine.add_item(
        "children",
        {"name": child, "birth_date": "03-05-2012", "lives_with_client": "permanent"},
    )
    engine.decide("children_present", "twee kinderen thuis")
    archive_protocol(data, shipped_protocol_dir(), protocol)
    handle = store.create(engine.dossier, holder="Els")
    handle.close()
    return handle.path


def _history_length(path: Path) -> int:
    """How many history events the dossier file holds."""
    return len(json.loads(path.read_text(encoding="utf-8"))["history"])


async def test_home_lists_dossiers_and_filters_as_you_type(
    caw: Protocol, tmp_path: Path
) -> None:
    """Every dossier is a row; typing in the filter keeps only the matching ones."""
    data = tmp_path / "data"
    _dossier_at_step_2(caw, data, "CL-001")
    _dossier_at_step_2(caw, data, "CL-002", child="Zoë")
    (data / "kapot.json").write_text("{ niet af", encoding="utf-8")

    app = _app(data, tmp_path / "config")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#dossiers", DataTable)
        assert table.row_count == 3
        cells = [str(table.get_row_at(i)[0]) for i in range(3)]
        assert "kapot.json" in cells
        steps = [str(table.get_row_at(i)[1]) for i in range(3)]
        assert "onleesbaar" in steps
        assert any(s.startswith("2.") for s in steps)

        table.focus()
        await pilot.press(*"cl-002")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "cl-002"
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == "CL-002"


async def test_new_dossier_starts_at_step_one_and_remembers_the_counsellor(
    tmp_path: Path,
) -> None:
    """Ctrl+N, a client code and a name: a private dossier file at step 1."""
    data, config = tmp_path / "data", tmp_path / "config"
    app = _app(data, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"CL-NIEUW")
        await pilot.press("enter")
        await pilot.press(*"Piet [team 2]")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert app.session is not None
        assert app.session.engine.step.number == 1
        path = app.session.handle.path
        await pilot.press("ctrl+q")

    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["client_ref"] == "CL-NIEUW"
    assert saved["counsellors"] == ["Piet [team 2]"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(config).counsellor == "Piet [team 2]"


async def test_new_dossier_without_client_code_is_refused_in_place(
    tmp_path: Path,
) -> None:
    """The dialog says what is missing and creates nothing."""
    data = tmp_path / "data"
    app = _app(data, tmp_path / "config")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.click("#create")
        await pilot.pause()
        assert "cliëntcode" in str(app.screen.query_one("#new-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert not list(data.glob("*.json"))


async def test_resume_opens_the_current_step_and_writes_no_history(
    caw: Protocol, tmp_path: Path
) -> None:
    """Opening a dossier and leaving it again adds nothing to its history."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-RESUME")
    before = _history_length(path)
    app = _app(data, tmp_path / "config", target="CL-RESUME")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        assert isinstance(app.screen, StepScreen)
        assert app.session is not None
        assert app.session.engine.step.number == 2
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert _history_length(path) == before


@pytest.mark.parametrize("quit_key", ["ctrl+q", "f10"])
async def test_a_change_is_on_disk_right_after_quitting(
    caw: Protocol, tmp_path: Path, quit_key: str
) -> None:
    """Quitting (Ctrl+Q, or F10 where the terminal takes Ctrl+Q) within the
    autosave delay still writes the last change."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-QUIT")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.session is not None
        app.session.engine.tick("consult")
        await pilot.press(quit_key)
    assert app.return_code == 0
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert "consult" in saved["visits"][-1]["ticked"]


async def test_autosave_writes_soon_after_a_change_and_shows_the_time(
    caw: Protocol, tmp_path: Path
) -> None:
    """A change reaches the file within a second and the header says when."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-AUTO")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.session is not None
        app.session.engine.set_notes("Gesprek met 😀 en Ĳsbrand")
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        await pilot.pause()
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert saved["visits"][-1]["notes"] == "Gesprek met 😀 en Ĳsbrand"
        assert "Opgeslagen om" in app.sub_title


async def test_second_instance_gets_the_dossier_read_only_and_names_the_holder(
    caw: Protocol, tmp_path: Path
) -> None:
    """While another process holds a dossier, the app opens it read-only."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-LOCK")
    other = DossierStore(data).open(str(path), holder="Collega Ann")
    try:
        app = _app(data, tmp_path / "config", target=str(path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            assert app.session is not None
            assert app.session.readonly
            assert isinstance(app.screen, StepScreen)
            assert "Ann" in (app.session.handle.held_by or "")
            assert app.session.status() == "Alleen lezen"
    finally:
        other.close()


async def test_history_and_summary_screens_show_the_route_and_hide_names(
    caw: Protocol, tmp_path: Path
) -> None:
    """F5 shows the decision of step 1; F6 then Ctrl+R hides the child's name."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-HIST", child="Mira Zoë")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        path_text = str(app.screen.query_one("#history-path Static").render())
        assert "twee kinderen thuis" in path_text
        assert "stap 2" in path_text
        table = app.screen.query_one("#history", DataTable)
        decision_row = next(
            i
            for i in range(table.row_count)
            if str(table.get_row_at(i)[3]).startswith("beslissing")
        )
        table.move_cursor(row=decision_row)
        await pilot.pause()
        detail = str(app.screen.query_one("#history-detail").render())
        assert "beslissing → stap 2 — ‘twee kinderen thuis’" in detail
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = str(app.screen.query_one("#summary-text").render())
        assert "Mira Zoë" in shown
        await pilot.press("ctrl+r")
        await pilot.pause()
        hidden = str(app.screen.query_one("#summary-text").render())
        assert "Mira" not in hidden
        assert "CL-HIST" not in hidden
        header = app.screen.query_one("Header")
        assert "CL-HIST" not in str(header.screen_sub_title)


async def test_unreadable_dossier_does_not_stop_the_others(
    caw: Protocol, tmp_path: Path
) -> None:
    """Enter on a broken file explains why; the app keeps working."""
    data = tmp_path / "data"
    _dossier_at_step_2(caw, data, "CL-OK")
    (data / "kapot.json").write_bytes(b"\x00\x01binary")
    app = _app(data, tmp_path / "config")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#dossiers", DataTable)
        broken = next(
            i for i in range(table.row_count) if "kapot" in str(table.get_row_at(i)[0])
        )
        table.focus()
        table.move_cursor(row=broken)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("kapot.json" in n.message for n in app._notifications)
        assert app.session is None


async def test_command_palette_offers_the_main_actions(
    caw: Protocol, tmp_path: Path
) -> None:
    """The palette lists the dossier actions in Dutch while a dossier is open."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-PAL")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Nieuw dossier", "Historiek", "Samenvatting zonder namen"):
            assert wanted in titles


async def test_text_typed_just_before_quitting_is_saved(
    caw: Protocol, tmp_path: Path
) -> None:
    """Ctrl+Q right after typing in the notes still writes what was typed."""
    from textual.widgets import TextArea

    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-TYPE")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        notes = app.screen.query_one("#step-notes").query_one(TextArea)
        notes.focus()
        await pilot.pause()
        await pilot.press(*"Mama zegt: [/] ok")
        await pilot.press("ctrl+q")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["visits"][-1]["notes"] == "Mama zegt: [/] ok"


async def test_markup_in_names_and_refs_never_crashes_a_message(
    caw: Protocol, tmp_path: Path
) -> None:
    """A holder called "Ĳsbrand [/]" and a ref "[/]" show literally in messages."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-MARKUP")
    other = DossierStore(data).open(str(path), holder="Ĳsbrand [/]{Tester} 😀")
    try:
        app = _app(data, tmp_path / "config", target=str(path))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause(0.3)
            messages = [n.message for n in app._notifications]
            assert any("Ĳsbrand [/]{Tester} 😀" in m for m in messages)
            app.open_dossier("[/]")
            await pilot.pause(0.3)
            assert any("[/]" in n.message for n in app._notifications)
    finally:
        other.close()


async def test_quitting_while_saves_fail_asks_before_losing_changes(
    caw: Protocol, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a failing disk Ctrl+Q asks; "Blijven" keeps the app and the changes."""
    from kindreflex_tui.dossier.store import OpenDossier
    from kindreflex_tui.errors import DossierError
    from kindreflex_tui.tui.confirm import ConfirmScreen

    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-FULL")
    app = _app(data, tmp_path / "config", target=str(path))

    def disk_full(self: OpenDossier, payload: bytes | None = None) -> None:
        raise DossierError("opslaan mislukt: schijf vol (ENOSPC)")

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.session is not None
        monkeypatch.setattr(OpenDossier, "save", disk_full)
        app.session.engine.tick("consult")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused, safe answer: stay
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert app.session is not None and app.session.dirty
        assert "NIET OPGESLAGEN" in app.sub_title
        monkeypatch.undo()
        await pilot.press("ctrl+q")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert "consult" in saved["visits"][-1]["ticked"]


async def test_header_keeps_the_client_code_after_saving(
    caw: Protocol, tmp_path: Path
) -> None:
    """After an autosave the header still says whose dossier this is."""
    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-HEAD")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.session is not None
        app.session.engine.tick("consult")
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sub_title.startswith("CL-HEAD · Opgeslagen om")


async def test_filter_ignores_accents_and_down_moves_into_the_list(
    caw: Protocol, tmp_path: Path
) -> None:
    """Typing "zoe" finds the client code "CL-Zoë"; Down then Enter opens it."""
    data = tmp_path / "data"
    _dossier_at_step_2(caw, data, "CL-Zoë")
    _dossier_at_step_2(caw, data, "CL-Ann")
    app = _app(data, tmp_path / "config")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"zoe")
        await pilot.pause()
        table = app.screen.query_one("#dossiers", DataTable)
        assert table.row_count == 1
        await pilot.press("down", "enter")
        await pilot.pause(0.3)
        assert app.session is not None
        assert app.session.engine.dossier.client_ref == "CL-Zoë"


async def test_ctrl_c_and_the_command_palette_speak_dutch(tmp_path: Path) -> None:
    """Ctrl+C explains how to quit; Ctrl+P asks for an opdracht."""
    from textual.command import CommandInput

    app = _app(tmp_path / "data", tmp_path / "config")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.action_help_quit()
        await pilot.pause()
        assert any("Ctrl+Q" in n.message for n in app._notifications)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == "Zoek een opdracht…"


async def test_a_second_dossier_for_the_same_client_code_is_refused(
    caw: Protocol, tmp_path: Path
) -> None:
    """The dialog says the code is taken (whatever its case) and creates nothing."""
    data = tmp_path / "data"
    _dossier_at_step_2(caw, data, "CL-DUBBEL")
    app = _app(data, tmp_path / "config")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"cl-dubbel")
        await pilot.press("enter")
        await pilot.press(*"Els")
        await pilot.press("enter")
        await pilot.pause()
        assert "al een dossier" in str(app.screen.query_one("#new-error").render())
    assert len(list(data.glob("*.json"))) == 1


async def test_an_organisations_own_protocol_can_start_a_dossier(
    tmp_path: Path,
) -> None:
    """A checked copy in <config>/protocols/ is offered and its title is used."""
    import shutil

    from textual.widgets import Select

    config = tmp_path / "config"
    own = config / "protocols" / "ggz"
    shutil.copytree(shipped_protocol_dir(), own)
    head = own / "protocol.toml"
    head.write_text(
        head.read_text(encoding="utf-8")
        .replace('id = "kindreflex_caw"', 'id = "kindreflex_ggz"')
        .replace('version = "1.0.0"', 'version = "0.1.0"'),
        encoding="utf-8",
    )
    app = _app(tmp_path / "data", config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        select = app.screen.query_one("#protocol", Select)
        select.value = str(own)
        await pilot.pause()
        app.screen.query_one("#client-ref", Input).focus()
        await pilot.press(*"CL-GGZ")
        await pilot.press("enter")
        await pilot.press(*"Els")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.session is not None
        assert app.session.engine.dossier.protocol.id == "kindreflex_ggz"
        await pilot.press("ctrl+q")
    saved = DossierStore(tmp_path / "data").load("CL-GGZ")
    assert saved.protocol.version == "0.1.0"


async def test_quitting_with_an_unsaved_item_form_asks_first(
    caw: Protocol, tmp_path: Path
) -> None:
    """A consultation typed but not yet saved is not lost to Ctrl+Q by accident."""
    from tui_harness import block_for

    from kindreflex_tui.tui.confirm import ConfirmScreen
    from kindreflex_tui.tui.widgets.item_form import ItemForm

    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-FORM")
    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        block_for(app.screen, "consultations").add_button.press()
        await pilot.pause(0.3)
        assert isinstance(app.screen, ItemForm)
        await pilot.press("down", "enter")  # with whom: a colleague
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        assert app.return_code is None


async def test_quitting_with_a_refused_date_asks_first(
    caw: Protocol, tmp_path: Path
) -> None:
    """A typed date the engine refused is only on screen: leaving asks first."""
    from textual.widgets import Input as TextInput
    from tui_harness import block_for

    from kindreflex_tui.tui.confirm import ConfirmScreen

    data = tmp_path / "data"
    path = _dossier_at_step_2(caw, data, "CL-DATE")
    store = DossierStore(data)
    handle = store.open(str(path), holder="Els")
    engine = Engine(caw, handle.dossier, "Els", today=lambda: TODAY)
    engine.tick("consult")
    engine.add_item(
        "consultations", {"with": "colleague", "date": "01-03-2026", "advice": "Ok"}
    )
    engine.set_answer("not_right", True)
    engine.set_answer("not_right_reasons", "Onrustig gevoel.")
    engine.decide("doubts", "Niet pluis.")
    handle.save()
    handle.close()

    app = _app(data, tmp_path / "config", target=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        field = block_for(app.screen, "team_date").query_one(TextInput)
        field.scroll_visible(animate=False)
        field.focus()
        await pilot.press(*"30-11-20", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "klopt" in str(
            app.screen.query_one(".dialog").query("Static")[1].render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert field.value == "30-11-20"
        assert app.return_code is None
