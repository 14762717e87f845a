"""Where kindreflex keeps dossiers and settings on this machine."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kindreflex"
DATA_DIR_ENV = "KINDREFLEX_DATA_DIR"
"""Environment variable that points kindreflex at another data folder."""
CONFIG_DIR_ENV = "KINDREFLEX_CONFIG_DIR"
"""Environment variable that points kindreflex at another settings folder."""


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The dossier folder: the override, else $KINDREFLEX_DATA_DIR, else the user's."""
    if override:
        return Path(override).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The settings folder: $KINDREFLEX_CONFIG_DIR, else the user's config folder."""
    if os.environ.get(CONFIG_DIR_ENV):
        return Path(os.environ[CONFIG_DIR_ENV]).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)
