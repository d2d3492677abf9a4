"""A real Celery worker on the Redis broker renders a plan queued on commit."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import transaction

from conferences.models import DistributionLine
from documents import services
from documents.models import RenderedFile
from documents.tasks import QUEUE
from tests.conftest import redis_client, require_service
from tests.documents.pdfutil import pdftotext
from tests.factories import DistributionLineFactory, PlanFactory, SectionFactory


def _wait_until_rendered(rendered_id: int, version: int, timeout: float = 90) -> RenderedFile:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rendered = RenderedFile.objects.get(pk=rendered_id)
        if rendered.state == "failed":
            pytest.fail(f"rendering failed: {rendered.error}")
        if rendered.state == "done" and rendered.version >= version:
            return rendered
        time.sleep(0.2)
    pytest.fail(f"the worker did not render version {version} within {timeout} s")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_renders_on_commit_and_rewrites_only_after_a_change(monkeypatch):
    broker = redis_client()
    require_service("Redis", broker is not None, "set REDIS_URL=redis://127.0.0.1:6379/<db>")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    plan = PlanFactory(subject="Tổ chức Hội nghị phân tích Chỉ số SIPAS năm 2025")
    SectionFactory(plan=plan, heading="MỤC ĐÍCH, YÊU CẦU", body="- Đánh giá kết quả Chỉ số SIPAS.")
    DistributionLineFactory(plan=plan, text="Lưu: VT, NC.")
    broker.delete(QUEUE)
    # The worker thread closes its database connection after each task, so
    # that the test database can be dropped at the end of the run.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)

    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    try:
        with transaction.atomic():
            rendered = services.request_rendering(plan=plan, kind="plan", file_format="pdf", user=None)
            assert broker.llen(QUEUE) == 0, "nothing is sent before the commit"
        assert broker.llen(QUEUE) == 1, "the job waits on the documents queue"

        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["celery", QUEUE]):
            first = _wait_until_rendered(rendered.pk, 1)
            data = first.file.read()
            assert "Tổ chức Hội nghị phân tích Chỉ số SIPAS năm 2025" in pdftotext(data)

            services.request_rendering(plan=plan, kind="plan", file_format="pdf", user=None)
            same = _wait_until_rendered(rendered.pk, 1)
            assert (same.version, same.sha256) == (1, first.sha256)

            DistributionLine.objects.filter(plan=plan).update(text="Lưu: VT, NC, TH.")
            services.request_rendering(plan=plan, kind="plan", file_format="pdf", user=None)
            changed = _wait_until_rendered(rendered.pk, 2)
            assert changed.version == 2 and changed.sha256 != first.sha256
            assert "- Lưu: VT, NC, TH." in pdftotext(changed.file.read())
    finally:
        app.conf.update(previous)
