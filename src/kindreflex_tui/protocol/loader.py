"""Read a protocol folder (protocol.toml plus one file per step) into typed models."""

from __future__ import annotations

import copy
import hashlib
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from kindreflex_tui.errors import Finding, ProtocolError
from kindreflex_tui.protocol.check import check_graph, did_you_mean, sort_findings
from kindreflex_tui.protocol.model import (
    FORMAT_VERSION,
    FieldSpec,
    Protocol,
    StableId,
)

PROTOCOL_FILE = "protocol.toml"
"""The file that names a protocol and lists its step files."""

HEAD_KEYS = ("protocol", "choices", "field_groups")
"""The top-level tables protocol.toml may hold."""

_GROUPS = TypeAdapter(dict[StableId, list[FieldSpec]])

_TYPE_NAMES = {
    "string_type": "tekst",
    "bool_type": "true of false",
    "int_type": "een geheel getal",
    "list_type": "een lijst",
    "dict_type": "een tabel",
    "model_type": "een tabel",
    "model_attributes_type": "een tabel",
}
"""Dutch names of the value types a pydantic type error expected."""


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


# -- where a key path sits in the TOML text ------------------------------------

_KEY_PART = re.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*")


def _split_key(text: str) -> list[str] | None:
    """The parts of a (dotted, maybe quoted) TOML key; None when it is not a key."""
    parts: list[str] = []
    rest = text
    while True:
        match = _KEY_PART.match(rest)
        if match is None:
            return None
        token = match.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
        rest = rest[match.end() :]
        if not rest:
            return parts
        if rest[0] != ".":
            return None
        rest = rest[1:]


def _join(table: str, key: str) -> str:
    """A key path one level deeper."""
    return f"{table}.{key}" if table else key


class _LineIndex:
    """The first line of each key path in a TOML text: a small, forgiving scanner.

    It follows table headers (`[a]`, `[[a.b]]`, counting array items), `key = value`
    lines, multi-line strings and multi-line arrays. Inside inline tables it gives the
    line of the key that holds the table; that is as precise as a finding needs.
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        self._arrays: dict[str, int] = {}
        self._table = ""
        self._string: str | None = None  # the closing quotes of a multi-line string
        self._depth = 0
        self._value_path = ""  # the key whose multi-line array is being read
        self._element = 0
        for number, line in enumerate(text.splitlines(), start=1):
            self._line(line, number)

    def line_of(self, path: str) -> int | None:
        """The line of a key path, or of the nearest enclosing key that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return None
            path = path[:cut]
        return None

    def _mark(self, path: str, number: int) -> None:
        self.lines.setdefault(path, number)

    def _line(self, line: str, number: int) -> None:
        rest = line
        if self._string is not None:
            end = rest.find(self._string)
            if end < 0:
                return
            rest = rest[end + 3 :]
            self._string = None
            self._scan(rest)
            return
        if self._depth > 0:
            stripped = rest.strip()
            if self._depth == 1 and stripped and stripped[0] not in "]#,":
                self._mark(f"{self._value_path}[{self._element}]", number)
            self._scan(rest)
            return
        stripped = rest.strip()
        if not stripped or stripped.startswith("#"):
            return
        if stripped.startswith("["):
            self._header(stripped, number)
            return
        key, sep, value = stripped.partition("=")
        parts = _split_key(key.strip()) if sep else None
        if not parts:
            return
        path = self._table
        for part in parts:
            path = _join(path, part)
            self._mark(path, number)
        self._value_path = path
        self._element = 0
        self._scan(value)

    def _header(self, stripped: str, number: int) -> None:
        is_array = stripped.startswith("[[")
        inner = stripped[2:] if is_array else stripped[1:]
        close = inner.find("]]" if is_array else "]")
        parts = _split_key(inner[:close].strip()) if close >= 0 else None
        if not parts:
            return
        resolved = ""
        for part in parts[:-1]:
            resolved = _join(resolved, part)
            if resolved in self._arrays:
                resolved += f"[{self._arrays[resolved]}]"
        full = _join(resolved, parts[-1])
        self._mark(full, number)
        if is_array:
            self._arrays[full] = self._arrays.get(full, -1) + 1
            full += f"[{self._arrays[full]}]"
            self._mark(full, number)
        self._table = full

    def _scan(self, text: str) -> None:
        """Follow strings, comments and brackets through the value part of a line."""
        index = 0
        while index < len(text):
            char = text[index]
            if char in "\"'":
                triple = char * 3
                if text.startswith(triple, index):
                    end = text.find(triple, index + 3)
                    if end < 0:
                        self._string = triple
                        return
                    index = end + 3
                    continue
                index += 1
                while index < len(text) and text[index] != char:
                    index += 2 if char == '"' and text[index] == "\\" else 1
                index += 1
                continue
            if char == "#":
                return
            if char in "[{":
                self._depth += 1
            elif char in "]}":
                self._depth = max(0, self._depth - 1)
            elif char == "," and self._depth == 1:
                self._element += 1
            index += 1


