"""The pages shown when the database is unreachable need no database (no
django_db mark: pytest-django refuses any query here)."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from config.errors import DatabaseUnavailableMiddleware, server_error
from tests.conftest import page_text


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("connection already closed")])
def test_a_lost_database_in_a_view_is_a_503_page_in_vietnamese(error):
    request = RequestFactory().post("/giay-moi/tra-loi/1/x/")
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    with translation.override("vi"):
        response = middleware.process_exception(request, error)
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Hệ thống tạm thời gián đoạn, vui lòng thử lại" in page_text(response.content)
    assert middleware.process_exception(request, ValueError("a bug")) is None


def test_handler500_turns_database_errors_into_503_and_others_into_500(django_assert_num_queries):
    request = RequestFactory().get("/")
    with translation.override("vi"):
        try:
            raise OperationalError("the session table cannot be read")
        except OperationalError:
            unavailable = server_error(request)
        try:
            raise KeyError("a bug")
        except KeyError:
            failed = server_error(request)
    assert unavailable.status_code == 503 and "vui lòng thử lại" in page_text(unavailable.content)
    assert failed.status_code == 500 and "Đã xảy ra lỗi trên máy chủ." in page_text(failed.content)


def test_the_english_page():
    with translation.override("en"):
        middleware = DatabaseUnavailableMiddleware(lambda request: None)
        response = middleware.process_exception(RequestFactory().get("/"), OperationalError("down"))
    assert "The system is temporarily interrupted, please try again." in page_text(response.content)
