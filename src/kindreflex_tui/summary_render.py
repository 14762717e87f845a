"""Text and Markdown renderings of a summary document (see summary_document.py).

The text rendering is a list of lines made of (text, style) segments: joined as is for
plain text, or handed to rich (imported only then) for a coloured terminal.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from kindreflex_tui.dates import format_date
from kindreflex_tui.summary_redact import FREE_TEXT_SIGN, FREE_TEXT_WARNING

if TYPE_CHECKING:
    from kindreflex_tui.summary_document import (
        AnswerPart,
        ChildPart,
        DecisionPart,
        MarkPart,
        StepRef,
        SummaryDocument,
        VisitPart,
    )

TITLE = "Kindreflex: stappensamenvatting"
REDACTED_NOTE = (
    "Zonder namen: voor teamoverleg en anoniem overleg met het VK of OCJ. "
    "Kinderen heten Kind 1, Kind 2...; cliëntcode, hulpverleners, andere namen en "
    "geboortedata zijn weggelaten."
)
FREE_TEXT_NOTE = f"{FREE_TEXT_WARNING}: lees ze na voor je deze samenvatting deelt."
STRICT_NOTE = "Strikt: alle vrije tekst is weggelaten."
STATE_LABELS = {"overdue": "te laat", "due": "binnenkort", "planned": "gepland"}
"""How a follow-up state reads."""

STYLES = {
    "title": "bold",
    "heading": "bold cyan",
    "step": "bold",
    "label": "bold",
    "meta": "dim",
    "mark": "magenta",
    "overdue": "bold red",
    "due": "bold yellow",
    "planned": "",
    "warn": "yellow",
    "twelve": "bold magenta",
    "done": "green",
    "open": "dim",
}
"""The rich style of each segment style used by the text rendering."""

Segment = tuple[str, str]
Line = list[Segment]


# -- shared wording ----------


def when(stamp: str | None, tz: tzinfo | None) -> str:
    """An ISO timestamp as dd-mm-jjjj HH:MM in the given (or local) time zone."""
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp).astimezone(tz)
    return f"{moment:%d-%m-%Y %H:%M}"


def step_name(step: StepRef) -> str:
    """A step as "Stap 4. Ga na of ...", or the end of the Kindreflex."""
    if step["number"] is None:
        return step["title"]
    return f"Stap {step['number']}. {step['title']}"


def route(doc: SummaryDocument) -> str:
    """The path through the steps: "1 → 2 → 4 → 5", ending in "einde" when closed."""
    parts = [
        str(v["step"]["number"] if v["step"]["number"] is not None else v["step"]["id"])
        for v in doc["visits"]
    ]
    if doc["dossier"]["status"] == "closed":
        parts.append("einde")
    return " → ".join(parts)


def status_text(doc: SummaryDocument, tz: tzinfo | None) -> str:
    """Where the dossier stands: open in a step, or closed since when."""
    current = doc["dossier"]["current_step"]
    if doc["dossier"]["status"] == "closed" or current is None:
        last = doc["visits"][-1]["decision"] if doc["visits"] else None
        return f"afgesloten op {when(last['taken_at'], tz)}" if last else "afgesloten"
    return f"open, nu in {step_name(current)[0].lower()}{step_name(current)[1:]}"


def age_text(child: ChildPart) -> str:
    """A child's age and marks: "13 jaar, 12+ (mag zelf instemmen)", "verwacht"."""
    if child["expected"]:
        text = "verwacht kind"
        if child["due_date"]:
            text += f", verwacht op {format_date(child['due_date'])}"
        return text
    age = child["age"]
    if age is None:
        text = "leeftijd onbekend"
    elif age == 0:
        text = "jonger dan 1 jaar"
    else:
        text = f"{age} jaar"
    if child["birth_date"]:
        text += f", geboren {format_date(child['birth_date'])}"
    return text


def child_hint(doc: SummaryDocument, child_id: str) -> str:
    """A short age note after a child's label in per-child answers."""
    for child in doc["children"]:
        if child["id"] == child_id:
            if child["expected"]:
                return " (verwacht)"
            if child["age"] is None:
                return ""
            return f" ({child['age']} jaar{', 12+' if child['twelve_plus'] else ''})"
    return ""


