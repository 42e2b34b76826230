"""Time-zone names, checked in one place for config.toml and `import --timezone` alike."""

from __future__ import annotations

from loadguard.errors import LoadguardError


def known_zone(name: str, where: str | None = None):
    """The IANA zone called `name` (a ZoneInfo); one line naming it, and `where` it was
    written when given, when there is no such zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder of zones
        prefix = f"{where}: " if where else ""
        raise LoadguardError(f"{prefix}timezone {name!r} is not a known IANA time zone (e.g. Europe/Berlin)") from None
