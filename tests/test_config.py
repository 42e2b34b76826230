"""config.toml loading: defaults, both table spellings, and values people really write."""

from __future__ import annotations

import pytest

from loadguard import config
from loadguard.errors import LoadguardError


def load(tmp_path, text: str) -> config.Config:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return config.load(path)


def test_missing_file_means_defaults(tmp_path):
    cfg = config.load(tmp_path / "config.toml")
    assert cfg["running_types"] == ["Run", "TrailRun", "VirtualRun"]
    assert cfg.detector("volume.weekly_load", {"warn": 1.3}) == {"warn": 1.3, "enabled": True}


def test_quoted_and_nested_rule_tables_mean_the_same(tmp_path):
    quoted = load(tmp_path, '[detectors."volume.weekly_load"]\nwarn = 1.2\n')
    nested = load(tmp_path, "[detectors.volume.weekly_load]\nwarn = 1.2\n")
    assert quoted.detectors == nested.detectors == {"volume.weekly_load": {"warn": 1.2}}


def test_table_valued_setting_inside_a_nested_rule_table(tmp_path):
    cfg = load(tmp_path, '[detectors.shoes.mileage]\nlimit_km = 650\n[detectors.shoes.mileage.limits]\n"*Fly*" = 400\n')
    merged = cfg.detector("shoes.mileage", {"limit_km": 700.0, "limits": {}})
    assert merged["limit_km"] == 650.0 and merged["limits"] == {"*Fly*": 400}


def test_numeric_client_id_is_read_as_text(tmp_path):
    cfg = load(tmp_path, "[strava]\nclient_id = 12345\n")
    assert cfg["strava"]["client_id"] == "12345"
    assert cfg["strava"]["base_url"] == "https://www.strava.com/api/v3"


def test_integer_where_a_float_is_expected_is_fine(tmp_path):
    cfg = load(tmp_path, '[detectors."volume.weekly_load"]\nwarn = 2\n')
    assert cfg.detector("volume.weekly_load", {"warn": 1.3})["warn"] == 2.0


@pytest.mark.parametrize("text, key", [
    ("[sync]\noverlap_days = -1\n", "sync.overlap_days"),
    ("[sync]\noverlap_days = true\n", "sync.overlap_days"),
    ("[strava]\nbase_url = 5\n", "strava.base_url"),
    ("[trail]\nname_keywords = [1, 2]\n", "trail.name_keywords"),
    ("[trail]\nsurface = \"dirt\"\n", "trail.surface"),
    ("[digest]\nemail_to = \"me at home\"\n", "digest.email_to"),
    ("[digest]\nemail_from = \"lg@example.org\\nBcc: x@example.org\"\n", "digest.email_from"),
    ("[digest]\nemail_to = 5\n", "digest.email_to"),
    ("[digest]\nsmtp_host = \"mail\"\n", "digest.smtp_host"),
])
def test_bad_values_name_their_key(tmp_path, text, key):
    with pytest.raises(LoadguardError, match=key.replace(".", r"\.")):
        load(tmp_path, text)


def test_digest_addresses(tmp_path):
    cfg = load(tmp_path, '[digest]\nemail_to = "Ann <ann@example.com>, bo@example.net"\n')
    assert cfg["digest"] == {"email_to": "Ann <ann@example.com>, bo@example.net", "email_from": None}
