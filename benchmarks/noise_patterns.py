"""Issue 15's yardsticks, read off a history and what the cron line mailed on it.

Four noise patterns among the mailed lines (a coach reading the mails with the
runner's weeks beside them would call these noise):

- `repeat`: a line of a rule that already told the same episode within the 7 days
  before, while the 7-day km did not grow 1.25x since then;
- `week after spike`: a weekly-load line 1-6 days after a mailed spike whose run is
  still inside the week;
- `30-day memory`: a spike on a run with one at least 90% as long 31-60 days before;
- `small alert`: an ALERT spike on a run under 10 km, or under 5 km over its reference.

Three classes of clear risk, each caught when a warn-or-above line about it was
mailed by the end of its window (or, for a weekly jump, the finding holding then
had been mailed already):

- `spike`: a run >= 1.5x the longest of the 30 days before (that one >= 5 km) and
  >= 5 km more, 30 days or more into the history; window: its day and the next;
- `week jump`: 7 days >= 1.5x the mean of the four 7-day blocks before, each within
  +-25% of their mean, the mean >= 10 km; window: the days it holds;
- `comeback`: >= 21 days off after 4 weeks averaging >= 10 km, then a first week back
  >= 50% of that; window: the first week back.

Definitions come from the issue, computed from the runs, never from the rules'
own numbers, so a rule change cannot move the yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

SPIKE = "volume.long_run_spike"
WEEKLY = "volume.weekly_load"
COMEBACK = "volume.comeback"
# rules whose finding is an episode (subject: its first day): a second mail of the
# same rule soon after is the same story told again
EPISODE_RULES = {WEEKLY, COMEBACK, "terrain.trail_switch", "terrain.climb_jump", "shoes.untracked"}
PATTERNS = ("repeat", "week after spike", "30-day memory", "small alert")
CLASSES = ("spike", "week jump", "comeback")


@dataclass(frozen=True)
class Line:
    """One mailed line: the warning, with the findings folded into it."""

    day: date
    rule: str
    severity: str
    subject: str
    evidence: dict
    told: frozenset            # (rule, subject) of the line and of each finding folded into it

    @classmethod
    def of(cls, day: date, w) -> "Line":
        told = {(w.rule, w.subject)} | {(a["rule"], a["subject"]) for a in w.evidence.get("also", ())}
        return cls(day, w.rule, w.severity.label, w.subject, w.evidence, frozenset(told))

    @property
    def rules(self) -> set[str]:
        return {r for r, _ in self.told}


@dataclass
class Verdict:
    lines: int = 0
    patterns: dict[str, list[Line]] = field(default_factory=lambda: {p: [] for p in PATTERNS})
    risks: dict[str, list[tuple[date, bool]]] = field(default_factory=lambda: {c: [] for c in CLASSES})

    @property
    def noisy(self) -> int:
        return len({id(x) for found in self.patterns.values() for x in found})

    def summary(self) -> str:
        n = max(self.lines, 1)
        out = [f"noise: {self.noisy} of {self.lines} mailed lines ({100 * self.noisy / n:.1f}%) in a pattern; "
               + "; ".join(f"{p} {len(v)} ({100 * len(v) / n:.1f}%)" for p, v in self.patterns.items())]
        out.append("risks caught: " + "; ".join(
            f"{c} {sum(ok for _, ok in v)}/{len(v)}" + (f" ({100 * sum(ok for _, ok in v) / len(v):.0f}%)" if v else "")
            for c, v in self.risks.items()))
        missed = [f"{c} {d}" for c, v in self.risks.items() for d, ok in v if not ok]
        if missed:
            out.append("  missed: " + ", ".join(missed[:12]) + (" ..." if len(missed) > 12 else ""))
        return "\n".join(out)


def running(runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Runs (id, day, km) sorted, and km per day over the whole span, rest days 0."""
    runs = runs.sort_values(["day", "id"]).reset_index(drop=True)
    per_day = runs.groupby("day")["km"].sum()
    days = pd.date_range(per_day.index[0] - pd.Timedelta(days=70), per_day.index[-1] + pd.Timedelta(days=14))
    return runs, per_day.reindex(days, fill_value=0.0)


def judge(runs: pd.DataFrame, mailed: list, findings: dict) -> Verdict:
    """`runs`: id, day (Timestamp), km; `mailed`: (day, Warning) as replay mailed them;
    `findings`: day -> that day's warnings (check.findings_by_day), for risks told earlier."""
    runs, daily = running(runs)
    week = daily.rolling(7, min_periods=1).sum()
    lines = [Line.of(d, w) for d, w in mailed]
    v = Verdict(lines=len(lines))
    _patterns(v, lines, runs, week)
    told_by: dict[tuple, date] = {}
    for x in lines:
        for key in x.told:
            told_by.setdefault(key, x.day)
    _risks(v, runs, daily, week, findings, told_by)
    return v


