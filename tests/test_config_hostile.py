"""config.toml built to break the reader: one line on stderr, exit 3, for every command."""

from __future__ import annotations

import pytest

DEPTHS = {"arrays": lambda n: "x = " + "[" * n + "]" * n + "\n",
          "inline tables": lambda n: "x = " + "{a = " * n + "1" + "}" * n + "\n",
          "arrays holding tables": lambda n: "x = " + "[{a = " * n + "1" + "}]" * n + "\n"}


@pytest.mark.parametrize("shape", list(DEPTHS))
@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_config_is_one_line(run_cli, home, shape, depth):
    (home / "config.toml").write_text(DEPTHS[shape](depth))
    for args in (("check", "--as-of", "2026-11-22"), ("shoes",)):
        result = run_cli(*args)
        assert result.exit_code == 3, result.stderr
        assert result.stderr.startswith(f"loadguard: {home / 'config.toml'}: not valid TOML")
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("zone", ["America", "Europe/", "America/../America", "/etc/passwd", "."])
def test_a_folder_or_path_as_the_config_timezone_is_one_line(run_cli, home, zone):
    (home / "config.toml").write_text(f'timezone = "{zone}"\n')
    result = run_cli("check", "--as-of", "2026-11-22")
    assert result.exit_code == 3
    assert "is not a known IANA time zone" in result.stderr and result.stderr.count("\n") == 1
