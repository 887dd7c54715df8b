"""Settings read from the environment fail loudly on a bad value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sasaeai.env import database_from_url, env_bool, env_int, env_list, env_str


def test_it_reads_booleans_in_the_usual_spellings(monkeypatch):
    for value, expected in [
        ("true", True),
        ("YES", True),
        ("1", True),
        ("off", False),
        ("", False),
    ]:
        monkeypatch.setenv("SASAEAI_TEST_FLAG", value)
        assert env_bool("SASAEAI_TEST_FLAG", not expected) is expected


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("SASAEAI_TEST_FLAG", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="SASAEAI_TEST_FLAG='sometimes'"):
        env_bool("SASAEAI_TEST_FLAG", False)


def test_it_refuses_numbers_that_are_not_or_are_too_small(monkeypatch):
    monkeypatch.setenv("SASAEAI_TEST_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="expected a whole number"):
        env_int("SASAEAI_TEST_N", 1)
    monkeypatch.setenv("SASAEAI_TEST_N", "3")
    with pytest.raises(ImproperlyConfigured, match="must be at least 5"):
        env_int("SASAEAI_TEST_N", 10, minimum=5)
    monkeypatch.delenv("SASAEAI_TEST_N")
    assert env_int("SASAEAI_TEST_N", 10, minimum=5) == 10


def test_it_requires_a_variable_without_default(monkeypatch):
    monkeypatch.delenv("SASAEAI_TEST_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SASAEAI_TEST_REQUIRED must be set"):
        env_str("SASAEAI_TEST_REQUIRED")


def test_it_splits_lists_on_commas(monkeypatch):
    monkeypatch.setenv("SASAEAI_TEST_HOSTS", " a.example, b.example ,,")
    assert env_list("SASAEAI_TEST_HOSTS") == ["a.example", "b.example"]


def test_it_points_at_an_existing_postgis_server():
    config = database_from_url("postgres://city:s3cret@db.example:5433/sasaeai_city")

    assert config["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "sasaeai_city")
    assert (config["USER"], config["PASSWORD"]) == ("city", "s3cret")


def test_it_refuses_a_url_without_database_name_and_hides_the_password():
    with pytest.raises(ImproperlyConfigured, match="no database name") as excinfo:
        database_from_url("postgres://city:s3cret@db.example:5433/")
    assert "s3cret" not in str(excinfo.value)