def mark_text(mark: MarkPart | None) -> str:
    """An entry mark as "[Feit]" or "[Informatie van derden, bron: school]"."""
    if mark is None:
        return ""
    if mark["source"]:
        return f"[{mark['label']}, bron: {mark['source']}]"
    return f"[{mark['label']}]"


def joined(label: str) -> str:
    """A label followed by its value: a colon unless it already ends a question."""
    return label if label.endswith(("?", ":")) else f"{label}:"


def value_text(doc: SummaryDocument, answer: AnswerPart) -> str:
    """The value of an answer as shown, with the free-text sign when redacted."""
    text = answer["display"]
    if doc["redacted"] and answer["free_text"] and answer["left_out"] is None:
        return f"{FREE_TEXT_SIGN} {text}"
    return text


def who(name: str | None) -> str:
    """The words " door Els", or nothing when the name is left out."""
    return f" door {name}" if name else ""


def visit_times(visit: VisitPart, tz: tzinfo | None) -> str:
    """When and by whom a visit began and ended."""
    text = f"Begonnen {when(visit['entered_at'], tz)}{who(visit['entered_by'])}"
    if visit["left_at"]:
        text += f"; afgerond {when(visit['left_at'], tz)}{who(visit['left_by'])}"
    return text


def visit_title(doc: SummaryDocument, index: int) -> str:
    """The heading of a visit: its step, "(opnieuw)" and "(nu bezig)" when so."""
    visit = doc["visits"][index]
    title = step_name(visit["step"])
    earlier = [v["step"]["id"] for v in doc["visits"][:index]]
    if visit["step"]["id"] in earlier:
        title += " (opnieuw)"
    if visit["current"]:
        title += " (nu bezig)"
    return title


def header_rows(doc: SummaryDocument, tz: tzinfo | None) -> list[tuple[str, str]]:
    """The label/value pairs of the header."""
    dossier, protocol = doc["dossier"], doc["protocol"]
    rows = []
    if not doc["redacted"]:
        rows += [
            ("Cliëntcode", dossier["client_ref"] or ""),
            ("Dossier", dossier["id"] or ""),
            ("Hulpverleners", ", ".join(dossier["counsellors"])),
        ]
    rows.append(
        (
            "Protocol",
            f"{protocol['title']}, versie {protocol['version']} ({protocol['id']})",
        )
    )
    if protocol["note"]:
        rows.append(("Let op", protocol["note"]))
    rows += [
        ("Aangemaakt", when(dossier["created_at"], tz)),
        ("Laatst gewijzigd", when(dossier["updated_at"], tz)),
        ("Status", status_text(doc, tz)),
        ("Verloop", route(doc)),
    ]
    return rows


# -- text ----------


