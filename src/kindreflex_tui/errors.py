"""The one family of errors that kindreflex shows to its users."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KindreflexError(Exception):
    """An error caused by input or circumstances, shown without a traceback."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class Finding:
    """One problem found in a protocol: where it is, which rule, what is wrong."""

    file: str
    path: str
    rule: str
    message: str
    severity: str = "error"
    line: int | None = None
    hint: str | None = None
    """How to fix it, e.g. "bedoel je 'concern'?"."""

    def format(self) -> str:
        """Render the finding as one line: file, key path, rule id, message, hint."""
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.path}" if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{location}:{key} {self.severity} {self.rule}: {self.message}{hint}"


class ProtocolError(KindreflexError):
    """A protocol folder that cannot be used, with every finding that says why."""

    def __init__(self, findings: list[Finding], directory: Path | None = None) -> None:
        self.findings = findings
        self.directory = directory
        errors = [f for f in findings if f.severity == "error"] or findings
        first = errors[0].format() if errors else "onbekende fout"
        more = f" (en nog {len(errors) - 1} fout(en))" if len(errors) > 1 else ""
        super().__init__(f"protocol is niet bruikbaar: {first}{more}")


class DossierError(KindreflexError):
    """A dossier that cannot be read, written or changed as asked."""


class DossierLockedError(DossierError):
    """A dossier that another kindreflex process holds open for writing."""


class ReadOnlyDossierError(DossierError):
    """A change or save attempted on a dossier opened read-only."""


class InputError(KindreflexError):
    """A value typed by the counsellor that cannot be accepted (a date, a name)."""
