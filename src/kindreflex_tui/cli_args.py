"""The argument parser of the `kindreflex` command, in Dutch."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from kindreflex_tui import __version__

EXIT_USAGE = 2
"""The exit code of a usage error."""


_ARGPARSE_WORDS = (
    ("the following arguments are required", "dit ontbreekt"),
    ("unrecognized arguments", "onbekende argumenten"),
    ("invalid choice", "ongeldige keuze"),
    ("choose from", "kies uit"),
    ("expected one argument", "verwacht een waarde"),
)
"""argparse's own words in its error messages, and how a counsellor reads them."""


class _Formatter(argparse.HelpFormatter):
    """Help text with a Dutch usage line."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        """Start the usage line with "gebruik:"."""
        super().add_usage(
            usage, actions, groups, "gebruik: " if prefix is None else prefix
        )


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks Dutch, like the rest of kindreflex."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp")

    def error(self, message: str) -> NoReturn:
        """A usage error: the usage line and the problem in Dutch, exit code 2."""
        for english, dutch in _ARGPARSE_WORDS:
            message = message.replace(english, dutch)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fout: {message}\n")


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    """Give a (sub)command the --data-dir option."""
    parser.add_argument(
        "--data-dir",
        metavar="MAP",
        default=argparse.SUPPRESS,
        help="map met dossiers (standaard: $KINDREFLEX_DATA_DIR of de gebruikersmap)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every kindreflex command."""
    parser = _Parser(
        prog="kindreflex",
        description="De Kindreflex in de terminal: zes stappen voor de veiligheid "
        "van de kinderen van je cliënt.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"kindreflex {__version__}",
        help="toon de versie",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="toon wat er gebeurt (logging)"
    )
    _add_data_dir(parser)
    commands = parser.add_subparsers(dest="command", metavar="OPDRACHT")

    open_cmd = commands.add_parser("open", help="open een dossier in de app")
    open_cmd.add_argument("dossier", help="dossierbestand, dossier-id of cliëntcode")
    _add_data_dir(open_cmd)

    summary = commands.add_parser("summary", help="druk de stappensamenvatting af")
    summary.add_argument("dossier", help="dossierbestand, dossier-id of cliëntcode")
    summary.add_argument(
        "--format", choices=["text", "markdown", "json"], default="text"
    )
    summary.add_argument(
        "--redact",
        action="store_true",
        help="zonder namen, cliëntcode en geboortedata (voor overleg)",
    )
    summary.add_argument(
        "--strict",
        action="store_true",
        help="met --redact: laat ook alle vrije tekst weg",
    )
    summary.add_argument(
        "-o", "--output", metavar="BESTAND", help="schrijf naar bestand"
    )
    _add_data_dir(summary)

    listing = commands.add_parser("list", help="toon alle dossiers")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    _add_data_dir(listing)

    demo = commands.add_parser("demo", help="maak fictieve voorbeelddossiers")
    _add_data_dir(demo)

    commands.add_parser("schema", help="druk het JSON-schema van een dossier af")

    protocol = commands.add_parser("protocol", help="controleer of toon een protocol")
    protocol_commands = protocol.add_subparsers(
        dest="protocol_command", metavar="ACTIE", required=True
    )
    check = protocol_commands.add_parser("check", help="controleer een protocolmap")
    check.add_argument("directory", nargs="?", help="protocolmap (standaard: CAW)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    show = protocol_commands.add_parser("show", help="toon een protocol")
    show.add_argument("directory", nargs="?", help="protocolmap (standaard: CAW)")
    show.add_argument("--format", choices=["text", "json", "mermaid"], default="text")
    return parser
