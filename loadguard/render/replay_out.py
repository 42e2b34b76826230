"""`loadguard replay` as a month-by-month table (text) or JSON."""

from __future__ import annotations

from loadguard import numbers as num
from loadguard.assess.cron_replay import SYMPTOM_LOOKBACK_DAYS, Replay
from loadguard.model import Severity
from loadguard.render.printable import json_text
from loadguard.render.width import wrap

LEVELS = tuple(s.label for s in Severity)


def _cells(lines) -> str:
    return ", ".join(f"{rule} {sev} {n}" for (rule, sev), n in sorted(lines.items())) or "-"


def render_text(r: Replay) -> str:
    out = wrap(f"loadguard replay {r.first} .. {r.last}: check --new --min-severity {r.min_severity.label}, "
               "once a day", "", "  ") + [""]
    out.append(f"{'month':<9}{'runs':>5}{'mail days':>10}{'lines':>6}  per rule and severity")
    for m in r.months:
        # the per-rule cells wrap under their own column
        out.extend(wrap(f"{m.month:<9}{m.running_days:>5}{m.mail_days:>10}{sum(m.lines.values()):>6}  "
                        f"{_cells(m.lines)}", "", " " * 32))
    out.append("")
    per_month = r.mail_days_per_running_month
    out.append(f"{num.count_text(r.mail_days, 'mail day')} in {num.count_text(r.running_months, 'month')} "
               "with running"
               + (f": {per_month:.2f} a month" if per_month is not None else ""))
    totals = r.lines
    out.append(f"{'rule':<26}" + "".join(f"{lv:>7}" for lv in LEVELS))
    for rule in sorted({rule for rule, _ in totals}):
        out.append(f"{rule:<26}" + "".join(f"{totals[(rule, lv)]:>7}" for lv in LEVELS))
    if r.symptoms:
        out += ["", *wrap(f"symptoms logged, and what was mailed in the {SYMPTOM_LOOKBACK_DAYS} days before each")]
        for mark in r.symptoms:
            told = ", ".join(f"{d} {w.rule} {w.severity.label}" for d, w in mark.before) or "nothing"
            out.extend(wrap(f"{mark.day}  {mark.text}: {told}", "", " " * 12))
    return "\n".join(out) + "\n"


def _by_rule(lines) -> dict:
    out: dict[str, dict[str, int]] = {}
    for (rule, sev), n in sorted(lines.items()):
        out.setdefault(rule, {})[sev] = n
    return out


def render_json(r: Replay) -> str:
    # the mailed findings' messages carry names: control characters escaped, as everywhere
    return json_text({
        "from": r.first.isoformat(),
        "to": r.last.isoformat(),
        "min_severity": r.min_severity.label,
        "months": [{"month": m.month, "running_days": m.running_days, "mail_days": m.mail_days,
                    "lines": sum(m.lines.values()), "by_rule": _by_rule(m.lines)} for m in r.months],
        "total": {"running_months": r.running_months, "mail_days": r.mail_days,
                  "mail_days_per_running_month": None if r.mail_days_per_running_month is None
                  else round(r.mail_days_per_running_month, 2),
                  "lines": sum(r.lines.values()), "by_rule": _by_rule(r.lines)},
        "mailed": [{"day": d.isoformat(), "id": w.id, "rule": w.rule, "severity": w.severity.label,
                    "subject": w.subject, "message": w.message} for d, w in r.mailed],
        "symptoms": [{"day": m.day.isoformat(), "symptom": m.text,
                      "mailed_before": [{"day": d.isoformat(), "id": w.id, "rule": w.rule,
                                         "severity": w.severity.label} for d, w in m.before]}
                     for m in r.symptoms],
    })
