"""The digest as one e-mail, ready for `sendmail -t`: built with the standard library's
`email` package, sent by nothing of ours.

multipart/alternative
├── text/plain               the digest written for reading: sentences and short lists
└── multipart/related
    ├── text/html            the HTML digest, every style inline (Gmail and Outlook drop
    │                        style sheets), its chart an <img src="cid:…" alt="…">
    └── image/png            the chart (many mail clients drop inline SVG)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from loadguard.digest import chart, page, status
from loadguard.digest.page import headline

if TYPE_CHECKING:
    from email.message import EmailMessage

    from loadguard.digest.weekly import Digest


def subject(d: "Digest") -> str:
    return f"loadguard {d.week.label}: {headline(d)}"


def push(d: "Digest") -> tuple[str, str]:
    """The digest as a push message: its subject, and the status block in three lines."""
    st = status.of(d)
    return subject(d), f"{st.word.capitalize()}. {st.sentence}\n{st.versus}.\n{st.next_text}"


def message(d: "Digest", *, to: str, sender: str) -> "EmailMessage":
    """The message for `d`, dated now."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    # the sender's own domain, so make_msgid never asks DNS for this machine's name
    domain = sender.rsplit("@", 1)[-1].strip(" >")
    chart_id = make_msgid("chart", domain=domain)

    msg = EmailMessage()
    msg["Subject"] = subject(d)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid("digest", domain=domain)
    # quoted-printable keeps every line short whatever the HTML holds, as SMTP requires
    msg.set_content(page.text(d), cte="quoted-printable")
    msg.add_alternative(page.html(d, chart_cid=chart_id[1:-1], mail=True), subtype="html",
                        cte="quoted-printable")
    msg.get_payload()[1].add_related(chart.png_bytes(d.chart, d.load, usual_km=d.usual_km), "image", "png",
                                     cid=chart_id,
                                     filename=f"loadguard-{d.week.label}.png", disposition="inline")
    return msg
