"""Typed readers for settings that come from the environment.

Each helper raises ImproperlyConfigured naming the variable and the value it could not read, so a
typo in a deployment fails at start-up rather than silently falling back to a default.
"""

import os
from collections.abc import Sequence
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"environment variable {name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of true/false, yes/no, 1/0")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: must be at least {minimum}")
    return number


def env_list(name: str, default: Sequence[str] = ()) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Django database settings for a PostGIS server given as postgres://user:pass@host/name."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, engine="django.contrib.gis.db.backends.postgis")
    )
    if not config.get("NAME"):
        # Name the server but never echo the password.
        raise ImproperlyConfigured(f"DATABASE_URL has no database name: {url.split('@')[-1]}")
    return config
