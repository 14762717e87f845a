"""Graph and reference checks on a protocol whose files passed the schema."""

from __future__ import annotations

import difflib
import itertools
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kindreflex_tui.errors import Finding
from kindreflex_tui.protocol.model import END, Condition, FieldSpec, Protocol, Step

PROTOCOL_FILE = "protocol.toml"

GROUP_TYPES = ("repeat", "per_child")
"""Field types that hold sub-fields."""

CHOICE_TYPES = ("choice", "choices")
"""Field types that take their answers from a shared choice list."""

REGISTER_FIELDS = {
    "name": "text",
    "birth_date": "date",
    "expected": "yes_no",
    "due_date": "date",
}
"""Sub-fields the children register knows, with the type each must have."""

_MAX_CASES = 4096
"""The most answer combinations tried to see whether a condition can hold."""


def did_you_mean(word: str, candidates: list[str]) -> str | None:
    """A "did you mean" hint naming the closest candidate, if one is close enough."""
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"bedoel je {close[0]!r}?" if close else None


def _natural(text: str) -> list[Any]:
    """A sort key that puts fields[2] before fields[10]."""
    return [int(p) if i % 2 else p for i, p in enumerate(re.split("([0-9]+)", text))]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in a stable order: by file, then key path, then rule."""
    return sorted(findings, key=lambda f: (_natural(f.file), _natural(f.path), f.rule))


# -- answers as the checker imagines them --------------------------------------


class _Token:
    """A stand-in answer: some other text, or some filled-in group."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_OTHER = _Token("other")


def _matches(value: Any, wanted: Any) -> bool:
    """Whether an imagined answer equals a condition value, as the engine tests."""
    if isinstance(value, frozenset):
        return any(_same(v, wanted) for v in value)
    return _same(value, wanted)


def _same(value: Any, wanted: Any) -> bool:
    """Equality that keeps true apart from 1 and text apart from the rest."""
    return type(value) is type(wanted) and value == wanted


def _holds(condition: Condition, answers: dict[str, Any], key: Any) -> bool:
    """Evaluate a condition on imagined answers; `key` maps a field ref to its slot."""
    if condition.all is not None:
        return all(_holds(part, answers, key) for part in condition.all)
    if condition.any is not None:
        return any(_holds(part, answers, key) for part in condition.any)
    if condition.not_ is not None:
        return not _holds(condition.not_, answers, key)
    value = answers.get(key(condition.field))
    if condition.answered is not None:
        return (value is not None) == condition.answered
    if condition.equals is not None:
        return value is not None and _matches(value, condition.equals)
    if condition.not_equals is not None:
        return value is None or not _matches(value, condition.not_equals)
    return value is not None and any(_matches(value, x) for x in condition.one_of or [])


def _leaves(condition: Condition, path: str) -> Iterator[tuple[str, Condition]]:
    """Every test on a field inside a condition, with its key path."""
    if condition.field is not None:
        yield path, condition
    for name, parts in (("all", condition.all), ("any", condition.any)):
        for index, part in enumerate(parts or []):
            yield from _leaves(part, f"{path}.{name}[{index}]")
    if condition.not_ is not None:
        yield from _leaves(condition.not_, f"{path}.not")


def _compared(condition: Condition) -> list[Any]:
    """The values a leaf test compares its field with."""
    if condition.equals is not None:
        return [condition.equals]
    if condition.not_equals is not None:
        return [condition.not_equals]
    return list(condition.one_of or [])


# -- the checker ---------------------------------------------------------------


@dataclass
class _Scope:
    """Where a condition sits, so that its field references can be resolved."""

    file: str
    step: Step | None
    """The step it is in; None inside a shared field group."""
    siblings: list[FieldSpec] | None = None
    """The sub-fields of the repeat or per-child item it belongs to."""
    position: int | None = None
    """Its own index among the siblings (or among the step's fields at top level)."""
    parent: int | None = None
    """The index of its repeat among the step's fields, for a sub-field."""


@dataclass
class _Ref:
    """A resolved field reference: the field and a key naming its answer slot."""

    spec: FieldSpec
    slot: tuple[str, ...]


