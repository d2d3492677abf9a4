"""scripts/healthcheck.py (the image's HEALTHCHECK): it sends a Host of
ALLOWED_HOSTS and X-Forwarded-Proto: https, and exits 0 only on HTTP 200."""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server():
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
            self.send_response(200 if self.path == "/healthz/live" else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], seen
    httpd.shutdown()
    httpd.server_close()


def _probe(port, *args, allowed_hosts=".example.gov.vn,hoinghi.example.gov.vn"):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py"), *args, "--port", str(port)],
        env={**os.environ, "ALLOWED_HOSTS": allowed_hosts},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_healthy_when_the_app_answers_200(server):
    port, seen = server
    assert _probe(port).returncode == 0
    assert seen == [("/healthz/live", "example.gov.vn", "https")]


def test_unhealthy_otherwise(server):
    port, seen = server
    result = _probe(port, "/healthz", allowed_hosts="*")
    assert result.returncode == 1 and "HTTP 503" in result.stderr
    assert seen == [("/healthz", "localhost", "https")]


def test_unhealthy_when_nothing_listens(server):
    port, _seen = server
    result = _probe(port + 1 if port < 65535 else port - 1)
    assert result.returncode == 1 and "unhealthy" in result.stderr
