"""Request ids on responses and log records; task ids in task logs; JSON lines."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
from celery import shared_task

from ops.logs import ContextFilter, JsonFormatter, TextFormatter, request_id_var

logger = logging.getLogger("tests.ops")


@shared_task(name="tests.ops.logging_task")
def logging_task(value):
    logger.warning("task says %s", value)
    return value


@pytest.mark.django_db
def test_response_carries_a_new_request_id_and_the_log_records_too(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/ke-hoach/0/no-such-page/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    records = [record for record in caplog.records if record.name == "django.request"]
    assert records, "Django logs the 404"
    assert {record.request_id for record in records} == {request_id}
    assert client.get("/healthz/live")["X-Request-ID"] != request_id


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_when_plausible(client):
    kept = client.get("/healthz/live", HTTP_X_REQUEST_ID="5f2b1c0e-9d7a-4a55-8a2e-0c1f2d3e4f50")
    assert kept["X-Request-ID"] == "5f2b1c0e-9d7a-4a55-8a2e-0c1f2d3e4f50"
    for bad in ["short", "has spaces in it ok", 'quote"injection-attempt', "x" * 300]:
        replaced = client.get("/healthz/live", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert replaced != bad and re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert request_id_var.get() == "", "the id does not leak out of the request"


def test_json_lines_carry_the_ids_and_the_exception():
    token = request_id_var.set("req-12345678")
    try:
        record = logger.makeRecord("tests.ops", logging.ERROR, __file__, 1, "failed %s", ("x",), None, extra={"plan": 7})
        try:
            raise ValueError("boom")
        except ValueError:
            record.exc_info = sys.exc_info()
        assert ContextFilter().filter(record) and record.request_id == "req-12345678"
        data = json.loads(JsonFormatter().format(record))
        text = TextFormatter("%(levelname)s %(name)s%(ids)s: %(message)s").format(record)
    finally:
        request_id_var.reset(token)
    assert data["request_id"] == "req-12345678"
    assert data["message"] == "failed x" and data["level"] == "ERROR" and data["logger"] == "tests.ops"
    assert data["plan"] == 7
    assert "ValueError: boom" in data["exception"]
    assert text.startswith("ERROR tests.ops [req-12345678]: failed x")
    outside = json.loads(JsonFormatter().format(logger.makeRecord("tests.ops", logging.INFO, __file__, 1, "plain", (), None)))
    assert "request_id" not in outside and outside["message"] == "plain"


@pytest.mark.django_db
def test_task_log_records_carry_the_task_id_and_the_request_id(caplog):
    caplog.set_level(logging.WARNING, logger="tests.ops")
    token = request_id_var.set("queued-by-request-1")
    try:
        result = logging_task.delay("hello")  # eager in the test settings
    finally:
        request_id_var.reset(token)
    (record,) = [record for record in caplog.records if record.getMessage() == "task says hello"]
    assert record.task_id == result.id and record.task_id
    assert record.task_name == "tests.ops.logging_task"
    assert record.request_id == "queued-by-request-1"
    assert logger.makeRecord("tests.ops", logging.INFO, __file__, 1, "after", (), None).task_id == ""
