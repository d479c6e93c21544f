from __future__ import annotations

import pytest

from b4g.core.infra.settings import BaseSettings, SettingsError, load_settings


class DemoSettings(BaseSettings, frozen=True, kw_only=True):
    port: int = 8009
    flag: bool = False


def test_reads_prefixed_variables_with_types():
    settings = load_settings(
        DemoSettings, {"B4G_PORT": "9000", "B4G_FLAG": "true", "B4G_KAFKA_TOPIC_PREFIX": "dev."}
    )
    assert (settings.port, settings.flag, settings.kafka_topic_prefix) == (9000, True, "dev.")


def test_conventional_names_are_understood_and_prefixed_ones_win():
    env = {"DATABASE_URL": "postgresql://a/x", "KAFKA_BOOTSTRAP_SERVERS": "k:9092"}
    assert load_settings(DemoSettings, env).database_url == "postgresql://a/x"
    env["B4G_DATABASE_URL"] = "postgresql://b/y"
    settings = load_settings(DemoSettings, env)
    assert (settings.database_url, settings.kafka_bootstrap_servers) == (
        "postgresql://b/y",
        "k:9092",
    )


def test_bad_value_is_a_clear_error():
    with pytest.raises(SettingsError, match="port"):
        load_settings(DemoSettings, {"B4G_PORT": "eighty"})
