"""Redaction for summaries shared outside the client record: no names, no birth dates.

A redacted summary replaces the children by "Kind 1", "Kind 2", leaves out the client
code, the counsellors and every `sensitive` field, and scrubs every one of those names
(and the children's birth and due dates) from the free text it keeps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.protocol.model import FieldSpec, Protocol

FREE_TEXT_WARNING = "⚠ vrije tekst, kan herkenbaar zijn"
"""The mark on free text kept in a redacted summary."""
FREE_TEXT_SIGN = "⚠"
"""The short form of that mark, put before each free-text value."""
LEFT_OUT = "[weggelaten]"
"""What a redacted summary shows instead of a name."""
FREE_TEXT_LEFT_OUT = "[vrije tekst weggelaten]"
"""What a strictly redacted summary shows instead of free text."""
UNKNOWN_LEFT_OUT = "[onbekend veld weggelaten]"
"""What a redacted summary shows for an answer the protocol does not describe."""
NAME = "[naam]"
"""What replaces a person's name inside free text."""
CLIENT_REF = "[cliëntcode]"
"""What replaces the client code inside free text."""
DATE = "[datum]"
"""What replaces a child's birth or due date inside free text."""

FREE_TEXT_TYPES = frozenset({"text", "long_text"})
"""Field types whose values are typed freely and so may identify someone."""

# fmt: off
_PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "aan", "la", "le",
    "du", "da", "di", "del", "von", "zu", "en",
})
# fmt: on
"""Parts of Dutch and Flemish names that are common words on their own."""

# fmt: off
_ROLE_WORDS = frozenset({
    "mevrouw", "meneer", "mevr", "mr", "dhr", "mw", "cliënt", "client", "cliënte",
    "ouder", "ouders", "mama", "papa", "mams", "paps", "moeder", "vader", "moeders",
    "vaders", "stiefmoeder", "stiefvader", "plusmama", "pluspapa", "oma", "opa",
    "grootmoeder", "grootvader", "grootouders", "grootouder", "tante", "oom", "nonkel",
    "zus", "broer", "zussen", "broers", "partner", "ex-partner", "expartner", "vriend",
    "vriendin", "buur", "buren", "buurvrouw", "buurman", "kind", "kinderen", "zoon",
    "dochter", "school", "leerkracht", "juf", "meester", "directie", "zorgcoördinator",
    "clb", "huisarts", "arts", "vroedvrouw", "psycholoog", "therapeut", "hulpverlener",
    "hulpverleners", "collega", "collega's", "team", "teamcoach", "coördinator",
    "begeleider", "begeleiding", "ikzelf", "ik", "wij", "zij", "hij", "ze", "samen",
    "allebei", "beiden", "beide", "iedereen", "niemand", "gezin", "familie", "netwerk",
    "onthaal", "de", "het", "een", "haar", "zijn", "hun", "mijn", "onze", "bij", "van",
    "en", "baby", "baby'tje", "ongeboren",
})
# fmt: on
"""Role words and small words: a sensitive value made only of these ("mevrouw",
"de grootmoeder", "papa en mama") names nobody, so free text keeps them."""

_NAME_SEPARATORS = re.compile(r"[,;/&+\n()]|\s+(?:en|and|of|met)\s+", re.IGNORECASE)
"""What separates several names typed in one field ("Els, Tom en Sara")."""

_NAME_PARTS = re.compile(r"[\s\-‐‑]+")
"""What separates the parts of one name: spaces and hyphens."""

_SUFFIX = r"(?:['’]s|s|tje|je|ke)?"
"""Possessive and diminutive endings that still name the person ("Noors", "Noortje")."""

# fmt: off
_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
    "september", "oktober", "november", "december",
)
# fmt: on


