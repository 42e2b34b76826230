"""Push a message where the runner already looks: the `[notify] urls` of config.toml,
delivered through Apprise (ntfy, Telegram, Matrix, Signal, Discord, e-mail and many
more, each named by a URL).

Each URL is tried on its own, so one service down does not hide another's
success: the caller learns whether the message reached at least one, and the
services that failed are named by their scheme only (a URL holds its token).
Apprise is imported here, on use: `--help` and the light commands never load it.
"""

from __future__ import annotations

from dataclasses import dataclass

from loadguard.errors import EXIT_FAILURE, EXIT_USAGE, LoadguardError


@dataclass(frozen=True)
class Delivery:
    delivered: int               # services that took the message
    failed: list[str]            # each failing service, by its scheme ("ntfy", "json")

    @property
    def anywhere(self) -> bool:
        return self.delivered > 0


def service(url: str) -> str:
    """The part of a URL safe to show: its scheme."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return scheme if scheme.isidentifier() else "a URL"


def send(urls: list[str], title: str, body: str) -> Delivery:
    """Send `title` and `body` to each URL; never raises for a service's fault."""
    import logging

    import apprise

    # Apprise logs each failure (with the URL, token and all) through `logging`; the
    # one line the runner sees is ours.
    logger = logging.getLogger("apprise")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    delivered, failed = 0, []
    try:
        for url in urls:
            one = apprise.Apprise()
            try:
                ok = one.add(url) and bool(one.notify(title=title, body=body))
            except Exception:   # a plugin's own fault is a failed delivery, not a traceback
                ok = False
            if ok:
                delivered += 1
            else:
                failed.append(service(url))
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
    return Delivery(delivered, failed)


def missing_urls() -> LoadguardError:
    return LoadguardError("--notify needs urls under [notify] in config.toml (Apprise URLs such as "
                          "ntfy://ntfy.sh/your-topic)", exit_code=EXIT_USAGE)


def failure(delivery: Delivery, unsent: str = "") -> LoadguardError:
    """The one line for services that did not take the message; `unsent` says what
    happens to a message that reached none."""
    names = ", ".join(dict.fromkeys(delivery.failed))
    if delivery.anywhere:
        text = f"notify: delivered to {delivery.delivered} service(s), but {len(delivery.failed)} failed ({names})"
    else:
        text = f"notify: could not deliver to any of {len(delivery.failed)} service(s) ({names})" + \
            (f"; {unsent}" if unsent else "")
    return LoadguardError(text, exit_code=EXIT_FAILURE)
