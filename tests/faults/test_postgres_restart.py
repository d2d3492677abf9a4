"""PostgreSQL restarted under a running app: a private PostgreSQL 15 cluster,
the app served by gunicorn on it (migrated, demo loaded), units replying
through their links while the cluster restarts. Requests that meet the
outage get the friendly 503 page (never a 500), no reply is half written,
and the app recovers without being restarted."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import require_service

from .conftest import free_port, wait_for_port

pytestmark = pytest.mark.postgres

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]
FRIENDLY = "Hệ thống tạm thời gián đoạn, vui lòng thử lại"

SETUP_CAMPAIGN = """
import datetime, json
from django.utils import timezone
from conferences.cloning import clone_plan
from conferences.models import Conference, Plan, PlanState
from invitations import services, tokens
# As invitations.demo does, without rendering: an issued copy of seed 000 whose conference is ahead.
plan = clone_plan(Plan.objects.get(key="seed-000"), target_year=timezone.localdate().year, user=None).plan
Conference.objects.filter(plan=plan).update(starts_at=timezone.now() + datetime.timedelta(days=20), time_text="")
plan.state, plan.number, plan.issue_date = PlanState.ISSUED, 99, timezone.localdate()
plan.save()
campaign = services.campaign_for(plan)
campaign.reply_deadline = timezone.now() + datetime.timedelta(days=10)
campaign.save()
services.build_recipients(campaign)
services._number_pending(campaign, None, timezone.localdate())
links = [tokens.reply_path(i) for i in campaign.invitations.filter(hosts_point=False).order_by("pk")[:6]]
print("LINKS=" + json.dumps(links))
"""


class PrivatePostgres:
    """A PostgreSQL 15 cluster of this test (trust auth, socket in its folder), run as user postgres."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, check=check, timeout=120
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        log = str(self.folder / "server.log")
        self._run(str(PG_BIN / "pg_ctl"), action, "-D", str(self.data), "-w", "-t", "60", "-l", log, "-o", options, *extra)

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "app")

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "immediate") -> None:
        self._pg_ctl("restart", "-m", mode)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/app"

    def query(self, sql: str) -> list[tuple]:
        import psycopg2

        with psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="app") as conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()


