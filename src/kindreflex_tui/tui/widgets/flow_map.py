"""The flow map: the protocol's steps, where the counsellor is, the route so far."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from kindreflex_tui.engine import Engine

CURRENT = "●"
"""Marks the step in progress, in the map and at the end of the route."""
DONE = "✓"
"""Marks a step visited before."""
ARROW = " → "


def _step_cell(number: int, title: str | None, mark: str) -> str:
    """One step in the map: its number, maybe its short title, and its mark."""
    text = f"{number}{mark}"
    return f"{text} {title}" if title else text


class FlowMap(Widget):
    """Two lines: the steps (visited, current, still ahead) and the route taken."""

    DEFAULT_CSS = """
    FlowMap {
        height: 2;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, engine: Engine, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.engine = engine

    def steps_line(self, width: int) -> Content:
        """The steps in protocol order, with short titles where there is room."""
        steps = self.engine.protocol.steps
        current = self.engine.dossier.current_step
        visited = {visit.step for visit in self.engine.dossier.visits}

        def mark(step_id: str) -> str:
            if step_id == current:
                return CURRENT
            return DONE if step_id in visited else ""

        def cells(show_title: set[str]) -> list[str]:
            return [
                _step_cell(
                    step.number,
                    step.short_title if step.id in show_title else None,
                    mark(step.id),
                )
                for step in steps
            ]

        every = {step.id for step in steps}
        for titled in (every, visited | {current or ""}, {current or ""}, set()):
            parts = cells(titled)
            if len("Stappen: " + "  ".join(parts)) <= width:
                break
        pieces: list[Content | str | tuple[str, str]] = ["Stappen: "]
        for index, (step, text) in enumerate(zip(steps, parts, strict=True)):
            if index:
                pieces.append("  ")
            if step.id == current:
                pieces.append((text, "bold reverse"))
            elif step.id in visited:
                pieces.append((text, "bold"))
            else:
                pieces.append((text, "dim"))
        return Content.assemble(*pieces)

    def route_line(self, width: int) -> Content:
        """The steps visited so far, oldest first; the start is cut when too long."""
        numbers = [str(step.number) for _visit, step in self.engine.path()]
        if numbers and self.engine.dossier.current_visit is not None:
            numbers[-1] += CURRENT
        elif self.engine.closed:
            numbers.append("einde")
        label = "Route: "
        text = ARROW.join(numbers)
        while len(label + text) > width and len(numbers) > 2:
            numbers = numbers[1:]
            text = "…" + ARROW + ARROW.join(numbers)
        return Content.assemble((label, "dim"), text)

    def render(self) -> Content:
        """Both lines, fitted to the width the map has."""
        width = max(20, self.content_size.width or self.size.width)
        return Content("\n").join([self.steps_line(width), self.route_line(width)])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Always two lines."""
        return 2
