import html
import os
import re
import socket
import time
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command

DATA_DIR = Path(__file__).parent / "data"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool, how: str) -> None:
    """Skip on a laptop without the service; fail under CI=true."""
    if available:
        return
    message = f"{name} is not available ({how})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_client():
    """A client of the Redis of REDIS_URL, or None when it is not set or not reachable."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


def page_text(content: bytes | str) -> str:
    """Visible text of an HTML page: tags removed, entities decoded,
    whitespace collapsed, NFC."""
    text = content.decode() if isinstance(content, bytes) else content
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return collapse(html.unescape(text))


def collapse(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture(scope="session", autouse=True)
def signing_certificate(tmp_path_factory):
    """A self-signed organisation certificate (encrypted PKCS#12) and a media
    folder for the whole run."""
    from django.test import override_settings

    from workflow.certificates import write_demo_certificate

    path = write_demo_certificate(tmp_path_factory.mktemp("signing") / "organisation.p12", passphrase=b"test-passphrase")
    media = tmp_path_factory.mktemp("media")  # issued and rendered files of the run, not var/media
    with override_settings(SIGNING_PKCS12=path, SIGNING_PKCS12_PASSPHRASE="test-passphrase", MEDIA_ROOT=media):
        yield path


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))


def draft_copy(key: str, username: str = "soanthao"):
    """A draft copy (same year, same texts, same drafting unit) of a demo plan:
    load_demo issues seeds 000 and 002, which can then no longer be edited."""
    from conferences.cloning import clone_plan
    from conferences.models import Plan
    from directory.models import User

    source = Plan.objects.get(key=key)
    return clone_plan(source, target_year=source.year, user=User.objects.get(username=username)).plan


@pytest.fixture
def drafter(db):
    from tests.factories import UserFactory

    return UserFactory(role="drafter")


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (``playwright install`` cannot download here)."""
    require_service("Chromium", Path(CHROMIUM).exists(), f"install Debian's chromium or set CHROMIUM; looked at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# --- Two-factor authentication in tests -------------------------------------------------
#
# ``Client.force_login(user)`` (used all over the suite, and by the permission
# matrix) also marks the session verified by a second factor, as the code step
# of the login would: with the user's confirmed device, or, for a role that
# requires one, a device with the demo key created on the spot. Tests of the
# second factor itself opt out with ``@pytest.mark.real_otp``.


def verify_client_session(client, user) -> None:
    """Mark ``client``'s session verified by a confirmed device of ``user``."""
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    from accounts.otp import give_demo_device, otp_required

    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is None:
        if not otp_required(user):
            return
        device = give_demo_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def fresh_issued_plans():
    """Each test reads the issued plans again: the process keeps their rows
    (conferences.frozen), and a rolled-back database may give the next test's
    plan the same id."""
    from conferences import frozen

    frozen.clear()
    yield
    frozen.clear()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request, monkeypatch):
    if request.node.get_closest_marker("real_otp"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_client_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def otp_code(user) -> str:
    """A code the user's (first) TOTP device accepts now and has not seen yet.

    django-otp refuses a time step already used (``last_t``) and accepts one
    step of drift: the code of the next step when the current one was used,
    waiting for the next 30 seconds when even that one was."""
    from django_otp.oath import hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    now = int(time.time() - device.t0) // device.step
    wanted = max(now, device.last_t + 1)
    if wanted > now + device.tolerance:
        time.sleep((wanted - device.tolerance) * device.step + device.t0 - time.time() + 0.1)
    return f"{hotp(device.bin_key, wanted, digits=device.digits):0{device.digits}d}"
