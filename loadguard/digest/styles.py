"""The digest's look, in one place: each class's light-mode style, written once.

The page gets them as a style sheet (`sheet()`), with what only a browser honours
added: dark mode, a phone's width, paper. The e-mail gets the same declarations
inline on each element (`attrs(..., inline=True)`), because Gmail's app and
Outlook drop `<style>` blocks and media queries: a message reads the same
without them.

Every text colour meets WCAG AA (4.5:1) on the background it sits on, in both
schemes; severity is always a word on its tag as well as a colour.
"""

from __future__ import annotations

from markupsafe import Markup, escape

INK, MUTED, PAGE, CARD, LINE = "#1d1d1f", "#565a60", "#ffffff", "#f5f5f7", "#d8d8dc"
# The tag colours carry white text (6.4:1 or better); in dark mode they turn light with dark text.
LEVEL = {"symptom": "#8e1b10", "alert": "#b3261e", "warn": "#8a4b00", "info": "#1f5fa8", "ok": "#1e6b37"}
DARK_LEVEL = {"symptom": "#ffb4a8", "alert": "#ff8a7a", "warn": "#f0b34a", "info": "#8ab4f0", "ok": "#6fcf8f"}
# status word -> the level whose colour it wears
STATUS_LEVEL = {"stop and listen": "symptom", "caution": "warn", "building": "info", "steady": "ok"}

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

STYLES: dict[str, str] = {
    "body": f"margin:0;padding:0;background:{PAGE};color:{INK};font:16px/1.45 {FONT}",
    "wrap": "max-width:46rem;margin:0 auto;padding:12px 14px 24px",
    "kicker": f"margin:0;font-size:14px;color:{MUTED}",
    "headline": f"margin:4px 0 10px;font-size:22px;line-height:1.25;color:{INK}",
    "status": f"margin:0 0 14px;padding:12px 14px;border-radius:8px;background:{CARD};border-left:6px solid {MUTED}",
    "word": ("display:inline-block;margin:0 0 6px;padding:2px 10px;border-radius:4px;color:#ffffff;"
             "font-size:15px;font-weight:700;letter-spacing:0.04em;text-transform:uppercase"),
    "status-line": f"margin:4px 0;color:{INK}",
    "next": f"margin:6px 0 0;color:{INK};font-weight:700",
    "h2": f"margin:22px 0 8px;padding-bottom:3px;font-size:19px;border-bottom:2px solid {LINE};color:{INK}",
    "card": (f"margin:0 0 10px;padding:10px 12px;background:{CARD};border-left:5px solid {MUTED};"
             "border-radius:0 8px 8px 0"),
    "card-top": f"margin:0 0 4px;font-size:14px;color:{MUTED}",
    "tag": ("display:inline-block;padding:1px 7px;border-radius:4px;color:#ffffff;font-size:13px;"
            "font-weight:700;letter-spacing:0.04em"),
    "card-title": f"margin:2px 0 4px;font-size:17px;line-height:1.3;color:{INK}",
    "p": f"margin:4px 0;color:{INK}",
    "small": f"margin:4px 0;font-size:14px;color:{MUTED}",
    "table": "width:100%;margin:6px 0;border-collapse:collapse;font-variant-numeric:tabular-nums",
    "th": f"padding:5px 6px;border-bottom:1px solid {LINE};text-align:left;font-size:14px;color:{MUTED};font-weight:600",
    "th-num": (f"padding:5px 6px;border-bottom:1px solid {LINE};text-align:right;white-space:nowrap;font-size:14px;"
               f"color:{MUTED};font-weight:600"),
    "th-row": f"padding:5px 6px;border-bottom:1px solid {LINE};text-align:left;font-weight:600;color:{INK}",
    "td": f"padding:5px 6px;border-bottom:1px solid {LINE};text-align:left;vertical-align:top;color:{INK}",
    "num": f"padding:5px 6px;border-bottom:1px solid {LINE};text-align:right;white-space:nowrap;color:{INK}",
    "runs": f"margin:2px 0 0;padding-left:18px;font-size:14px;color:{MUTED}",
    "bar": f"height:8px;min-width:48px;background:{LINE};border-radius:4px;overflow:hidden",
    "chart-img": "display:block;margin:0 auto;max-width:100%;height:auto",
    "caption": f"margin:6px 0 0;font-size:14px;color:{MUTED}",
    "list": "margin:4px 0;padding-left:20px",
    "footer": f"margin-top:24px;padding-top:8px;border-top:1px solid {LINE};font-size:14px;color:{MUTED}",
}
for _level, _colour in LEVEL.items():
    STYLES[f"card-{_level}"] = f"border-left-color:{_colour}"
    STYLES[f"tag-{_level}"] = f"background:{_colour}"
    STYLES[f"status-{_level}"] = f"border-left-color:{_colour}"
    STYLES[f"bar-{_level}"] = f"display:block;height:8px;background:{_colour}"


