"""config.toml: defaults, loading and validation.

Every error names the offending key, because a runner editing TOML by hand needs
to know which line to fix.
"""

from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from loadguard import addresses
from loadguard.errors import LoadguardError
from loadguard.safe_open import read_small_text
from loadguard.sport_types import unknown_sport_type
from loadguard.zones import known_zone

# Settings outside `[detectors.*]`. A value of None means "optional string".
DEFAULTS: dict[str, Any] = {
    # IANA zone used to turn a bulk export's UTC times into local days; None means
    # the zone of the machine running loadguard.
    "timezone": None,
    "running_types": ["Run", "TrailRun", "VirtualRun"],
    # Days without running that make a break: volume.weekly_load pauses while its
    # base holds one (it would divide by an empty base), volume.comeback speaks.
    "break_days": 14,
    "trail": {
        "sport_types": ["TrailRun"],
        # Extra trail signals, off by default: words in the activity name, and a
        # climb per km at or above which a run counts as trail.
        "name_keywords": [],
        "climb_m_per_km": 0.0,
        # From a recorded track (activity files): share of the distance on grades of
        # 10% or more at which a run counts as trail, whatever its label; 0 turns it off.
        # The street-labelled mountain run in the sample files has 0.46, the nine others 0 to 0.29.
        "steep_share": 0.35,
    },
    "strava": {
        "client_id": None,
        "client_secret": None,
        "base_url": "https://www.strava.com/api/v3",
    },
    "sync": {
        "overlap_days": 30,
        # The longest a sync may run, in seconds, however slowly Strava answers:
        # a cron run never holds the sync lock past it. A first sync of ten years
        # (about 30 pages) takes well under a minute.
        "max_seconds": 600,
        # Notes (description, private note) need one request per run: read them
        # for runs of the last `notes_days` days only, at most `notes_per_sync`
        # per sync (an hourly cron stays far below Strava's limits). 0 turns it off.
        "notes_days": 14,
        "notes_per_sync": 5,
    },
    "symptoms": {
        # While a symptom (logged, or found in a run's notes) is at most this many
        # days old, the volume rules judge with the stricter lines below (a stricter
        # value of your own in [detectors.*] is kept). Justified in the README.
        "careful_days": 28,
        "weekly_load_caution": 1.1,
        "weekly_load_warn": 1.3,
        "weekly_load_alert": 1.5,
        "long_run_info_over": 0.05,
        "long_run_warn_over": 0.1,
        "long_run_alert_over": 0.3,
    },
    "digest": {
        # Who `loadguard digest --email` writes to and as; the flags --to/--from win.
        "email_to": None,
        "email_from": None,
    },
    "notify": {
        # Apprise URLs (ntfy://, tgram://, matrix://, signal://, discord://, mailto:// …)
        # that `check --notify` and `digest --notify` deliver to. They hold tokens:
        # loadguard never prints them, only their service's name.
        "urls": [],
    },
    "shoes": {
        # Pairs you no longer run in (gear id, exact name or name pattern): a bulk
        # export does not say which shoes are retired, Strava's API does.
        "retired": [],
        # Retire a pair by age too: months from its first run (or `shoes add --from`).
        # 0 is off; the README says what is known about foams ageing.
        "max_months": 0,
        # Per pair (gear id, exact name or name pattern) -> months; `shoes set-limit` wins.
        "max_months_for": {},
        # The pair for runs that have none, by sport type ("TrailRun") or by source
        # ("files", "export", "strava") -> a pair's name or id; a sport type wins.
        "default": {},
    },
}

# Free-form tables whose values are names, not numbers.
NAME_TABLES = {"shoes.default"}