def is_role_only(text: str) -> bool:
    """Whether a text is made of role words only, so names no one in particular."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return bool(words) and all(w.lower() in _ROLE_WORDS for w in words)


def child_label(number: int) -> str:
    """The name a redacted summary gives the n-th child: "Kind 1"."""
    return f"Kind {number}"


def is_free_text(spec: FieldSpec) -> bool:
    """Whether a field holds freely typed text, which may identify someone."""
    return spec.type in FREE_TEXT_TYPES


def _fold(text: str) -> str:
    """A name without accents, so "Zoë" also finds "Zoe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(text: str) -> str:
    """How a name is looked up: spaces collapsed, lower case, accents kept."""
    return " ".join(text.split()).lower()


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a stored value, nested lists and objects included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for part in value:
            yield from _strings(part)
    elif isinstance(value, dict):
        for part in value.values():
            yield from _strings(part)


def sensitive_values(spec: FieldSpec, value: Any) -> Iterator[str]:
    """The names a stored value holds in its sensitive fields and sub-fields."""
    if value is None:
        return
    if spec.sensitive:
        yield from _strings(value)
        return
    if spec.type == "repeat" and isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _item_values(spec, item)
    elif spec.type == "per_child" and isinstance(value, dict):
        for answers in value.values():
            if isinstance(answers, dict):
                yield from _item_values(spec, answers)


def _item_values(spec: FieldSpec, item: dict[str, Any]) -> Iterator[str]:
    """The names held by one repeat item or one child's answers."""
    for sub in spec.fields:
        yield from sensitive_values(sub, item.get(sub.id))


def children_spec(protocol: Protocol) -> FieldSpec | None:
    """The repeat field that keeps the children register, if the protocol has one."""
    for step in protocol.steps:
        for spec in step.fields:
            if spec.store == "children":
                return spec
    return None