def attrs(*names: str, inline: bool = False, extra: str = "") -> Markup:
    """` class="a b"`, and in an e-mail ` style="…"` with the classes' declarations;
    `extra` declarations (a bar's width) go inline in both."""
    names = tuple(n for n in names if n)
    out = f' class="{escape(" ".join(names))}"'
    declarations = [STYLES[n] for n in names if n in STYLES] if inline else []
    if extra:
        declarations.append(extra)
    if declarations:
        out += f' style="{escape(";".join(declarations))}"'
    return Markup(out)


def _dark() -> str:
    rules = [
        "body, .body { background:#141416; color:#e6e6e9; }",
        ".kicker, .card-top, .small, .th, .th-num, .runs, .caption, .footer { color:#a9adb3; }",
        ".headline, .status-line, .next, .h2, .card-title, .p, .th-row, .td, .num { color:#e6e6e9; }",
        ".status, .card { background:#222327; }",
        ".h2, .th, .th-num, .th-row, .td, .num { border-color:#3a3b40; }",
        ".bar { background:#3a3b40; }",
        ".word, .tag { color:#141416; }",
        ".chart-light { display:none !important; }",
    ]
    for level, colour in DARK_LEVEL.items():
        rules.append(f".card-{level}, .status-{level} {{ border-left-color:{colour}; }} "
                     f".tag-{level} {{ background:{colour}; }} .bar-{level} {{ background:{colour}; }}")
    return "\n".join(rules)


def sheet() -> str:
    """The page's style sheet: every class above, then what needs a browser."""
    base = "\n".join(f".{name} {{ {decl}; }}" for name, decl in STYLES.items())
    return f"""{base}
* {{ box-sizing: border-box; }}
.word, .tag {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.chart svg {{ display:block; width:100%; height:auto; }}
.chart {{ margin:0 auto; }}
.chart-narrow {{ display:none; max-width:28rem; }} .chart-wide {{ display:block; max-width:44rem; }}
.chart-dark {{ display:none; }}
@media (max-width: 40rem) {{
  .chart-narrow.chart-light {{ display:block; }} .chart-wide.chart-light {{ display:none; }}
}}
@media (prefers-color-scheme: dark) {{
{_dark()}
  .chart-wide.chart-dark {{ display:block; }}
}}
@media (prefers-color-scheme: dark) and (max-width: 40rem) {{
  .chart-wide.chart-dark {{ display:none; }} .chart-narrow.chart-dark {{ display:block; }}
}}
@media print {{
  @page {{ margin: 11mm; }}
  html {{ font-size: 9pt; }}
  body, .body {{ font-size: 9pt; line-height: 1.3; background:#fff; color:#000; }}
  .wrap {{ max-width:none; padding:0; }}
  .headline {{ font-size: 15pt; margin: 2pt 0 5pt; }}
  .h2 {{ font-size: 11pt; margin: 7pt 0 3pt; }}
  .card-title {{ font-size: 10pt; }}
  .kicker, .card-top, .small, .th, .th-num, .runs, .caption, .footer {{ font-size: 8pt; }}
  .status {{ padding: 5pt 8pt; margin-bottom: 5pt; }}
  .card {{ padding: 4pt 7pt; margin: 0 0 5pt; break-inside: avoid; }}
  .h2, .card-title {{ break-after: avoid; }}
  #items {{ columns: 2; column-gap: 6mm; }}
  #items .h2 {{ column-span: all; }}
  #totals {{ float: left; width: 48%; }}
  #chart {{ margin-left: 52%; }}
  #shoes, #checklist, .footer {{ clear: both; }}
  #checklist ul {{ columns: 2; column-gap: 6mm; }}
  .th, .th-num, .th-row, .td, .num {{ padding: 1.5pt 4pt; }}
  tr, figure, li {{ break-inside: avoid; }}
  .chart-dark, .chart-wide {{ display:none !important; }}
  .chart-narrow.chart-light {{ display:block !important; max-width:none; }}
  .caption, .weeks {{ display:none; }}
  .footer {{ margin-top: 8pt; }}
}}"""
