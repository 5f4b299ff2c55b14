"""The settings registry: documented, unit-suffixed, layered defaults < env < overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.settings import (
    DOC_HEAD,
    SETTINGS,
    UNIT_SUFFIXES,
    SettingsError,
    describe,
    load,
    markdown,
    value,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_every_setting_has_help_and_numbers_carry_a_unit() -> None:
    for s in SETTINGS:
        assert s.name == s.name.lower() and len(s.help) > 20, s.name
        if isinstance(s.default, (int, float)) and not isinstance(s.default, bool):
            assert s.name.endswith(UNIT_SUFFIXES), s.name
    assert [row[0] for row in describe()] == [s.name for s in SETTINGS]


def test_every_setting_is_documented_in_docs_settings_md() -> None:
    doc = DOC.read_text("utf-8")
    for s in SETTINGS:
        assert f"| `{s.name}` | `{s.env_var}` |" in doc, f"{s.name} is not documented in docs/settings.md"
    # the file is generated from the registry: a changed default or help line must be regenerated
    assert doc == DOC_HEAD + markdown(), "docs/settings.md is stale: python -m newswatch.settings > docs/settings.md"


def test_a_numeric_setting_without_a_unit_or_help_would_fail() -> None:
    # the checks above are not vacuous: the registry holds numbers of every kind of unit
    suffixes = {suffix for s in SETTINGS for suffix in UNIT_SUFFIXES if s.name.endswith(suffix)}
    assert {"_bytes", "_seconds", "_chars", "_count"} <= suffixes
    assert {"db", "cache_dir", "eval_data", "web_open_read"} <= {s.name for s in SETTINGS}


def test_single_values_come_from_the_environment() -> None:
    assert value("db", env={}) == "newswatch.sqlite"
    assert value("db", env={"NEWSWATCH_DB": "/data/nw.sqlite"}) == "/data/nw.sqlite"
    assert value("cache_dir", env={"NEWSWATCH_CACHE_DIR": "/tmp/c"}) == "/tmp/c"
    # one malformed unrelated variable does not stop a single lookup; load() refuses it
    env = {"NEWSWATCH_EVAL_DATA": "/e", "NEWSWATCH_WEB_RATE_LIMIT_COUNT": "many"}
    assert value("eval_data", env=env) == "/e"
    with pytest.raises(SettingsError):
        load(env=env)
    with pytest.raises(SettingsError):
        value("no_such_setting", env={})


def test_defaults() -> None:
    cfg = load(env={})
    assert cfg.max_input_bytes == 10 * 1024 * 1024
    assert cfg["fetch_timeout_seconds"] == 20.0
    assert cfg.language_candidates.split(",")[:2] == ["en", "ru"]


def test_environment_overrides_defaults_and_explicit_overrides_win() -> None:
    env = {"NEWSWATCH_MAX_INPUT_BYTES": "2000000", "NEWSWATCH_FETCH_TIMEOUT_SECONDS": "3.5"}
    cfg = load(env=env)
    assert cfg.max_input_bytes == 2_000_000 and cfg.fetch_timeout_seconds == 3.5
    cfg = load({"max_input_bytes": 1234, "fetch_timeout_seconds": None}, env=env)
    assert cfg.max_input_bytes == 1234 and cfg.fetch_timeout_seconds == 3.5


@pytest.mark.parametrize(("env", "overrides"), [
    ({"NEWSWATCH_MAX_INPUT_BYTES": "ten megabytes"}, None),
    ({"NEWSWATCH_FETCH_TIMEOUT_SECONDS": "-1"}, None),
    ({}, {"no_such_setting": 1}),
])
def test_bad_values_and_unknown_names_raise(env, overrides) -> None:
    with pytest.raises(SettingsError):
        load(overrides, env=env)