# -- reading files -------------------------------------------------------------


@dataclass
class _Source:
    """One file of the protocol folder as read from disk."""

    name: str
    raw: bytes = b""
    text: str = ""
    data: dict[str, Any] | None = None
    _index: _LineIndex | None = None

    def line_of(self, path: str) -> int | None:
        """The line of a key path in this file, if it can be found."""
        if not self.text:
            return None
        if self._index is None:
            self._index = _LineIndex(self.text)
        return self._index.line_of(path)


_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")


def _read_toml(path: Path, name: str) -> tuple[_Source, list[Finding]]:
    """Read and parse one TOML file, turning every way it can fail into a finding."""
    source = _Source(name)
    try:
        source.raw = path.read_bytes()
    except FileNotFoundError:
        return source, [Finding(name, "", "file/missing", "bestand ontbreekt")]
    except IsADirectoryError:
        return source, [
            Finding(name, "", "file/unreadable", "is een map, geen bestand")
        ]
    except OSError as error:
        reason = error.strerror or str(error)
        return source, [
            Finding(name, "", "file/unreadable", f"niet leesbaar: {reason}")
        ]
    try:
        source.text = source.raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = source.raw[: error.start].count(b"\n") + 1
        return source, [
            Finding(
                name,
                "",
                "file/encoding",
                f"geen UTF-8 (byte {error.start})",
                line=line,
                hint="bewaar het bestand als UTF-8",
            )
        ]
    if not source.text.strip():
        return source, [
            Finding(name, "", "file/empty", "bestand is leeg", hint=_empty_hint(name))
        ]
    try:
        source.data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        text = str(error)
        match = _TOML_POSITION.search(text)
        line = int(match.group(1)) if match and match.group(1) else None
        if match and not match.group(1):  # at the end of the document
            line = max(1, len(source.text.splitlines()))
        where = f" (kolom {match.group(2)})" if match and match.group(2) else ""
        message = _dutch_toml_error(_TOML_POSITION.sub("", text))
        return source, [
            Finding(name, "", "toml/syntax", f"TOML-fout: {message}{where}", line=line)
        ]
    except RecursionError:
        return source, [
            Finding(name, "", "toml/syntax", "TOML-fout: te diep geneste waarden")
        ]
    return source, []


_TOML_MESSAGES = [
    (r"Invalid statement", "ongeldige regel"),
    (r"Expected '=' after a key in a key/value pair", "'=' verwacht na de sleutel"),
    (r"Cannot declare (.+) twice", r"\1 staat er twee keer"),
    (r"Cannot overwrite a value", "deze sleutel heeft al een waarde"),
    (r"Unclosed array", "lijst niet afgesloten met ]"),
    (r"Unclosed inline table", "tabel niet afgesloten met }"),
    (r"Unterminated string", "tekst niet afgesloten met een aanhalingsteken"),
    (r"Invalid value", "ongeldige waarde (tekst hoort tussen aanhalingstekens)"),
    (r"Illegal character (.+)", r"ongeldig teken \1"),
    (r"Found invalid character (.+)", r"ongeldig teken \1"),
    (
        r"Expected '\]' at the end of a table declaration",
        "']' verwacht na de tabelnaam",
    ),
    (r"Expected '\]\]' at the end of an array declaration", "']]' verwacht na de naam"),
    (r"Invalid date or datetime", "ongeldige datum"),
    (
        r"Expected newline or end of document after a statement",
        "na een waarde hoort een nieuwe regel",
    ),
]
"""The commonest TOML parser messages in Dutch; others are shown as they are."""


