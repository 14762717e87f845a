"""The headless engine that moves a dossier through a protocol, one change at a time."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import JsonValue, ValidationError

from kindreflex_tui.dates import format_date, parse_date
from kindreflex_tui.dossier.model import (
    Child,
    Decision,
    Dossier,
    Event,
    EventKind,
    Mark,
    ProtocolRef,
    Visit,
    age_on,
    now_utc,
)
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import END, Condition, FieldSpec, Protocol, Step

CONSENT_AGE = 12
"""From this age a child is presumed able to consent to help and to see its own file."""

CHILD_CORE = ("name", "birth_date", "expected", "due_date")
"""Register sub-fields kept as named attributes of a Child; the rest go in answers."""

NAME_MAX = 200
"""The longest name or client code the dossier accepts (see `dossier.model.Name`)."""

Item = dict[str, Any]
"""One repeat item (or a child of the register) as a plain dict of sub-field values."""


@dataclass(frozen=True)
class Missing:
    """Something still open before a step can be left: what, and how to fix it."""

    target: str
    """The item id, field id or `field/item` path the message is about."""
    message: str


@dataclass(frozen=True)
class FollowUp:
    """A follow-up date recorded in a step (next check, evaluation, feedback)."""

    due: date
    step_id: str
    step_number: int
    label: str

    def is_due(self, today: date) -> bool:
        """Whether the date is today or has passed."""
        return self.due <= today


class DecisionRefused(InputError):
    """A decision that cannot be taken yet; `missing` lists what is still open."""

    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        listed = "; ".join(m.message for m in missing[:3])
        more = f" (en nog {len(missing) - 3})" if len(missing) > 3 else ""
        super().__init__(f"nog niet alles is ingevuld: {listed}{more}")


class DecisionNeedsOverride(InputError):
    """A decision that contradicts the recorded answers; it needs an explicit reason."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__(
            "deze keuze spreekt je antwoorden tegen: "
            + " ".join(warnings)
            + " Geef een reden om toch verder te gaan."
        )


def is_answered(value: object) -> bool:
    """Whether a stored value counts as an answer (not empty)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | dict):
        return len(value) > 0
    return True


def _storable(text: str, what: str) -> str:
    """The text itself, or InputError when it holds characters JSON cannot save."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"‘{what}’ bevat tekens die niet bewaard kunnen worden; typ het opnieuw"
        ) from None
    return text


def _name(text: str, what: str, empty: str) -> str:
    """A stripped name or code; InputError when empty, too long or unsavable."""
    text = _storable(text.strip(), what)
    if not text:
        raise InputError(empty)
    if len(text) > NAME_MAX:
        raise InputError(f"‘{what}’ is te lang: hoogstens {NAME_MAX} tekens")
    return text


def _utc(moment: datetime) -> datetime:
    """A clock reading in UTC (a naive one is taken as local time)."""
    return moment.astimezone(UTC)


def child_as_item(child: Child) -> Item:
    """A register child as a plain dict of sub-field values (dates as ISO text)."""
    item: Item = {
        "id": child.id,
        "name": child.name,
        "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        "expected": child.expected,
        "due_date": child.due_date.isoformat() if child.due_date else None,
    }
    item.update(child.answers)
    return item


def follow_ups(protocol: Protocol, dossier: Dossier) -> list[FollowUp]:
    """Follow-up dates from the latest visit of each step, earliest first."""
    found = []
    for step in protocol.steps:
        visit = dossier.latest_visit(step.id)
        if visit is None:
            continue
        for spec in step.fields:
            value = visit.answers.get(spec.id)
            if spec.follow_up and isinstance(value, str) and value:
                try:
                    due = date.fromisoformat(value)
                except ValueError:
                    continue
                found.append(FollowUp(due, step.id, step.number, spec.label))
    return sorted(found, key=lambda f: (f.due, f.step_number))


