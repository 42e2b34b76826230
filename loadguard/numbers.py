"""How each quantity is rounded and written: the one rule per quantity.

A detector's message, its JSON evidence, the digest and the shoe table all go
through these functions, so a number reads the same everywhere ("load ratio
1.59" in the message, 1.59 in the JSON, 1.59 in the digest). The JSON evidence
keeps the value as shown, not more digits than the text admits to.

Quantities shown beside a threshold they may not have reached (ratios, shares) are rounded
down, after float noise is absorbed like `detectors.common.reaches` does: a
figure shown never reaches a line the real value has not (1.497 shows as 1.49,
not as the 1.5 alert line), and a value exactly on a line shows that line.
Amounts (km, metres, time) are rounded to the nearest.
"""

from __future__ import annotations

import math

# Digits far below what a runner's data can tell apart: noise such as
# 1.5 x 4.4 = 6.6000000000000005 is rounded away before flooring.
NOISE_PLACES = 6


def _down(value: float, places: int) -> float:
    scale = 10 ** places
    return math.floor(round(float(value) * scale, NOISE_PLACES)) / scale


# -- distance and climb (amounts: to the nearest) ------------------------------------


def km(value: float) -> float:
    """Kilometres, to 0.1 km."""
    return round(float(value), 1)


def km_text(value: float) -> str:
    return f"{km(value):.1f} km"


def _under(line: float, at_line: bool, places: int) -> float:
    """The most, to `places` decimals, that stays under a line: rounded down, and one
    step lower when reaching the line already crosses it (never below zero)."""
    down = _down(line, places)
    if at_line and round(down - float(line), NOISE_PLACES) >= 0:
        down -= 10 ** -places
    return max(round(down, places), 0.0)


def km_under(line: float, at_line: bool) -> float:
    """The longest distance, to 0.1 km, that stays under a line."""
    return _under(line, at_line, 1)


def limit_km_text(value: float) -> str:
    """A configured limit (700, 750.5) as the runner wrote it, without a trailing .0."""
    return f"{float(value):g} km"


def metres(value: float) -> int:
    """Metres of climb, whole."""
    return int(round(float(value)))


def metres_text(value: float) -> str:
    return f"{metres(value)} m"


def metres_under(line: float, at_line: bool) -> int:
    """The most climb, in whole metres, that stays under a line."""
    return int(_under(line, at_line, 0))


def m_per_km(value: float) -> int:
    """Climb per km, whole metres. To the nearest: it is shown only once above its
    threshold, where rounding cannot carry it across the line."""
    return int(round(float(value)))


def m_per_km_text(value: float) -> str:
    return f"{m_per_km(value)} m/km"


# -- ratios (rounded down) -----------------------------------------------------------


def ratio(value: float) -> float:
    """The load ratio, two decimals."""
    return _down(value, 2)


def ratio_text(value: float) -> str:
    return f"{ratio(value):.2f}"


def times(value: float) -> float:
    """Any other multiple (4.1x the usual climb), one decimal."""
    return _down(value, 1)


def times_text(value: float) -> str:
    return f"{times(value):.1f}x"


# -- step rate (an amount: to the nearest whole step) -----------------------------------


def steps(value: float) -> int:
    """Steps a minute (154.2) as a runner reads them (154)."""
    return int(round(float(value)))


# -- shares and percentages (rounded down to whole percents) -------------------------


def percent(share: float) -> int:
    """A share (0.855) as a whole percent (85)."""
    return int(_down(float(share) * 100, 0))


def share(value: float) -> float:
    """A share as JSON carries it: the shown percent over 100 (0.855 -> 0.85)."""
    return percent(value) / 100


def percent_text(value: float) -> str:
    return f"{percent(value)}%"


def pct(value: float) -> int:
    """A quantity already in percent (a trail share of 70.4) as a whole percent."""
    return int(_down(value, 0))


def pct_text(value: float) -> str:
    return f"{pct(value)}%"


def change_pct(value: float, base: float) -> int:
    """How much `value` is above (or below) `base`, in whole percent: from the same
    rounded-down ratio, so "+60%" and "ratio 1.60" never disagree."""
    return int(_down(float(value) / float(base) * 100, 0)) - 100


def change_text(value: float, base: float) -> str:
    return f"{change_pct(value, base):+d}%"


def points(value_pct: float, base_pct: float) -> int:
    """The rise of a share in percentage points: between the two percents as shown."""
    return pct(value_pct) - pct(base_pct)


def points_text(value_pct: float, base_pct: float) -> str:
    return f"{points(value_pct, base_pct):+d} pts"


def count_text(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun: "1 run", "2 runs" (never "1 runs")."""
    return f"{count} {one if count == 1 else many or one + 's'}"
