"""scripts/serve.sh, the production configuration on the loopback: gunicorn answers, static
files are served hashed with a far-future cache header, and no drill link or query string
reaches its logs."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
FAKE_TOKEN = "Zk9fake-drill-token-4Qw"
SECRET_QUERY = "name=yamada-hanako"

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(port: int, static_root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PORT": str(port),
        "SASAEAI_STATIC_ROOT": str(static_root),
        "SASAEAI_ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
    }
    # The server reads this test's database (its queue tables answer the health URL).
    name = connection.settings_dict["NAME"]
    if "DATABASE_URL" in os.environ:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["SASAEAI_LOCAL_DB_NAME"] = name
    return env


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts/serve.sh")],
            cwd=ROOT, env=server_env(port, tmp_path / "static"), stdout=out, stderr=out,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve.sh did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", tmp_path / "static", log
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_it_serves_health_and_hashed_static_files_and_keeps_links_out_of_the_log(server):
    base, static_root, log = server

    status, headers, body = fetch(f"{base}/health/")
    assert status == 200, body
    assert json.loads(body)["database"] == "ok"

    # A phone opening a (made-up) drill link, coming from another one, with a query.
    status, _, _ = fetch(
        f"{base}/drill/{FAKE_TOKEN}/?{SECRET_QUERY}",
        Referer=f"{base}/drill/{FAKE_TOKEN}x/?{SECRET_QUERY}",
    )
    assert status in (403, 404)

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ("admin/css/base.css", "leaflet/leaflet.css", "pages/site.css"):
        status, headers, _ = fetch(f"{base}/static/{manifest[name]}", **{"Accept-Encoding": "gzip"})
        assert status == 200, name
        assert "max-age=315360000" in headers["Cache-Control"], name
        assert "immutable" in headers["Cache-Control"], name
    assert headers["Content-Encoding"] == "gzip"

    # Pages name the hashed copies, so browsers fetch a stylesheet once per release.
    _, _, login = fetch(f"{base}/accounts/login/")
    assert f"/static/{manifest['pages/site.css']}".encode() in login

    time.sleep(0.3)  # the access log line follows the response
    written = log.read_text()
    assert '"GET /health/" 200' in written
    assert '"GET /drill/…/"' in written
    assert FAKE_TOKEN not in written
    assert "yamada" not in written
