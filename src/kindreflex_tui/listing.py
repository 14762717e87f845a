"""The dossier list: one row per dossier, follow-ups due first (`kindreflex list`).

`collect` is shared by `kindreflex list` and the app's home screen.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kindreflex_tui.dates import format_date

if TYPE_CHECKING:
    from kindreflex_tui.dossier.model import Dossier
    from kindreflex_tui.protocol.model import Protocol

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
"""A follow-up date within this many days from today counts as due."""

CLOSED_LABEL = "afgesloten"
"""The step label of a closed dossier."""


def due_state(due: date, today: date) -> str:
    """The state of a follow-up date: overdue, due (within a week) or planned."""
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "planned"


@dataclass(frozen=True)
class DossierRow:
    """One dossier as the list and the home screen show it, or why it is unreadable."""

    path: Path
    dossier_id: str | None = None
    client_ref: str | None = None
    status: str | None = None
    """"open" or "closed"; None for an unreadable file."""
    step_label: str | None = None
    """The step in progress, e.g. "4. Verontrusting", or "afgesloten"."""
    updated_at: datetime | None = None
    counsellor: str | None = None
    """The counsellor who joined the dossier last."""
    next_due: date | None = None
    """The earliest follow-up date of an open dossier."""
    due_label: str | None = None
    """That date with what it is for, e.g. "Evaluatiedatum ... 05-12-2026"."""
    overdue: bool = False
    """The follow-up date has passed."""
    due_now: bool = False
    """The follow-up date is today or within the coming week."""
    error: str | None = None
    """Why the file cannot be read; the other fields are then empty."""

    @property
    def needs_attention(self) -> bool:
        """Whether a follow-up date is overdue or due soon."""
        return self.overdue or self.due_now


def _sort_key(row: DossierRow) -> tuple[Any, ...]:
    """Due or overdue first (earliest first), then newest change, unreadable last."""
    if row.error is not None:
        return (2, 0.0, row.path.name)
    if row.needs_attention and row.next_due is not None:
        return (0, row.next_due.toordinal(), row.path.name)
    stamp = row.updated_at.timestamp() if row.updated_at else 0.0
    return (1, -stamp, row.path.name)


class _Protocols:
    """The protocol of each dossier, loaded once per protocol version."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.cache: dict[tuple[str, str, str], Protocol | None] = {}

    def get(self, dossier: Dossier) -> Protocol | None:
        """The protocol a dossier follows; the shipped one, or None, if not found."""
        ref = dossier.protocol
        key = (ref.id, ref.version, ref.sha256)
        if key not in self.cache:
            self.cache[key] = self._load(dossier)
        return self.cache[key]

    def _load(self, dossier: Dossier) -> Protocol | None:
        from kindreflex_tui.dossier.archive import protocol_for
        from kindreflex_tui.errors import KindreflexError
        from kindreflex_tui.protocol.loader import load_protocol

        try:
            return protocol_for(dossier, self.data_dir)[0]
        except KindreflexError as error:
            log.warning("%s: %s", dossier.id, error)
        try:
            shipped = load_protocol()
        except KindreflexError:
            return None
        return shipped if shipped.info.id == dossier.protocol.id else None


def _row(
    path: Path, dossier: Dossier, protocol: Protocol | None, today: date
) -> DossierRow:
    """The list row of one readable dossier."""
    from kindreflex_tui.engine import follow_ups

    current = dossier.current_step
    if current is None:
        step_label = CLOSED_LABEL
    elif protocol is not None and protocol.has_step(current):
        step = protocol.step(current)
        step_label = f"{step.number}. {step.short_title}"
    else:
        step_label = current

    next_due = due_label = None
    overdue = due_now = False
    if dossier.status == "open" and protocol is not None:
        found = follow_ups(protocol, dossier)
        if found:
            from kindreflex_tui.summary_document import clean_label

            first = found[0]
            next_due = first.due
            due_label = f"{clean_label(first.label)} {format_date(first.due)}"
            state = due_state(first.due, today)
            overdue, due_now = state == "overdue", state == "due"

    return DossierRow(
        path=path,
        dossier_id=dossier.id,
        client_ref=dossier.client_ref,
        status=dossier.status,
        step_label=step_label,
        updated_at=dossier.updated_at,
        counsellor=dossier.counsellors[-1] if dossier.counsellors else None,
        next_due=next_due,
        due_label=due_label,
        overdue=overdue,
        due_now=due_now,
    )


def collect(data_dir: Path, today: date) -> list[DossierRow]:
    """Every dossier in the folder: due or overdue first, then newest, unreadable last.

    A missing folder gives an empty list (and is not created).
    """
    from kindreflex_tui.dossier.store import DossierStore

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    protocols = _Protocols(data_dir)
    rows = []
    for listing in DossierStore(data_dir).scan():
        if listing.dossier is None:
            reason = listing.error or "onleesbaar"
            rows.append(DossierRow(path=listing.path, error=reason))
            continue
        dossier = listing.dossier
        rows.append(_row(listing.path, dossier, protocols.get(dossier), today))
    return sorted(rows, key=_sort_key)


def row_as_json(row: DossierRow) -> dict[str, Any]:
    """A row as a JSON object with stable keys (dates ISO, path as text)."""
    return {
        "path": str(row.path),
        "dossier_id": row.dossier_id,
        "client_ref": row.client_ref,
        "status": row.status,
        "step_label": row.step_label,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "counsellor": row.counsellor,
        "next_due": row.next_due.isoformat() if row.next_due else None,
        "due_label": row.due_label,
        "overdue": row.overdue,
        "due_now": row.due_now,
        "error": row.error,
    }


def _state(row: DossierRow) -> str:
    """The first column of a text row: what needs attention."""
    if row.error is not None:
        return "ONLEESBAAR"
    if row.overdue:
        return "te laat"
    if row.due_now:
        return "binnenkort"
    return ""


def format_rows(rows: list[DossierRow]) -> str:
    """The rows as aligned text columns under a header line."""
    header = ("Opvolging", "Cliënt", "Dossier", "Stap", "Gewijzigd", "Hulpverlener")
    table: list[tuple[str, ...]] = [header]
    extras = ["Volgende datum"]
    for row in rows:
        if row.error is not None:
            table.append((_state(row), row.path.name, "", "", "", ""))
            extras.append(row.error)
            continue
        changed = (
            f"{row.updated_at.astimezone():%d-%m-%Y %H:%M}" if row.updated_at else ""
        )
        table.append(
            (
                _state(row),
                row.client_ref or "",
                row.dossier_id or "",
                row.step_label or "",
                changed,
                row.counsellor or "",
            )
        )
        extras.append(row.due_label or "")
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = []
    for cells, extra in zip(table, extras, strict=True):
        padded = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        lines.append(f"{padded}  {extra}".rstrip())
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    """Print every dossier in the data folder, as text lines or a JSON list."""
    from kindreflex_tui.paths import data_dir

    folder = data_dir(getattr(args, "data_dir", None))
    rows = collect(folder, date.today())
    if getattr(args, "format", "text") == "json":
        print(json.dumps([row_as_json(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not folder.is_dir():
        print(f"Geen dossiers: de map {folder} bestaat (nog) niet.")
        return 0
    if not rows:
        print(
            f"Geen dossiers in {folder}. Voorbeelden maken: "
            f"kindreflex demo --data-dir {folder}"
        )
        return 0
    unreadable = sum(1 for r in rows if r.error is not None)
    count = f"{len(rows)} dossier(s)"
    if unreadable:
        count += f", waarvan {unreadable} onleesbaar"
    print(f"{count} in {folder}:")
    print(format_rows(rows))
    return 0
