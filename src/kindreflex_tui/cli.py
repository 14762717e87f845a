"""The `kindreflex` command: the app by default, and fast headless subcommands."""

from __future__ import annotations

import sys

from kindreflex_tui import __version__

TYPE_CHECKING = False  # typing itself costs milliseconds that --version must not pay
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every kindreflex command."""
    from kindreflex_tui.cli_args import build_parser as build

    return build()


def _run_app(args: argparse.Namespace) -> int:
    """Start the Textual app (the only path that imports Textual)."""
    from kindreflex_tui.tui.app import run_app

    return run_app(data_dir=getattr(args, "data_dir", None), target=args.dossier)


def _dispatch(args: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    """The function that carries out the chosen command."""
    if args.command in (None, "open"):
        if args.command is None:
            args.dossier = None
        return _run_app
    if args.command == "summary":
        from kindreflex_tui.summary import run_summary

        return run_summary
    if args.command == "list":
        from kindreflex_tui.listing import run_list

        return run_list
    if args.command == "demo":
        from kindreflex_tui.demo import run_demo

        return run_demo
    if args.command == "schema":
        from kindreflex_tui.dossier.schema import run_schema

        return run_schema
    from kindreflex_tui.protocol.commands import run_protocol

    return run_protocol


def main(argv: Sequence[str] | None = None) -> int:
    """Run kindreflex; return the exit code (0 fine, 1 failed, 2 usage error)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:
        # The quickest answer: no parser, no models, no Textual.
        print(f"kindreflex {__version__}")
        return EXIT_OK
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(message)s")

    from kindreflex_tui.errors import KindreflexError

    try:
        return _dispatch(args)(args)
    except KindreflexError as error:
        print(f"kindreflex: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
