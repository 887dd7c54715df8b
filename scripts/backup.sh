#!/usr/bin/env bash
# Back up Sasaeai's database and restore it, with the audit log's hash chain checked both ways.
#
#   scripts/backup.sh backup FILE                     pg_dump -Fc into FILE, the chain's head into FILE.head
#   scripts/backup.sh restore FILE [--force] [--no-head]
#
# The database is DATABASE_URL when set, else the project-local cluster's database
# (SASAEAI_LOCAL_DB_NAME, default sasaeai), as in sasaeai/settings.py.
#
# backup   checks the audit log first (manage.py audit_verify) and refuses a log that does not
#          hold; it writes the chain's head, the newest entry's id and hash as JSON
#          ({"id": 123, "hash": "…"}), to FILE.head before dumping, so that every entry the
#          head names is in the dump. Keep FILE.head with FILE (and its hash somewhere else too:
#          it is what shows that the newest entries of a restored log were removed).
# restore  refuses (exit 2) a database whose tables hold rows unless --force; a database that
#          exists with tables is dropped and created again (stop the site and the workers
#          first), a missing one is created; the extensions come from the dump. Then it runs
#          manage.py audit_verify --head FILE.head on the restored database (--no-head skips the
#          head when FILE.head is lost, and says so). Run manage.py migrate after restoring a
#          dump from an older version of Sasaeai.
#
# pg_dump and pg_restore come from the server's PostgreSQL major version
# (/usr/lib/postgresql/<major>/bin). Under root, commands on the local cluster run as its owner,
# postgres; FILE is read and written by the caller.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
# Dumps hold personal data: readable by their owner only.
umask 077

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$1" >&2; exit "${2:-1}"; }
usage() { echo "usage: $0 backup FILE | restore FILE [--force] [--no-head]" >&2; exit 2; }

# --- where the database is ---------------------------------------------------------------------
DBNAME=""
CONN=()
LOCAL=0

connection() {
    if [ -n "${DATABASE_URL:-}" ]; then
        # The password goes to libpq through the environment, never on a command line.
        local parsed
        parsed=$("$PY" - <<'PY'
import os, shlex
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in {"postgres", "postgresql", "postgis", "pgsql"}:
    raise SystemExit(f"DATABASE_URL: not a PostgreSQL URL (scheme {url.scheme!r})")
values = {
    "DBNAME": unquote(url.path.lstrip("/")),
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
}
libpq = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
         "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS"}
for key, items in parse_qs(url.query).items():
    if key in libpq:
        values[libpq[key]] = items[-1]
# A host given as a percent-encoded socket directory (postgres://u@%2Fvar%2Frun/db) keeps its
# slashes; urlsplit lower-cases the host, so take it from the raw text.
raw_host = url.netloc.rpartition("@")[2]
if raw_host.lower().startswith("%2f"):
    values["PGHOST"] = unquote(raw_host.split(":")[0])
for name, value in values.items():
    print(f"{name}={shlex.quote(value)}")
PY
        ) || die "cannot read DATABASE_URL"
        eval "$parsed"  # DBNAME and PG* for libpq, each quoted by shlex
        export PGHOST PGPORT PGUSER PGPASSWORD
        for var in PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY PGCONNECT_TIMEOUT PGOPTIONS; do
            [ -n "${!var:-}" ] && export "${var?}"
        done
        for var in PGHOST PGPORT PGUSER PGPASSWORD; do
            [ -n "${!var}" ] || unset "$var"
        done
        CONN=()
    else
        [ -e "$ROOT/var/pg" ] || die "no local cluster in var/pg: run 'scripts/dev.sh db-start' or set DATABASE_URL"
        LOCAL=1
        DBNAME=${SASAEAI_LOCAL_DB_NAME:-sasaeai}
        CONN=(-h "$(readlink -f "$ROOT/var/pg")/run" -U postgres)
    fi
    [ -n "$DBNAME" ] || die "DATABASE_URL has no database name"
}

