"""Replies through the signed reply links under load, against a bare page of the same stack.

    .venv/bin/python benchmarks/replies_load.py [--clients 20] [--seconds 20]

Creates its own PostgreSQL database (``conferences_load`` on the server of
DATABASE_URL, default ``postgres://postgres@127.0.0.1:5432``), migrates it,
loads the demo data with the issued Giấy mời (``load_demo --invitations``)
and makes the signed reply link of every invitation whose reply is open.
Then gunicorn (2 sync workers, like production) serves the app on a free
local port with production settings (DEBUG off, whitenoise's manifest,
JSON logs) except HTTPS (``SECURE_SSL_REDIRECT`` and secure cookies off:
the clients speak plain HTTP), with ``BENCHMARK_BARE_VIEW=1`` and
``REPLY_LINK_HITS_PER_MINUTE=1000000`` (the per-link rate limit, 60 a minute
in production, would otherwise refuse this load). With ``--redis-url`` (or
REDIS_URL) the cache, hence the rate-limit counters, is that Redis, as in
production; without it, each gunicorn worker's local memory.

Two phases of ``--seconds`` each, ``--clients`` concurrent clients (asyncio,
aiohttp, one cookie jar per client), each phase run in ``--rounds`` slices
that alternate (bare, reply, bare, reply, …; default 4): whatever else the
machine does during the run weighs on both alike.

- bare: GET ``/van-hanh/benchmark-bare/`` (the whole middleware stack, one
  ``SELECT 1``, a 4-byte text response);
- reply: GET the reply form of a link (for the CSRF token), then POST a valid
  reply naming one delegate; a 302 back to the form is a reply sent. Client
  ``i`` uses the links ``i, i + clients, …`` in turn. Both requests count as
  requests (and in the latency figures).

Prints requests/s, p50/p95 latency and errors of both, then the replies stored
(the sum of ``Reply.revision`` increments in the database) against the replies
sent, and last ``ratio: <reply requests/s / bare requests/s>``. Stops gunicorn
and drops the database at the end, also on an error or Ctrl-C.

To profile the workers, ``BENCHMARK_WSGI_APP=module:callable`` makes gunicorn
serve that WSGI application (e.g. ``config.wsgi.application`` wrapped in cProfile).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_PATH = "/van-hanh/benchmark-bare/"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Phase:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    elapsed: float = 0.0

    def ok(self, started: float) -> None:
        self.latencies.append(time.perf_counter() - started)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def line(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        text = (
            f"{self.name}: {len(self.latencies)} requests in {self.elapsed:.1f} s, {self.rps:.1f} req/s, "
            f"p50 {1000 * statistics.median(lat):.1f} ms, p95 {1000 * p95:.1f} ms, errors {len(self.errors)}"
        )
        if self.name == "reply":
            text += f"; replies sent {self.sent} ({self.sent / self.elapsed:.1f}/s)"
        return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", "", ""))


def admin_connection(url: str):
    import psycopg2

    connection = psycopg2.connect(server_url(url, "postgres"))
    connection.autocommit = True
    return connection


def drop_database(url: str, name: str) -> None:
    connection = admin_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def prepare(links_wanted: int) -> tuple[list[dict], int]:
    """Migrate, demo data, static files; the open reply links and the replies stored so far."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Sum

    from invitations import services, tokens
    from invitations.models import Invitation, Reply

    quiet = open(os.devnull, "w")
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_demo", invitations=True, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
    links = []
    invitations = Invitation.objects.filter(number__isnull=False).select_related("campaign__plan__conference").order_by("pk")
    for invitation in invitations:
        try:
            tokens.check_token(invitation.pk, tokens.make_token(invitation))
        except tokens.TokenError:
            continue
        if not services.reply_open(invitation):
            continue
        links.append({"pk": invitation.pk, "path": tokens.reply_path(invitation), "quota": invitation.quota})
        if links_wanted and len(links) >= links_wanted:
            break
    stored = Reply.objects.filter(invitation__in=[link["pk"] for link in links]).aggregate(total=Sum("revision"))["total"] or 0
    from django.db import connection

    connection.close()
    return links, stored


def stored_replies(links: list[dict]) -> int:
    from django.db import connection
    from django.db.models import Sum

    from invitations.models import Reply

    total = Reply.objects.filter(invitation__in=[link["pk"] for link in links]).aggregate(total=Sum("revision"))["total"] or 0
    connection.close()
    return total


