"""E-mail addresses as a runner types them: in config.toml's `[digest]` or as flags."""

from __future__ import annotations

import re

# local@domain with a dot in the domain: enough to catch a typo or a missing value,
# without trying to be the full RFC 5322 grammar (the MTA judges deliverability).
_ADDRESS = re.compile(r"[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]+")


def problem(text: str | None) -> str | None:
    """Why `text` is not one or more comma-separated addresses; None when it is (or is not given).

    `Name <you@example.com>` is accepted too; a line break never is, since it would
    end the header and start another one in the message.
    """
    from email.utils import getaddresses

    if text is None:
        return None
    if "\n" in text or "\r" in text:
        return "must be on one line"
    pairs = getaddresses([text])
    if not pairs or any(not _ADDRESS.fullmatch(addr) for _, addr in pairs):
        return "must be an e-mail address such as you@example.com (several: comma-separated)"
    return _header_problem(text)


def _header_problem(text: str) -> str | None:
    """What the message's header itself refuses: an RFC 2047 encoded word (`=?utf-8?q?=0A?=`)
    passes the checks above as typed and decodes to a line break only there."""
    from email.message import EmailMessage

    try:
        EmailMessage()["To"] = text
    except (ValueError, TypeError, IndexError):
        return "must be on one line (an encoded word in it decodes to a line break)"
    return None