def _dutch_toml_error(message: str) -> str:
    """A TOML parser message in Dutch where a translation is known."""
    for pattern, dutch in _TOML_MESSAGES:
        translated, count = re.subn(f"^{pattern}$", dutch, message)
        if count:
            return translated
    return message


def _empty_hint(name: str) -> str:
    """What an empty file should hold."""
    if name == PROTOCOL_FILE:
        return "begin met een tabel [protocol] met id, title, format, start en steps"
    return "een stapbestand begint met id, number, title, who, decision en [[options]]"


# -- turning validation errors into findings -----------------------------------


def _key_path(loc: tuple[int | str, ...]) -> str:
    """Write a location as a TOML key path, e.g. fields[2].label."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _data_loc(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Keep the parts of a pydantic location that name keys and items of the data.

    Pydantic adds the names of union members and validators (`str`, `bool`,
    `function-after[...]`, `[key]`); they are not in the TOML and are dropped.
    """
    kept: list[int | str] = []
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            kept.append(part)
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            kept.append(part)
            data = data[part]
        else:
            break
    return tuple(kept)


def _unwrap(annotation: Any) -> Any:
    """The container or model inside Annotated, Optional and union annotations."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            nested = [a for a in options if _is_container(a)]
            annotation = nested[0] if nested else options[0]
        else:
            return annotation


def _is_container(annotation: Any) -> bool:
    """Whether an annotation is a model, list or dict (something a path goes into)."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return typing.get_origin(annotation) in (list, dict)


