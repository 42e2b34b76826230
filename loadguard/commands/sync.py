from __future__ import annotations

import click

from loadguard.errors import LoadguardError


@click.command()
def sync() -> None:
    """(being built)"""
    raise LoadguardError("sync is not available yet")
