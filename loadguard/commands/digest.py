from __future__ import annotations

import click

from loadguard.errors import LoadguardError


@click.command()
def digest() -> None:
    """(being built)"""
    raise LoadguardError("digest is not available yet")