class _Text:
    """Collects the lines of the text rendering."""

    def __init__(self, doc: SummaryDocument, tz: tzinfo | None) -> None:
        self.doc = doc
        self.tz = tz
        self.lines: list[Line] = []

    def add(self, indent: int, *segments: Segment) -> None:
        """One line of segments, indented by `indent` levels of two spaces."""
        prefix: Line = [("  " * indent, "")] if indent else []
        self.lines.append(prefix + [s for s in segments if s[0]])

    def blank(self) -> None:
        """An empty line, never two in a row."""
        if self.lines and self.lines[-1]:
            self.lines.append([])

    def block(self, indent: int, text: str, style: str = "") -> None:
        """Multi-line text, each line indented."""
        for line in text.splitlines() or [""]:
            self.add(indent, (line, style))

    def render(self) -> list[Line]:
        """Every line of the summary."""
        doc = self.doc
        self.add(0, (TITLE, "title"))
        if doc["redacted"]:
            self.add(0, (REDACTED_NOTE, "warn"))
            self.add(0, (STRICT_NOTE if doc["strict"] else FREE_TEXT_NOTE, "warn"))
        self.blank()
        rows = header_rows(doc, self.tz)
        width = max(len(label) for label, _ in rows) + 2
        for label, value in rows:
            style = "warn" if label == "Let op" else ""
            self.add(0, (f"{label}:".ljust(width), "label"), (value, style))

        self.blank()
        self.add(0, ("Kinderen", "heading"))
        if not doc["children"]:
            self.add(1, ("Geen kinderen geregistreerd.", "meta"))
        for child in doc["children"]:
            twelve = (
                ("12+ (mag zelf instemmen)", "twelve")
                if child["twelve_plus"]
                else ("", "")
            )
            sep = (", ", "") if child["twelve_plus"] else ("", "")
            self.add(
                1, (f"{child['label']}: ", "label"), (age_text(child), ""), sep, twelve
            )
            for answer in child["details"]:
                self.answer(2, answer)

        if doc["dossier"]["status"] == "open":
            self.blank()
            self.add(0, ("Opvolging", "heading"))
            if not doc["follow_ups"]:
                self.add(1, ("Geen opvolgdatum gepland.", "meta"))
            for found in doc["follow_ups"]:
                state = STATE_LABELS[found["state"]]
                self.add(
                    1,
                    (state.ljust(11), found["state"]),
                    (f"{format_date(found['date'])}  ", found["state"]),
                    (f"{found['label']} (stap {found['step']['number']})", ""),
                )

        for index, visit in enumerate(doc["visits"]):
            self.blank()
            self.visit(index, visit)
        return self.lines

    def visit(self, index: int, visit: VisitPart) -> None:
        """One visit of a step."""
        title = visit_title(self.doc, index)
        self.add(0, (title, "heading"))
        self.add(1, (visit_times(visit, self.tz), "meta"))
        if visit["items_done"]:
            self.add(1, ("Gedaan", "label"))
            for item in visit["items_done"]:
                self.add(2, ("[x] ", "done"), (item["label"], ""))
        if visit["items_open"]:
            self.add(1, ("Nog open", "label"))
            for item in visit["items_open"]:
                required = " (verplicht)" if item["required"] else ""
                self.add(2, ("[ ] ", "open"), (item["label"] + required, ""))
        if visit["answers"]:
            self.add(1, ("Antwoorden", "label"))
            for answer in visit["answers"]:
                self.answer(2, answer)
        notes = visit["notes"]
        if notes is not None:
            mark = mark_text(notes["mark"])
            self.add(1, (notes["label"], "label"), (f" {mark}" if mark else "", "mark"))
            if notes["text"] is None:
                self.add(2, ("[vrije tekst weggelaten]", "meta"))
            else:
                sign = f"{FREE_TEXT_SIGN} " if self.doc["redacted"] else ""
                self.block(2, sign + notes["text"])
        if visit["decision"] is not None:
            self.decision(visit["decision"])

    def answer(self, indent: int, answer: AnswerPart) -> None:
        """One answer; repeats and per-child groups with their sub-fields."""
        mark = mark_text(answer["mark"])
        mark_segment = (f" {mark}", "mark") if mark else ("", "")
        if answer["items"] is not None:
            self.add(indent, (joined(answer["label"]), ""), mark_segment)
            for item in answer["items"]:
                title = f"{item['number']}. {item['title']}".rstrip()
                self.add(indent + 1, (title, "label"))
                for field in item["fields"]:
                    self.answer(indent + 2, field)
            return
        if answer["children"] is not None:
            self.add(indent, (joined(answer["label"]), ""), mark_segment)
            for group in answer["children"]:
                hint = child_hint(self.doc, group["child_id"])
                style = "twelve" if ", 12+" in hint else "label"
                self.add(indent + 1, (group["child"] + hint, style))
                for field in group["fields"]:
                    self.answer(indent + 2, field)
            return
        text = value_text(self.doc, answer)
        style = "meta" if answer["left_out"] else ""
        if "\n" in text:
            self.add(indent, (joined(answer["label"]), ""), mark_segment)
            self.block(indent + 1, text, style)
        else:
            self.add(
                indent,
                (f"{joined(answer['label'])} ", ""),
                (f"{mark} " if mark else "", "mark"),
                (text, style),
            )

    def decision(self, decision: DecisionPart) -> None:
        """The decision that ended a visit, with reason and overridden warnings."""
        self.add(1, ("Beslissing: ", "label"), (decision["label"], ""))
        self.add(2, ("Naar: ", ""), (step_name(decision["target"]), ""))
        if decision["reason"]:
            self.block_pair(2, "Reden", decision["reason"])
        for warning in decision["warnings"]:
            self.add(2, ("Waarschuwing (bewust verdergegaan): ", "warn"), (warning, ""))
        if decision["override_reason"]:
            self.block_pair(
                2, "Reden om toch verder te gaan", decision["override_reason"]
            )
        self.add(
            2,
            (
                f"Genomen {when(decision['taken_at'], self.tz)}"
                f"{who(decision['taken_by'])}",
                "meta",
            ),
        )

    def block_pair(self, indent: int, label: str, text: str) -> None:
        """A label and free text, on one line when it fits on one."""
        sign = (
            f"{FREE_TEXT_SIGN} "
            if self.doc["redacted"] and not self.doc["strict"]
            else ""
        )
        if "\n" in text:
            self.add(indent, (f"{label}:", ""))
            self.block(indent + 1, sign + text)
        else:
            self.add(indent, (f"{label}: ", ""), (sign + text, ""))


