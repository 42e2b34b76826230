from __future__ import annotations

import click

from loadguard.errors import LoadguardError


@click.command()
def auth() -> None:
    """(being built)"""
    raise LoadguardError("auth is not available yet")
