"""token.json: the Strava connection (access and refresh token) kept in the home.

The file is as secret as a password: it is created with mode 0600 and replaced
atomically (temp file + os.replace), so a crash mid-write leaves the old token,
never half a file. Nothing here prints or logs a token; `Token.__repr__` hides
the secrets so even a stray debug print cannot leak them.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loadguard.atomic_file import remove, write_atomic
from loadguard.errors import LoadguardError
from loadguard.paths import TOKEN_FILE
from loadguard.safe_open import read_small_text

# Renew this long before the access token's expiry, so a request sent just before
# the deadline cannot arrive just after it.
REFRESH_MARGIN_S = 300

# A token.json is a few hundred bytes; past this it is not one (or it is /dev/zero).
MAX_TOKEN_BYTES = 64 * 1024

NOT_CONNECTED = "not connected to Strava: run `loadguard auth` first (or `loadguard import` a Strava bulk export)"


@dataclass
class Token:
    access_token: str
    refresh_token: str
    expires_at: int
    # The refresh token belongs to the application that was authorized, so the
    # client credentials travel with it: cron can renew without any env vars.
    client_id: int | None = None
    client_secret: str | None = field(default=None)
    scope: str | None = None
    athlete_id: int | None = None

    def expires_soon(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at - REFRESH_MARGIN_S

    def __repr__(self) -> str:
        return f"Token(athlete_id={self.athlete_id!r}, expires_at={self.expires_at!r}, secrets=hidden)"

    __str__ = __repr__


def token_path(home: Path) -> Path:
    return home / TOKEN_FILE


def load(home: Path) -> Token | None:
    """The saved token, or None when loadguard was never connected."""
    path = token_path(home)
    again = "run `loadguard auth` again"
    try:
        raw = json.loads(read_small_text(path, MAX_TOKEN_BYTES))
    except FileNotFoundError:
        return None
    except RecursionError:
        raise LoadguardError(f"{path}: cannot read the Strava token (nested too deeply); {again}") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid JSON"
        raise LoadguardError(f"{path}: cannot read the Strava token ({reason}); {again}") from None
    try:
        token = Token(
            access_token=str(raw["access_token"]),
            refresh_token=str(raw["refresh_token"]),
            expires_at=int(raw["expires_at"]),
            client_id=int(raw["client_id"]) if raw.get("client_id") is not None else None,
            client_secret=raw.get("client_secret"),
            scope=raw.get("scope"),
            athlete_id=int(raw["athlete_id"]) if raw.get("athlete_id") is not None else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):  # 1e400 is JSON's infinity
        raise LoadguardError(f"{path}: the Strava token is incomplete; {again}") from None
    _keep_private(path)
    return token


def _keep_private(path: Path) -> None:
    """A token.json others may read (made by hand, copied, or a link to a 0644 file) is
    made 0600, and the runner told once on stderr; when that is refused, told how to."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    if not mode & 0o077:
        return
    shown = f"{path} was readable by others (mode {mode:04o})"
    try:
        os.chmod(path, 0o600)  # follows a symbolic link: the file holding the secret is what counts
    except OSError as exc:
        sys.stderr.write(f"loadguard: {shown} and cannot be made private ({exc.strerror}); "
                         f"run `chmod 600 {os.path.realpath(path)}`\n")
        return
    sys.stderr.write(f"loadguard: {shown}; it is now readable only by you (0600)\n")


def require(home: Path) -> Token:
    token = load(home)
    if token is None:
        raise LoadguardError(NOT_CONNECTED)
    return token


def save(home: Path, token: Token) -> Path:
    """Write token.json with mode 0600, atomically; LoadguardError when the file system refuses."""
    path = token_path(home)
    write_atomic(path, json.dumps(asdict(token), indent=2) + "\n", 0o600)
    return path


def delete(home: Path) -> bool:
    """Remove token.json (and, when it is a symbolic link, the file it points to)."""
    return remove(token_path(home))
