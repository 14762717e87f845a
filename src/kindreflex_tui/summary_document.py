"""The step summary as a document: plain, JSON-ready data, redacted when asked.

`build_summary` gathers everything a summary shows into the structure below; the text
and Markdown renderers read it, and `kindreflex summary --format json` prints it as is.
Redaction happens here, once, so no format can show what another leaves out.

The JSON structure (format "kindreflex-summary", format_version 1); keys are always
present, a value left out by redaction is null:

- `format`, `format_version`, `redacted`, `strict`, `today` (ISO date of ages and
  follow-up states)
- `dossier`: `id`, `client_ref`, `counsellors` (list), `status` ("open"/"closed"),
  `current_step` (step reference or null), `created_at`, `updated_at` (ISO, UTC)
- `protocol`: `id`, `title`, `version`, `note` (why the protocol differs, or null)
- `children`: list of `id`, `label` (name, or "Kind 1"), `name`, `birth_date`, `age`,
  `twelve_plus`, `expected`, `due_date`, `details` (answers)
- `follow_ups`: list of `date`, `label`, `step` (reference), `state`
  ("overdue", "due" within a week, "planned")
- `visits`: list of `visit`, `step` (reference), `current`, `entered_at`, `entered_by`,
  `left_at`, `left_by`, `items_done` and `items_open` (`id`, `label`, `required`),
  `answers`, `notes` (`label`, `text`, `free_text`, `left_out`, `mark`) and `decision`
  (`option`, `label`, `target` reference, `reason`, `taken_at`, `taken_by`,
  `warnings`, `override_reason`)
- an answer: `id`, `label`, `type`, `value` (as stored), `display` (as read),
  `free_text`, `left_out` (null, "sensitive", "free_text" or "unknown"), `mark`
  (`kind`, `label`, `source`), `items` (repeat: `number`, `title`, `fields`) and
  `children` (per child: `child_id`, `child`, `fields`)
- a step reference: `id`, `number`, `title` (`@end` is the end of the Kindreflex)
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, TypedDict

from kindreflex_tui.dossier.model import Child, Decision, Dossier, Mark, Visit
from kindreflex_tui.engine import Engine, follow_ups, is_answered
from kindreflex_tui.listing import due_state
from kindreflex_tui.protocol.model import END, FieldSpec, Protocol
from kindreflex_tui.summary_redact import (
    FREE_TEXT_LEFT_OUT,
    LEFT_OUT,
    UNKNOWN_LEFT_OUT,
    Redactor,
    children_spec,
    is_free_text,
)

FORMAT = "kindreflex-summary"
"""The name of the summary JSON format."""
FORMAT_VERSION = 1
"""Raised when a key changes meaning or disappears; new keys do not raise it."""

END_TITLE = "Einde van de Kindreflex"
"""How the end of the Kindreflex is named where a step title would stand."""

_DATE_HINT = re.compile(r"\s*\((?:dd-mm-jjjj|jjjj-mm-dd)\)")
"""The typing hint in date labels, which a printed summary does not need."""

LeftOut = Literal["sensitive", "free_text", "unknown"]


class StepRef(TypedDict):
    """A step as the summary names it."""

    id: str
    number: int | None
    title: str


class MarkPart(TypedDict):
    """An entry mark: fact, observation, the client's words, a third party..."""

    kind: str
    label: str
    source: str | None


class ItemPart(TypedDict):
    """One item of a repeat (a consultation, an agreement, a key figure)."""

    number: int
    title: str
    fields: list[AnswerPart]


class ChildAnswersPart(TypedDict):
    """The answers of a per-child group for one child."""

    child_id: str
    child: str
    fields: list[AnswerPart]


class AnswerPart(TypedDict):
    """One answered field: its label, the stored and the readable value."""

    id: str
    label: str
    type: str
    value: Any
    display: str
    free_text: bool
    left_out: LeftOut | None
    mark: MarkPart | None
    items: list[ItemPart] | None
    children: list[ChildAnswersPart] | None


class NotesPart(TypedDict):
    """The notes of a visit."""

    label: str
    text: str | None
    free_text: bool
    left_out: LeftOut | None
    mark: MarkPart | None


class DecisionPart(TypedDict):
    """The decision that ended a visit."""

    option: str
    label: str
    target: StepRef
    reason: str | None
    taken_at: str
    taken_by: str | None
    warnings: list[str]
    override_reason: str | None


class ChecklistPart(TypedDict):
    """A checklist item of a step."""

    id: str
    label: str
    required: bool