def render_text(
    doc: SummaryDocument, *, color: bool = False, tz: tzinfo | None = None
) -> str:
    """The summary as terminal text; with ANSI colours (via rich) when `color`."""
    lines = _Text(doc, tz).render()
    if not color:
        plain = ("".join(text for text, _ in line).rstrip() for line in lines)
        return "\n".join(plain) + "\n"
    return _colour(lines)


def _colour(lines: list[Line]) -> str:
    """Lines of styled segments as ANSI text, rendered by rich."""
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    for line in lines:
        console.print(Text.assemble(*[(text, STYLES.get(s, "")) for text, s in line]))
    return buffer.getvalue()


# -- markdown ----------


class _Markdown:
    """Collects the lines of the Markdown rendering."""

    def __init__(self, doc: SummaryDocument, tz: tzinfo | None) -> None:
        self.doc = doc
        self.tz = tz
        self.lines: list[str] = []

    def add(self, line: str = "") -> None:
        """One line; never two blank lines in a row."""
        if line or (self.lines and self.lines[-1]):
            self.lines.append(line)

    def quote(self, indent: str, text: str) -> None:
        """Free text as a block quote, one quoted line per line."""
        for line in text.splitlines() or [""]:
            self.add(f"{indent}> {line}".rstrip())

    def render(self) -> str:
        """The whole summary."""
        doc = self.doc
        self.add(f"# {TITLE}")
        self.add()
        if doc["redacted"]:
            self.add(f"> **{REDACTED_NOTE}**")
            self.add(f"> {STRICT_NOTE if doc['strict'] else FREE_TEXT_NOTE}")
            self.add()
        for label, value in header_rows(doc, self.tz):
            self.add(f"- **{label}:** {value}")
        self.add()
        self.add("## Kinderen")
        self.add()
        if not doc["children"]:
            self.add("Geen kinderen geregistreerd.")
        for child in doc["children"]:
            twelve = ", **12+ (mag zelf instemmen)**" if child["twelve_plus"] else ""
            self.add(f"- **{child['label']}**: {age_text(child)}{twelve}")
            for answer in child["details"]:
                self.answer("  ", answer)

        if doc["dossier"]["status"] == "open":
            self.add()
            self.add("## Opvolging")
            self.add()
            if not doc["follow_ups"]:
                self.add("Geen opvolgdatum gepland.")
            for found in doc["follow_ups"]:
                state = STATE_LABELS[found["state"]]
                if found["state"] != "planned":
                    state = f"**{state}**"
                self.add(
                    f"- {state}: {format_date(found['date'])}, {found['label']} "
                    f"(stap {found['step']['number']})"
                )

        self.add()
        self.add("## Verloop")
        for index, visit in enumerate(doc["visits"]):
            self.add()
            self.visit(index, visit)
        return "\n".join(self.lines).rstrip() + "\n"

    def visit(self, index: int, visit: VisitPart) -> None:
        """One visit of a step."""
        self.add(f"### {visit_title(self.doc, index)}")
        self.add()
        self.add(f"*{visit_times(visit, self.tz)}*")
        if visit["items_done"] or visit["items_open"]:
            self.add()
            self.add("**Checklist**")
            self.add()
            for item in visit["items_done"]:
                self.add(f"- [x] {item['label']}")
            for item in visit["items_open"]:
                required = " *(verplicht)*" if item["required"] else ""
                self.add(f"- [ ] {item['label']}{required}")
        if visit["answers"]:
            self.add()
            self.add("**Antwoorden**")
            self.add()
            for answer in visit["answers"]:
                self.answer("", answer)
        notes = visit["notes"]
        if notes is not None:
            self.add()
            mark = mark_text(notes["mark"])
            self.add(f"**{notes['label']}**{' *' + mark + '*' if mark else ''}")
            self.add()
            if notes["text"] is None:
                self.add("*[vrije tekst weggelaten]*")
            else:
                sign = f"{FREE_TEXT_SIGN} " if self.doc["redacted"] else ""
                self.quote("", sign + notes["text"])
        if visit["decision"] is not None:
            self.add()
            self.decision(visit["decision"])

    def answer(self, indent: str, answer: AnswerPart) -> None:
        """One answer as a list item; repeats and per-child groups nested."""
        mark = mark_text(answer["mark"])
        marked = f" *{mark}*" if mark else ""
        label = joined(answer["label"])
        if answer["items"] is not None:
            self.add(f"{indent}- {label}{marked}")
            for item in answer["items"]:
                title = f"{item['number']}. {item['title']}".rstrip()
                self.add(f"{indent}  - **{title}**")
                for field in item["fields"]:
                    self.answer(indent + "    ", field)
            return
        if answer["children"] is not None:
            self.add(f"{indent}- {label}{marked}")
            for group in answer["children"]:
                hint = child_hint(self.doc, group["child_id"])
                self.add(f"{indent}  - **{group['child']}**{hint}")
                for field in group["fields"]:
                    self.answer(indent + "    ", field)
            return
        text = value_text(self.doc, answer)
        if answer["left_out"]:
            text = f"*{text}*"
        if "\n" in text:
            self.add(f"{indent}- {label}{marked}")
            self.add()
            self.quote(indent + "  ", text)
            self.add()
        else:
            self.add(f"{indent}- {label}{marked} {text}")

    def decision(self, decision: DecisionPart) -> None:
        """The decision that ended a visit."""
        sign = (
            f"{FREE_TEXT_SIGN} "
            if self.doc["redacted"] and not self.doc["strict"]
            else ""
        )
        self.add(f"**Beslissing:** {decision['label']}")
        self.add()
        self.add(f"- Naar: {step_name(decision['target'])}")
        if decision["reason"]:
            self.item("Reden", sign + decision["reason"])
        for warning in decision["warnings"]:
            self.add(f"- **Waarschuwing (bewust verdergegaan):** {warning}")
        if decision["override_reason"]:
            self.item(
                "Reden om toch verder te gaan", sign + decision["override_reason"]
            )
        self.add(
            f"- *Genomen {when(decision['taken_at'], self.tz)}"
            f"{who(decision['taken_by'])}*"
        )

    def item(self, label: str, text: str) -> None:
        """A labelled list item; multi-line text as a quote under it."""
        if "\n" in text:
            self.add(f"- {label}:")
            self.add()
            self.quote("  ", text)
            self.add()
        else:
            self.add(f"- {label}: {text}")


def render_markdown(doc: SummaryDocument, *, tz: tzinfo | None = None) -> str:
    """The summary as Markdown, to paste into the client record."""
    return _Markdown(doc, tz).render()
