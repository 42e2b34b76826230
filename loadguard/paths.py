"""Where loadguard keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "loadguard"
HOME_ENV = "LOADGUARD_HOME"
CONFIG_FILE = "config.toml"
STORE_FILE = "loadguard.db"
TOKEN_FILE = "token.json"


def resolve_home(option: str | os.PathLike | None = None) -> Path:
    """`--home` wins over LOADGUARD_HOME, which wins over the platform's data dir."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home
