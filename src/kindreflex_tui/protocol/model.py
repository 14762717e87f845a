"""Typed models of a protocol folder: steps, checklist items, fields and routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

FORMAT_VERSION = 1
"""The protocol file format this build of kindreflex reads."""

END = "@end"
"""The route target that closes the Kindreflex for this client."""

StableId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)
]
"""A permanent id: lowercase letters, digits and underscores; no leading digit."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
"""A non-empty piece of text shown to the counsellor."""

Origin = Literal["leaflet", "addition"]
"""Whether a part comes from the LUCAS leaflet or was added by the organisation."""

FieldType = Literal[
    "text",
    "long_text",
    "date",
    "yes_no",
    "choice",
    "choices",
    "repeat",
    "per_child",
    "info",
]
"""The kinds of field a step can ask for."""

Scalar = str | bool


class _Strict(BaseModel):
    """Base for protocol parts: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A test on earlier answers, written as a TOML table and checked before use."""

    field: str | None = None
    """The field to test: `id` in the same step (or repeat item), or `step.field`."""
    equals: Scalar | None = None
    """True when the answer equals this choice id, text or yes/no value."""
    not_equals: Scalar | None = None
    """True when the answer differs from this value (also when unanswered)."""
    one_of: list[Scalar] | None = Field(default=None, alias="in")
    """True when the answer (or one of several choices) is in this list."""
    answered: bool | None = None
    """True when the field has (or, with false, has not) been answered."""
    all: list[Condition] | None = None
    """True when every condition in the list is true."""
    any: list[Condition] | None = None
    """True when at least one condition in the list is true."""
    not_: Condition | None = Field(default=None, alias="not")
    """True when the condition is false."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        tests = [
            name
            for name in ("equals", "not_equals", "one_of", "answered")
            if getattr(self, name) is not None
        ]
        groups = [name for name in ("all", "any", "not_") if getattr(self, name)]
        if self.field is not None:
            if len(tests) != 1 or groups:
                raise ValueError(
                    "een voorwaarde op `field` heeft precies één van `equals`, "
                    "`not_equals`, `in` of `answered`"
                )
        elif tests or len(groups) != 1:
            raise ValueError(
                "een voorwaarde is `field` met één test, of precies één van "
                "`all`, `any` of `not`"
            )
        return self

    def references(self) -> list[str]:
        """Every field reference this condition reads, nested ones included."""
        found = [self.field] if self.field is not None else []
        for part in (self.all or []) + (self.any or []):
            found.extend(part.references())
        if self.not_ is not None:
            found.extend(self.not_.references())
        return found


class Choice(_Strict):
    """One option of a shared choice list."""

    id: StableId
    label: Text
    help: str | None = None
    needs_source: bool = False
    """As an entry mark: the counsellor must name where the information came from."""


class ChecklistItem(_Strict):
    """Something the counsellor does in a step and ticks off."""

    id: StableId
    label: Text
    help: str | None = None
    """Longer explanation shown with F1 or under the item."""
    required: bool = False
    """Whether the step can only be left once this item is ticked."""
    source: Origin = "leaflet"


class FieldSpec(_Strict):
    """A question in a step: its type, label, conditions and, for groups, sub-fields."""

    id: StableId
    type: FieldType
    label: Text
    help: str | None = None
    required: bool = False
    """Whether the step can only be left once this field is answered."""
    required_if: Condition | None = None
    """Required only when this condition holds."""
    show_if: Condition | None = None
    """Shown (and asked) only when this condition holds."""
    choices: StableId | None = None
    """The shared choice list of a `choice` or `choices` field."""
    fields: list[FieldSpec] = Field(default_factory=list)
    """Sub-fields of a `repeat` item or of each child in a `per_child` group."""
    fields_from: StableId | None = None
    """Takes the sub-fields from a shared `[field_groups]` entry."""
    min: int | None = Field(default=None, ge=0)
    """The least number of items in a `repeat`."""
    max: int | None = Field(default=None, ge=1)
    """The most items in a `repeat`."""
    item_label: str | None = None
    """How a repeat item is named in lists, e.g. "{name} ({birth_date})"."""
    store: Literal["children"] | None = None
    """Keeps a repeat in the dossier's children register instead of in the visit."""
    sensitive: bool = False
    """Holds names of people: left out of a redacted summary."""
    follow_up: bool = False
    """A date listed on the home screen and in `kindreflex list` when due."""
    not_future: bool = False
    """A date that may not lie after today."""
    not_future_unless: Condition | None = None
    """Allows a future date when this condition holds (an expected child)."""
    action: Literal["redacted_summary"] | None = None
    """For `info` fields: a button that opens what this names."""
    source: Origin = "leaflet"

    def sub_field(self, field_id: str) -> FieldSpec | None:
        """The sub-field with this id, if any."""
        return next((f for f in self.fields if f.id == field_id), None)


