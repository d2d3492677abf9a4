"""Error pages that do not need the database.

When PostgreSQL restarts, a request in flight gets ``OperationalError`` or
``InterfaceError`` from the driver: :class:`DatabaseUnavailableMiddleware`
(for exceptions raised by views) and :func:`server_error` (``handler500``,
for those raised elsewhere, e.g. by the session middleware) answer with a
503 page “Hệ thống tạm thời gián đoạn, vui lòng thử lại” and a
``Retry-After`` header instead of a bare 500. The transaction of the request
is rolled back by the server, so nothing is half written; the next request
opens a new connection (``CONN_HEALTH_CHECKS``). The pages are rendered
without context processors: they must not touch the database themselves.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def unavailable(request=None) -> HttpResponse:
    response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    """``handler500``: a 503 page while the database is unreachable, else a plain 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable(request)
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
            return unavailable(request)
        return None
