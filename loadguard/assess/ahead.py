"""The lines ahead: how long the next run may be, and how much the next days may hold,
before a volume rule speaks.

Every line comes from the rule that draws it (a rule's `line(frames, settings,
day)`: the km a run on that day may add before the rule speaks), judged with the
settings that rule will use on that day (the stricter ones while a symptom is
recent). Nothing here knows a threshold: when a rule changes, its line does. Read
through `Assessment.lines`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from loadguard import numbers as num
from loadguard.advice import RULES
from loadguard.assess.frames import HORIZON_DAYS, Frames
from loadguard.assess.planned_runs import carried
from loadguard.assess.rules.common import ACUTE_DAYS, Line
from loadguard.plan.sessions import Session

# A day's settings per rule id: the usual ones, or the stricter ones while a symptom is recent.
SettingsOn = Callable[[date], dict[str, dict]]
# Which of the rules named have a finding that planned runs (run as given, up to a last
# day) bring about on the days ahead: the rules themselves judging, for totals past a week.
Raised = Callable[[list[Session], date, set[str]], set[str]]

# Past a week ahead the weekly base of the later days holds the first days' running,
# so the total is no longer a sum of lines: it is searched for with the rules judging
# the spread, to 0.1 km, below this many km.
MOST_KM_SEARCHED = 2000.0

# A placeholder run of no length on each day ahead: the days count as running days
# (no break opens in front of the runner), and add nothing any rule can see.
NO_LENGTH_KM = 1e-9


@dataclass(frozen=True)
class ClimbSaid:
    """A climb rule's line for the next run: the most climb a run of `run_km` may have."""

    rule: str
    run_km: float
    climb_m: int
    why: str
    evidence: dict

    def to_dict(self) -> dict:
        return {"rule": self.rule, "run_km": self.run_km, "climb_m": self.climb_m, "line": self.why,
                "reference": RULES[self.rule].reference if self.rule in RULES else None,
                "evidence": self.evidence}


@dataclass(frozen=True)
class Said:
    """One rule's line on a day, as told: the most km that stays under it, and why."""

    rule: str
    km: float
    why: str
    careful: bool        # drawn with the stricter settings of a recent symptom
    evidence: dict
    terrain: str | None = None   # the only runs the line holds for ("trail"), None for any

    def to_dict(self) -> dict:
        return {"rule": self.rule, "km": self.km, "line": self.why, "terrain": self.terrain,
                "stricter_after_symptom": self.careful,
                "reference": RULES[self.rule].reference if self.rule in RULES else None,
                "evidence": self.evidence}


@dataclass
class Ahead:
    as_of: date
    days: int
    longest_run_km: float | None          # the run on the day after as_of
    week_km: float | None                 # over the `days` days after as_of, spread evenly
    run_lines: list[Said] = field(default_factory=list)    # each rule's line for that run
    terrain_lines: list[Said] = field(default_factory=list)   # lines for a run on one terrain (trail)
    climb_lines: list[ClimbSaid] = field(default_factory=list)   # the climb a run of longest_run_km may have
    week_lines: list[Said] = field(default_factory=list)   # each rule's line for the days
    long_run: tuple[date, float | None] | None = None        # the usual long-run day ahead
    already_over: list[tuple[str, date]] = field(default_factory=list)   # rule, last day over
    careful_until: date | None = None     # last day ahead judged with the stricter lines
    silent: str | None = None             # why no line is drawn, when none is

    @property
    def first(self) -> date:
        return self.as_of + timedelta(days=1)

    @property
    def last(self) -> date:
        return self.as_of + timedelta(days=self.days)


def with_days_ahead(frames: Frames, first: date, last: date) -> Frames:
    """The frames carried on to `last`, with a run of no length on each day from `first`."""
    days = pd.date_range(first, last, freq="D").date
    return carried(frames, [Session(day, NO_LENGTH_KM, "run", "") for day in days], last)


