"""token.json: the Strava connection (access and refresh token) kept in the home.

The file is as secret as a password: it is created with mode 0600 and replaced
atomically (temp file + os.replace), so a crash mid-write leaves the old token,
never half a file. Nothing here prints or logs a token; `Token.__repr__` hides
the secrets so even a stray debug print cannot leak them.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loadguard.atomic_file import remove, write_atomic
from loadguard.errors import LoadguardError
from loadguard.paths import TOKEN_FILE

# Renew this long before the access token's expiry, so a request sent just before
# the deadline cannot arrive just after it.
REFRESH_MARGIN_S = 300

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
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid JSON"
        raise LoadguardError(f"{path}: cannot read the Strava token ({reason}); run `loadguard auth` again") from None
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
    except (KeyError, TypeError, ValueError, AttributeError):
        raise LoadguardError(f"{path}: the Strava token is incomplete; run `loadguard auth` again") from None
    return token


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
