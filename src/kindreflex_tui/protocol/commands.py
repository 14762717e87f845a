"""`kindreflex protocol check` and `kindreflex protocol show`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from kindreflex_tui.errors import Finding
from kindreflex_tui.protocol import render
from kindreflex_tui.protocol.loader import check_protocol, shipped_protocol_dir
from kindreflex_tui.protocol.model import Protocol

EXIT_OK = 0
EXIT_FAILURE = 1


def _plural(count: int, one: str, more: str) -> str:
    return f"{count} {one if count == 1 else more}"


def _shown(finding: Finding, directory: Path) -> Finding:
    """The finding with its file named as a path the user can open."""
    if not finding.file or finding.file == str(directory):
        return finding
    return replace(finding, file=str(directory / finding.file))


def summary_line(
    protocol: Protocol | None, findings: list[Finding], where: Path
) -> str:
    """The last line of a check: valid with what it holds, or how many errors."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    name = (
        f"protocol {protocol.info.id} {protocol.info.version}"
        if protocol is not None
        else f"protocol in {where}"
    )
    extra = f", {_plural(warnings, 'waarschuwing', 'waarschuwingen')}"
    if errors:
        return f"{name} is ongeldig: {_plural(errors, 'fout', 'fouten')}" + (
            extra if warnings else ""
        )
    assert protocol is not None
    steps = protocol.steps
    parts = [
        _plural(len(steps), "stap", "stappen"),
        _plural(sum(len(s.items) for s in steps), "checklistpunt", "checklistpunten"),
        _plural(sum(len(s.fields) for s in steps), "veld", "velden"),
        _plural(sum(len(s.options) for s in steps), "route", "routes"),
        _plural(len(protocol.choices), "keuzelijst", "keuzelijsten"),
    ]
    line = f"{name} is geldig: " + ", ".join(parts)
    return line + (
        f"; {_plural(warnings, 'waarschuwing', 'waarschuwingen')}" if warnings else ""
    )


def _check(directory: Path, fmt: str, out: TextIO) -> int:
    protocol, findings = check_protocol(directory)
    failed = protocol is None or any(f.severity == "error" for f in findings)
    if fmt == "json":
        out.write(render.findings_json(findings))
    else:
        for finding in findings:
            out.write(_shown(finding, directory).format() + "\n")
        out.write(summary_line(protocol, findings, directory) + "\n")
    return EXIT_FAILURE if failed else EXIT_OK


def _show(directory: Path, fmt: str, out: TextIO, err: TextIO) -> int:
    protocol, findings = check_protocol(directory)
    if protocol is None or any(f.severity == "error" for f in findings):
        for finding in findings:
            err.write(_shown(finding, directory).format() + "\n")
        err.write(summary_line(protocol, findings, directory) + "\n")
        return EXIT_FAILURE
    if fmt == "json":
        out.write(render.protocol_json(protocol))
    elif fmt == "mermaid":
        out.write(render.protocol_mermaid(protocol))
    else:
        out.write(render.protocol_text(protocol))
    return EXIT_OK


def run_protocol(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Carry out `protocol check` or `protocol show`; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    given = getattr(args, "directory", None)
    directory = Path(given) if given else shipped_protocol_dir()
    fmt = getattr(args, "format", "text")
    if args.protocol_command == "check":
        return _check(directory, fmt, out)
    return _show(directory, fmt, out, err)
