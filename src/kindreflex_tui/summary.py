"""The step summary of a dossier (`kindreflex summary`): text, Markdown or JSON.

The plain path never imports rich; colour is only used on a terminal without NO_COLOR.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kindreflex_tui.errors import KindreflexError

if TYPE_CHECKING:
    from kindreflex_tui.dossier.model import Dossier
    from kindreflex_tui.protocol.model import Protocol

Format = Literal["text", "markdown", "json"]


def render_summary(
    dossier: Dossier,
    protocol: Protocol,
    fmt: Format = "text",
    *,
    redact: bool = False,
    strict: bool = False,
    today: date | None = None,
    color: bool = False,
    protocol_note: str | None = None,
    tz: tzinfo | None = None,
) -> str:
    """The summary of a dossier in a format; `strict` also leaves out free text.

    `strict` implies `redact`. `today` sets ages and follow-up states (default:
    today); `tz` the time zone of times in text and Markdown (default: this
    machine's); `color` adds ANSI colours to text; `protocol_note` says why the
    protocol differs from the dossier's.
    """
    from kindreflex_tui.summary_document import build_summary

    document = build_summary(
        dossier,
        protocol,
        today=today or date.today(),
        redact=redact,
        strict=strict,
        note=protocol_note,
    )
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    from kindreflex_tui.summary_render import render_markdown, render_text

    if fmt == "markdown":
        return render_markdown(document, tz=tz)
    return render_text(document, color=color, tz=tz)


def wants_color() -> bool:
    """Whether stdout is a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def write_private(path: Path, text: str) -> None:
    """Write text to a file readable by its owner only (0600)."""
    try:
        # O_EXCL: never overwrite a file that exists (a dossier, an earlier summary).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KindreflexError(
            "bestaat al; kindreflex overschrijft geen bestanden: kies een andere naam",
            where=str(path),
        ) from None
    except IsADirectoryError:
        raise KindreflexError("is een map, geen bestand", where=str(path)) from None
    except OSError as error:
        from kindreflex_tui.dossier.atomic import describe_os_error

        raise KindreflexError(
            f"kan niet schrijven: {describe_os_error(error)}", where=str(path)
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        if hasattr(os, "fchmod"):
            os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


NEWER_NOTE = (
    "geschreven door een nieuwere kindreflex: alleen wat deze versie kent, "
    "wordt getoond"
)
"""The header note of a summary of a dossier from a newer kindreflex."""


def _read(path: Path) -> tuple[Dossier, str | None]:
    """A dossier file, or what this version can show of a newer one (with a note)."""
    from kindreflex_tui.dossier.migrations import FutureSchemaError
    from kindreflex_tui.dossier.store import read_dossier

    try:
        return read_dossier(path), None
    except FutureSchemaError as error:
        if error.view is None:
            raise
        return error.view, NEWER_NOTE


def load_for_summary(folder: Path, ref: str) -> tuple[Dossier, Protocol, str | None]:
    """The dossier a reference names, its protocol and a note when something differs.

    Reads without locking and never creates the data folder. An archived protocol is
    looked for in the data folder, then next to a dossier file given by path.
    """
    from kindreflex_tui.dossier.archive import protocol_for
    from kindreflex_tui.dossier.store import DossierStore
    from kindreflex_tui.errors import DossierError

    candidate = Path(ref).expanduser()
    looks_like_path = "/" in ref or os.sep in ref or ref.endswith(".json")
    if looks_like_path and candidate.is_file():
        path = candidate
    elif folder.is_dir():
        path = DossierStore(folder).resolve(ref)
    elif looks_like_path:
        raise DossierError("bestand bestaat niet", where=str(candidate))
    else:
        raise DossierError(
            f"geen dossier met id of cliëntcode {ref!r}: de map bestaat niet",
            where=str(folder),
        )
    dossier, newer = _read(path)

    error: KindreflexError | None = None
    for place in dict.fromkeys([folder, path.resolve().parent]):
        try:
            protocol, note = protocol_for(dossier, place)
        except KindreflexError as problem:
            error = error or problem
            continue
        notes = [n for n in (newer, note) if n]
        return dossier, protocol, "; ".join(notes) or None
    assert error is not None
    raise error


def run_summary(args: argparse.Namespace) -> int:
    """Load a dossier by path, id or client code and print or write its summary."""
    from kindreflex_tui.paths import data_dir

    folder = data_dir(getattr(args, "data_dir", None))
    dossier, protocol, note = load_for_summary(folder, args.dossier)
    output = getattr(args, "output", None)
    fmt = getattr(args, "format", "text")
    text = render_summary(
        dossier,
        protocol,
        fmt,
        redact=getattr(args, "redact", False),
        strict=getattr(args, "strict", False),
        color=fmt == "text" and output is None and wants_color(),
        protocol_note=note,
    )
    if output:
        target = Path(output).expanduser()
        write_private(target, text)
        print(f"Samenvatting geschreven naar {target}", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
