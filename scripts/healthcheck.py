#!/usr/bin/env python3
"""Container health check of the web process: GET a health URL of the local
gunicorn and exit 0 on HTTP 200, 1 otherwise.

    python scripts/healthcheck.py [/healthz/live] [--port 8000]

Django refuses a Host that is not in ALLOWED_HOSTS, so the probe sends the
first concrete host of ALLOWED_HOSTS (environment) and says it came through
the TLS proxy (X-Forwarded-Proto: https) so SECURE_SSL_REDIRECT does not
answer with a redirect. Standard library only: it runs in the image's
HEALTHCHECK and in docker-compose.yml.
"""

from __future__ import annotations

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    for host in allowed_hosts.split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(argv: list[str]) -> int:
    path = "/healthz/live"
    port = int(os.environ.get("PORT", "8000"))
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--port":
            port = int(args.pop(0))
        else:
            path = arg
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(
            "GET",
            path,
            headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", "")), "X-Forwarded-Proto": "https"},
        )
        status = connection.getresponse().status
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: HTTP {status} for {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