# PostgreSQL refuses to run as root, so under root the local cluster belongs to postgres.
as_owner() {
    if [ "$LOCAL" -eq 1 ] && [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

BIN=""
# pg_dump refuses a newer server, and pg_restore of a newer version may write what an older
# server cannot read: take the tools of the server's own major version.
client_tools() {
    local any major
    any=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$any" ] || die "no PostgreSQL client is installed (postgresql-client)"
    major=$(as_owner "$any" -X -At "${CONN[@]}" -d postgres -c "SHOW server_version_num") \
        || die "cannot reach the database server (is it running? scripts/dev.sh db-start)"
    major=$((major / 10000))
    BIN="/usr/lib/postgresql/$major/bin"
    [ -x "$BIN/pg_dump" ] && [ -x "$BIN/pg_restore" ] \
        || die "the server runs PostgreSQL $major: install postgresql-client-$major"
}

# Runs a statement read from stdin against a database; :'name' and :"name" are the target's
# name, quoted by psql.
sql() {
    as_owner "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v name="$DBNAME" "${CONN[@]}" -d "$1"
}

# Tables of the public schema that hold rows (PostGIS's spatial_ref_sys and other tables of
# extensions do not count), and tables there at all.
TABLES_SQL="
SELECT count(*) FILTER (WHERE (xpath('count(/table/row)', query_to_xml(
           format('SELECT 1 AS x FROM public.%I LIMIT 1', c.relname), false, false, '')
       ))[1]::text::int > 0),
       count(*)
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');"

elapsed() { echo "$(( $(date +%s%N) / 1000000 - $1 )) ms"; }

# --- backup ------------------------------------------------------------------------------------
backup() {
    local file=$1 started
    started=$(( $(date +%s%N) / 1000000 ))
    connection
    client_tools
    say "checking the audit log of $DBNAME"
    "$PY" manage.py audit_verify --write-head "$file.head.part" \
        || { rm -f "$file.head.part"; die "the audit log does not hold: no backup taken (see above)"; }
    say "dumping $DBNAME into $file"
    # The head first: entries appended during the dump are in it and come after the head.
    as_owner "$BIN/pg_dump" -Fc "${CONN[@]}" -d "$DBNAME" > "$file.part" \
        || { rm -f "$file.part" "$file.head.part"; die "pg_dump failed"; }
    mv "$file.part" "$file"
    mv "$file.head.part" "$file.head"
    say "backed up $DBNAME: $file ($(du -h "$file" | cut -f1)), head $file.head: $(cat "$file.head") in $(elapsed "$started")"
}

# --- restore -----------------------------------------------------------------------------------
restore() {
    local file=$1 force=$2 use_head=$3 started exists counts with_rows tables
    started=$(( $(date +%s%N) / 1000000 ))
    [ -r "$file" ] || die "cannot read $file"
    if [ "$use_head" -eq 1 ] && [ ! -r "$file.head" ]; then
        die "$file.head is missing: without it removed newest entries of the audit log cannot show; pass --no-head to restore anyway" 2
    fi
    connection
    client_tools
    as_owner "$BIN/pg_restore" --list < "$file" >/dev/null || die "$file is not a pg_dump -Fc archive"

    exists=$(sql postgres <<<"SELECT 1 FROM pg_database WHERE datname = :'name';")
    if [ -n "$exists" ]; then
        counts=$(sql "$DBNAME" <<<"$TABLES_SQL")
        with_rows=${counts%%|*}
        tables=${counts##*|}
        if [ "$with_rows" -gt 0 ] && [ "$force" -eq 0 ]; then
            die "database $DBNAME already holds data ($with_rows of its $tables tables have rows): pass --force to replace it" 2
        fi
        if [ "$tables" -gt 0 ]; then
            say "dropping database $DBNAME ($with_rows of its $tables tables had rows)"
            sql postgres <<<'DROP DATABASE :"name";' \
                || die "cannot drop $DBNAME: stop the site and the workers that use it first"
            exists=""
        fi
    fi
    if [ -z "$exists" ]; then
        say "creating database $DBNAME"
        sql postgres <<<'CREATE DATABASE :"name";'
    fi
    say "restoring $file into $DBNAME"
    as_owner "$BIN/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
        "${CONN[@]}" -d "$DBNAME" < "$file" || die "pg_restore failed: $DBNAME is left empty"
    sql "$DBNAME" <<<"ANALYZE;"
    say "checking the restored audit log"
    if [ "$use_head" -eq 1 ]; then
        "$PY" manage.py audit_verify --head "$file.head" \
            || die "restored, but the audit log of $DBNAME does not hold (see above)"
    else
        echo "warning: checking the audit log without the head: removed newest entries cannot show" >&2
        "$PY" manage.py audit_verify || die "restored, but the audit log of $DBNAME does not hold (see above)"
    fi
    say "restored $file into $DBNAME in $(elapsed "$started")"
}

case "${1:-}" in
    backup)
        [ $# -eq 2 ] || usage
        backup "$2"
        ;;
    restore)
        [ $# -ge 2 ] || usage
        file=$2 force=0 use_head=1
        shift 2
        for arg in "$@"; do
            case "$arg" in
                --force) force=1 ;;
                --no-head) use_head=0 ;;
                *) usage ;;
            esac
        done
        restore "$file" "$force" "$use_head"
        ;;
    *) usage ;;
esac
