"""The settings registry: documented, unit-suffixed, layered defaults < env < overrides."""

from __future__ import annotations

import pytest

from newswatch.settings import SETTINGS, UNIT_SUFFIXES, SettingsError, describe, load


def test_every_setting_has_help_and_numbers_carry_a_unit() -> None:
    for s in SETTINGS:
        assert s.name == s.name.lower() and len(s.help) > 20, s.name
        if isinstance(s.default, (int, float)) and not isinstance(s.default, bool):
            assert s.name.endswith(UNIT_SUFFIXES), s.name
    assert [row[0] for row in describe()] == [s.name for s in SETTINGS]


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