def _patterns(v: Verdict, lines: list[Line], runs: pd.DataFrame, week: pd.Series) -> None:
    by_day = runs.groupby("day")["km"].max()
    run_day = dict(zip(runs["id"].astype(str), runs["day"]))

    def spike_days(x: Line) -> list[pd.Timestamp]:
        return [run_day[s] for r, s in x.told if r == SPIKE and s in run_day]

    for i, x in enumerate(lines):
        earlier = [y for y in lines[:i] if 0 < (x.day - y.day).days <= 7]
        now = week.get(pd.Timestamp(x.day), 0.0)
        same = [y for y in earlier if (x.rule in EPISODE_RULES and x.rule in y.rules)
                or (x.rule, x.subject) in y.told]
        if same and all(now < 1.25 * week.get(pd.Timestamp(y.day), 0.0) for y in same):
            v.patterns["repeat"].append(x)
        if x.rule == WEEKLY and any((x.day - y.day).days <= 6 and 0 <= (pd.Timestamp(x.day) - d).days <= 6
                                    for y in earlier for d in spike_days(y)):
            v.patterns["week after spike"].append(x)
        if x.rule == SPIKE:
            [day] = spike_days(x)
            km = x.evidence["distance_km"]
            before = by_day[(by_day.index >= day - pd.Timedelta(days=60))
                            & (by_day.index <= day - pd.Timedelta(days=31))]
            if not before.empty and before.max() >= 0.9 * km:
                v.patterns["30-day memory"].append(x)
            reference = x.evidence.get("reference_km", x.evidence.get("previous_longest_km"))
            if x.severity == "alert" and (km < 10 or km - reference < 5):
                v.patterns["small alert"].append(x)


def _risks(v: Verdict, runs: pd.DataFrame, daily: pd.Series, week: pd.Series, findings: dict,
           told_by: dict) -> None:
    def told(keys, by: date) -> bool:
        return any(k in told_by and told_by[k] <= by for k in keys)

    def finding_keys(day: date, rules: set[str], run_ids: set[str] | None = None) -> set:
        out = set()
        for w in findings.get(day, []):
            if w.severity.label not in ("warn", "alert"):
                continue
            parts = [(w.rule, w.subject)] + [(a["rule"], a["subject"]) for a in w.evidence.get("also", ())]
            if any(r in rules and (run_ids is None or r != SPIKE or s in run_ids) for r, s in parts):
                out.add((w.rule, w.subject))
        return out

    # spike: a run 1.5x and 5 km past the 30-day longest (>= 5 km)
    longest = runs.groupby("day")["km"].max().reindex(daily.index, fill_value=0.0)
    month = longest.rolling(30, min_periods=1).max().shift(1, fill_value=0.0)
    start = runs["day"].iloc[0] + pd.Timedelta(days=30)     # a month of history to measure against
    for r in runs.itertuples():
        ref = month.get(r.day, 0.0)
        if r.day >= start and ref >= 5 and r.km >= 1.5 * ref and r.km - ref >= 5:
            d = r.day.date()
            keys = {(SPIKE, str(r.id))}
            for day in (d, d + timedelta(days=1)):
                keys |= {k for k in finding_keys(day, {SPIKE}, {str(r.id)})}
            v.risks["spike"].append((d, told(keys, d + timedelta(days=1))))

    # week jump: 1.5x four stable 7-day blocks (each within 25% of their mean, >= 10 km)
    blocks = pd.concat([week.shift(7 * k) for k in range(1, 5)], axis=1)
    mean = blocks.mean(axis=1)
    stable = blocks.sub(mean, axis=0).abs().le(0.25 * mean, axis=0).all(axis=1)
    risky = (mean >= 10) & stable & (week >= 1.5 * mean)
    for first, last in _stretches(risky):
        keys: set = set()
        day = first
        while day <= last:
            ids = {str(i) for i in runs[(runs["day"] > pd.Timestamp(day - timedelta(days=7)))
                                        & (runs["day"] <= pd.Timestamp(day))]["id"]}
            keys |= finding_keys(day, {WEEKLY, SPIKE}, ids)
            day += timedelta(days=1)
        v.risks["week jump"].append((first, told(keys, last)))

    # comeback: 21+ days off after 10+ km weeks, a first week back at half of them
    run_days = sorted({d.date() for d in runs["day"]})
    for prev, back in zip(run_days, run_days[1:]):
        if (back - prev).days - 1 < 21:
            continue
        pre = daily[pd.Timestamp(prev - timedelta(days=27)):pd.Timestamp(prev)].sum() / 4
        first_week = daily[pd.Timestamp(back):pd.Timestamp(back + timedelta(days=6))].sum()
        if pre < 10 or first_week < 0.5 * pre:
            continue
        keys = set()
        for i in range(7):
            keys |= finding_keys(back + timedelta(days=i), {COMEBACK})
        v.risks["comeback"].append((back, told(keys, back + timedelta(days=6))))


def _stretches(flags: pd.Series) -> list[tuple[date, date]]:
    """(first, last) day of each run of consecutive True days."""
    days = [d.date() for d in flags.index[flags.to_numpy(dtype=bool)]]
    out: list[tuple[date, date]] = []
    for d in days:
        if out and (d - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def overall(verdicts: list[Verdict]) -> None:
    """The patterns and classes summed over several histories."""
    total = Verdict(lines=sum(v.lines for v in verdicts))
    for v in verdicts:
        for p in PATTERNS:
            total.patterns[p] += v.patterns[p]
        for c in CLASSES:
            total.risks[c] += v.risks[c]
    print("all runners: " + total.summary().replace("\n  missed:", "\n  missed (all runners):"))