@pytest.fixture
def private_postgres():
    require_service("PostgreSQL 15", (PG_BIN / "initdb").exists(), f"install postgresql-15 ({PG_BIN})")
    require_service("root (runuser)", os.geteuid() == 0, "initdb runs as user postgres through runuser")
    folder = Path(f"/tmp/faults-pg-{os.getpid()}-{time.monotonic_ns()}")
    cluster = PrivatePostgres(folder)
    cluster.init()
    yield cluster
    cluster._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(cluster.data), "-m", "immediate", check=False)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app_server(private_postgres, tmp_path):
    """gunicorn (2 workers × 4 threads) serving the app on the private cluster."""
    var = tmp_path / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": private_postgres.url,
        "DEBUG": "false",
        "SECRET_KEY": "faults-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "REDIS_URL": "",
        "EMAIL_URL": f"file://{var / 'mail'}",
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "SIGNING_PKCS12": str(var / "signing" / "organisation.p12"),
        "SIGNING_PKCS12_PASSPHRASE": "",
        "CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CI", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
        done = subprocess.run([*manage, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
        assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        [*manage, "shell", "-c", SETUP_CAMPAIGN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    links = json.loads(re.search(r"LINKS=(.*)", done.stdout).group(1))
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"]
        + ["--worker-class", "gthread", "--threads", "4", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    wait_for_port(port, timeout=60)
    yield f"http://127.0.0.1:{port}", links, server
    server.terminate()
    server.wait(timeout=30)
    print((tmp_path / "gunicorn.log").read_text()[-5000:])  # shown when the test fails


class Browser:
    """A cookie-keeping HTTP client (urllib) that does not follow redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=30) as response:  # noqa: S310
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")


def reply_data(csrf: str, attempt: int, count: int) -> dict:
    data = {
        "csrfmiddlewaretoken": csrf,
        "action": "reply",
        "attending": "yes",
        "delegate_count": str(count),
        "contact_name": "Lê Văn Liên",
        "contact_phone": "0905 123 456",
        "note": f"attempt {attempt}",
        "delegates-TOTAL_FORMS": "3",
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "60",
    }
    for i in range(count):
        data[f"delegates-{i}-full_name"] = f"Đại biểu {attempt}-{i}"
        data[f"delegates-{i}-title"] = "Chuyên viên"
    return data


def test_postgres_restart_friendly_page_no_half_writes_and_recovery(app_server, private_postgres):
    base, links, server = app_server
    assert len(links) >= 3

    def get_all(path: str, times: int = 12) -> list[int]:
        return [Browser(base).request(path)[0] for _ in range(times)]

    assert set(get_all("/dang-nhap/")) == {200}

    # Between requests: a restart is invisible (the stale connections are
    # replaced, CONN_HEALTH_CHECKS); while the database is down, the friendly page.
    private_postgres.restart("fast")
    assert set(get_all("/dang-nhap/")) == {200}
    private_postgres.stop("immediate")
    code, text, headers = Browser(base).request(links[0])
    assert code == 503, text[:500]
    assert FRIENDLY in text and headers["Retry-After"]
    private_postgres.start()
    assert set(get_all(links[0], 4)) == {200}

    # In flight: units keep replying (one POST every 0.4 s each) while the cluster restarts twice.
    statuses: Counter = Counter()
    last_ok: dict[str, int] = {}
    stop = threading.Event()
    lock = threading.Lock()

    def unit(link: str, offset: int) -> None:
        browser = Browser(base)
        assert browser.request(link)[0] == 200
        attempt = offset
        while not stop.is_set():
            attempt += 100
            try:
                code, text, _ = browser.request(link, reply_data(browser.cookie("csrftoken"), attempt, 1 + attempt // 100 % 3))
                if code == 503:
                    assert FRIENDLY in text
            except OSError as error:  # a dropped connection
                code = type(error).__name__
            with lock:
                statuses[code] += 1
                if code == 302:
                    last_ok[link] = attempt
            time.sleep(0.4)

    threads = [threading.Thread(target=unit, args=(link, i)) for i, link in enumerate(links)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    private_postgres.restart("immediate")  # quick: the requests of that instant
    time.sleep(2)
    private_postgres.stop("immediate")  # a slower restart: every unit meets it
    time.sleep(1.5)
    private_postgres.start()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert set(statuses) <= {302, 503}, statuses  # never a 500, a 429 or a dropped connection
    assert statuses[503] >= 1 and statuses[302] >= len(links), statuses

    # No half-written reply: each stored reply has exactly the delegates of
    # one attempt, as many as it says, and it is the last one answered 302 or later.
    rows = private_postgres.query(
        """
        select r.note, r.delegate_count, coalesce(array_agg(d.full_name order by d.full_name)
               filter (where d.id is not null), '{}'), i.id
        from invitations_reply r join invitations_invitation i on i.id = r.invitation_id
        left join invitations_delegate d on d.invitation_id = i.id
        group by r.id, i.id
        """
    )
    assert len(rows) == len(links), rows
    by_invitation = {f"/giay-moi/tra-loi/{invitation_id}/": (note, count, names) for note, count, names, invitation_id in rows}
    for link in links:
        note, count, names = next(v for k, v in by_invitation.items() if link.startswith(k))
        attempt = int(note.split()[1])
        assert names == [f"Đại biểu {attempt}-{i}" for i in range(count)], (note, names)
        assert count == 1 + attempt // 100 % 3
        assert attempt >= last_ok[link]

    # Recovered without restarting the app server.
    assert server.poll() is None
    assert set(get_all("/dang-nhap/")) == {200}
    assert set(get_all(links[1], 4)) == {200}