class Option(_Strict):
    """A way to leave a step: its label and the step it leads to (or the end)."""

    id: StableId
    label: Text
    target: str
    """A step id, or `@end` to close the Kindreflex."""
    help: str | None = None
    requires: list[StableId] = Field(default_factory=list)
    """Fields of this step that must be answered to take this option."""
    expect: Condition | None = None
    """What the answers should say for this option; if not, the counsellor is warned."""
    expect_message: str | None = None
    """The warning shown when `expect` does not hold."""
    source: Origin = "leaflet"


class Step(_Strict):
    """One step of the protocol, as the step screen renders it."""

    id: StableId
    number: int = Field(ge=1, le=99)
    title: Text
    short_title: Annotated[str, StringConstraints(min_length=1, max_length=14)]
    """A few words for the flow map."""
    who: Text
    """Who may take this step."""
    guidance: str | None = None
    items: list[ChecklistItem] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(default_factory=list)
    notes_label: Text = "Notities"
    decision: Text
    """The question that ends the step."""
    reason_required: bool = True
    """Whether a decision needs a written reason."""
    options: list[Option] = Field(min_length=1)
    source: Origin = "leaflet"

    def field(self, field_id: str) -> FieldSpec | None:
        """The top-level field with this id, if any."""
        return next((f for f in self.fields if f.id == field_id), None)

    def option(self, option_id: str) -> Option | None:
        """The decision option with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)


class ProtocolInfo(_Strict):
    """The `[protocol]` table: identity, versions and the step files."""

    id: StableId
    title: Text
    format: int
    """The file format, checked against what this build reads."""
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    """The content version, recorded in every dossier."""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    start: StableId
    source: Text
    guidance: str | None = None
    steps: list[Annotated[str, StringConstraints(min_length=1)]] = Field(min_length=1)
    """The step files, in the order of the flow map."""
    entry_marks: StableId | None = None
    """The choice list used to mark notes as fact, observation, opinion and so on."""


class Protocol(_Strict):
    """A whole protocol: identity, shared choice lists and the steps."""

    info: ProtocolInfo
    choices: dict[StableId, list[Choice]] = Field(default_factory=dict)
    field_groups: dict[StableId, list[FieldSpec]] = Field(default_factory=dict)
    """Shared sub-field lists that repeats take with `fields_from`."""
    steps: list[Step]
    sha256: str = ""
    """The hash of the protocol files, recorded in every dossier."""

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def has_step(self, step_id: str) -> bool:
        """Whether a step with this id exists."""
        return any(step.id == step_id for step in self.steps)

    def choice_list(self, name: str | None) -> list[Choice]:
        """The choices of a shared list, empty when there is none."""
        return self.choices.get(name or "", [])

    def choice_label(self, name: str | None, choice_id: str) -> str:
        """The label of one choice, or the id itself when unknown."""
        for choice in self.choice_list(name):
            if choice.id == choice_id:
                return choice.label
        return choice_id
