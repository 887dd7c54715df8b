#!/usr/bin/env bash
# The project-local PostGIS cluster: start | stop | status.
#
# The cluster lives in var/pg (untracked) and listens only on a Unix socket in var/pg/run, so it
# needs no system service and never clashes with another PostgreSQL on this machine. Its
# superuser is "postgres" with trust authentication on that socket; the socket directory is
# readable by the cluster's owner only. sasaeai/settings.py finds the socket the same way.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LINK="$ROOT/var/pg"
DBNAME=sasaeai

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

pg_bin() {
    local control major
    control=$(ls -d /usr/share/postgresql/*/extension/postgis.control 2>/dev/null | sort -V | tail -n 1)
    [ -n "$control" ] || die "PostGIS is not installed: run 'scripts/dev.sh setup' first"
    major=$(basename "$(dirname "$(dirname "$control")")")
    echo "/usr/lib/postgresql/$major/bin"
}

# PostgreSQL refuses to run as root, so under root the cluster belongs to the postgres user.
as_owner() {
    # From /, since the owner may not be allowed into the current directory.
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The cluster directory is var/pg unless the owner cannot reach it (a checkout under a private
# home while running as root) or the socket path would pass the kernel's 107-byte limit; then
# it lives in /tmp and var/pg links to it.
cluster_dir() {
    if [ -L "$LINK" ]; then
        mkdir -p "$(readlink "$LINK")"  # /tmp may have been emptied since
        return
    fi
    [ -d "$LINK" ] && return
    mkdir -p "$ROOT/var"
    local sock="$LINK/run/.s.PGSQL.5432"
    if [ ${#sock} -lt 100 ] && { [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$ROOT/var"; }; then
        mkdir -p "$LINK"
    else
        local real
        real="/tmp/sasaeai-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
        mkdir -p "$real"
        ln -s "$real" "$LINK"
    fi
}

init_cluster() {
    local bin=$1 dir
    dir=$(readlink -f "$LINK")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner mkdir -p "$dir/run"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Socket only; settings sized for city-scale bulk loads on a 2-core, 24 GiB machine.
    # synchronous_commit=off may lose the last moments of work in a crash but never corrupts.
    as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0700
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
synchronous_commit = off
CONF
}

running() {
    local bin=$1 dir
    dir=$(readlink -f "$LINK")
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
    local bin dir
    bin=$(pg_bin)
    cluster_dir
    dir=$(readlink -f "$LINK")
    [ -f "$dir/data/PG_VERSION" ] || { echo "creating the local PostGIS cluster in var/pg" >&2; init_cluster "$bin"; }
    if ! running "$bin"; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
            || die "the local cluster did not start; see $dir/server.log"
    fi
    local psql=("$bin/psql" -X -q -h "$dir/run" -U postgres -v ON_ERROR_STOP=1)
    if [ -z "$(as_owner "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'")" ]; then
        as_owner "${psql[@]}" -d postgres -c "CREATE DATABASE $DBNAME"
        as_owner "${psql[@]}" -d "$DBNAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"
    fi
    echo "local PostGIS cluster running (socket $dir/run, database $DBNAME)" >&2
}

stop() {
    local bin dir
    bin=$(pg_bin)
    [ -e "$LINK" ] || { echo "no local cluster in var/pg" >&2; return; }
    dir=$(readlink -f "$LINK")
    if running "$bin"; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
        echo "local PostGIS cluster stopped" >&2
    else
        echo "local PostGIS cluster was not running" >&2
    fi
}

status() {
    local bin dir
    bin=$(pg_bin)
    [ -e "$LINK" ] || { echo "no local cluster in var/pg"; return 3; }
    dir=$(readlink -f "$LINK")
    if running "$bin"; then echo "running: socket $dir/run, database $DBNAME"; else echo "stopped"; return 3; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
