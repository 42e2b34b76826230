"""Loading entry-point plugins: the one way detectors and sources are found."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from loadguard.errors import LoadguardError


def load(group: str, kind: str, protocol: type, key: str, key_label: str, lacks: str) -> dict[str, Any]:
    """Every plugin of the entry-point `group`, instantiated, by the value of its `key` attribute.

    `kind`, `key_label` and `lacks` word the errors ("detector plugin … lacks id,
    defaults or detect()", "two detector plugins claim the rule id …").
    """
    found: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for ep in entry_points(group=group):
        try:
            obj = ep.load()
            plugin = obj() if isinstance(obj, type) else obj
        except Exception as exc:  # a broken plugin must not take the others down silently
            raise LoadguardError(f"{kind} plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
        name = getattr(plugin, key, None)
        if not isinstance(plugin, protocol) or not isinstance(name, str):
            raise LoadguardError(f"{kind} plugin {ep.name!r} ({ep.value}) lacks {lacks}")
        if name in found:
            # The same distribution can be seen twice on sys.path (editable installs);
            # two different plugins claiming one key is a conflict to fix.
            if origin[name] == ep.value:
                continue
            raise LoadguardError(f"two {kind} plugins claim the {key_label} {name!r}: {origin[name]} and {ep.value}")
        found[name] = plugin
        origin[name] = ep.value
    return found