class SettingError(Exception):
    """A detector's own check of its merged settings failed; `key` names the setting."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"{key} {problem}")
        self.key, self.problem = key, problem


@dataclass
class Config:
    values: dict[str, Any]
    detectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def detector(self, rule_id: str, defaults: Mapping[str, Any],
                 validate: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """The detector's defaults overlaid with the user's `[detectors.<rule_id>]`.

        `validate` is the detector's own check of the merged result (thresholds in
        order, choices), raising SettingError; it is reported against this file.
        """
        merged = copy.deepcopy(dict(defaults))
        merged.setdefault("enabled", True)
        user = self.detectors.get(rule_id, {})
        for key, value in user.items():
            where = f"detectors.{rule_id}.{key}"
            if key not in merged:
                raise LoadguardError(f"{self._name()}: unknown setting {where}")
            merged[key] = _checked(where, value, merged[key], self._name(), signed=True)
        if validate is not None:
            try:
                validate(merged)
            except SettingError as exc:
                raise LoadguardError(f"{self._name()}: detectors.{rule_id}.{exc.key} {exc.problem}") from None
        # After the detector's own checks, so a setting it wants above zero says exactly
        # that for -5 as for 0; every other number only may not be negative.
        for key, value in user.items():
            if _is_number(value) and value < 0:
                raise LoadguardError(f"{self._name()}: detectors.{rule_id}.{key} must be a number of zero "
                                     f"or more, got {value!r}")
        return merged

    def check_detector_ids(self, known: set[str]) -> None:
        for rule_id in self.detectors:
            if rule_id not in known:
                raise LoadguardError(f"{self._name()}: [detectors.{rule_id}] names no installed detector")

    def _name(self) -> str:
        return str(self.path) if self.path else "config.toml"


# A config written by hand is a few KiB; past this it is not one (or it is /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024


def load(path: Path) -> Config:
    """Read config.toml; a missing file means all defaults."""
    raw: dict[str, Any] = {}
    try:
        text = read_small_text(path, MAX_CONFIG_BYTES)
    except (FileNotFoundError, NotADirectoryError):  # no config: all defaults
        text = ""
    except UnicodeDecodeError as exc:
        raise LoadguardError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:  # an unreadable home or file, or a folder named config.toml
        raise LoadguardError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadguardError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise LoadguardError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    name = str(path)
    values = copy.deepcopy(DEFAULTS)
    detectors: dict[str, dict[str, Any]] = {}
    for key, value in raw.items():
        if key == "detectors":
            if not isinstance(value, dict):
                raise LoadguardError(f"{name}: detectors must be a table")
            detectors = _flatten_detectors(value, name)
        elif key in DEFAULTS:
            # break_days has its own lower bound below, the same words for -3 as for 0
            values[key] = _checked(key, value, DEFAULTS[key], name, signed=key == "break_days")
        else:
            raise LoadguardError(f"{name}: unknown setting {key}")
    if values["timezone"] is not None:
        known_zone(values["timezone"], name)
    _check_addresses(values["digest"], name)
    if values["break_days"] < 1:
        # "after 0 days without running" would make every day a comeback
        raise LoadguardError(f"{name}: break_days must be 1 or more, got {values['break_days']!r}")
    _check_sport_types(values, name)
    return Config(values=values, detectors=detectors, path=path)


def _check_sport_types(values: dict[str, Any], name: str) -> None:
    for key in values["shoes"]["default"]:
        # Strava's sport types are capitalised, source names are not
        problem = unknown_sport_type(key) if key[:1].isupper() else None
        if problem:
            raise LoadguardError(f"{name}: shoes.default: {problem}")
    for where, types in (("running_types", values["running_types"]),
                         ("trail.sport_types", values["trail"]["sport_types"])):
        for sport in types:
            problem = unknown_sport_type(sport)
            if problem:
                raise LoadguardError(f"{name}: {where}: {problem}")


def _flatten_detectors(table: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """Accept both `[detectors."volume.weekly_load"]` and `[detectors.volume.weekly_load]`.

    Rule ids are `family.name`, so TOML reads the unquoted form as a family table
    holding one table per rule.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        if not isinstance(value, dict):
            raise LoadguardError(f"{name}: detectors.{key} must be a table")
        if "." not in key and value and all(isinstance(v, dict) for v in value.values()):
            sections = {f"{key}.{rule}": section for rule, section in value.items()}
        else:
            sections = {key: value}
        for rule, section in sections.items():
            if rule in out:
                raise LoadguardError(f"{name}: [detectors.{rule}] is given twice (quoted and nested); keep one")
            out[rule] = section
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _checked(where: str, value: Any, default: Any, name: str, *, signed: bool = False) -> Any:
    """`value` checked against the type of `default`; `signed` leaves the sign to the caller."""

    def bad(expected: str) -> LoadguardError:
        # a notify URL carries its service's token: never echoed
        got = "" if where.split(".")[0] == "notify" else f", got {value!r}"
        return LoadguardError(f"{name}: {where} must be {expected}{got}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise bad("a number")
        if value < 0 and not signed:
            raise bad("a number of zero or more")
        if isinstance(default, int) and value != int(value):
            raise bad("a whole number")
        return float(value) if isinstance(default, float) else int(value)
    if isinstance(default, str) or default is None:
        # Strava's client ids are numbers, and people write them unquoted.
        if default is None and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise bad("a table")
        if not default and where in NAME_TABLES:
            for key, item in value.items():
                if not isinstance(item, str) or not item.strip():
                    raise LoadguardError(f"{name}: {where}.{key} must be a pair's name or id, got {item!r}")
            return dict(value)
        if not default:  # free-form table, e.g. per-shoe limits: name -> number
            for key, item in value.items():
                if not _is_number(item) or not 0 < item < math.inf:
                    # the same words as limit_km's for a number out of range
                    expected = "above zero" if _is_number(item) else "a number above zero"
                    raise LoadguardError(f"{name}: {where}.{key} must be {expected}, got {item!r}")
            return dict(value)
        merged = copy.deepcopy(default)
        for key, item in value.items():
            if key not in default:
                raise LoadguardError(f"{name}: unknown setting {where}.{key}")
            merged[key] = _checked(f"{where}.{key}", item, default[key], name)
        return merged
    return value


def _check_addresses(digest: dict[str, Any], name: str) -> None:
    for key in ("email_to", "email_from"):
        value = digest[key]
        why = addresses.problem(value)
        if why:
            raise LoadguardError(f"{name}: digest.{key} {why}, got {value!r}")
