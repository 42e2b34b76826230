"""What `check --new` has told the runner: a finding is news when it starts, and
again only when it clearly worsens.

The same ledger serves the real `reported` table (`check --new`) and the
in-memory one of `loadguard replay`, so both judge "new" alike.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Iterable, Mapping

from loadguard import numbers as num
from loadguard.model import Warning

# A finding is told again when its number grows this much past the one reported
# (a week of 40 km becomes 50 km); smaller drifts are the same news.
WORSE_BY = 1.25

# Which evidence number says how bad a finding is comes from its rule (`magnitude`),
# for the rules whose severity alone does not follow it; such a finding is told again
# only when that number grows, whatever its severity does. Comebacks, trail and
# climbing grow with every run of the week they are about, and shoes by the run: those
# declare none and are told again only at a higher severity, or each run of a trail
# week would be a mail.


def magnitude(key: str | None, evidence: Mapping[str, Any]) -> float | None:
    value = evidence.get(key) if key else None
    return float(value) if isinstance(value, (int, float)) else None


# A growing episode is told again at most this often: its first mail is still fresh.
RETELL_DAYS = 7


class Ledger:
    """Finding id -> (highest severity told, magnitude told, day told as of); `keys` is
    rule id -> the evidence key its rule declares as `magnitude`."""

    def __init__(self, keys: Mapping[str, str],
                 told: dict[str, tuple[int, float | None, str | date | None]] | None = None):
        self.keys = keys
        self.told = {k: (sev, mag, date.fromisoformat(on) if isinstance(on, str) else on)
                     for k, (sev, mag, on) in (told or {}).items()}

    def magnitude(self, rule: str, evidence: Mapping[str, Any]) -> float | None:
        return magnitude(self.keys.get(rule), evidence)

    def is_news(self, w: Warning, day: date) -> bool:
        before = self.told.get(w.id)
        if before is None:
            return True
        severity, then, told_on = before
        now = self.magnitude(w.rule, w.evidence)
        # a report from before the day was kept holds a number of another kind: severity decides
        if now is not None and then is not None and then > 0 and told_on is not None:
            return round(now - then * WORSE_BY, 6) >= 0 and (day - told_on).days >= RETELL_DAYS
        return int(w.severity) > severity

    def news(self, warnings: Iterable[Warning], day: date) -> list[Warning]:
        """The warnings to tell as of `day`, each one told before saying it updates that telling."""
        return [w if w.id not in self.told else retold(w) for w in warnings if self.is_news(w, day)]

    def record(self, warnings: Iterable[Warning], day: date) -> list[tuple[str, str, str, int, float | None, str]]:
        """Remember `warnings` (and the findings folded into them) as told on `day`; returns the
        store rows."""
        rows = []
        for w in warnings:
            rows.append((w.id, w.rule, w.subject, int(w.severity), self.magnitude(w.rule, w.evidence),
                         day.isoformat()))
            for also in w.evidence.get("also", ()):
                rows.append((also["id"], also["rule"], also["subject"], int(w.severity),
                             self.magnitude(also["rule"], also["evidence"]), day.isoformat()))
        for ident, _, _, severity, value, _ in rows:
            old = self.told.get(ident, (0, None, None))
            self.told[ident] = (max(old[0], severity), value if value is not None else old[1], day)
        return rows


def retold(w: Warning) -> Warning:
    """`w` told again: its message says so, and for a build-up which one ("Same build-up
    as Mon 3 Mar, now 1.87x.")."""
    try:
        since = date.fromisoformat(w.subject)
    except ValueError:
        since = None
    when = f"{since.strftime('%a')} {since.day} {since.strftime('%b')}" if since else ""
    if since and "ratio" in w.evidence:
        return replace(w, message=f"Same build-up as {when}, now {num.ratio_text(w.evidence['ratio'])}x. "
                                  f"{w.message}")
    return replace(w, message=f"Update{' on ' + when if since else ''}: {w.message}")
