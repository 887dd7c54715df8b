#!/usr/bin/env bash
# Sasaeai's production configuration on this machine: DEBUG off, static files collected and
# served by WhiteNoise, gunicorn with sasaeai/gunicorn.conf.py, on http://127.0.0.1:$PORT
# (8000 unless PORT is set). Extra arguments go to gunicorn (e.g. --workers 1).
#
# It expects the set-up done and the database reachable (scripts/dev.sh sets both up). Plain
# http on the loopback is the one difference from a deployment behind a TLS proxy
# (docs/production.md): cookies are not marked Secure, or the browser would drop them and no
# login would hold, and nothing redirects to https.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV="$ROOT/.venv"

export SASAEAI_DEBUG=false
export SASAEAI_SECURE_COOKIES=false
export SASAEAI_SSL_REDIRECT=false
export PORT="${PORT:-8000}"

# Hashed, compressed copies of every app's static files (the admin's, django-leaflet's, the
# pages') into SASAEAI_STATIC_ROOT (var/static unless set), where WhiteNoise serves them.
"$VENV/bin/python" manage.py collectstatic --no-input --verbosity 0

printf '\033[1m==> serving the production configuration on http://127.0.0.1:%s\033[0m\n' "$PORT" >&2
exec "$VENV/bin/gunicorn" --config "$ROOT/sasaeai/gunicorn.conf.py" "$@" sasaeai.wsgi
