"""What a detector produces: a Warning with a severity and a stable id."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    INFO = 1
    WARN = 2
    ALERT = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


# The subject a rule gives a finding that lasts while its condition holds (a jump in
# the weekly load, a run of weeks without a shoe): `loadguard.assess.episodes` replaces it
# with the first day of the episode, which is what makes the finding one finding.
EPISODE = "episode"


def fingerprint(rule: str, subject: str) -> str:
    """Stable id of a finding: the same rule on the same subject is one finding."""
    return hashlib.sha256(f"{rule}\x1f{subject}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the contract's own name for a finding
    rule: str
    severity: Severity
    date: date
    subject: str
    title: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    advice: str = ""
    reference: str = ""

    @property
    def id(self) -> str:
        return fingerprint(self.rule, self.subject)

    @property
    def family(self) -> str:
        return self.rule.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"] = self.severity.label
        out["date"] = self.date.isoformat()
        return {"id": self.id, **out}


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
