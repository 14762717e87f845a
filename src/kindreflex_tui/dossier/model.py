"""The dossier JSON contract: children, visits of steps and the append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
)

SCHEMA_VERSION = 2
"""The dossier format this build writes; older ones are migrated when read."""

DossierId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]
"""A dossier id: also the file name, never taken from what a user typed."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""A person's name or a pseudonymous reference, as typed."""

EventKind = Literal[
    "dossier_created",
    "dossier_migrated",
    "counsellor_joined",
    "step_entered",
    "step_left",
    "item_ticked",
    "item_unticked",
    "answer_set",
    "notes_set",
    "mark_set",
    "child_added",
    "child_changed",
    "child_removed",
    "decision_taken",
    "dossier_closed",
    "dossier_reopened",
]
"""What a history event records."""


class _Record(BaseModel):
    """Base for dossier parts: unknown keys are refused, so nothing is dropped."""

    model_config = ConfigDict(extra="forbid")


class ProtocolRef(_Record):
    """Which protocol, at which version and content hash, the dossier follows."""

    id: str
    version: str
    sha256: str


class Mark(_Record):
    """What kind of entry a note is: fact, observation, client's words and so on."""

    kind: str
    """A choice id from the protocol's entry-mark list."""
    source: str | None = None
    """Where third-party information came from."""


class Child(_Record):
    """A child of the client, or an expected child, as recorded in step 1."""

    id: str
    """A stable id inside the dossier (`k1`, `k2`, ...), never reused."""
    name: Name
    birth_date: date | None = None
    expected: bool = False
    """An expected child; `due_date` then holds the expected birth date."""
    due_date: date | None = None
    answers: dict[str, JsonValue] = Field(default_factory=dict)
    """Other register answers, such as where the child lives."""


class Decision(_Record):
    """The route a counsellor took out of a step, and why."""

    option: str
    target: str
    """The step id the option leads to, or `@end`."""
    reason: str = ""
    taken_at: AwareDatetime
    taken_by: Name
    warnings: list[str] = Field(default_factory=list)
    """Warnings the counsellor saw and overrode when deciding."""
    override_reason: str | None = None
    """Why the counsellor went on despite the warnings."""


class Visit(_Record):
    """One visit of a step; a step visited again gets a new visit."""

    id: int = Field(ge=1)
    step: str
    entered_at: AwareDatetime
    entered_by: Name
    left_at: AwareDatetime | None = None
    left_by: Name | None = None
    ticked: list[str] = Field(default_factory=list)
    """Checklist items done, in the order they were ticked."""
    answers: dict[str, JsonValue] = Field(default_factory=dict)
    notes: str = ""
    marks: dict[str, Mark] = Field(default_factory=dict)
    """Entry marks per field id (or `notes`)."""
    decision: Decision | None = None


class Event(_Record):
    """One entry of the append-only history: who changed what, when, old and new."""

    seq: int = Field(ge=1)
    at: AwareDatetime
    """When, in UTC with its offset."""
    by: Name
    kind: EventKind
    step: str | None = None
    visit: int | None = None
    target: str | None = None
    """The item, field path or child the event is about."""
    old: JsonValue = None
    new: JsonValue = None
    reason: str | None = None


class Dossier(_Record):
    """A client's Kindreflex dossier: the public JSON contract of kindreflex."""

    schema_version: int = SCHEMA_VERSION
    id: DossierId
    client_ref: Name
    """A pseudonymous client code; a name is not needed."""
    created_at: AwareDatetime
    updated_at: AwareDatetime
    protocol: ProtocolRef
    counsellors: list[Name] = Field(default_factory=list)
    """Everyone who worked in this dossier, first one first."""
    status: Literal["open", "closed"] = "open"
    children: list[Child] = Field(default_factory=list)
    visits: list[Visit] = Field(default_factory=list)
    history: list[Event] = Field(default_factory=list)

    @property
    def current_visit(self) -> Visit | None:
        """The visit in progress, or None when the dossier is closed."""
        if self.visits and self.visits[-1].left_at is None:
            return self.visits[-1]
        return None

    @property
    def current_step(self) -> str | None:
        """The id of the step in progress, or None when closed."""
        visit = self.current_visit
        return visit.step if visit else None

    def child(self, child_id: str) -> Child | None:
        """The child with this id, if it is in the register."""
        return next((c for c in self.children if c.id == child_id), None)

    def latest_visit(self, step_id: str) -> Visit | None:
        """The most recent visit of a step, if it was visited."""
        return next((v for v in reversed(self.visits) if v.step == step_id), None)


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on a given day."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def now_utc() -> datetime:
    """The current time in UTC, with its offset."""
    from datetime import UTC

    return datetime.now(UTC)