def lines_ahead(frames: Frames, rules: list, settings_on: SettingsOn, careful_on: set[date],
                days: int = ACUTE_DAYS, raised: Raised | None = None) -> Ahead:
    """The lines of the `days` days after the frames' as-of day, drawn by `rules` (those
    with a `line` or a `climb_line`), each day with the settings `settings_on(day)` gives
    (the stricter ones on the days of `careful_on`). `raised` judges a spread past a
    week ahead (needed when `days` is over 7)."""
    as_of = frames.as_of
    first, last = as_of + timedelta(days=1), as_of + timedelta(days=days)
    # A run's km stays in the sums of the 7 days from its own: lines are drawn that far.
    drawn_to = max(last, first + timedelta(days=ACUTE_DAYS - 1))
    out = Ahead(as_of, days, None, None)
    out.careful_until = max(d for d in careful_on if d <= last) if careful_on & _days(first, last) else None
    future = with_days_ahead(frames, first, drawn_to)
    by_day = {day: settings_on(day) for day in _days(first, drawn_to)}
    long_day = _long_run_day(frames, first, last)
    # Per day: (line, drawn with stricter settings). A one-run line is asked only for
    # the runs the answer names: the next one and the usual long run's.
    lines = {day: [(line, day in careful_on and bool(getattr(r, "careful", None))) for r in rules
                   if hasattr(r, "line") and (day in (first, long_day) or not getattr(r, "one_run_line", False))
                   and (line := r.line(future, by_day[day][r.id], day)) is not None]
             for day in sorted(by_day)}

    # The next run: its day's one-run lines, and each sum line of the 7 days its km
    # stays in. A rule already over without it (the 7 days still hold last week's
    # running) is told, not counted.
    out.run_lines, over = _one_run(lines, first)
    out.terrain_lines, terrain_over = _run_lines([(line, c) for line, c in lines[first] if line.terrain])
    out.already_over += over + [(rule, first) for rule in terrain_over]
    if out.run_lines:
        out.longest_run_km = min(s.km for s in out.run_lines)
        out.climb_lines = _climb_lines(future, rules, by_day[first], first, out.longest_run_km)

    # The days: X km spread evenly puts X*k/days into a sum drawn on the k-th day of
    # the first week (its sums hold only running already done besides).
    caps: dict[str, Said] = {}
    for k, day in enumerate(sorted(_days(first, last))[:ACUTE_DAYS], start=1):
        for line, careful in lines[day]:
            if not line.sums or line.terrain:
                continue  # a one-run line caps each run, not the days' total
            if line.crossed_by(0.0):
                out.already_over.append((line.rule, day))
                continue
            cap = num.km_under(line.km * days / k, line.at_line)
            if line.rule not in caps or cap < caps[line.rule].km:
                caps[line.rule] = _said(line, cap, careful)
    out.week_lines = list(caps.values())
    if days > ACUTE_DAYS and raised is not None:
        summed = {line.rule: (line, careful) for day in sorted(_days(first, last)) for line, careful in lines[day]
                  if line.sums and not line.terrain and not line.crossed_by(0.0)}
        out.week_lines = _searched(out.week_lines, summed, raised, first, days)
    if out.week_lines:
        out.week_km = min(s.km for s in out.week_lines)
    out.already_over = _last_days(out.already_over)
    if long_day is not None:
        said, _ = _one_run(lines, long_day)
        out.long_run = long_day, (min(s.km for s in said) if said else None)
    if not out.run_lines and not out.week_lines:
        out.silent = _why_silent(frames)
    return out


def _days(first: date, last: date) -> set[date]:
    return set(pd.date_range(first, last, freq="D").date)


def _one_run(lines: dict[date, list[tuple[Line, bool]]], day: date) -> tuple[list[Said], list[tuple[str, date]]]:
    """The lines one run on `day` must stay under, a Said per rule: the one-run lines of
    its day and the sum lines of the 7 days from it (as far as they are drawn); and
    (rule, day) where a rule is over without it."""
    best: dict[str, Said] = {}
    over = []
    for d in sorted(lines):
        if not day <= d < day + timedelta(days=ACUTE_DAYS):
            continue
        for drawn, careful in lines[d]:
            line = None if drawn.terrain else drawn.for_run_days_before((d - day).days)
            if line is None:
                continue
            if line.crossed_by(0.0):
                over.append((line.rule, d))
                continue
            said = _said(line, num.km_under(line.km, line.at_line), careful)
            if line.rule not in best or said.km < best[line.rule].km:
                best[line.rule] = said
    return list(best.values()), over