def start_gunicorn(port: int, env: dict, workers: int, threads: int, log: Path) -> subprocess.Popen:
    application = os.environ.get("BENCHMARK_WSGI_APP", "config.wsgi")
    command = [sys.executable, "-m", "gunicorn", application, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads > 1:  # gthread workers
        command += ["--threads", str(threads)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def bare_client(session, base: str, deadline: float, phase: Phase) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            async with session.get(base + BARE_PATH) as response:
                body = await response.read()
            if response.status == 200 and body == b"ok 1":
                phase.ok(started)
            else:
                phase.errors.append(f"bare {response.status}")
        except Exception as error:  # network errors count as errors, the run goes on
            phase.errors.append(f"bare {type(error).__name__}")


async def reply_client(session, base: str, links: list[dict], number: int, deadline: float, phase: Phase) -> None:
    sent = 0
    while time.perf_counter() < deadline:
        link = links[number % len(links)]
        number += phase.clients
        url = base + link["path"]
        try:
            started = time.perf_counter()
            async with session.get(url) as response:
                page = await response.text()
            match = CSRF_INPUT.search(page)
            if response.status != 200 or match is None:
                phase.errors.append(f"form {response.status}")
                continue
            phase.ok(started)
            sent += 1
            data = {
                "csrfmiddlewaretoken": match.group(1),
                "action": "reply",
                "attending": "yes",
                "delegate_count": "1",
                "contact_name": "Nguyễn Văn Thử",
                "contact_phone": "0235 3810 000",
                "note": "",
                "delegates-TOTAL_FORMS": "1",
                "delegates-INITIAL_FORMS": "0",
                "delegates-MIN_NUM_FORMS": "0",
                "delegates-MAX_NUM_FORMS": "1000",
                "delegates-0-full_name": f"Đại biểu thử {number}-{sent}",
                "delegates-0-title": "Chuyên viên",
            }
            if link["quota"] is not None and link["quota"] < 1:
                data["over_quota_reason"] = "Benchmark"
            started = time.perf_counter()
            # Encoded here: the same body aiohttp would send, without its form machinery
            # taking the CPU the server shares with the clients.
            body = urlencode(data).encode()
            async with session.post(url, data=body, headers=FORM, allow_redirects=False) as response:
                await response.read()
            if response.status == 302 and urlsplit(response.headers.get("Location", "")).path == link["path"]:
                phase.ok(started)
                phase.sent += 1
            else:
                phase.errors.append(f"reply {response.status}")
        except Exception as error:
            phase.errors.append(f"reply {type(error).__name__}")


async def run_phase(
    name: str, base: str, clients: int, seconds: float, links: list[dict], phase: Phase | None = None, first_link: int = 0
) -> Phase:
    """Run one slice of a phase (added to ``phase`` if given); the reply clients
    start at link ``first_link + i``."""
    import aiohttp

    phase = phase or Phase(name, clients)
    timeout = aiohttp.ClientTimeout(total=30)
    sessions = [
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout, connector=aiohttp.TCPConnector(limit=1))
        for _ in range(clients)
    ]
    try:
        started = time.perf_counter()
        deadline = started + seconds
        if name == "bare":
            jobs = [bare_client(session, base, deadline, phase) for session in sessions]
        else:
            jobs = [reply_client(session, base, links, first_link + i, deadline, phase) for i, session in enumerate(sessions)]
        await asyncio.gather(*jobs)
        phase.elapsed += time.perf_counter() - started
    finally:
        for session in sessions:
            await session.close()
    return phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each phase (default 20)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating slices per phase (default 4)")
    parser.add_argument("--links", type=int, default=0, help="reply links to use (default: every open one)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers; more: gthread)")
    parser.add_argument("--database", default="conferences_load", help="database to create and drop (default conferences_load)")
    parser.add_argument(
        "--server",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (a DATABASE_URL; its database name is ignored)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""), help="cache of the gunicorn workers (optional)")
    args = parser.parse_args()
    if not urlsplit(args.server).scheme.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: give --server postgres://… or DATABASE_URL=postgres://…")

    folder = Path(tempfile.mkdtemp(prefix="replies-load-"))
    database_url = server_url(args.server, args.database)
    common = {
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "VAR_DIR": str(folder),
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    # Setting up (demo data, issued Giấy mời) runs its tasks in this process: no Redis here.
    os.environ.pop("REDIS_URL", None)
    os.environ.update(common)
    web_env = {
        **os.environ,
        **common,
        "REDIS_URL": args.redis_url,
        "BENCHMARK_BARE_VIEW": "true",
        "REPLY_LINK_HITS_PER_MINUTE": "1000000",
        "LOG_FORMAT": "json",
    }
    gunicorn = None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    connection = admin_connection(args.server)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{args.database}"')
    finally:
        connection.close()
    try:
        prepare_started = time.perf_counter()
        links, before = prepare(args.links)
        if not links:
            sys.exit("No open reply link in the demo data.")
        print(
            f"setup: {len(links)} reply links, {args.clients} clients, {args.seconds:.0f} s per phase in {args.rounds} rounds, "
            f"gunicorn {args.workers} workers × {args.threads} threads, cache {'Redis' if args.redis_url else 'local memory'} "
            f"({time.perf_counter() - prepare_started:.0f} s)"
        )
        port = free_port()
        gunicorn = start_gunicorn(port, web_env, args.workers, args.threads, folder / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        # Warm-up: every worker imports, connects and renders once before timing.
        asyncio.run(run_phase("bare", base, args.clients, 1, links))
        bare, reply = Phase("bare", args.clients), Phase("reply", args.clients)
        for round_ in range(args.rounds):
            asyncio.run(run_phase("bare", base, args.clients, args.seconds / args.rounds, links, bare))
            asyncio.run(run_phase("reply", base, args.clients, args.seconds / args.rounds, links, reply, round_ * args.clients))
        stored = stored_replies(links) - before
        for phase in (bare, reply):
            print(phase.line())
            for error, count in sorted({e: phase.errors.count(e) for e in phase.errors}.items()):
                print(f"  {error}: {count}")
        print(f"replies stored: {stored} sent: {reply.sent} lost: {reply.sent - stored}")
        print(f"ratio: {reply.rps / bare.rps:.2f}" if bare.rps else "ratio: 0.00")
    finally:
        stop_gunicorn(gunicorn)
        drop_database(args.server, args.database)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
