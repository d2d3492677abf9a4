import html
import os
import re
import socket
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