def _model_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, by their TOML names (aliases)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _known_keys(root: Any, loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed in the table that holds the last part of a location."""
    annotation = root
    for part in loc[:-1]:
        annotation = _unwrap(annotation)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            match = [
                info.annotation
                for name, info in annotation.model_fields.items()
                if part in (name, info.alias)
            ]
            if not match:
                return []
            annotation = match[0]
        elif origin is list and isinstance(part, int):
            annotation = typing.get_args(annotation)[0]
        elif origin is dict and isinstance(part, str):
            annotation = typing.get_args(annotation)[1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_keys(annotation)
    return []


def _finding_for(
    item: Any, file: str, loc: tuple[int | str, ...], shown: tuple[int | str, ...]
) -> Finding:
    """One pydantic error as a finding; `loc` is in the data, `shown` in the file."""
    kind = item["type"]
    path = _key_path(shown)
    ctx = item.get("ctx") or {}
    hint = None
    if kind == "missing":
        rule, message = "schema/missing-key", "verplichte sleutel ontbreekt"
    elif kind == "extra_forbidden":
        rule, message = "schema/unknown-key", f"onbekende sleutel {shown[-1]!r}"
        known = _known_keys(Protocol, loc)
        hint = did_you_mean(str(shown[-1]), known)
        if hint is None and known:
            hint = "toegestaan: " + ", ".join(known)
    elif kind in _TYPE_NAMES:
        rule = "schema/type"
        got = item.get("input")
        message = f"verwacht {_TYPE_NAMES[kind]}, niet {_describe(got)}"
    elif kind == "literal_error":
        rule, message = "schema/value", f"ongeldige waarde {item.get('input')!r}"
        hint = f"kies uit {ctx.get('expected', '')}"
        suggestion = did_you_mean(
            str(item.get("input")), re.findall(r"'([^']*)'", str(ctx.get("expected")))
        )
        hint = suggestion or hint
    elif kind == "string_pattern_mismatch":
        rule = "id/syntax"
        message = f"ongeldige id {item.get('input')!r}"
        hint = "gebruik kleine letters, cijfers en _, en begin met een letter"
    elif kind == "string_too_short":
        rule, message = "schema/value", "mag niet leeg zijn"
    elif kind == "string_too_long":
        rule = "schema/value"
        message = f"te lang: hoogstens {ctx.get('max_length')} tekens"
    elif kind == "too_short":
        rule = "schema/value"
        message = f"heeft minstens {ctx.get('min_length')} element(en) nodig"
    elif kind in ("greater_than_equal", "greater_than"):
        rule = "schema/value"
        message = f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    elif kind in ("less_than_equal", "less_than"):
        rule = "schema/value"
        message = f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    elif kind == "value_error":
        rule, message = "schema/value", str(ctx.get("error", item["msg"]))
    else:
        rule, message = "schema/value", item["msg"]
    return Finding(file, path, rule, message, hint=hint)


def _describe(value: Any) -> str:
    """A short Dutch description of a wrong value."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "een tabel"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, int | float):
        return f"het getal {value}"
    if isinstance(value, str):
        return f"tekst {value[:40]!r}"
    return f"{value!r}"


def _merge(findings: list[Finding]) -> list[Finding]:
    """Join the type findings a union gives for one value into one finding."""
    merged: list[Finding] = []
    by_place: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        place = (finding.file, finding.path)
        earlier = by_place.get(place)
        if finding.rule == "schema/type" and earlier and earlier.rule == "schema/type":
            wanted = finding.message.removeprefix("verwacht ").split(", niet ")[0]
            first, _, got = earlier.message.partition(", niet ")
            joined = replace(earlier, message=f"{first} of {wanted}, niet {got}")
            merged[merged.index(earlier)] = joined
            by_place[place] = joined
            continue
        if finding in merged:
            continue
        merged.append(finding)
        by_place.setdefault(place, finding)
    return merged


def _locate(error: ValidationError, raw: dict[str, Any], steps: list[str]) -> list:
    """Attribute each validation error to the file and key path it came from."""
    findings = []
    for item in error.errors():
        loc = _data_loc(raw, tuple(item["loc"]))
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            file, shown = steps[loc[1]], loc[2:]
        elif loc and loc[0] == "info":
            file, shown = PROTOCOL_FILE, ("protocol", *loc[1:])
        else:
            file, shown = PROTOCOL_FILE, loc
        findings.append(_finding_for(item, file, loc, shown))
    return _merge(findings)


# -- the folder ----------------------------------------------------------------


@dataclass
class _Reading:
    """Everything learnt from reading one protocol folder."""

    directory: Path
    sources: dict[str, _Source] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    protocol: Protocol | None = None

    def add(self, *findings: Finding) -> None:
        """Record findings."""
        self.findings.extend(findings)

    def located(self) -> list[Finding]:
        """The findings with a line number wherever the key path can be found."""
        done = []
        for finding in self.findings:
            source = self.sources.get(finding.file)
            if finding.line is None and source is not None and finding.path:
                finding = replace(finding, line=source.line_of(finding.path))
            done.append(finding)
        return sort_findings(done)


def _expand_field_groups(
    fields: Any, groups: dict[str, Any], valid: bool, file: str
) -> list[Finding]:
    """Give each top-level field with `fields_from` a copy of the named shared group."""
    findings = []
    if not isinstance(fields, list):
        return findings
    for index, spec in enumerate(fields):
        if not isinstance(spec, dict) or "fields_from" not in spec:
            continue
        here = f"fields[{index}].fields_from"
        group = spec["fields_from"]
        if spec.get("fields"):
            findings.append(
                Finding(
                    file,
                    here,
                    "field/params",
                    "`fields_from` en eigen `fields` samen",
                    hint="gebruik het een of het ander",
                )
            )
        elif not isinstance(group, str):
            continue  # the schema reports the wrong type
        elif group not in groups:
            findings.append(
                Finding(
                    file,
                    here,
                    "field/unknown-group",
                    f"onbekende veldgroep {group!r}",
                    hint=did_you_mean(group, list(groups))
                    or "bekend: " + (", ".join(sorted(groups)) or "geen"),
                )
            )
        elif valid:
            spec["fields"] = copy.deepcopy(groups[group])
    return findings


def _read(directory: Path) -> _Reading:
    """Read a protocol folder: files, schema, and the model when all is well."""
    reading = _Reading(Path(directory))
    directory = reading.directory
    if not directory.exists():
        reading.add(
            Finding(
                str(directory),
                "",
                "dir/missing",
                "protocolmap bestaat niet",
                hint="geef een map met protocol.toml en de stapbestanden",
            )
        )
        return reading
    if not directory.is_dir():
        reading.add(
            Finding(
                str(directory),
                "",
                "dir/not-a-directory",
                "is geen map",
                hint="geef de map die protocol.toml bevat",
            )
        )
        return reading

    head_source, problems = _read_toml(directory / PROTOCOL_FILE, PROTOCOL_FILE)
    reading.sources[PROTOCOL_FILE] = head_source
    if problems:
        if problems[0].rule == "file/missing":
            problems = [
                replace(
                    problems[0],
                    hint="een protocolmap bevat protocol.toml en één bestand per stap",
                )
            ]
        reading.add(*problems)
        return reading
    head = head_source.data or {}

    for key in head:
        if key not in HEAD_KEYS:
            reading.add(
                Finding(
                    PROTOCOL_FILE,
                    key,
                    "schema/unknown-key",
                    f"onbekende sleutel {key!r}",
                    hint=did_you_mean(key, list(HEAD_KEYS))
                    or "toegestaan: " + ", ".join(HEAD_KEYS),
                )
            )
    info = head.get("protocol")
    if not isinstance(info, dict):
        reading.add(
            Finding(
                PROTOCOL_FILE,
                "protocol",
                "schema/missing-key" if info is None else "schema/type",
                "tabel [protocol] ontbreekt" if info is None else "verwacht een tabel",
                hint="[protocol] noemt id, title, format, version, start en steps",
            )
        )
        return reading
    fmt = info.get("format")
    if "format" in info and (type(fmt) is not int or fmt != FORMAT_VERSION):
        reading.add(
            Finding(
                PROTOCOL_FILE,
                "protocol.format",
                "schema/format",
                f"formaat {fmt!r} wordt niet gelezen",
                hint=f"deze versie van kindreflex leest formaat {FORMAT_VERSION}",
            )
        )
        return reading

    groups_raw = head.get("field_groups", {})
    groups_valid = True
    try:
        _GROUPS.validate_python(groups_raw, strict=True)
    except ValidationError as error:
        groups_valid = False
        raw = {"field_groups": groups_raw}
        for item in error.errors():
            loc = _data_loc(raw, ("field_groups", *item["loc"]))
            reading.add(_finding_for(item, PROTOCOL_FILE, loc, loc))
    groups = groups_raw if isinstance(groups_raw, dict) else {}

    steps, step_files = _read_steps(reading, info, groups, groups_valid)

    raw: dict[str, Any] = {k: v for k, v in head.items() if k in HEAD_KEYS}
    raw.pop("protocol", None)
    if not groups_valid:
        raw.pop("field_groups", None)
    raw["info"] = info
    raw["steps"] = steps
    try:
        protocol = Protocol.model_validate(raw, strict=True)
    except ValidationError as error:
        reading.add(*_locate(error, raw, step_files))
        return reading
    except RecursionError:
        reading.add(
            Finding(PROTOCOL_FILE, "", "schema/value", "te diep geneste voorwaarden")
        )
        return reading
    if any(finding.severity == "error" for finding in reading.findings):
        return reading

    digest = hashlib.sha256()
    digest.update(PROTOCOL_FILE.encode() + b"\0")
    digest.update(head_source.raw)
    for name in step_files:
        digest.update(name.encode() + b"\0" + reading.sources[name].raw)
    reading.protocol = protocol.model_copy(update={"sha256": digest.hexdigest()})
    return reading


def _read_steps(
    reading: _Reading, info: dict[str, Any], groups: dict[str, Any], groups_valid: bool
) -> tuple[list[Any], list[str]]:
    """Read the step files that [protocol] lists; return their data and names."""
    directory = reading.directory
    step_files = info.get("steps")
    steps: list[Any] = []
    names: list[str] = []
    if not isinstance(step_files, list):
        return steps, names
    present = sorted(
        p.name for p in directory.glob("*.toml") if p.name != PROTOCOL_FILE
    )
    seen: dict[str, int] = {}
    for index, name in enumerate(step_files):
        here = f"protocol.steps[{index}]"
        if not isinstance(name, str) or not name:
            continue  # the schema reports it
        if name in seen:
            reading.add(
                Finding(
                    PROTOCOL_FILE,
                    here,
                    "file/duplicate",
                    f"stapbestand {name!r} staat twee keer in de lijst",
                    hint=f"het staat al op steps[{seen[name]}]; verwijder er een",
                )
            )
            continue
        seen[name] = index
        if Path(name).name != name or name in (".", ".."):
            reading.add(
                Finding(
                    PROTOCOL_FILE,
                    here,
                    "file/path",
                    f"{name!r} is geen bestandsnaam in deze map",
                    hint="noem alleen de naam van een bestand naast protocol.toml",
                )
            )
            continue
        source, problems = _read_toml(directory / name, name)
        if problems and problems[0].rule == "file/missing":
            reading.add(
                Finding(
                    PROTOCOL_FILE,
                    here,
                    "file/missing",
                    f"stapbestand {name!r} ontbreekt",
                    hint=did_you_mean(
                        name, [p for p in present if p not in step_files]
                    ),
                )
            )
            continue
        reading.sources[name] = source
        reading.add(*problems)
        if source.data is None:
            continue
        reading.add(
            *_expand_field_groups(source.data.get("fields"), groups, groups_valid, name)
        )
        steps.append(source.data)
        names.append(name)
    for name in present:
        if name not in seen:
            reading.add(
                Finding(
                    PROTOCOL_FILE,
                    "protocol.steps",
                    "file/unlisted",
                    f"{name!r} staat in de map maar niet in protocol.steps",
                    severity="warning",
                    hint="voeg het toe aan steps, of verwijder het bestand",
                )
            )
    return steps, names


def read_protocol(directory: Path) -> tuple[Protocol | None, list[Finding]]:
    """Load a protocol folder; return the model (when valid) and the schema findings."""
    reading = _read(Path(directory))
    return reading.protocol, reading.located()


def check_protocol(directory: Path) -> tuple[Protocol | None, list[Finding]]:
    """Load a protocol folder and run every check; return the model and all findings.

    The model is returned whenever the schema holds, even when the graph checks find
    errors, so a caller can still describe what it read.
    """
    reading = _read(Path(directory))
    if reading.protocol is not None:
        reading.add(*check_graph(reading.protocol))
    return reading.protocol, reading.located()


_LOADED: dict[tuple[object, ...], Protocol] = {}
"""Protocols already loaded and checked, by folder and the state of its files."""


def _fingerprint(directory: Path) -> tuple[object, ...] | None:
    """The folder and the size and change time of its TOML files; None if unreadable."""
    try:
        files = sorted(
            (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
            for entry in os.scandir(directory)
            if entry.name.endswith(".toml")
        )
    except OSError:
        return None
    return (str(directory.resolve()), *files)


def load_protocol(directory: Path | None = None) -> Protocol:
    """Load and check a protocol folder (the shipped CAW one by default).

    A folder whose files did not change since it was last loaded in this process is
    not read again: protocols are immutable, so the same model is handed out.
    """
    directory = Path(directory) if directory is not None else shipped_protocol_dir()
    key = _fingerprint(directory)
    if key is not None and key in _LOADED:
        return _LOADED[key]
    protocol, findings = check_protocol(directory)
    if protocol is None or any(f.severity == "error" for f in findings):
        raise ProtocolError(findings, directory)
    if key is not None:
        if len(_LOADED) >= 16:
            _LOADED.clear()
        _LOADED[key] = protocol
    return protocol
