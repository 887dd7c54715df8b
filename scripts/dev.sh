#!/usr/bin/env bash
# Sasaeai developer entry point: set-up, demo, tests and the project-local database.
#
#   scripts/dev.sh demo       set everything up, load the demo town, serve http://127.0.0.1:8000
#                             with one worker; Ctrl-C stops the site, the worker and the database
#   scripts/dev.sh test       set everything up and run the whole test suite (lint, types, pytest)
#   scripts/dev.sh setup      system packages, .venv and the project, nothing else
#   scripts/dev.sh serve      the production configuration (gunicorn, no debug) and one worker
#   scripts/dev.sh worker     one more worker for queued tasks (plan runs, printing, imports)
#   scripts/dev.sh backup FILE           dump the database (and its audit log's head) to FILE
#   scripts/dev.sh restore FILE [--force] restore it into an empty database
#   scripts/dev.sh db-start   start the project-local PostGIS cluster under var/
#   scripts/dev.sh db-stop    stop it
#   scripts/dev.sh db-status  say whether it runs and where its socket is
#
# Every step checks first whether it is already done, so a second run starts in seconds.
# DATABASE_URL, when set, points Sasaeai at an existing PostGIS server instead of var/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root to run: $* (install sudo or run as root)"
    fi
}

# --- system packages ---------------------------------------------------------------------------
system_packages() {
    command -v apt-get >/dev/null 2>&1 || { say "no apt-get: install PostgreSQL+PostGIS+pgRouting, GDAL, fonts-ipaexfont and poppler by hand"; return; }
    # chromium drives the browser tests (through Playwright, never a downloaded browser).
    local wanted=(postgresql gdal-bin fonts-ipaexfont poppler-utils poppler-data gettext chromium)
    local missing=() pkg major
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    # PostGIS is packaged per PostgreSQL major version: take the distribution's default one.
    major=$(installed_pg_major || true)
    if [ -z "$major" ]; then
        [ ${#missing[@]} -gt 0 ] && apt_update_once
        major=$(apt-cache depends postgresql 2>/dev/null | grep -oP 'Depends: postgresql-\K[0-9]+' | head -n 1 || true)
    fi
    [ -n "$major" ] || die "cannot tell which PostgreSQL version this distribution ships"
    # pgRouting, of the same major version, routes walks on the street network.
    for pkg in "postgresql-$major-postgis-3" "postgresql-$major-pgrouting"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    say "installing system packages: ${missing[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

APT_UPDATED=0
apt_update_once() {
    [ "$APT_UPDATED" -eq 1 ] && return
    as_root apt-get update -qq >&2
    APT_UPDATED=1
}

installed_pg_major() {
    local control
    control=$(ls -d /usr/share/postgresql/*/extension/postgis.control 2>/dev/null | sort -V | tail -n 1)
    [ -n "$control" ] && basename "$(dirname "$(dirname "$control")")"
}

# --- Python ------------------------------------------------------------------------------------
python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
    local cand
    for cand in python3.14 python3.13 python3.12 python3; do
        cand=$(command -v "$cand" 2>/dev/null) || continue
        python_ok "$cand" && { echo "$cand"; return; }
    done
    # pyenv shims refuse versions that are not selected, so look at the installs themselves.
    for cand in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
        python_ok "$cand" && { echo "$cand"; return; }
    done
    # Debian and Ubuntu split venv out of the interpreter: a 3.12+ python3 may only lack it.
    if command -v apt-get >/dev/null 2>&1 && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        apt_update_once
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2
        python_ok /usr/bin/python3 && { echo /usr/bin/python3; return; }
    fi
    return 1
}

python_env() {
    local stamp="$VENV/.installed" want
    want=$(sha256sum pyproject.toml | cut -c1-16)
    if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    if [ ! -x "$PY" ]; then
        local base
        base=$(find_python) || die "Sasaeai needs Python 3.12 or newer (Django 6.1 refuses older ones).
Install one (Debian 13 / Ubuntu 24.04: apt-get install python3 python3-venv; or pyenv install 3.13) and run this again."
        say "creating .venv with $base ($("$base" -V))"
        "$base" -m venv "$VENV"
    fi
    say "installing Sasaeai and its dependencies into .venv"
    "$PY" -m pip install -q --upgrade pip >&2
    "$PY" -m pip install -q -e ".[dev]" >&2
    echo "$want" > "$stamp"
}

translations() {
    # .mo files are built from the tracked .po files; rebuild only when a .po is newer.
    local po mo stale=0
    for po in locale/*/LC_MESSAGES/django.po; do
        [ -f "$po" ] || continue
        mo="${po%.po}.mo"
        [ "$mo" -nt "$po" ] || stale=1
    done
    [ "$stale" -eq 1 ] && "$PY" manage.py compilemessages -v 0 --ignore=.venv --ignore=var
    return 0
}

setup() {
    system_packages
    python_env
    translations
}

# --- the database ------------------------------------------------------------------------------
db() { "$ROOT/scripts/localdb.sh" "$@"; }

# Set to 1 when this run started the local cluster, so that it stops it again at the end.
DB_STARTED=0
database() {
    if [ -n "${DATABASE_URL:-}" ]; then
        say "using DATABASE_URL (the local cluster under var/ is not started)"
    else
        db status >/dev/null 2>&1 || DB_STARTED=1
        db start
    fi
}

# --- the site and a worker together -------------------------------------------------------------
# Runs the site (the command given) and one worker side by side. Ctrl-C, or either of them
# ending, stops both, and the local database too when this run started it.
SITE_PID="" WORKER_PID=""
stop_together() {
    trap - INT TERM EXIT
    [ -n "$SITE_PID" ] && kill -TERM "$SITE_PID" 2>/dev/null
    [ -n "$WORKER_PID" ] && kill -TERM "$WORKER_PID" 2>/dev/null
    wait 2>/dev/null || true
    if [ "$DB_STARTED" -eq 1 ]; then db stop; fi
}

with_worker() {
    trap stop_together INT TERM EXIT
    "$PY" manage.py worker &
    WORKER_PID=$!
    "$@" &
    SITE_PID=$!
    # Whichever ends first (Ctrl-C reaches both through the trap) ends the other.
    wait -n "$SITE_PID" "$WORKER_PID" || true
    stop_together
}

# --- verbs -------------------------------------------------------------------------------------
demo() {
    setup
    database
    "$PY" manage.py migrate --no-input -v 0
    "$PY" manage.py make_demo_town --if-empty
    # The town's own address reference (位置参照情報), so that its files import without coordinates.
    "$PY" manage.py make_demo_addresses --if-empty
    "$PY" manage.py make_demo_streets --if-empty
    "$PY" manage.py plan --hazard flood --slot weekday_night --if-none >/dev/null
    "$PY" manage.py plan --hazard landslide --slot weekend_day --if-none >/dev/null
    "$PY" manage.py issue_plans
    "$PY" manage.py demo_login
    "$PY" manage.py make_demo_drill --if-none
    # The demo city's office number, printed on plans and family cards (invented).
    export SASAEAI_CITY_PHONE="${SASAEAI_CITY_PHONE:-0463-00-0000}"
    say "serving http://127.0.0.1:8000/ with one worker (Ctrl-C stops the site, the worker and the database)"
    SASAEAI_DEBUG="${SASAEAI_DEBUG:-true}" with_worker "$PY" manage.py runserver --noreload 127.0.0.1:8000
}

serve() {
    setup
    database
    "$PY" manage.py migrate --no-input -v 0
    say "the production configuration on http://127.0.0.1:${PORT:-8000}/ with one worker (Ctrl-C stops all)"
    with_worker "$ROOT/scripts/serve.sh"
}

worker() {
    setup
    database
    exec "$PY" manage.py worker "$@"
}

run_tests() {
    setup
    database
    say "ruff"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    say "mypy"
    "$VENV/bin/mypy"
    say "pytest"
    "$VENV/bin/pytest" "$@"
}

case "${1:-}" in
    demo) demo ;;
    test) shift; run_tests "$@" ;;
    serve) serve ;;
    worker) shift; worker "$@" ;;
    backup|restore) setup; database; "$ROOT/scripts/backup.sh" "$@" ;;
    setup) setup ;;
    db-start) system_packages; db start ;;
    db-stop) db stop ;;
    db-status) db status ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