@dataclass
class _Checker:
    """Runs every rule on one protocol and collects the findings."""

    protocol: Protocol
    findings: list[Finding] = field(default_factory=list)
    files: dict[int, str] = field(default_factory=dict)
    """The file of each step, by the identity of its model."""
    steps: dict[str, Step] = field(default_factory=dict)
    reach: dict[str, set[str]] = field(default_factory=dict)
    from_start: set[str] = field(default_factory=set)

    def add(
        self,
        file: str,
        path: str,
        rule: str,
        message: str,
        hint: str | None = None,
        severity: str = "error",
    ) -> None:
        """Record one finding."""
        self.findings.append(Finding(file, path, rule, message, severity, hint=hint))

    def run(self) -> list[Finding]:
        """All rules, in an order where later rules can trust earlier facts."""
        listed = self.protocol.info.steps
        for index, step in enumerate(self.protocol.steps):
            file = listed[index] if len(listed) == len(self.protocol.steps) else step.id
            self.files[id(step)] = file
            self.steps.setdefault(step.id, step)
        self._ids()
        self._graph()
        self._choices()
        self._fields()
        self._conditions()
        self._options()
        if self.protocol.info.entry_marks not in (None, *self.protocol.choices):
            name = str(self.protocol.info.entry_marks)
            self.add(
                PROTOCOL_FILE,
                "protocol.entry_marks",
                "protocol/entry-marks",
                f"`entry_marks` noemt een onbekende keuzelijst {name!r}",
                did_you_mean(name, list(self.protocol.choices)),
            )
        return sort_findings(self.findings)

    def _file(self, step: Step) -> str:
        """The file a step was read from."""
        return self.files.get(id(step), step.id)

    # -- ids -------------------------------------------------------------------

    def _duplicates(
        self, file: str, things: list[Any], path: str, what: str, key: str = "id"
    ) -> None:
        """Report every repeat of an id (or number) in a list, at the later one."""
        first: dict[Any, int] = {}
        for index, thing in enumerate(things):
            value = getattr(thing, key)
            if value in first:
                self.add(
                    file,
                    f"{path}[{index}].{key}",
                    "id/duplicate",
                    f"{what} {value!r} komt twee keer voor",
                    f"de eerste staat op {path}[{first[value]}]; kies een andere",
                )
            else:
                first[value] = index

    def _ids(self) -> None:
        steps_by_id: dict[str, Step] = {}
        steps_by_number: dict[int, Step] = {}
        for step in self.protocol.steps:
            file = self._file(step)
            if step.id in steps_by_id:
                other = self._file(steps_by_id[step.id])
                self.add(
                    file,
                    "id",
                    "id/duplicate",
                    f"stap-id {step.id!r} komt twee keer voor",
                    f"ook in {other}; kies een andere id",
                )
            steps_by_id.setdefault(step.id, step)
            if step.number in steps_by_number:
                other = self._file(steps_by_number[step.number])
                self.add(
                    file,
                    "number",
                    "id/duplicate",
                    f"stapnummer {step.number} komt twee keer voor",
                    f"ook in {other}",
                )
            steps_by_number.setdefault(step.number, step)
            if not step.items:
                self.add(
                    file,
                    "items",
                    "step/empty-checklist",
                    f"stap {step.id!r} heeft geen checklistpunten",
                    "voeg minstens één [[items]] met id en label toe",
                )
            self._duplicates(file, step.items, "items", "checklistpunt")
            self._duplicates(file, step.options, "options", "optie")
            self._field_ids(file, step.fields, "fields")
        for name, choices in self.protocol.choices.items():
            self._duplicates(PROTOCOL_FILE, choices, f"choices.{name}", "keuze")
        for name, fields in self.protocol.field_groups.items():
            self._field_ids(PROTOCOL_FILE, fields, f"field_groups.{name}")

    def _field_ids(self, file: str, fields: list[FieldSpec], path: str) -> None:
        self._duplicates(file, fields, path, "veld")
        for index, spec in enumerate(fields):
            if spec.fields and not spec.fields_from:
                self._field_ids(file, spec.fields, f"{path}[{index}].fields")

    # -- the route graph -------------------------------------------------------

    def _graph(self) -> None:
        step_ids = list(self.steps)
        edges: dict[str, set[str]] = {step_id: set() for step_id in step_ids}
        broken: set[str] = set()
        for step in self.protocol.steps:
            for index, option in enumerate(step.options):
                if option.target == END or option.target in self.steps:
                    edges[step.id].add(option.target)
                    continue
                broken.add(step.id)
                self.add(
                    self._file(step),
                    f"options[{index}].target",
                    "graph/unknown-target",
                    f"optie {option.id!r} leidt naar een onbekende stap "
                    f"{option.target!r}",
                    did_you_mean(option.target, [*step_ids, END])
                    or f"kies uit {', '.join([*step_ids, END])}",
                )
        for step_id in step_ids:
            self.reach[step_id] = _reachable(edges, step_id)
        start = self.protocol.info.start
        if start not in self.steps:
            self.add(
                PROTOCOL_FILE,
                "protocol.start",
                "graph/start",
                f"de startstap {start!r} bestaat niet",
                did_you_mean(start, step_ids) or f"kies uit {', '.join(step_ids)}",
            )
        else:
            self.from_start = {start} | self.reach[start]
            for step_id, step in self.steps.items():
                if step_id not in self.from_start:
                    self.add(
                        self._file(step),
                        "id",
                        "graph/unreachable",
                        f"stap {step_id!r} is vanaf de start {start!r} niet bereikbaar",
                        "laat een optie van een andere stap naar deze stap leiden",
                    )
        for step_id, step in self.steps.items():
            if END not in self.reach[step_id] and step_id not in broken:
                self.add(
                    self._file(step),
                    "options",
                    "graph/dead-end",
                    f"vanuit stap {step_id!r} leidt geen enkele route naar het einde",
                    "een lus zonder uitweg? geef een stap op die weg een optie "
                    f"met target = {END!r}",
                )

    def can_precede(self, earlier: str, later: str) -> bool:
        """Whether a visit of `earlier` can come before `later` on a path from start."""
        return earlier in self.from_start and later in self.reach.get(earlier, set())

    # -- choice lists ----------------------------------------------------------

    def _all_fields(self) -> Iterator[tuple[str, str, FieldSpec, bool]]:
        """Every field: file, key path, spec, and whether it is a top-level field."""
        for step in self.protocol.steps:
            file = self._file(step)
            for index, spec in enumerate(step.fields):
                yield file, f"fields[{index}]", spec, True
                if spec.fields_from:
                    continue
                for sub_index, sub in enumerate(spec.fields):
                    yield file, f"fields[{index}].fields[{sub_index}]", sub, False
        for name, fields in self.protocol.field_groups.items():
            for index, spec in enumerate(fields):
                yield PROTOCOL_FILE, f"field_groups.{name}[{index}]", spec, False

    def _choices(self) -> None:
        used: set[str] = set()
        if self.protocol.info.entry_marks:
            used.add(self.protocol.info.entry_marks)
        for file, path, spec, _top in self._all_fields():
            if spec.choices is None:
                continue
            used.add(spec.choices)
            if spec.choices not in self.protocol.choices:
                self.add(
                    file,
                    f"{path}.choices",
                    "choices/unknown",
                    f"veld {spec.id!r} gebruikt een onbekende keuzelijst "
                    f"{spec.choices!r}",
                    did_you_mean(spec.choices, list(self.protocol.choices)),
                )
        for name, choices in self.protocol.choices.items():
            if not choices:
                self.add(
                    PROTOCOL_FILE,
                    f"choices.{name}",
                    "choices/empty",
                    f"keuzelijst {name!r} heeft geen keuzes",
                    "voeg [[choices." + name + "]] met id en label toe",
                )
            if name not in used:
                self.add(
                    PROTOCOL_FILE,
                    f"choices.{name}",
                    "choices/unused",
                    f"keuzelijst {name!r} wordt door geen enkel veld gebruikt",
                    "verwijder ze, of gebruik ze met choices = " + repr(name),
                    severity="warning",
                )

    # -- field parameters ------------------------------------------------------

    def _fields(self) -> None:
        registers: list[tuple[str, str]] = []
        per_child: list[tuple[str, str]] = []
        for file, path, spec, top in self._all_fields():
            self._field_params(file, path, spec, top)
            if spec.type == "per_child":
                per_child.append((file, path))
            if spec.store is not None:
                if not top or spec.type != "repeat":
                    self.add(
                        file,
                        f"{path}.store",
                        "field/params",
                        "`store` kan alleen op een herhaalgroep (repeat) bovenaan "
                        "een stap",
                    )
                    continue
                if registers:
                    self.add(
                        file,
                        f"{path}.store",
                        "field/params",
                        'er is al een kinderregister (store = "children")',
                        f"het eerste staat in {registers[0][0]} op {registers[0][1]}",
                    )
                else:
                    self._register(file, path, spec)
                registers.append((file, path))
        if not registers:
            for file, path in per_child:
                self.add(
                    file,
                    f"{path}.type",
                    "field/params",
                    "een per_child-veld heeft een kinderregister nodig",
                    'maak een herhaalgroep met store = "children" in een stap ervoor',
                )

    def _field_params(self, file: str, path: str, spec: FieldSpec, top: bool) -> None:
        def problem(key: str, message: str, hint: str | None = None) -> None:
            self.add(file, f"{path}.{key}", "field/params", message, hint)

        kind = spec.type
        if kind in CHOICE_TYPES and spec.choices is None:
            problem(
                "choices",
                f"een {kind}-veld heeft een keuzelijst nodig",
                'voeg choices = "<naam van een [[choices.x]]-lijst>" toe',
            )
        if kind not in CHOICE_TYPES and spec.choices is not None:
            problem("choices", f"`choices` hoort niet bij een {kind}-veld")
        sub_key = "fields_from" if spec.fields_from else "fields"
        if kind in GROUP_TYPES:
            if not top:
                problem("type", f"een {kind}-veld kan niet in een ander groepsveld")
            elif not spec.fields:
                problem(sub_key, f"een {kind}-veld heeft subvelden nodig")
        elif spec.fields or spec.fields_from:
            problem(sub_key, f"subvelden horen niet bij een {kind}-veld")
        if spec.fields_from and not top:
            problem("fields_from", "`fields_from` kan alleen bovenaan een stap")
        for key in ("min", "max"):
            if getattr(spec, key) is not None and kind != "repeat":
                problem(key, f"`{key}` hoort alleen bij een repeat-veld")
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            problem("min", f"min ({spec.min}) is groter dan max ({spec.max})")
        if spec.item_label is not None:
            if kind != "repeat":
                problem("item_label", "`item_label` hoort alleen bij een repeat-veld")
            else:
                self._item_label(file, path, spec)
        for key in ("follow_up", "not_future", "not_future_unless"):
            if getattr(spec, key) not in (None, False) and kind != "date":
                problem(key, f"`{key}` hoort alleen bij een datumveld")
        if spec.action is not None and kind != "info":
            problem("action", "`action` hoort alleen bij een infoveld")
        if kind == "info":
            for key in ("required", "required_if"):
                if getattr(spec, key) not in (None, False):
                    problem(key, f"een infoveld wordt nooit beantwoord: geen `{key}`")

    def _item_label(self, file: str, path: str, spec: FieldSpec) -> None:
        known = [sub.id for sub in spec.fields]
        try:
            names = [
                name
                for _text, name, _spec, _conv in string.Formatter().parse(
                    spec.item_label or ""
                )
                if name is not None
            ]
        except ValueError:
            self.add(
                file,
                f"{path}.item_label",
                "field/params",
                "`item_label` is geen geldige sjabloontekst",
                "gebruik {subveld-id} voor een waarde, en {{ }} voor accolades",
            )
            return
        for name in names:
            if name not in known:
                self.add(
                    file,
                    f"{path}.item_label",
                    "field/params",
                    f"`item_label` noemt {{{name}}}, maar er is geen subveld {name!r}",
                    did_you_mean(name, known)
                    or ("bekend: " + ", ".join(known) if known else None),
                )

    def _register(self, file: str, path: str, spec: FieldSpec) -> None:
        name = spec.sub_field("name")
        if name is None or name.type != "text":
            self.add(
                file,
                f"{path}.fields",
                "field/params",
                'het kinderregister (store = "children") heeft een tekstveld '
                "`name` nodig",
            )
        for index, sub in enumerate(spec.fields):
            wanted = REGISTER_FIELDS.get(sub.id)
            if wanted is not None and sub.type != wanted:
                self.add(
                    file,
                    f"{path}.fields[{index}].type",
                    "field/params",
                    f"in het kinderregister is {sub.id!r} een {wanted}-veld, "
                    f"geen {sub.type}",
                )

    # -- conditions ------------------------------------------------------------

    def _conditions(self) -> None:
        for step in self.protocol.steps:
            file = self._file(step)
            for index, spec in enumerate(step.fields):
                scope = _Scope(file, step, position=index)
                self._field_conditions(scope, f"fields[{index}]", spec)
                if spec.fields_from:
                    continue
                for sub_index, sub in enumerate(spec.fields):
                    scope = _Scope(file, step, spec.fields, sub_index, index)
                    path = f"fields[{index}].fields[{sub_index}]"
                    self._field_conditions(scope, path, sub)
        for name, fields in self.protocol.field_groups.items():
            for index, spec in enumerate(fields):
                scope = _Scope(PROTOCOL_FILE, None, fields, index)
                self._field_conditions(scope, f"field_groups.{name}[{index}]", spec)

    def _field_conditions(self, scope: _Scope, path: str, spec: FieldSpec) -> None:
        for key in ("show_if", "required_if", "not_future_unless"):
            condition = getattr(spec, key)
            if condition is None:
                continue
            refs = self._check_condition(scope, f"{path}.{key}", condition)
            if (
                key == "show_if"
                and refs is not None
                and not self._possible(condition, refs)
            ):
                self.add(
                    scope.file,
                    f"{path}.show_if",
                    "field/never-shown",
                    f"veld {spec.id!r} wordt nooit getoond: `show_if` kan nooit "
                    "waar zijn",
                    severity="warning",
                )

    def _check_condition(
        self, scope: _Scope, path: str, condition: Condition
    ) -> dict[str, _Ref] | None:
        """Check every reference and value in a condition; the refs when all resolve."""
        resolved: dict[str, _Ref] = {}
        complete = True
        for leaf_path, leaf in _leaves(condition, path):
            ref = self._resolve(scope, f"{leaf_path}.field", str(leaf.field))
            if ref is None:
                complete = False
                continue
            resolved[str(leaf.field)] = ref
            self._check_values(scope.file, leaf_path, leaf, ref.spec)
        return resolved if complete else None

    def _resolve(self, scope: _Scope, path: str, ref: str) -> _Ref | None:
        """Find the field a reference names, reporting unknown and later refs."""
        step = scope.step
        if "." in ref:
            step_id, field_id = ref.split(".", 1)
            target = self.steps.get(step_id)
            if target is None:
                self.add(
                    scope.file,
                    path,
                    "expr/unknown-ref",
                    f"voorwaarde op {ref!r}: er is geen stap {step_id!r}",
                    did_you_mean(step_id, list(self.steps)),
                )
                return None
            if step is not None and target.id == step.id:
                return self._resolve_local(scope, path, ref, field_id)
            spec = target.field(field_id)
            if spec is None:
                self.add(
                    scope.file,
                    path,
                    "expr/unknown-ref",
                    f"voorwaarde op {ref!r}: stap {step_id!r} heeft geen veld "
                    f"{field_id!r}",
                    did_you_mean(field_id, [f.id for f in target.fields]),
                )
                return None
            if (
                step is not None
                and step.id in self.from_start
                and not self.can_precede(target.id, step.id)
            ):
                self.add(
                    scope.file,
                    path,
                    "expr/later-ref",
                    f"voorwaarde op {ref!r}: stap {step_id!r} komt op geen enkele "
                    f"route vóór stap {step.id!r}, dus het veld is nog leeg",
                )
            return _Ref(spec, (target.id, field_id))
        return self._resolve_local(scope, path, ref, ref)

    def _resolve_local(
        self, scope: _Scope, path: str, ref: str, field_id: str
    ) -> _Ref | None:
        """Resolve an id in the same step: a sibling sub-field first, then a field."""
        step = scope.step
        owner = step.id if step is not None else ""
        siblings = scope.siblings or []
        for index, sub in enumerate(siblings):
            if sub.id == field_id:
                self._order(scope, path, ref, index, scope.position)
                return _Ref(sub, (owner, "*", field_id))
        fields = step.fields if step is not None else []
        for index, spec in enumerate(fields):
            if spec.id == field_id:
                own = scope.parent if scope.siblings is not None else scope.position
                self._order(scope, path, ref, index, own)
                return _Ref(spec, (owner, field_id))
        known = list(dict.fromkeys([s.id for s in siblings] + [s.id for s in fields]))
        where = "deze stap" if step is not None else "deze veldgroep"
        self.add(
            scope.file,
            path,
            "expr/unknown-ref",
            f"voorwaarde op {ref!r}: {where} heeft geen veld {field_id!r}",
            did_you_mean(field_id, known)
            or ("bekend: " + ", ".join(known) if known else None),
        )
        return None

    def _order(
        self, scope: _Scope, path: str, ref: str, index: int, own: int | None
    ) -> None:
        """Report a reference to the field itself or to one that comes later."""
        if own is None:
            return
        if index == own:
            self.add(
                scope.file,
                path,
                "expr/self-ref",
                f"voorwaarde op {ref!r} verwijst naar het veld zelf",
                "een veld kan niet van zijn eigen antwoord afhangen",
            )
        elif index > own:
            self.add(
                scope.file,
                path,
                "expr/later-ref",
                f"voorwaarde op {ref!r}: dat veld komt pas later in de stap",
                "zet het veld waarop je test vóór dit veld",
            )

    def _check_values(
        self, file: str, path: str, leaf: Condition, spec: FieldSpec
    ) -> None:
        """Check the values a test compares with against the field's type."""
        values = _compared(leaf)
        key = (
            "equals"
            if leaf.equals is not None
            else "not_equals"
            if leaf.not_equals is not None
            else "in"
            if leaf.one_of is not None
            else None
        )
        if key is None:
            if spec.type == "info":
                self.add(
                    file,
                    f"{path}.answered",
                    "expr/type",
                    f"{spec.id!r} is een infoveld en wordt nooit beantwoord",
                )
            return
        here = f"{path}.{key}"
        if spec.type in CHOICE_TYPES:
            ids = [c.id for c in self.protocol.choice_list(spec.choices)]
            if spec.choices not in self.protocol.choices:
                return  # reported as choices/unknown
            for value in values:
                if not isinstance(value, str) or value not in ids:
                    self.add(
                        file,
                        here,
                        "expr/unknown-choice",
                        f"{value!r} is geen keuze van {spec.id!r} "
                        f"(lijst {spec.choices!r})",
                        did_you_mean(str(value), ids)
                        or (f"kies uit {', '.join(ids)}" if ids else None),
                    )
        elif spec.type == "yes_no":
            for value in values:
                if not isinstance(value, bool):
                    self.add(
                        file,
                        here,
                        "expr/unknown-choice",
                        f"{spec.id!r} is een ja/nee-veld: {value!r} komt nooit voor",
                        "vergelijk met true of false, zonder aanhalingstekens",
                    )
        elif spec.type in ("text", "long_text", "date"):
            for value in values:
                if isinstance(value, bool):
                    self.add(
                        file,
                        here,
                        "expr/type",
                        f"{spec.id!r} is een {spec.type}-veld: vergelijk met tekst, "
                        f"niet met {str(value).lower()}",
                        "of test met answered = true",
                    )
        else:
            self.add(
                file,
                here,
                "expr/type",
                f"{spec.id!r} is een {spec.type}-veld: vergelijken kan niet",
                "test met answered = true of false",
            )

    def _possible(self, condition: Condition, refs: dict[str, _Ref]) -> bool:
        """Whether some combination of answers makes the condition true."""
        slots: dict[tuple[str, ...], list[Any]] = {}
        for ref in refs.values():
            domain = self._domain(ref.spec, condition)
            if domain is None:
                return True  # a field without a usable choice list: reported apart
            slots.setdefault(ref.slot, domain)
        size = 1
        for domain in slots.values():
            size *= len(domain)
        if size > _MAX_CASES:
            return True  # too many to try; assume it can
        names = list(slots)
        for combination in itertools.product(*slots.values()):
            answers = dict(zip(names, combination, strict=True))
            if _holds(condition, answers, lambda ref: refs[ref].slot):
                return True
        return False

    def _domain(self, spec: FieldSpec, condition: Condition) -> list[Any] | None:
        """The answers a field can have, as far as the condition can tell them apart.

        None when they cannot be known: a choice field without a (known) list.
        """
        if spec.type in CHOICE_TYPES and not self.protocol.choice_list(spec.choices):
            return None
        if spec.type == "info":
            return [None]
        if spec.type == "yes_no":
            return [None, True, False]
        if spec.type == "choice":
            return [None, *(c.id for c in self.protocol.choice_list(spec.choices))]
        if spec.type == "choices":
            ids = [c.id for c in self.protocol.choice_list(spec.choices)]
            if len(ids) > 8:
                ids = ids[:8]  # TODO: large multi-choice lists are only sampled.
            subsets = [
                frozenset(combo)
                for size in range(1, len(ids) + 1)
                for combo in itertools.combinations(ids, size)
            ]
            return [None, *subsets]
        if spec.type in GROUP_TYPES:
            return [None, _Token("items")]
        mentioned = {
            value
            for _path, leaf in _leaves(condition, "")
            for value in _compared(leaf)
            if isinstance(value, str)
        }
        return [None, *sorted(mentioned), _OTHER]

    # -- decision options ------------------------------------------------------

    def _options(self) -> None:
        for step in self.protocol.steps:
            file = self._file(step)
            ids = list(dict.fromkeys(spec.id for spec in step.fields))
            for index, option in enumerate(step.options):
                here = f"options[{index}]"
                for req_index, name in enumerate(option.requires):
                    spec = step.field(name)
                    if spec is None:
                        self.add(
                            file,
                            f"{here}.requires[{req_index}]",
                            "option/requires-unknown",
                            f"optie {option.id!r} vereist {name!r}, maar stap "
                            f"{step.id!r} heeft zo geen veld",
                            did_you_mean(name, ids)
                            or ("bekend: " + ", ".join(ids) if ids else None),
                        )
                    elif spec.type == "info":
                        self.add(
                            file,
                            f"{here}.requires[{req_index}]",
                            "option/never",
                            f"optie {option.id!r} vereist infoveld {name!r}, dat "
                            "nooit beantwoord wordt: de optie kan nooit gekozen worden",
                        )
                if option.expect is None:
                    continue
                scope = _Scope(file, step)
                refs = self._check_condition(scope, f"{here}.expect", option.expect)
                if refs is not None and not self._possible(option.expect, refs):
                    self.add(
                        file,
                        f"{here}.expect",
                        "option/never",
                        f"optie {option.id!r}: `expect` kan nooit waar zijn, dus wie "
                        "deze optie kiest krijgt altijd een waarschuwing",
                        "controleer de waarden in expect tegen de keuzelijsten",
                    )


def _reachable(edges: dict[str, set[str]], origin: str) -> set[str]:
    """Every node reachable from `origin` by one or more edges."""
    seen: set[str] = set()
    todo = list(edges.get(origin, ()))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(edges.get(node, ()))
    return seen


def check_graph(protocol: Protocol) -> list[Finding]:
    """Every rule a valid protocol must also meet beyond its schema, as findings."""
    return _Checker(protocol).run()
