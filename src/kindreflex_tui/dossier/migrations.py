"""Bring dossier JSON written by older kindreflex versions up to the current schema.

Each step is a pure `dict -> dict` function from one schema version to the next; they
run before validation, so the model only ever sees the current shape.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kindreflex_tui.dossier.model import SCHEMA_VERSION, Dossier
from kindreflex_tui.errors import DossierError

MIGRATED_BY = "kindreflex"
"""The name in the history event that records a migration."""


class FutureSchemaError(DossierError):
    """A dossier written by a newer kindreflex: it may be read, never rewritten."""

    view: Dossier | None = None
    """What this build can show of it (unknown keys left out), if anything."""

    def __init__(self, found: int, *, where: str | None = None) -> None:
        super().__init__(
            f"geschreven door een nieuwere kindreflex (schema {found}); werk bij om "
            "dit dossier te wijzigen",
            where=where,
        )
        self.found = found


def _v1_to_v2(data: dict[str, Any], now: datetime) -> str:
    """Prototype format: one counsellor, `born` for children, no status."""
    counsellor = data.pop("counsellor", None)
    if "counsellors" not in data:
        data["counsellors"] = [counsellor] if counsellor else []

    for child in data.get("children") or []:
        if isinstance(child, dict) and "born" in child:
            born = child.pop("born")
            child.setdefault("birth_date", born)

    if "status" not in data:
        visits = data.get("visits") or []
        last = visits[-1] if visits and isinstance(visits[-1], dict) else {}
        decision = last.get("decision") if isinstance(last, dict) else None
        ended = isinstance(decision, dict) and decision.get("target") == "@end"
        data["status"] = "closed" if ended else "open"

    history = data.get("history")
    if isinstance(history, list):
        seqs = [e.get("seq") for e in history if isinstance(e, dict)]
        last_seq = max((s for s in seqs if isinstance(s, int)), default=0)
        history.append(
            {
                "seq": last_seq + 1,
                "at": now.isoformat(),
                "by": MIGRATED_BY,
                "kind": "dossier_migrated",
                "old": 1,
                "new": 2,
                "reason": "prototype-formaat omgezet naar schema 2",
            }
        )
    return "omgezet van schema 1 (prototype) naar 2"


MIGRATIONS: dict[int, Callable[[dict[str, Any], datetime], str]] = {1: _v1_to_v2}
"""The step that lifts a dossier from each old schema version to the next one."""


def schema_version_of(data: Any) -> int:
    """The schema version a parsed dossier says it has; DossierError if invalid."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        shown = {"list": "een lijst", "str": "tekst", "NoneType": "null"}.get(
            kind, kind
        )
        raise DossierError(f"geen dossier: verwacht een JSON-object, gevonden {shown}")
    # The JSON contract gives `schema_version` a default: absent means current.
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DossierError(f"geen dossier: ongeldige `schema_version` {version!r}")
    return version


def migrate(
    data: dict[str, Any], *, now: datetime | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Migrate parsed dossier JSON to SCHEMA_VERSION; return it with one note per step.

    The input is not changed. A version newer than this build raises FutureSchemaError.
    """
    version = schema_version_of(data)
    if version > SCHEMA_VERSION:
        raise FutureSchemaError(version)
    if version == SCHEMA_VERSION:
        return data, []

    moment = now or datetime.now(UTC)
    result = copy.deepcopy(data)
    notes = []
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise DossierError(f"schema {version} kan niet meer omgezet worden")
        notes.append(step(result, moment))
        version += 1
        result["schema_version"] = version
    return result, notes
