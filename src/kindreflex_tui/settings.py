"""The counsellor's settings: the remembered name, as TOML in the config folder."""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kindreflex_tui.paths import config_dir

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.toml"


@dataclass(frozen=True)
class Settings:
    """What kindreflex remembers between sessions."""

    counsellor: str = ""
    """The name of the counsellor who last created a dossier on this machine."""


def settings_path(folder: Path | None = None) -> Path:
    """Where the settings file lives."""
    return (folder or config_dir()) / SETTINGS_FILE


def load_settings(folder: Path | None = None) -> Settings:
    """Read the settings; a missing or unreadable file gives the defaults."""
    path = settings_path(folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        log.warning("instellingen %s niet leesbaar: %s", path, error)
        return Settings()
    counsellor = data.get("counsellor")
    return Settings(counsellor=counsellor if isinstance(counsellor, str) else "")


def save_settings(settings: Settings, folder: Path | None = None) -> None:
    """Write the settings (owner-only); an unreadable old file is kept aside first."""
    import tomli_w

    from kindreflex_tui.dossier.atomic import write_atomic

    path = settings_path(folder)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            os.replace(path, path.with_suffix(".toml.onleesbaar"))
    payload = tomli_w.dumps({"counsellor": settings.counsellor})
    write_atomic(path, payload.encode("utf-8"))
