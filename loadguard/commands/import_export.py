from __future__ import annotations

import click

from loadguard.errors import LoadguardError


@click.command("import")
@click.argument("path")
def import_cmd(path: str) -> None:
    """(being built)"""
    raise LoadguardError("import is not available yet")
