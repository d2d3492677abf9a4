"""A Celery worker on the documents queue that is killed (SIGKILL) in the
middle of a job: what a power cut or an OOM kill does. Run by
test_worker_killed.py with the test's DATABASE_URL, MEDIA_ROOT, signing
certificate and broker (BROKER_URL).

- ``CRASH=render``: inside the rendering of a RenderedFile, after its claim;
- ``CRASH=issue``: while signing the second Giấy mời of a batch, after the
  first one's signed PDF was stored.
"""

import os
import signal
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from documents import services as documents  # noqa: E402
from invitations import services as invitations  # noqa: E402


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if os.environ["CRASH"] == "render":
    documents.render_one = die
else:
    real_sign, calls = invitations.sign, []

    def sign_then_die(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            die()
        return real_sign(*args, **kwargs)

    invitations.sign = sign_then_die

from config.celery import app  # noqa: E402

app.conf.update(task_always_eager=False, broker_url=os.environ["BROKER_URL"], result_backend=os.environ["BROKER_URL"])
app.worker_main(
    ["worker", "--pool=solo", "-Q", "documents", "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"]
)