class Redactor:
    """Knows every name and birth date in a dossier and scrubs them from free text."""

    def __init__(self, dossier: Dossier, protocol: Protocol) -> None:
        self.child_labels = {
            child.id: child_label(number)
            for number, child in enumerate(dossier.children, start=1)
        }
        self._replacements: dict[str, str] = {}
        self._dates: set[date] = set()
        self._collect(dossier, protocol)
        self._names = self._name_pattern()
        self._date_pattern = self._dates_pattern()

    # -- what to look for ----------

    def _add(self, name: str | None, replacement: str) -> None:
        """Remember a name (and each name in it) and what replaces it."""
        if not name or not name.strip():
            return
        parts = [p.strip() for p in _NAME_SEPARATORS.split(name)]
        for whole in [name.strip(), *parts]:
            if not whole or (replacement == NAME and is_role_only(whole)):
                continue
            self._remember(whole, replacement)
            # Parts of double names count too: "Lotte-Marie" names Lotte and Marie.
            words = _NAME_PARTS.split(whole)
            if len(words) > 1:
                for word in words:
                    word = word.strip(".,'’\"")
                    proper = word[:1].isupper() and len(word) >= 2
                    common = word.lower() in _PARTICLES or is_role_only(word)
                    if proper and not common:
                        self._remember(word, NAME)

    def _remember(self, name: str, replacement: str) -> None:
        """Store one name and its accent-free spelling; a child's label wins."""
        for spelling in {name, _fold(name)}:
            key = _key(spelling)
            if not key:
                continue
            if self._replacements.get(key, NAME) == NAME:
                self._replacements[key] = replacement

    def _add_date(self, value: Any) -> None:
        """Remember a birth or due date given as a date or ISO text."""
        if isinstance(value, date):
            self._dates.add(value)
        elif isinstance(value, str):
            try:
                self._dates.add(date.fromisoformat(value))
            except ValueError:
                return

    def _collect(self, dossier: Dossier, protocol: Protocol) -> None:
        """Gather the names and dates of everyone the dossier mentions."""
        register = children_spec(protocol)
        for child in dossier.children:
            self._add(child.name, self.child_labels[child.id])
            self._add_date(child.birth_date)
            self._add_date(child.due_date)
            if register is not None:
                for value in _item_values(register, dict(child.answers)):
                    self._add(value, NAME)

        self._add(dossier.client_ref, CLIENT_REF)
        people: list[str | None] = list(dossier.counsellors)
        for visit in dossier.visits:
            people += [visit.entered_by, visit.left_by]
            if visit.decision is not None:
                people.append(visit.decision.taken_by)
            if not protocol.has_step(visit.step):
                continue
            step = protocol.step(visit.step)
            for spec in step.fields:
                for value in sensitive_values(spec, visit.answers.get(spec.id)):
                    self._add(value, NAME)
        for event in dossier.history:
            people.append(event.by)
            self._collect_event(
                event.kind,
                event.step,
                event.target,
                protocol,
                register,
                [event.old, event.new],
            )
        for person in people:
            self._add(person, NAME)

    def _collect_event(
        self,
        kind: str,
        step_id: str | None,
        target: str | None,
        protocol: Protocol,
        register: FieldSpec | None,
        values: list[Any],
    ) -> None:
        """Names and dates that a history event held before or after a change."""
        if kind.startswith("child_"):
            for value in values:
                if not isinstance(value, dict):
                    continue
                self._add(
                    value.get("name") if isinstance(value.get("name"), str) else None,
                    NAME,
                )
                self._add_date(value.get("birth_date"))
                self._add_date(value.get("due_date"))
                if register is not None:
                    for name in _item_values(register, value):
                        self._add(name, NAME)
            return
        if kind != "answer_set" or not step_id or not target:
            return
        if not protocol.has_step(step_id):
            return
        parts = target.split("/")
        spec = protocol.step(step_id).field(parts[0])
        if spec is None:
            return
        for value in values:
            for name in self._event_names(spec, parts, value):
                self._add(name, NAME)

    @staticmethod
    def _event_names(spec: FieldSpec, parts: list[str], value: Any) -> Iterable[str]:
        """The names in an old or new value of a field, item or child answer."""
        if len(parts) == 1:
            return sensitive_values(spec, value)
        if spec.sensitive:
            return _strings(value)
        if len(parts) == 2 and isinstance(value, dict):
            return _item_values(spec, value)
        if len(parts) == 3:
            sub = spec.sub_field(parts[2])
            return sensitive_values(sub, value) if sub is not None else ()
        return ()

    # -- patterns ----------

    def _name_pattern(self) -> re.Pattern[str] | None:
        """One pattern for all names, longest first, matching whole words only."""
        if not self._replacements:
            return None
        names = sorted(self._replacements, key=len, reverse=True)
        spelled = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
        return re.compile(rf"(?<!\w)(?P<name>{spelled}){_SUFFIX}(?!\w)", re.IGNORECASE)

    def _dates_pattern(self) -> re.Pattern[str] | None:
        """One pattern for the birth and due dates, in every common spelling."""
        if not self._dates:
            return None
        forms = []
        sep = r"\s*[-/.]\s*"
        for day in sorted(self._dates):
            d, m = f"0?{day.day}", f"0?{day.month}"
            year = f"(?:{day.year}|{day.year % 100:02d})"
            forms.append(rf"{d}{sep}{m}{sep}{year}")
            forms.append(rf"{day.year}{sep}{m}{sep}{d}")
            forms.append(rf"{d}\s+{_MONTHS[day.month - 1]}\s+{day.year}")
        return re.compile(rf"(?<!\d)(?:{'|'.join(forms)})(?!\d)", re.IGNORECASE)

    # -- scrubbing ----------

    def names(self) -> list[str]:
        """Every name this redactor replaces (lower case), for tests and checks."""
        return sorted(self._replacements)

    def scrub(self, text: str) -> str:
        """Free text with every known name and birth date replaced."""
        if self._date_pattern is not None:
            text = self._date_pattern.sub(DATE, text)
        if self._names is not None:
            text = self._names.sub(self._replace, text)
        return text

    def _replace(self, match: re.Match[str]) -> str:
        """The stand-in for one matched name."""
        return self._replacements.get(_key(match.group("name")), NAME)
