"""Strava's sport types: the names `running_types` and `trail.sport_types` may use.

Strava's own list (the API's SportType), kept here so a typo in config.toml
("Rnu") is refused instead of silently counting no running at all. A test holds
it equal to stravalib's copy, so a type Strava adds shows up there first.
"""

from __future__ import annotations

STRAVA_SPORT_TYPES = frozenset({
    "AlpineSki", "BackcountrySki", "Badminton", "Basketball", "Canoeing", "Cricket", "Crossfit", "Dance",
    "EBikeRide", "Elliptical", "EMountainBikeRide", "Golf", "GravelRide", "Handcycle",
    "HighIntensityIntervalTraining", "Hike", "IceSkate", "InlineSkate", "Kayaking", "Kitesurf",
    "MountainBikeRide", "NordicSki", "Padel", "PhysicalTherapy", "Pickleball", "Pilates", "Racquetball",
    "Ride", "RockClimbing", "RollerSki", "Rowing", "Run", "Sail", "Skateboard", "Snowboard", "Snowshoe",
    "Soccer", "Squash", "StairStepper", "StandUpPaddling", "Surfing", "Swim", "TableTennis", "Tennis",
    "TrailRun", "Velomobile", "VirtualRide", "VirtualRow", "VirtualRun", "Volleyball", "Walk",
    "WeightTraining", "Wheelchair", "Windsurf", "Workout", "Yoga",
})


def unknown_sport_type(name: str) -> str | None:
    """None for a Strava sport type; else why not, with the nearest real one if any."""
    if name in STRAVA_SPORT_TYPES:
        return None
    from difflib import get_close_matches

    folded = {t.casefold(): t for t in STRAVA_SPORT_TYPES}
    near = get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    hint = f"; did you mean {folded[near[0]]!r}?" if near else " (e.g. 'Run', 'TrailRun', 'VirtualRun')"
    return f"{name!r} is not a Strava sport type{hint}"
