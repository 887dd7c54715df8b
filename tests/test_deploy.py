"""`manage.py check --deploy` is clean with the production settings docs/production.md lists."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# docs/production.md's required settings, with made-up values.
PRODUCTION = {
    "SASAEAI_SECRET_KEY": secrets.token_urlsafe(50),
    "SASAEAI_ALLOWED_HOSTS": "sasaeai.city.example",
    "SASAEAI_BASE_URL": "https://sasaeai.city.example",
    "SASAEAI_BEHIND_PROXY": "true",
    "SASAEAI_SSL_REDIRECT": "true",
    "SASAEAI_EMAIL_HOST": "smtp.city.example",
    "SASAEAI_EMAIL_FROM": "sasaeai@city.example",
}


def check_deploy(**changes: str) -> subprocess.CompletedProcess[str]:
    # The browser tests' conftest allows Django's ORM in async code for this process (Playwright
    # runs an event loop); a deployment never does, and the check says so.
    env = {
        name: value
        for name, value in os.environ.items()
        if (not name.startswith("SASAEAI_") or name == "SASAEAI_LOCAL_DB_NAME")
        and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    # The checks read no table: the local database (or DATABASE_URL) as it is will do.
    env.update(PRODUCTION, **changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_it_is_clean_with_the_documented_production_settings():
    result = check_deploy()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_it_warns_when_a_production_setting_is_left_out():
    result = check_deploy(SASAEAI_SSL_REDIRECT="false", SASAEAI_DEBUG="true")

    assert result.returncode == 1
    assert "security.W008" in result.stderr  # no redirect to https
    assert "security.W018" in result.stderr  # debug mode
