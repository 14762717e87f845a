"""Read a protocol folder (protocol.toml plus one file per step) into typed models."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kindreflex_tui.errors import Finding, ProtocolError
from kindreflex_tui.protocol.model import FORMAT_VERSION, Protocol

PROTOCOL_FILE = "protocol.toml"
"""The file that names a protocol and lists its step files."""


def shipped_protocols_root() -> Path:
    """The folder holding the protocols that come with kindreflex."""
    package_copy = Path(__file__).resolve().parent.parent / "protocols"
    if package_copy.is_dir():
        return package_copy
    # A source checkout (editable install): the top-level protocol/ folder.
    return Path(__file__).resolve().parents[3] / "protocol"


def shipped_protocol_dir(name: str = "caw") -> Path:
    """The folder of one shipped protocol, the CAW Kindreflex by default."""
    return shipped_protocols_root() / name


def _read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Parse one TOML file, turning every way it can fail into a finding."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Finding(shown, "", "file/missing", "bestand ontbreekt")]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Finding(shown, "", "file/unreadable", f"niet leesbaar: {reason}")]
    if not raw.strip():
        return None, [Finding(shown, "", "file/empty", "bestand is leeg")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [
            Finding(
                shown,
                "",
                "file/encoding",
                f"geen UTF-8 (byte {error.start}); bewaar het bestand als UTF-8",
            )
        ]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        message = str(error).split(" (at line")[0]
        return None, [Finding(shown, "", "toml/syntax", message, line=line)]


def _key_path(loc: tuple[int | str, ...]) -> str:
    """Write a pydantic error location as a TOML key path, e.g. fields[2].label."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _expand_field_groups(
    fields: list[Any], groups: dict[str, Any], shown: str, path: str
) -> list[Finding]:
    """Replace `fields_from` references by a copy of the named shared group."""
    findings = []
    for index, spec in enumerate(fields):
        if not isinstance(spec, dict):
            continue
        here = f"{path}[{index}]"
        group = spec.get("fields_from")
        if group is not None:
            if spec.get("fields"):
                findings.append(
                    Finding(
                        shown,
                        f"{here}.fields_from",
                        "field/params",
                        "gebruik `fields_from` of eigen `fields`, niet allebei",
                    )
                )
            elif not isinstance(group, str) or group not in groups:
                known = ", ".join(sorted(groups)) or "geen"
                findings.append(
                    Finding(
                        shown,
                        f"{here}.fields_from",
                        "field/unknown-group",
                        f"onbekende veldgroep {group!r} (bekend: {known})",
                    )
                )
            else:
                spec["fields"] = [dict(sub) for sub in groups[group]]
        findings += _expand_field_groups(
            spec.get("fields") or [], groups, shown, f"{here}.fields"
        )
    return findings


def read_protocol(directory: Path) -> tuple[Protocol | None, list[Finding]]:
    """Load a protocol folder; return the model (when valid) and every finding."""
    directory = Path(directory)
    head, findings = _read_toml(directory / PROTOCOL_FILE, PROTOCOL_FILE)
    if head is None:
        return None, findings

    info = head.get("protocol")
    if not isinstance(info, dict):
        return None, [
            Finding(PROTOCOL_FILE, "protocol", "schema/missing-key", "tabel ontbreekt")
        ]
    fmt = info.get("format")
    if fmt != FORMAT_VERSION:
        return None, [
            Finding(
                PROTOCOL_FILE,
                "protocol.format",
                "schema/format",
                f"formaat {fmt!r} wordt niet gelezen; deze versie leest formaat "
                f"{FORMAT_VERSION}",
            )
        ]

    digest = hashlib.sha256()
    digest.update(PROTOCOL_FILE.encode() + b"\0")
    digest.update((directory / PROTOCOL_FILE).read_bytes())

    step_files = info.get("steps")
    steps: list[Any] = []
    step_sources: list[str] = []
    groups = head.get("field_groups") if isinstance(head.get("field_groups"), dict) else {}
    if isinstance(step_files, list):
        for name in step_files:
            if not isinstance(name, str):
                continue
            if Path(name).name != name:
                findings.append(
                    Finding(
                        PROTOCOL_FILE,
                        "protocol.steps",
                        "file/path",
                        f"{name!r}: noem alleen een bestandsnaam in deze map",
                    )
                )
                continue
            data, problems = _read_toml(directory / name, name)
            findings += problems
            if data is None:
                continue
            digest.update(name.encode() + b"\0" + (directory / name).read_bytes())
            findings += _expand_field_groups(
                data.get("fields") or [], groups, name, "fields"
            )
            steps.append(data)
            step_sources.append(name)

    raw = {key: value for key, value in head.items() if key != "protocol"}
    raw["info"] = info
    raw["steps"] = steps
    if findings:
        return None, findings
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as error:
        return None, _locate(error, step_sources)
    return protocol.model_copy(update={"sha256": digest.hexdigest()}), []


def _locate(error: ValidationError, step_sources: list[str]) -> list[Finding]:
    """Attribute each validation error to the file it came from."""
    findings = []
    for item in error.errors():
        loc = item["loc"]
        if loc and loc[0] == "steps" and len(loc) > 1 and isinstance(loc[1], int):
            shown, rest = step_sources[loc[1]], loc[2:]
        elif loc and loc[0] == "info":
            shown, rest = PROTOCOL_FILE, ("protocol", *loc[1:])
        else:
            shown, rest = PROTOCOL_FILE, loc
        findings += _schema_findings_one(item, shown, rest)
    return findings


def _schema_findings_one(
    item: Any, shown: str, loc: tuple[int | str, ...]
) -> list[Finding]:
    """One pydantic error item as a finding."""
    loc = tuple(part for part in loc if not str(part).startswith("function"))
    path = _key_path(loc)
    kind = item["type"]
    if kind == "missing":
        rule, message = "schema/missing-key", "verplichte sleutel ontbreekt"
    elif kind == "extra_forbidden":
        rule, message = "schema/unknown-key", "onbekende sleutel"
    else:
        rule, message = "schema/value", item["msg"]
    return [Finding(shown, path, rule, message)]


def load_protocol(directory: Path | None = None) -> Protocol:
    """Load and check a protocol folder (the shipped CAW one by default)."""
    directory = Path(directory) if directory is not None else shipped_protocol_dir()
    protocol, findings = read_protocol(directory)
    from kindreflex_tui.protocol.check import check_graph

    if protocol is not None:
        findings += check_graph(protocol)
    if protocol is None or any(f.severity == "error" for f in findings):
        raise ProtocolError(findings, directory)
    return protocol
