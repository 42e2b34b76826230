"""What `check --new` has told the runner: a finding is news when it starts, and
again only when it clearly worsens.

The same ledger serves the real `reported` table (`check --new`) and the
in-memory one of `loadguard replay`, so both judge "new" alike.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from loadguard.model import Warning

# A finding is told again when its number grows this much past the one reported
# (a week at ratio 1.6 becomes 2.0); smaller drifts are the same news.
WORSE_BY = 1.25

# Which evidence number says how bad a finding is comes from its rule (`magnitude`),
# for the rules whose severity alone does not follow it. Comebacks, trail and climbing
# grow with every run of the week they are about, and shoes by the run: those declare
# none and are told again only at a higher severity, or each run of a trail week would
# be a mail.


def magnitude(key: str | None, evidence: Mapping[str, Any]) -> float | None:
    value = evidence.get(key) if key else None
    return float(value) if isinstance(value, (int, float)) else None


class Ledger:
    """Finding id -> (highest severity told, magnitude told); `keys` is rule id -> the
    evidence key its rule declares as `magnitude`."""

    def __init__(self, keys: Mapping[str, str], told: dict[str, tuple[int, float | None]] | None = None):
        self.keys = keys
        self.told = dict(told or {})

    def magnitude(self, rule: str, evidence: Mapping[str, Any]) -> float | None:
        return magnitude(self.keys.get(rule), evidence)

    def is_news(self, w: Warning) -> bool:
        before = self.told.get(w.id)
        if before is None or int(w.severity) > before[0]:
            return True
        now, then = self.magnitude(w.rule, w.evidence), before[1]
        return now is not None and then is not None and then > 0 and round(now - then * WORSE_BY, 6) >= 0

    def news(self, warnings: Iterable[Warning]) -> list[Warning]:
        return [w for w in warnings if self.is_news(w)]

    def record(self, warnings: Iterable[Warning]) -> list[tuple[str, str, str, int, float | None]]:
        """Remember `warnings` (and the findings folded into them) as told; returns the store rows."""
        rows = []
        for w in warnings:
            rows.append((w.id, w.rule, w.subject, int(w.severity), self.magnitude(w.rule, w.evidence)))
            for also in w.evidence.get("also", ()):
                rows.append((also["id"], also["rule"], also["subject"], int(w.severity),
                             self.magnitude(also["rule"], also["evidence"])))
        for ident, _, _, severity, value in rows:
            old = self.told.get(ident, (0, None))
            self.told[ident] = (max(old[0], severity), value if value is not None else old[1])
        return rows