class VisitPart(TypedDict):
    """One visit of a step: when, by whom, what was done, answered and decided."""

    visit: int
    step: StepRef
    current: bool
    entered_at: str
    entered_by: str | None
    left_at: str | None
    left_by: str | None
    items_done: list[ChecklistPart]
    items_open: list[ChecklistPart]
    answers: list[AnswerPart]
    notes: NotesPart | None
    decision: DecisionPart | None


class ChildPart(TypedDict):
    """A child of the client as the summary shows it."""

    id: str
    label: str
    name: str | None
    birth_date: str | None
    age: int | None
    twelve_plus: bool
    expected: bool
    due_date: str | None
    details: list[AnswerPart]


class FollowUpPart(TypedDict):
    """A follow-up date and whether it is overdue, due soon or planned."""

    date: str
    label: str
    step: StepRef
    state: str


class DossierPart(TypedDict):
    """Who and what the dossier is about, and where it stands."""

    id: str | None
    client_ref: str | None
    counsellors: list[str]
    status: str
    current_step: StepRef | None
    created_at: str
    updated_at: str


class ProtocolPart(TypedDict):
    """The protocol the summary was read with."""

    id: str
    title: str
    version: str
    note: str | None


class SummaryDocument(TypedDict):
    """The whole summary, as `kindreflex summary --format json` prints it."""

    format: str
    format_version: int
    redacted: bool
    strict: bool
    today: str
    dossier: DossierPart
    protocol: ProtocolPart
    children: list[ChildPart]
    follow_ups: list[FollowUpPart]
    visits: list[VisitPart]


def clean_label(label: str) -> str:
    """A field label without the typing hint "(dd-mm-jjjj)"."""
    return _DATE_HINT.sub("", label).strip()


def protocol_note(dossier: Dossier, protocol: Protocol) -> str | None:
    """A note when the dossier was written under another protocol than shown."""
    wanted = dossier.protocol
    info = protocol.info
    if wanted.id != info.id or wanted.version != info.version:
        return (
            f"dit dossier volgt protocol {wanted.id} versie {wanted.version}; "
            f"getoond met {info.id} versie {info.version}"
        )
    if protocol.sha256 and wanted.sha256 and wanted.sha256 != protocol.sha256:
        return (
            f"dit dossier volgt protocolversie {wanted.version} zoals die toen was; "
            "getoond met een versie met een andere inhoud"
        )
    return None


def build_summary(
    dossier: Dossier,
    protocol: Protocol,
    *,
    today: date,
    redact: bool = False,
    strict: bool = False,
    note: str | None = None,
) -> SummaryDocument:
    """Gather the summary of a dossier; `strict` implies `redact`."""
    return _Builder(dossier, protocol, today, redact or strict, strict).build(note)