def _run_lines(lines: list[tuple[Line, bool]]) -> tuple[list[Said], list[str]]:
    """The lines one run on a day must stay under, and the rules already over without it."""
    said, over = [], []
    for line, careful in lines:
        if line.crossed_by(0.0):
            over.append(line.rule)
        else:
            said.append(_said(line, num.km_under(line.km, line.at_line), careful))
    return said, over


def _climb_lines(future: Frames, rules: list, settings: dict, day: date, run_km: float) -> list[ClimbSaid]:
    """The climb a run of `run_km` on `day` may have before each climb rule speaks."""
    out = []
    for r in rules:
        line = r.climb_line(future, settings[r.id], day) if hasattr(r, "climb_line") else None
        most = line.most_climb(run_km) if line is not None else None
        if most is not None and most > 0:
            out.append(ClimbSaid(line.rule, run_km, num.metres_under(most, True), line.why, line.evidence))
    return out


def spread(first: date, days: int, km: float) -> list[Session]:
    """`km` run evenly over `days` days from `first`, a run each day: what the total assumes."""
    return [Session(first + timedelta(days=k), km / days, "run", "") for k in range(days)]


def _searched(week_lines: list[Said], summed: dict[str, tuple[Line, bool]], raised: Raised, first: date,
              days: int) -> list[Said]:
    """The total past a week ahead, the rules judging the spread: the first week's lines
    when the later days stay under too, else the most (to 0.1 km) under every day's line."""
    last = first + timedelta(days=days - 1)
    rules = set(summed)
    if not rules:
        return week_lines

    def found(km: float) -> set[str]:
        return raised(spread(first, days, km), last, rules)

    high = min((s.km for s in week_lines), default=MOST_KM_SEARCHED)
    over = found(high)
    if not over:
        return week_lines
    low = 0.0   # km steps of 0.1 between a total under every line and one over one
    while round(high - low, 1) > 0.1:
        mid = round((low + high) / 2, 1)
        now = found(mid)
        if now:
            high, over = mid, now
        else:
            low = mid
    rule = sorted(over)[0]
    line, careful = summed[rule]
    why = (f"every 7 days to {last.isoformat()} kept under its line, judged by the rule itself with the "
           "running of the days before in its base")
    kept = [s for s in week_lines if s.rule != rule and s.km <= low]
    return kept + [Said(rule, low, why, careful, {}, None)]


def _said(line: Line, km: float, careful: bool) -> Said:
    return Said(line.rule, km, line.why, careful, line.evidence, line.terrain)


def _last_days(over: list[tuple[str, date]]) -> list[tuple[str, date]]:
    last: dict[str, date] = {}
    for rule, day in over:
        last[rule] = max(day, last.get(rule, day))
    return sorted(last.items())


def _long_run_day(frames: Frames, first: date, last: date) -> date | None:
    """The runner's usual long-run day among the days ahead: the weekday most often
    clearly the longest of its week in the last 8 weeks."""
    runs = frames.last_days(8 * 7)
    per_day = runs.groupby("day")["distance_km"].sum()
    by_week = per_day.groupby(per_day.index.to_period("W"))
    # a week's long-run day: the day clearly longest that week (a tie names none)
    top = by_week.nlargest(2).groupby(level=0)
    clear = [days.index[0][1] for _, days in top if len(days) == 1 or days.iloc[0] > days.iloc[1]]
    if not clear:
        return None
    weekday = int(pd.Series([d.day_of_week for d in clear]).mode().iloc[0])
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    return day if day <= last else None


def _why_silent(frames: Frames) -> str:
    if frames.first_day is None:
        return "no runs on record yet"
    if frames.runs.empty:
        return f"no runs in the {HORIZON_DAYS} days before, so nothing to compare with: start gently"
    if (frames.as_of - frames.first_day).days < 31:
        return "less than a month of history: the rules need one to compare with"
    return "too little recent running for the rules to compare with"
