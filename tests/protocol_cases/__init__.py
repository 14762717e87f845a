"""A minimal valid protocol, written to a folder, for tests that break one thing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w

from kindreflex_tui.errors import Finding
from kindreflex_tui.protocol.loader import check_protocol

Files = dict[str, dict[str, Any]]
"""File name -> TOML document of a protocol folder."""

_BASE: Files = {
    "protocol.toml": {
        "protocol": {
            "id": "mini",
            "title": "Mini-protocol",
            "format": 1,
            "version": "0.1.0",
            "language": "nl",
            "start": "intake",
            "source": "test",
            "entry_marks": "kind",
            "steps": ["step-1.toml", "step-2.toml"],
        },
        "choices": {
            "level": [
                {"id": "low", "label": "Laag"},
                {"id": "high", "label": "Hoog"},
            ],
            "kind": [{"id": "fact", "label": "Feit"}],
        },
        "field_groups": {
            "talk": [
                {"id": "with", "type": "text", "label": "Met wie"},
                {
                    "id": "advice",
                    "type": "long_text",
                    "label": "Advies",
                    "show_if": {"field": "with", "answered": True},
                },
            ]
        },
    },
    "step-1.toml": {
        "id": "intake",
        "number": 1,
        "title": "Intake",
        "short_title": "Intake",
        "who": "Iedereen",
        "decision": "Hoe verder?",
        "items": [{"id": "ask", "label": "Vraag naar de kinderen", "required": True}],
        "fields": [
            {"id": "worried", "type": "yes_no", "label": "Zorgen?"},
            {
                "id": "level",
                "type": "choice",
                "choices": "level",
                "label": "Hoe groot?",
                "show_if": {"field": "worried", "equals": True},
            },
            {
                "id": "children",
                "type": "repeat",
                "store": "children",
                "label": "Kinderen",
                "item_label": "{name}",
                "min": 1,
                "max": 5,
                "fields": [
                    {"id": "name", "type": "text", "label": "Naam"},
                    {"id": "expected", "type": "yes_no", "label": "Verwacht"},
                    {
                        "id": "due_date",
                        "type": "date",
                        "label": "Verwacht op",
                        "show_if": {"field": "expected", "equals": True},
                    },
                ],
            },
        ],
        "options": [
            {
                "id": "go_on",
                "label": "Verder: naar stap 2",
                "target": "review",
                "requires": ["level"],
                "expect": {"field": "level", "equals": "high"},
            },
            {"id": "stop", "label": "Stoppen", "target": "@end"},
        ],
    },
    "step-2.toml": {
        "id": "review",
        "number": 2,
        "title": "Nakijken",
        "short_title": "Nakijken",
        "who": "Het team",
        "decision": "Klaar?",
        "items": [{"id": "look", "label": "Kijk alles na"}],
        "fields": [
            {
                "id": "note",
                "type": "long_text",
                "label": "Notitie",
                "show_if": {"field": "intake.worried", "equals": True},
            },
            {
                "id": "talks",
                "type": "repeat",
                "label": "Overleg",
                "fields_from": "talk",
            },
            {
                "id": "heard",
                "type": "per_child",
                "label": "Gehoord",
                "fields": [
                    {"id": "heard", "type": "yes_no", "label": "Gehoord"},
                ],
            },
        ],
        "options": [
            {"id": "done", "label": "Klaar", "target": "@end"},
            {"id": "back", "label": "Terug naar de intake", "target": "intake"},
        ],
    },
}


def base_files() -> Files:
    """A fresh, deep copy of the minimal valid protocol's documents."""
    return copy.deepcopy(_BASE)


def write_protocol(
    directory: Path, change: Callable[[Files], None] | None = None
) -> Path:
    """Write the minimal protocol, changed by `change`, into `directory`."""
    files = base_files()
    if change is not None:
        change(files)
    directory.mkdir(parents=True, exist_ok=True)
    for name, document in files.items():
        (directory / name).write_text(tomli_w.dumps(document), encoding="utf-8")
    return directory


def findings_of(directory: Path) -> list[Finding]:
    """Every finding of `kindreflex protocol check` on a folder."""
    return check_protocol(directory)[1]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in findings if f.rule == rule]


def step(files: Files, number: int) -> dict[str, Any]:
    """The document of step file `step-<number>.toml`."""
    return files[f"step-{number}.toml"]
