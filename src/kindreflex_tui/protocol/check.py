"""Graph and reference checks on a loaded protocol."""

from __future__ import annotations

from kindreflex_tui.errors import Finding
from kindreflex_tui.protocol.model import END, Protocol


def check_graph(protocol: Protocol) -> list[Finding]:
    """Every rule a valid protocol must also meet beyond its schema."""
    # TODO: the full rule set (ids, references, reachability) lands with issue 2.
    findings: list[Finding] = []
    for step in protocol.steps:
        for option in step.options:
            if option.target != END and not protocol.has_step(option.target):
                findings.append(
                    Finding(
                        step.id,
                        f"options.{option.id}.target",
                        "graph/unknown-target",
                        f"onbekende stap {option.target!r}",
                    )
                )
    return findings
