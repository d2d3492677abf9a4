"""A Celery worker process that is killed (SIGKILL) right after it claims a
mail, before any byte goes to the SMTP server: what a power cut or an OOM
kill does. Run by test_outbox_crash.py with the test database's DATABASE_URL."""

import os
import signal
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from invitations import outbox  # noqa: E402


def killed(message):
    os.kill(os.getpid(), signal.SIGKILL)


outbox.transmit = killed

from config.celery import app  # noqa: E402

app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"], result_backend=os.environ["REDIS_URL"])
app.worker_main(
    ["worker", "--pool=solo", "-Q", "celery", "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"]
)