class _Builder:
    """Walks a dossier once and writes its summary document."""

    def __init__(
        self,
        dossier: Dossier,
        protocol: Protocol,
        today: date,
        redact: bool,
        strict: bool,
    ) -> None:
        self.dossier = dossier
        self.protocol = protocol
        self.today = today
        self.redact = redact
        self.strict = strict
        self.engine = Engine(protocol, dossier, "kindreflex", today=lambda: today)
        self._visit_marks: dict[str, Mark] = {}
        """The entry marks of the visit being summarised (for items and children)."""
        self.redactor = Redactor(dossier, protocol) if redact else None
        self.child_labels = {
            child.id: self._child_label(child) for child in dossier.children
        }

    def build(self, note: str | None) -> SummaryDocument:
        """The whole document."""
        dossier = self.dossier
        current = dossier.current_visit
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "redacted": self.redact,
            "strict": self.strict,
            "today": self.today.isoformat(),
            "dossier": {
                "id": None if self.redact else dossier.id,
                "client_ref": None if self.redact else dossier.client_ref,
                "counsellors": [] if self.redact else list(dossier.counsellors),
                "status": dossier.status,
                "current_step": self.step_ref(current.step) if current else None,
                "created_at": dossier.created_at.isoformat(),
                "updated_at": dossier.updated_at.isoformat(),
            },
            "protocol": {
                "id": self.protocol.info.id,
                "title": self.protocol.info.title,
                "version": self.protocol.info.version,
                "note": note or protocol_note(dossier, self.protocol),
            },
            "children": [self.child(c) for c in dossier.children],
            "follow_ups": self.follow_ups(),
            "visits": [self.visit(v) for v in dossier.visits],
        }

    # -- pieces ----------

    def person(self, name: str | None) -> str | None:
        """A counsellor's name, or None when redacted."""
        return None if self.redact else name

    def free_text(self, text: str) -> str | None:
        """Free text as the summary may show it: scrubbed, or None when strict."""
        if self.strict:
            return None
        return self.redactor.scrub(text) if self.redactor else text

    def kept_text(self, text: str | None) -> str | None:
        """A reason or remark: scrubbed, a placeholder when strict, None when empty."""
        if not text:
            return None
        shown = self.free_text(text)
        return FREE_TEXT_LEFT_OUT if shown is None else shown

    def step_ref(self, step_id: str) -> StepRef:
        """How the summary names a step (or the end)."""
        if step_id == END:
            return {"id": END, "number": None, "title": END_TITLE}
        if self.protocol.has_step(step_id):
            step = self.protocol.step(step_id)
            return {"id": step.id, "number": step.number, "title": step.title}
        return {"id": step_id, "number": None, "title": step_id}

    def _child_label(self, child: Child) -> str:
        """A child's name, or "Kind n" when redacted."""
        if self.redactor is not None:
            return self.redactor.child_labels[child.id]
        return child.name

    def child(self, child: Child) -> ChildPart:
        """A child of the register with age, 12+ and expected marks."""
        register = children_spec(self.protocol)
        details = []
        if register is not None:
            for sub in register.fields:
                if sub.id in ("name", "birth_date", "expected", "due_date"):
                    continue
                value = child.answers.get(sub.id)
                if sub.type != "info" and is_answered(value):
                    details.append(self.answer(sub, value, None))
        return {
            "id": child.id,
            "label": self.child_labels[child.id],
            "name": None if self.redact else child.name,
            "birth_date": None
            if self.redact or child.birth_date is None
            else child.birth_date.isoformat(),
            "age": self.engine.child_age(child),
            "twelve_plus": self.engine.is_twelve_plus(child),
            "expected": child.expected,
            "due_date": None
            if self.redact or child.due_date is None
            else child.due_date.isoformat(),
            "details": details,
        }

    def follow_ups(self) -> list[FollowUpPart]:
        """The follow-up dates of an open dossier, earliest first."""
        if self.dossier.status == "closed":
            return []
        return [
            {
                "date": found.due.isoformat(),
                "label": clean_label(found.label),
                "step": self.step_ref(found.step_id),
                "state": due_state(found.due, self.today),
            }
            for found in follow_ups(self.protocol, self.dossier)
        ]

    def mark(self, mark: Mark | None) -> MarkPart | None:
        """An entry mark with its label (and its source, scrubbed when redacted)."""
        if mark is None:
            return None
        label = self.protocol.choice_label(self.protocol.info.entry_marks, mark.kind)
        source = self.free_text(mark.source) if mark.source else None
        return {"kind": mark.kind, "label": label, "source": source}

    def visit(self, visit: Visit) -> VisitPart:
        """One visit: who and when, the checklist, the answers, notes and decision."""
        known = self.protocol.has_step(visit.step)
        step = self.protocol.step(visit.step) if known else None
        items = step.items if step else []
        done = [
            {"id": item.id, "label": item.label, "required": item.required}
            for item in items
            if item.id in visit.ticked
        ]
        known_items = {item.id for item in items}
        done += [
            {"id": item_id, "label": item_id, "required": False}
            for item_id in visit.ticked
            if item_id not in known_items
        ]
        still_open = [
            {"id": item.id, "label": item.label, "required": item.required}
            for item in items
            if item.id not in visit.ticked
        ]
        notes: NotesPart | None = None
        if visit.notes.strip():
            notes = {
                "label": step.notes_label if step else "Notities",
                "text": self.free_text(visit.notes),
                "free_text": True,
                "left_out": "free_text" if self.strict else None,
                "mark": self.mark(visit.marks.get("notes")),
            }
        return {
            "visit": visit.id,
            "step": self.step_ref(visit.step),
            "current": visit is self.dossier.current_visit,
            "entered_at": visit.entered_at.isoformat(),
            "entered_by": self.person(visit.entered_by),
            "left_at": visit.left_at.isoformat() if visit.left_at else None,
            "left_by": self.person(visit.left_by),
            "items_done": done,
            "items_open": still_open,
            "answers": self.answers(visit, step.fields if step else []),
            "notes": notes,
            "decision": self.decision(visit.step, visit.decision),
        }

    def answers(self, visit: Visit, specs: list[FieldSpec]) -> list[AnswerPart]:
        """The answered fields of a visit in protocol order, unknown ones last."""
        found = []
        self._visit_marks = visit.marks
        for spec in specs:
            if spec.type == "info" or spec.store == "children":
                continue
            if not self.engine.shown_in(visit, spec):
                # An answer hidden by a later correction no longer applies.
                continue
            value = visit.answers.get(spec.id)
            if is_answered(value) or value is False:
                found.append(self.answer(spec, value, visit.marks.get(spec.id)))
        described = {spec.id for spec in specs}
        for field_id in sorted(set(visit.answers) - described):
            found.append(self.unknown(field_id, visit.answers[field_id]))
        return found

    def unknown(self, field_id: str, value: Any) -> AnswerPart:
        """An answer the protocol does not describe: shown raw, left out if redacted."""
        return self._part(
            field_id,
            field_id,
            "unknown",
            value=None if self.redact else value,
            display=UNKNOWN_LEFT_OUT if self.redact else str(value),
            left_out="unknown" if self.redact else None,
        )

    def answer(self, spec: FieldSpec, value: Any, mark: Mark | None) -> AnswerPart:
        """One answered field, redacted as asked, repeats and per-child included."""
        label = clean_label(spec.label)
        marked = self.mark(mark)
        if self.redact and spec.sensitive:
            return self._part(
                spec.id,
                label,
                spec.type,
                display=LEFT_OUT,
                left_out="sensitive",
                mark=marked,
            )
        if spec.type == "repeat":
            items = value if isinstance(value, list) else []
            return self._part(
                spec.id,
                label,
                spec.type,
                mark=marked,
                items=[
                    self.item(spec, number, item)
                    for number, item in enumerate(items, start=1)
                    if isinstance(item, dict)
                ],
            )
        if spec.type == "per_child":
            groups = value if isinstance(value, dict) else {}
            return self._part(
                spec.id,
                label,
                spec.type,
                mark=marked,
                children=[
                    self.child_answers(spec, child_id, answers)
                    for child_id, answers in groups.items()
                    if isinstance(answers, dict)
                ],
            )
        if is_free_text(spec):
            text = self.free_text(str(value))
            return self._part(
                spec.id,
                label,
                spec.type,
                mark=marked,
                value=text,
                display=FREE_TEXT_LEFT_OUT if text is None else text,
                free_text=True,
                left_out="free_text" if text is None else None,
            )
        return self._part(
            spec.id,
            label,
            spec.type,
            mark=marked,
            value=value,
            display=self.engine.display(spec, value),
        )

    def _part(
        self,
        field_id: str,
        label: str,
        kind: str,
        *,
        value: Any = None,
        display: str = "",
        free_text: bool = False,
        left_out: LeftOut | None = None,
        mark: MarkPart | None = None,
        items: list[ItemPart] | None = None,
        children: list[ChildAnswersPart] | None = None,
    ) -> AnswerPart:
        """An answer part with every key present."""
        return {
            "id": field_id,
            "label": label,
            "type": kind,
            "value": value,
            "display": display,
            "free_text": free_text,
            "left_out": left_out,
            "mark": mark,
            "items": items,
            "children": children,
        }

    def sub_answers(
        self, spec: FieldSpec, values: dict[str, Any], owner: str | None = None
    ) -> list[AnswerPart]:
        """The answered sub-fields of a repeat item or a child's group."""
        marks = self._visit_marks
        return [
            self.answer(
                sub, values.get(sub.id), marks.get(f"{spec.id}/{owner}/{sub.id}")
            )
            for sub in spec.fields
            if sub.type != "info"
            and (is_answered(values.get(sub.id)) or values.get(sub.id) is False)
        ]

    def item(self, spec: FieldSpec, number: int, item: dict[str, Any]) -> ItemPart:
        """One repeat item, titled from what the summary may show of it."""
        fields = self.sub_answers(spec, item, item.get("id"))
        shown = {
            part["id"]: part["display"] for part in fields if part["left_out"] is None
        }
        title = ""
        if spec.item_label:
            try:
                title = spec.item_label.format_map(_Blank(shown)).strip(" ,")
            except (ValueError, IndexError, KeyError):
                title = ""
        return {"number": number, "title": title, "fields": fields}

    def child_answers(
        self, spec: FieldSpec, child_id: str, answers: dict[str, Any]
    ) -> ChildAnswersPart:
        """One child's answers in a per-child group."""
        label = self.child_labels.get(child_id, "verwijderd kind")
        return {
            "child_id": child_id,
            "child": label,
            "fields": self.sub_answers(spec, answers, child_id),
        }

    def decision(self, step_id: str, decision: Decision | None) -> DecisionPart | None:
        """The decision that ended a visit, with its option label and reasons."""
        if decision is None:
            return None
        option = (
            self.protocol.step(step_id).option(decision.option)
            if self.protocol.has_step(step_id)
            else None
        )
        return {
            "option": decision.option,
            "label": option.label if option else decision.option,
            "target": self.step_ref(decision.target),
            "reason": self.kept_text(decision.reason),
            "taken_at": decision.taken_at.isoformat(),
            "taken_by": self.person(decision.taken_by),
            "warnings": list(decision.warnings),
            "override_reason": self.kept_text(decision.override_reason),
        }


class _Blank(dict[str, str]):
    """Fills unknown template names with nothing instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""
