"""A protocol as text to read, as JSON, or as a Mermaid flowchart (headless)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from kindreflex_tui.errors import Finding
from kindreflex_tui.protocol.model import END, Condition, FieldSpec, Protocol, Step

REQUIRED_MARK = "[*]"
"""Marks a checklist item or field that must be done before the step is left."""

OPTIONAL_MARK = "[ ]"
"""Marks a checklist item or field that may stay open."""

ADDITION_MARK = "(+)"
"""Marks a part that is not in the leaflet but added for the counsellor."""

TYPE_NAMES = {
    "text": "tekst",
    "long_text": "lange tekst",
    "date": "datum",
    "yes_no": "ja/nee",
    "choice": "één keuze",
    "choices": "meerdere keuzes",
    "repeat": "herhaalgroep",
    "per_child": "per kind",
    "info": "info",
}
"""The Dutch name of each field type."""

SHORT_LABEL = 44
"""The longest option label drawn on a flowchart edge."""


# -- conditions ----------------------------------------------------------------


def _value(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def condition_text(condition: Condition) -> str:
    """A condition as a short readable expression, e.g. `outcome = concerning`."""
    if condition.all is not None:
        return "(" + " en ".join(condition_text(c) for c in condition.all) + ")"
    if condition.any is not None:
        return "(" + " of ".join(condition_text(c) for c in condition.any) + ")"
    if condition.not_ is not None:
        return "niet " + condition_text(condition.not_)
    name = condition.field
    if condition.answered is not None:
        return f"{name} {'ingevuld' if condition.answered else 'niet ingevuld'}"
    if condition.equals is not None:
        return f"{name} = {_value(condition.equals)}"
    if condition.not_equals is not None:
        return f"{name} ≠ {_value(condition.not_equals)}"
    values = ", ".join(_value(v) for v in condition.one_of or [])
    return f"{name} in {{{values}}}"


# -- text ----------------------------------------------------------------------


def _marks(required: bool, source: str) -> str:
    mark = REQUIRED_MARK if required else OPTIONAL_MARK
    return f"{mark} {ADDITION_MARK}" if source == "addition" else f"{mark}    "


def _wrap(
    text: str,
    indent: str,
    width: int,
    first: str | None = None,
    paragraph_gap: bool = False,
) -> list[str]:
    """Wrap text, keeping its paragraphs."""
    lines: list[str] = []
    lead = indent if first is None else first
    for paragraph in text.strip().split("\n\n"):
        joined = " ".join(paragraph.split())
        lines.extend(
            textwrap.wrap(
                joined,
                width=width,
                initial_indent=lead,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
            or [lead.rstrip()]
        )
        lead = indent
        if paragraph_gap:
            lines.append("")
    if paragraph_gap and lines:
        lines.pop()
    return lines


def _target_text(protocol: Protocol, target: str) -> str:
    if target == END:
        return "einde"
    if protocol.has_step(target):
        step = protocol.step(target)
        return f"stap {step.number} ({step.short_title})"
    return target


def _field_lines(
    protocol: Protocol, spec: FieldSpec, indent: str, width: int
) -> list[str]:
    kind = TYPE_NAMES.get(spec.type, spec.type)
    if spec.choices:
        options = ", ".join(c.id for c in protocol.choice_list(spec.choices))
        kind += f": {spec.choices} ({options})"
    if spec.type == "repeat" and (spec.min is not None or spec.max is not None):
        low = spec.min if spec.min is not None else 0
        high = spec.max if spec.max is not None else "…"
        kind += f", {low} tot {high}"
    extras = []
    if spec.show_if:
        extras.append(f"toon als {condition_text(spec.show_if)}")
    if spec.required_if:
        extras.append(f"verplicht als {condition_text(spec.required_if)}")
    if spec.store:
        extras.append(f"register: {spec.store}")
    if spec.follow_up:
        extras.append("opvolgdatum")
    if spec.not_future:
        extras.append("niet in de toekomst")
    if spec.sensitive:
        extras.append("gevoelig")
    lines = [f"{indent}{_marks(spec.required, spec.source)} {spec.id} ({kind})"]
    inner = indent + " " * 8
    lines.extend(_wrap(spec.label, inner, width))
    if extras:
        lines.extend(_wrap("; ".join(extras), inner + "  ", width, first=inner + "↳ "))
    for sub in spec.fields:
        lines.extend(_field_lines(protocol, sub, indent + "    ", width))
    return lines


def _step_text(protocol: Protocol, step: Step, width: int) -> list[str]:
    lines = [f"Stap {step.number}. {step.title} [{step.short_title}]"]
    if step.source == "addition":
        lines[0] += f" {ADDITION_MARK}"
    lines.extend(_wrap(step.who, "     ", width, first="  Wie: "))
    if step.guidance:
        lines.extend(_wrap(step.guidance, "     ", width, first="  Uitleg: "))
    if step.items:
        lines.append("  Checklist:")
        for item in step.items:
            head = f"    {_marks(item.required, item.source)} "
            lines.extend(_wrap(item.label, " " * len(head), width, first=head))
    if step.fields:
        lines.append("  Velden:")
        for spec in step.fields:
            lines.extend(_field_lines(protocol, spec, "    ", width))
    lines.extend(_wrap(step.decision, "     ", width, first="  Beslissing: "))
    for option in step.options:
        mark = ADDITION_MARK if option.source == "addition" else "   "
        lines.append(
            f"    {mark} {option.id} -> {_target_text(protocol, option.target)}"
        )
        inner = " " * 8
        lines.extend(_wrap(option.label, inner, width))
        if option.requires:
            lines.append(inner + "↳ vereist: " + ", ".join(option.requires))
        if option.expect:
            lines.extend(
                _wrap(
                    f"verwacht: {condition_text(option.expect)}",
                    inner + "  ",
                    width,
                    first=inner + "↳ ",
                )
            )
    return lines


def protocol_text(protocol: Protocol, width: int = 88) -> str:
    """The whole protocol as text to read: numbered steps, checklists, routes."""
    info = protocol.info
    lines = [
        info.title,
        f"protocol {info.id}, versie {info.version}, formaat {info.format}, "
        f"taal {info.language}, start: {_target_text(protocol, info.start)}",
    ]
    lines.extend(_wrap(info.source, "  ", width, first="Bron: "))
    lines.append(f"sha256: {protocol.sha256 or '-'}")
    lines.append(
        f"Legende: {REQUIRED_MARK} verplicht, {OPTIONAL_MARK} niet verplicht, "
        f"{ADDITION_MARK} toevoeging (niet in de folder)"
    )
    if info.guidance:
        lines.append("")
        lines.extend(_wrap(info.guidance, "", width, paragraph_gap=True))
    for step in protocol.steps:
        lines.append("")
        lines.extend(_step_text(protocol, step, width))
    return "\n".join(lines) + "\n"


# -- json ----------------------------------------------------------------------


def protocol_json(protocol: Protocol) -> str:
    """The validated model as JSON: protocol info, sha256, choice lists and steps."""
    data = protocol.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def findings_json(findings: list[Finding]) -> str:
    """Findings as a JSON list of objects."""
    data = [
        {
            "file": f.file,
            "line": f.line,
            "path": f.path,
            "severity": f.severity,
            "rule": f.rule,
            "message": f.message,
            "hint": f.hint,
        }
        for f in findings
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- mermaid -------------------------------------------------------------------

_MERMAID_ESCAPES = {
    ord('"'): "#quot;",
    ord("#"): "#35;",
    ord("|"): "#124;",
    ord("["): "#91;",
    ord("]"): "#93;",
    ord("("): "#40;",
    ord(")"): "#41;",
    ord("{"): "#123;",
    ord("}"): "#125;",
    ord("<"): "#lt;",
    ord(">"): "#gt;",
    ord("\n"): " ",
}


def mermaid_label(text: str) -> str:
    """Text made safe inside a quoted Mermaid label."""
    return text.translate(_MERMAID_ESCAPES)


def short_label(text: str, limit: int = SHORT_LABEL) -> str:
    """An option label for a flowchart edge: the part before the colon, kept short."""
    text = " ".join(text.split(":", 1)[0].split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;")
    return cut + "…"


def step_node(step_id: str) -> str:
    """The Mermaid node id of a step (prefixed, so `end` and the like are safe)."""
    return f"s_{step_id}"


END_NODE = "e_end"
"""The Mermaid node id of the end."""


def protocol_mermaid(protocol: Protocol) -> str:
    """The routes as a Mermaid flowchart: a node per step, an edge per option."""
    lines = [
        "flowchart TD",
        f"    %% {mermaid_label(protocol.info.title)} ({protocol.info.id} "
        f"{mermaid_label(protocol.info.version)})",
        "    %% doorgetrokken pijl: uit de folder; stippellijn: toevoeging",
    ]
    for step in protocol.steps:
        label = mermaid_label(f"{step.number}. {step.short_title}")
        lines.append(f'    {step_node(step.id)}["{label}"]')
    lines.append(f'    {END_NODE}(["Einde"])')
    for step in protocol.steps:
        for option in step.options:
            target = END_NODE if option.target == END else step_node(option.target)
            arrow = "-.->" if option.source == "addition" else "-->"
            label = mermaid_label(short_label(option.label))
            lines.append(f'    {step_node(step.id)} {arrow}|"{label}"| {target}')
    start = protocol.info.start
    lines.append("    classDef start stroke-width:3px")
    lines.append(f"    class {step_node(start)} start")
    return "\n".join(lines) + "\n"