class Engine:
    """Moves one dossier through its protocol; every change becomes a history event."""

    def __init__(
        self,
        protocol: Protocol,
        dossier: Dossier,
        actor: str,
        *,
        clock: Callable[[], datetime] = now_utc,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.protocol = protocol
        self.dossier = dossier
        self.actor = _name(actor, "hulpverlener", "") if actor.strip() else "onbekend"
        self.clock = clock
        self.today = today
        self.revision = 0
        """Counts changes since this engine was made; the UI autosaves when it moves."""
        self.listeners: list[Callable[[Event], None]] = []
        """Called after every change with the history event it wrote.

        Events of one change (a decision writes several) reach the listeners when
        the whole change is done, so a listener never sees a half-made change."""
        self._depth = 0
        self._pending: list[Event] = []
        self._resolving: set[str] = set()
        self._viewing: Visit | None = None
        """The visit whose answers conditions read, when not the current one."""

    # -- creating -------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        protocol: Protocol,
        *,
        dossier_id: str,
        client_ref: str,
        counsellor: str,
        clock: Callable[[], datetime] = now_utc,
        today: Callable[[], date] = date.today,
    ) -> Engine:
        """A new dossier for a client, standing at the protocol's first step."""
        client_ref = _name(
            client_ref, "cliëntcode", "geef een cliëntcode (een naam is niet nodig)"
        )
        counsellor = _name(
            counsellor, "hulpverlener", "geef de naam van de hulpverlener"
        )
        moment = _utc(clock())
        dossier = Dossier(
            id=dossier_id,
            client_ref=client_ref,
            created_at=moment,
            updated_at=moment,
            protocol=ProtocolRef(
                id=protocol.info.id,
                version=protocol.info.version,
                sha256=protocol.sha256,
            ),
            counsellors=[counsellor],
        )
        engine = cls(protocol, dossier, counsellor, clock=clock, today=today)
        engine._record("dossier_created", new=client_ref)
        engine._enter(protocol.info.start)
        return engine

    # -- where we are ---------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the Kindreflex is closed for this client."""
        return self.dossier.status == "closed"

    @property
    def visit(self) -> Visit:
        """The visit in progress; InputError when the dossier is closed."""
        visit = self.dossier.current_visit
        if visit is None:
            raise InputError("dit dossier is afgesloten; heropen het eerst")
        return visit

    @property
    def step(self) -> Step:
        """The step in progress."""
        return self.protocol.step(self.visit.step)

    def path(self) -> list[tuple[Visit, Step]]:
        """Every visit so far with its step, oldest first."""
        return [(v, self.protocol.step(v.step)) for v in self.dossier.visits]

    # -- reading values -------------------------------------------------------------

    def value(self, field_id: str) -> JsonValue:
        """The current answer of a top-level field of the current step."""
        spec = self._field(field_id)
        if spec.store == "children":
            return self._register_items()
        return self.visit.answers.get(field_id)

    def _register_items(self) -> list[Item]:
        """The children register as repeat items."""
        return [child_as_item(child) for child in self.dossier.children]

    def items(self, field_id: str) -> list[Item]:
        """The items of a repeat field (the children, for the register)."""
        value = self.value(field_id)
        return [dict(item) for item in value] if isinstance(value, list) else []

    def per_child(self, field_id: str, child_id: str) -> Item:
        """The answers of a per-child group for one child."""
        value = self.value(field_id)
        if isinstance(value, dict) and isinstance(value.get(child_id), dict):
            return dict(value[child_id])
        return {}

    def lookup(self, ref: str, item: Mapping[str, Any] | None = None) -> Any:
        """Resolve a condition reference: a sibling, a field here, or `step.field`."""
        if "." in ref:
            step_id, field_id = ref.split(".", 1)
            for visit in reversed(self.dossier.visits):
                if visit.step == step_id and field_id in visit.answers:
                    return visit.answers[field_id]
            spec = self.protocol.step(step_id).field(field_id)
            if spec is not None and spec.store == "children":
                return self._register_items()
            return None
        if item is not None and ref in item:
            return item[ref]
        visit = self._viewing or self.dossier.current_visit
        if visit is None:
            return None
        spec = self.protocol.step(visit.step).field(ref)
        if spec is None:
            return item.get(ref) if item is not None else None
        if not self._shown(spec):
            # A hidden answer (left from before a correction) counts as unanswered.
            return None
        if spec.store == "children":
            return self._register_items()
        return visit.answers.get(ref)

    def shown_in(
        self, visit: Visit, spec: FieldSpec, item: Mapping[str, Any] | None = None
    ) -> bool:
        """Whether a field of a past (or the current) visit is shown by its answers."""
        previous, self._viewing = self._viewing, visit
        try:
            return self.is_visible(spec, item)
        finally:
            self._viewing = previous

    def _shown(self, spec: FieldSpec) -> bool:
        """Whether a top-level field is visible; a condition cycle counts as shown."""
        if spec.show_if is None or spec.id in self._resolving:
            return True
        self._resolving.add(spec.id)
        try:
            return self.holds(spec.show_if)
        finally:
            self._resolving.discard(spec.id)

    def holds(
        self, condition: Condition, item: Mapping[str, Any] | None = None
    ) -> bool:
        """Evaluate a protocol condition against the answers."""
        if condition.all is not None:
            return all(self.holds(part, item) for part in condition.all)
        if condition.any is not None:
            return any(self.holds(part, item) for part in condition.any)
        if condition.not_ is not None:
            return not self.holds(condition.not_, item)
        value = self.lookup(condition.field or "", item)
        values = value if isinstance(value, list) else [value]
        if condition.answered is not None:
            return is_answered(value) == condition.answered
        if condition.equals is not None:
            return condition.equals in values
        if condition.not_equals is not None:
            return condition.not_equals not in values
        return any(v in (condition.one_of or []) for v in values)

    def is_visible(
        self, spec: FieldSpec, item: Mapping[str, Any] | None = None
    ) -> bool:
        """Whether a field is shown, given the answers so far."""
        return spec.show_if is None or self.holds(spec.show_if, item)

    def is_required(
        self, spec: FieldSpec, item: Mapping[str, Any] | None = None
    ) -> bool:
        """Whether a field must be answered before the step is left."""
        if spec.type == "info" or not self.is_visible(spec, item):
            return False
        if spec.required:
            return True
        return spec.required_if is not None and self.holds(spec.required_if, item)

    def display(self, spec: FieldSpec, value: Any) -> str:
        """A stored value as the counsellor reads it: dates, Ja/Nee, choice labels."""
        if not is_answered(value) and value is not False:
            return ""
        if spec.type == "date":
            return format_date(value)
        if spec.type == "yes_no":
            return "Ja" if value else "Nee"
        if spec.type == "choice":
            return self.protocol.choice_label(spec.choices, str(value))
        if spec.type == "choices" and isinstance(value, list):
            return ", ".join(self.protocol.choice_label(spec.choices, v) for v in value)
        return str(value)

    def item_title(self, spec: FieldSpec, item: Mapping[str, Any]) -> str:
        """The name of a repeat item in a list, from the field's `item_label`."""
        template = spec.item_label or ""
        parts: dict[str, str] = {}
        for sub in spec.fields:
            parts[sub.id] = self.display(sub, item.get(sub.id))
        try:
            title = template.format_map(_Blank(parts)).strip(" ,")
        except (ValueError, IndexError):
            title = ""
        return title or "(naamloos)"

    # -- children -------------------------------------------------------------------

    def born_children(self) -> list[Child]:
        """The children a per-child group asks about: an unborn child cannot answer."""
        return [child for child in self.dossier.children if not child.expected]

    def child_age(self, child: Child) -> int | None:
        """A born child's age today, None for an expected child or an unknown date."""
        if child.expected or child.birth_date is None:
            return None
        return age_on(child.birth_date, self.today())

    def is_twelve_plus(self, child: Child) -> bool:
        """Whether the child is 12 or older and so presumed able to consent."""
        age = self.child_age(child)
        return age is not None and age >= CONSENT_AGE

    # -- changes ----------------------------------------------------------------------

    def set_answer(self, field_id: str, value: Any) -> bool:
        """Answer a top-level field of the current step; False when nothing changed."""
        spec = self._field(field_id)
        if spec.type in ("repeat", "per_child", "info"):
            raise InputError(f"‘{spec.label}’ vul je niet in als één waarde")
        new = self._coerce(spec, value)
        old = self.visit.answers.get(field_id)
        if old == new:
            return False
        if new is None:
            self.visit.answers.pop(field_id, None)
        else:
            self.visit.answers[field_id] = new
        self._record("answer_set", target=field_id, old=old, new=new)
        return True

    def tick(self, item_id: str, done: bool = True) -> bool:
        """Tick (or untick) a checklist item of the current step."""
        if not any(item.id == item_id for item in self.step.items):
            raise InputError(f"stap {self.step.number} heeft geen item {item_id!r}")
        ticked = self.visit.ticked
        if (item_id in ticked) == done:
            return False
        if done:
            ticked.append(item_id)
        else:
            ticked.remove(item_id)
        self._record("item_ticked" if done else "item_unticked", target=item_id)
        return True

    def set_notes(self, text: str) -> bool:
        """Replace the notes of the current visit."""
        old = self.visit.notes
        if old == text:
            return False
        _storable(text, self.step.notes_label)
        self.visit.notes = text
        self._record("notes_set", target="notes", old=old, new=text)
        return True

    def set_mark(
        self, target: str, kind: str | None, source: str | None = None
    ) -> bool:
        """Mark an entry as fact, observation, opinion...

        The target is `notes`, a field of the step, or a long text inside a repeat
        item or a child's group: `field/item_id/sub_field` or `field/child_id/sub`.
        """
        marks = self.protocol.choice_list(self.protocol.info.entry_marks)
        if kind is not None and kind not in {m.id for m in marks}:
            raise InputError(f"onbekende soort aantekening {kind!r}")
        self.mark_label(target)
        old = self.visit.marks.get(target)
        source = _storable((source or "").strip(), "bron") or None
        new = Mark(kind=kind, source=source) if kind else None
        if old == new:
            return False
        if new is None:
            self.visit.marks.pop(target, None)
        else:
            self.visit.marks[target] = new
        self._record(
            "mark_set",
            target=target,
            old=old.model_dump() if old else None,
            new=new.model_dump() if new else None,
        )
        return True

    def add_item(self, field_id: str, values: Mapping[str, Any]) -> str:
        """Add an item to a repeat (a child, for the register); returns its id."""
        spec = self._field(field_id, kind="repeat")
        current = self.items(field_id)
        if spec.max is not None and len(current) >= spec.max:
            raise InputError(f"‘{spec.label}’: hoogstens {spec.max}")
        item = self._coerce_item(spec, values)
        if spec.store == "children":
            child = self._child_from(self._next_child_id(), item)
            self.dossier.children.append(child)
            self._record("child_added", target=child.id, new=child_as_item(child))
            return child.id
        taken = {str(old.get("id")) for old in current}
        item_id = uuid.uuid4().hex[:8]
        while item_id in taken:
            item_id = uuid.uuid4().hex[:8]
        stored = {"id": item_id, **item}
        self.visit.answers[field_id] = [*current, stored]
        self._record("answer_set", target=f"{field_id}/{item_id}", new=stored)
        return item_id

    def update_item(
        self, field_id: str, item_id: str, values: Mapping[str, Any]
    ) -> bool:
        """Change an item of a repeat; False when nothing changed."""
        spec = self._field(field_id, kind="repeat")
        item = self._coerce_item(spec, values)
        if spec.store == "children":
            old_child = self._child(item_id)
            new_child = self._child_from(item_id, item)
            if new_child == old_child:
                return False
            index = self.dossier.children.index(old_child)
            self.dossier.children[index] = new_child
            self._record(
                "child_changed",
                target=item_id,
                old=child_as_item(old_child),
                new=child_as_item(new_child),
            )
            return True
        current = self.items(field_id)
        for index, old in enumerate(current):
            if old.get("id") == item_id:
                new = {"id": item_id, **item}
                if new == old:
                    return False
                current[index] = new
                self.visit.answers[field_id] = current
                self._record(
                    "answer_set", target=f"{field_id}/{item_id}", old=old, new=new
                )
                return True
        raise InputError(f"‘{spec.label}’ heeft geen item {item_id!r}")

    def remove_item(
        self, field_id: str, item_id: str, reason: str | None = None
    ) -> None:
        """Remove an item; the history keeps what it held."""
        spec = self._field(field_id, kind="repeat")
        if reason is not None:
            reason = _storable(reason, "reden")
        if spec.store == "children":
            child = self._child(item_id)
            self.dossier.children.remove(child)
            self._record(
                "child_removed", target=item_id, old=child_as_item(child), reason=reason
            )
            return
        current = self.items(field_id)
        kept = [item for item in current if item.get("id") != item_id]
        if len(kept) == len(current):
            raise InputError(f"‘{spec.label}’ heeft geen item {item_id!r}")
        removed = next(item for item in current if item.get("id") == item_id)
        if kept:
            self.visit.answers[field_id] = kept
        else:
            self.visit.answers.pop(field_id, None)
        self._record(
            "answer_set", target=f"{field_id}/{item_id}", old=removed, reason=reason
        )

    def set_child_answer(
        self, field_id: str, child_id: str, sub_id: str, value: Any
    ) -> bool:
        """Answer one sub-field of a per-child group for one child."""
        spec = self._field(field_id, kind="per_child")
        self._child(child_id)
        sub = spec.sub_field(sub_id)
        if sub is None:
            raise InputError(f"‘{spec.label}’ heeft geen veld {sub_id!r}")
        new = self._coerce(sub, value)
        group = dict(self.visit.answers.get(field_id) or {})
        answers = dict(group.get(child_id) or {})
        old = answers.get(sub_id)
        if old == new:
            return False
        if new is None:
            answers.pop(sub_id, None)
        else:
            answers[sub_id] = new
        group[child_id] = answers
        self.visit.answers[field_id] = group
        self._record(
            "answer_set", target=f"{field_id}/{child_id}/{sub_id}", old=old, new=new
        )
        return True

    # -- leaving a step -------------------------------------------------------------

    def missing(self, option_id: str | None = None) -> list[Missing]:
        """What is still open in the current step (and for the chosen option)."""
        step = self.step
        found = [
            Missing(item.id, f"vink aan: {item.label}")
            for item in step.items
            if item.required and item.id not in self.visit.ticked
        ]
        found += self._marks_without_source()
        option = step.option(option_id) if option_id else None
        forced = set(option.requires) if option else set()
        for spec in step.fields:
            found += self._missing_in(spec, forced=spec.id in forced)
        return found

    def mark_label(self, target: str) -> str:
        """What a mark target is called; InputError when it names no entry."""
        if target == "notes":
            return self.step.notes_label
        parts = target.split("/")
        spec = self._field(parts[0])
        if len(parts) == 1:
            return spec.label
        sub = spec.sub_field(parts[2]) if len(parts) == 3 else None
        if sub is None or sub.type not in ("text", "long_text"):
            raise InputError(f"‘{spec.label}’ heeft geen tekstveld {target!r}")
        owner = parts[1]
        if spec.type == "per_child":
            child = self._child(owner)
            return f"{sub.label} ({child.name})"
        if spec.type == "repeat" and spec.store is None:
            item = next((i for i in self.items(spec.id) if i.get("id") == owner), None)
            if item is None:
                raise InputError(f"‘{spec.label}’ heeft geen item {owner!r}")
            return f"{sub.label} ({self.item_title(spec, item)})"
        raise InputError(f"in ‘{spec.label}’ kan je geen soort aantekening kiezen")

    def _marks_without_source(self) -> list[Missing]:
        """Entry marks whose kind asks for a source that was not given."""
        kinds = self.protocol.choice_list(self.protocol.info.entry_marks)
        needing = {choice.id: choice.label for choice in kinds if choice.needs_source}
        found = []
        for target, mark in self.visit.marks.items():
            if mark.kind in needing and not mark.source:
                try:
                    where = self.mark_label(target)
                except InputError:
                    continue  # the item was removed since; its mark no longer counts
                found.append(
                    Missing(
                        target,
                        f"geef de bron bij {where} ({needing[mark.kind].lower()})",
                    )
                )
        return found

    def warnings(self, option_id: str) -> list[str]:
        """Warnings for an option whose expectation the answers do not meet."""
        option = self._option(option_id)
        if option.expect is None or self.holds(option.expect):
            return []
        return [option.expect_message or "je antwoorden passen niet bij deze keuze."]

    def decide(
        self, option_id: str, reason: str = "", *, override_reason: str | None = None
    ) -> None:
        """Take a decision: leave the step, enter its target or close the dossier."""
        step = self.step
        option = self._option(option_id)
        reason = _storable(reason.strip(), "reden")
        override = _storable((override_reason or "").strip(), "reden")
        missing = self.missing(option_id)
        if step.reason_required and not reason:
            missing.append(Missing("reason", "geef een reden voor je beslissing"))
        if missing:
            raise DecisionRefused(missing)
        warnings = self.warnings(option_id)
        if warnings and not override:
            raise DecisionNeedsOverride(warnings)

        with self._change():
            moment = self._now()
            visit = self.visit
            visit.decision = Decision(
                option=option.id,
                target=option.target,
                reason=reason,
                taken_at=moment,
                taken_by=self.actor,
                warnings=warnings,
                override_reason=override if warnings else None,
            )
            self._record(
                "decision_taken", target=option.id, new=option.target, reason=reason
            )
            # Recorded while the visit is still current, so the event names it.
            self._record("step_left", target=step.id)
            visit.left_at = moment
            visit.left_by = self.actor
            if option.target == END:
                self.dossier.status = "closed"
                self._record("dossier_closed", reason=reason)
            else:
                self._enter(option.target)

    def reopen(self, step_id: str, reason: str) -> None:
        """Reopen a closed dossier at a step, with a reason."""
        if not self.closed:
            raise InputError("dit dossier is niet afgesloten")
        reason = _storable(reason.strip(), "reden")
        if not reason:
            raise InputError("geef een reden om het dossier te heropenen")
        if not self.protocol.has_step(step_id):
            raise InputError(f"onbekende stap {step_id!r}")
        with self._change():
            self.dossier.status = "open"
            self._record("dossier_reopened", reason=reason, new=step_id)
            self._enter(step_id)

    # -- internals ------------------------------------------------------------------

    def _now(self) -> datetime:
        """The clock's time, in UTC."""
        return _utc(self.clock())

    @contextmanager
    def _change(self) -> Iterator[None]:
        """Group the events of one change; listeners hear of them once it is done."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._flush()

    def _flush(self) -> None:
        """Tell the listeners about the events written since the last flush."""
        pending, self._pending = self._pending, []
        for event in pending:
            for listener in list(self.listeners):
                listener(event)

    def _enter(self, step_id: str) -> None:
        """Start a new visit of a step."""
        number = len(self.dossier.visits) + 1
        self.dossier.visits.append(
            Visit(
                id=number,
                step=step_id,
                entered_at=self._now(),
                entered_by=self.actor,
            )
        )
        self._record("step_entered", target=step_id)

    def _record(
        self,
        kind: EventKind,
        *,
        target: str | None = None,
        old: Any = None,
        new: Any = None,
        reason: str | None = None,
    ) -> None:
        """Append a history event, join the actor, notify the listeners."""
        moment = self._now()
        if self.actor not in self.dossier.counsellors and kind != "dossier_created":
            self.dossier.counsellors.append(self.actor)
            self._append(moment, "counsellor_joined", {})
        current = self.dossier.current_visit
        self._append(
            moment,
            kind,
            {
                "step": current.step if current else None,
                "visit": current.id if current else None,
                "target": target,
                "old": old,
                "new": new,
                "reason": reason,
            },
        )

    def _append(
        self, moment: datetime, kind: EventKind, details: dict[str, Any]
    ) -> None:
        """Number and store an event, then tell the listeners."""
        event = Event(
            seq=len(self.dossier.history) + 1,
            at=moment,
            by=self.actor,
            kind=kind,
            **details,
        )
        self.dossier.history.append(event)
        self.dossier.updated_at = moment
        self.revision += 1
        self._pending.append(event)
        if self._depth == 0:
            self._flush()

    def _field(self, field_id: str, kind: str | None = None) -> FieldSpec:
        """A top-level field of the current step, checked for its type.

        The children register belongs to the whole dossier: it can be kept up to
        date from any step (a baby born during step 3), not only from step 1."""
        spec = self.step.field(field_id) or self._register(field_id)
        if spec is None:
            raise InputError(f"stap {self.step.number} heeft geen veld {field_id!r}")
        if kind is not None and spec.type != kind:
            raise InputError(f"‘{spec.label}’ is geen {kind}")
        return spec

    def _register(self, field_id: str) -> FieldSpec | None:
        """The children-register field with this id, from whichever step has it."""
        for step in self.protocol.steps:
            spec = step.field(field_id)
            if spec is not None and spec.store == "children":
                return spec
        return None

    def _option(self, option_id: str) -> Any:
        """A decision option of the current step."""
        option = self.step.option(option_id)
        if option is None:
            raise InputError(f"stap {self.step.number} heeft geen keuze {option_id!r}")
        return option

    def _child(self, child_id: str) -> Child:
        """A child of the register by id."""
        child = self.dossier.child(child_id)
        if child is None:
            raise InputError(f"geen kind {child_id!r} in dit dossier")
        return child

    def _next_child_id(self) -> str:
        """A child id never used before in this dossier, removed children included."""
        used = {c.id for c in self.dossier.children}
        used.update(
            e.target
            for e in self.dossier.history
            if e.kind.startswith("child_") and e.target
        )
        # Children from an older dossier may lack events: look at every id seen.
        numbers = [int(i[1:]) for i in used if i[:1] == "k" and i[1:].isdigit()]
        number = max(numbers, default=0) + 1
        while f"k{number}" in used:
            number += 1
        return f"k{number}"

    def _child_from(self, child_id: str, item: Item) -> Child:
        """Build a register child from validated sub-field values."""
        extra = {k: v for k, v in item.items() if k not in CHILD_CORE}
        name = item.get("name") or ""
        if len(name) > NAME_MAX:
            raise InputError(f"‘Naam’ is te lang: hoogstens {NAME_MAX} tekens")
        try:
            return Child(
                id=child_id,
                name=name,
                birth_date=item.get("birth_date"),
                expected=bool(item.get("expected")),
                due_date=item.get("due_date"),
                answers=extra,
            )
        except ValidationError as error:
            where = ".".join(str(part) for part in error.errors()[0]["loc"])
            raise InputError(
                f"kind niet bewaard: ongeldige waarde bij {where}"
            ) from None

    def _coerce_item(self, spec: FieldSpec, values: Mapping[str, Any]) -> Item:
        """Check and convert the sub-field values of one repeat item."""
        unknown = set(values) - {sub.id for sub in spec.fields} - {"id"}
        if unknown:
            raise InputError(f"‘{spec.label}’ kent geen veld {sorted(unknown)[0]!r}")
        item: Item = {}
        given = {k: v for k, v in values.items() if k != "id"}
        for sub in spec.fields:
            # A hidden sub-field is not asked: what it may still hold is dropped.
            if sub.type == "info" or not self.is_visible(sub, given):
                continue
            value = self._coerce(sub, values.get(sub.id), item=given)
            if value is not None:
                item[sub.id] = value
        for sub in spec.fields:
            if self.is_required(sub, item) and not is_answered(item.get(sub.id)):
                raise InputError(f"vul in: {sub.label}")
        return item

    def _coerce(
        self, spec: FieldSpec, value: Any, item: Mapping[str, Any] | None = None
    ) -> JsonValue:
        """Check one value against its field type and store it as JSON."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if spec.type in ("text", "long_text"):
            if not isinstance(value, str):
                raise InputError(f"‘{spec.label}’ verwacht tekst")
            return _storable(value, spec.label)
        if spec.type == "yes_no":
            if not isinstance(value, bool):
                raise InputError(f"‘{spec.label}’ verwacht ja of nee")
            return value
        if spec.type == "date":
            if isinstance(value, datetime):
                day = value.date()
            elif isinstance(value, date):
                day = value
            else:
                day = parse_date(str(value))
            if spec.not_future and day > self.today():
                allowed = spec.not_future_unless is not None and self.holds(
                    spec.not_future_unless, item
                )
                if not allowed:
                    raise InputError(
                        f"‘{spec.label}’: {format_date(day)} ligt in de toekomst"
                    )
            return day.isoformat()
        codes = [c.id for c in self.protocol.choice_list(spec.choices)]
        if spec.type == "choice":
            if value not in codes:
                raise InputError(f"‘{spec.label}’: onbekende keuze {value!r}")
            return value
        if spec.type == "choices":
            chosen = list(value) if isinstance(value, list | tuple | set) else [value]
            if any(v not in codes for v in chosen):
                raise InputError(f"‘{spec.label}’: onbekende keuze")
            return [c for c in codes if c in chosen]
        raise InputError(f"‘{spec.label}’ vul je niet in als één waarde")

    def _missing_in(self, spec: FieldSpec, *, forced: bool = False) -> list[Missing]:
        """What is missing in one top-level field, its items included."""
        required = forced or self.is_required(spec)
        if spec.type == "repeat":
            items = self.items(spec.id)
            found = []
            least = max(spec.min or 0, 1) if required else 0
            if len(items) < least:
                found.append(
                    Missing(spec.id, f"voeg minstens {least} toe: {spec.label}")
                )
            for item in items:
                for sub in spec.fields:
                    if self.is_required(sub, item) and not is_answered(
                        item.get(sub.id)
                    ):
                        title = self.item_title(spec, item)
                        found.append(
                            Missing(
                                f"{spec.id}/{item.get('id')}",
                                f"vul in bij {title}: {sub.label}",
                            )
                        )
            return found
        if spec.type == "per_child":
            found = []
            for child in self.born_children():
                answers = self.per_child(spec.id, child.id)
                for sub in spec.fields:
                    if self.is_required(sub, answers) and not is_answered(
                        answers.get(sub.id)
                    ):
                        found.append(
                            Missing(
                                f"{spec.id}/{child.id}",
                                f"vul in bij {child.name}: {sub.label}",
                            )
                        )
            return found
        if required and not is_answered(self.visit.answers.get(spec.id)):
            return [Missing(spec.id, f"vul in: {spec.label}")]
        return []


class _Blank(dict[str, str]):
    """Fills unknown template names with nothing instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""
