"""What the built-in detectors share: windows over the frames, and building a Warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from loadguard.advice import RULES
from loadguard.config import SettingError
from loadguard.frames import Frames
from loadguard.model import Severity, Warning

ACUTE_DAYS = 7
CHRONIC_DAYS = 28


@dataclass(frozen=True)
class Windows:
    """The acute week ending on the as-of day and the four weeks before it."""

    acute_first: date
    acute_last: date
    chronic_first: date
    chronic_last: date

    @classmethod
    def ending(cls, last: date) -> "Windows":
        acute_first = last - timedelta(days=ACUTE_DAYS - 1)
        chronic_last = acute_first - timedelta(days=1)
        return cls(acute_first, last, chronic_last - timedelta(days=CHRONIC_DAYS - 1), chronic_last)


def history_days(frames: Frames, day: date | None = None) -> int:
    """Days from the first run to `day` (default the as-of day), both included; 0 when none."""
    first = frames.first_day
    day = day or frames.as_of
    return 0 if first is None or first > day else (day - first).days + 1


def build_warning(rule: str, severity: Severity, day: date, subject: str, message: str,
                  evidence: dict[str, Any]) -> Warning:
    text = RULES[rule]
    return Warning(
        rule=rule, severity=severity, date=day, subject=subject, title=text.title,
        message=message, evidence=evidence, advice=text.advice, reference=text.reference,
    )


def reaches(value: float, threshold: float) -> bool:
    """value >= threshold, with float noise absorbed: 1.5 x 4.4 km must reach 6.6 km.

    Six decimals are far below anything a runner's data can tell apart; the
    difference is rounded, since either side may carry the noise.
    """
    return round(float(value) - float(threshold), 6) >= 0


def exceeds(value: float, threshold: float) -> bool:
    """value > threshold, with the same float-noise allowance as `reaches`."""
    return round(float(value) - float(threshold), 6) > 0


# -- checks of a detector's merged settings (raise SettingError naming the key) --------


def require_positive(settings: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if not settings[key] > 0:
            raise SettingError(key, f"must be above zero, got {settings[key]!r}")


def require_order(settings: Mapping[str, Any], *keys: str) -> None:
    """Thresholds that must rise strictly in the order given (e.g. warn below alert)."""
    require_positive(settings, *keys)
    for low, high in zip(keys, keys[1:]):
        if not settings[low] < settings[high]:
            raise SettingError(low, f"({settings[low]}) must be below {high} ({settings[high]})")


def require_choice(settings: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> None:
    if settings[key] not in choices:
        raise SettingError(key, f"must be one of {', '.join(repr(c) for c in choices)}, got {settings[key]!r}")
