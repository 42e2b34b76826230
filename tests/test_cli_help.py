"""`loadguard --help`: every command listed in one untruncated line, without loading any."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from loadguard.cli import COMMANDS, cli


def test_help_lists_every_command_with_the_line_its_own_help_shows():
    listing = CliRunner().invoke(cli, ["--help"]).output
    rows = listing.split("Commands:\n", 1)[1].splitlines()
    shown = dict(row.strip().split(None, 1) for row in rows if row.strip())
    assert list(shown) == list(COMMANDS)
    for name, line in shown.items():
        assert not line.endswith("..."), line
        command = cli.get_command(None, name)
        assert command.get_short_help_str(limit=200) == line


def test_help_imports_no_command_module():
    code = ("import sys; from loadguard.cli import main; sys.argv = ['loadguard', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('loadguard.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"
