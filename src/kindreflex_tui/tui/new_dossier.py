"""The dialog that starts a new dossier: client code, counsellor and protocol."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kindreflex_tui.protocol.loader import shipped_protocols_root


@dataclass(frozen=True)
class NewDossier:
    """What the counsellor filled in for a new dossier."""

    client_ref: str
    counsellor: str
    protocol_dir: Path


def _protocol_folders(root: Path) -> list[Path]:
    """The folders below root that hold a protocol.toml, by name."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "protocol.toml").is_file())


def protocol_choices(own_root: Path | None = None) -> list[tuple[str, Path]]:
    """The shipped protocols (CAW first), then the organisation's own ones."""
    shipped = _protocol_folders(shipped_protocols_root())
    shipped.sort(key=lambda p: p.name != "caw")
    choices = [(p.name.upper(), p) for p in shipped]
    if own_root is not None:
        choices += [(f"{p.name} (eigen)", p) for p in _protocol_folders(own_root)]
    return choices


class NewDossierScreen(ModalScreen[NewDossier | None]):
    """Ask for a pseudonymous client code, the counsellor and the protocol."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren")]

    def __init__(
        self,
        counsellor: str = "",
        *,
        taken_refs: set[str] | None = None,
        own_protocols: Path | None = None,
    ) -> None:
        super().__init__()
        self.counsellor = counsellor
        self.taken_refs = {ref.casefold() for ref in taken_refs or set()}
        """Client codes already in use: a second dossier for one code is refused."""
        self.own_protocols = own_protocols

    def compose(self) -> ComposeResult:
        """The three questions and two buttons."""
        choices = protocol_choices(self.own_protocols)
        with Vertical(id="new-dossier", classes="dialog"):
            yield Static("Nieuw dossier", classes="dialog-title")
            yield Label("Cliëntcode (een code, geen naam)")
            yield Input(id="client-ref", placeholder="bv. CL-2026-014", max_length=40)
            yield Label("Hulpverlener")
            yield Input(self.counsellor, id="counsellor", max_length=120)
            yield Label("Protocol")
            yield Select(
                [(label, str(path)) for label, path in choices],
                value=str(choices[0][1]) if choices else Select.NULL,
                allow_blank=False,
                id="protocol",
            )
            yield Static("", id="new-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Aanmaken", id="create", variant="primary")
                yield Button("Annuleren", id="cancel")

    def on_mount(self) -> None:
        """Start in the client code field."""
        self.query_one("#client-ref", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on, and creates from the last field."""
        if event.input.id == "client-ref":
            self.query_one("#counsellor", Input).focus()
        else:
            self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Create or cancel."""
        if event.button.id == "create":
            self._create()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without creating anything."""
        self.dismiss(None)

    def _create(self) -> None:
        """Check the answers and hand them to the app."""
        client_ref = self.query_one("#client-ref", Input).value.strip()
        counsellor = self.query_one("#counsellor", Input).value.strip()
        protocol = self.query_one("#protocol", Select).value
        error = self.query_one("#new-error", Static)
        if not client_ref:
            error.update("Geef een cliëntcode.")
            self.query_one("#client-ref", Input).focus()
            return
        if client_ref.casefold() in self.taken_refs:
            error.update(
                Content(
                    f"Er is al een dossier voor ‘{client_ref}’: open het in de lijst, "
                    "of kies een andere code."
                )
            )
            self.query_one("#client-ref", Input).focus()
            return
        if not counsellor:
            error.update("Geef je naam als hulpverlener.")
            self.query_one("#counsellor", Input).focus()
            return
        if not isinstance(protocol, str):
            error.update("Kies een protocol.")
            return
        self.dismiss(NewDossier(client_ref, counsellor, Path(protocol)))
