"""Request ids, and the health pages answered before the rest of the stack."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import request_finished

from . import views
from .logs import clean_request_id, request_id_var

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Takes the proxy's ``X-Request-ID`` when it is a plausible id, or makes
    one (uuid4 hex); every log record of the request carries it
    (``ops.logs``), and so does the response header. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trust_header = getattr(settings, "REQUEST_ID_TRUST_HEADER", True)

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID") if self.trust_header else None
        request_id = clean_request_id(incoming)
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs
        # 4xx/5xx responses after the middleware chain has returned.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


def clear_request_id(**kwargs):
    request_id_var.set("")


request_finished.connect(clear_request_id, dispatch_uid="ops.clear_request_id")


class HealthCheckMiddleware:
    """``/healthz`` and ``/healthz/live`` answered here, right after the
    request id: no host validation (a load balancer probes by IP address), no
    HTTPS redirect (it probes over plain HTTP), no session, CSRF, language or
    CSP work. The same views are in ``ops/urls.py`` for reverse()."""

    PATHS = {"/healthz": views.healthz, "/healthz/": views.healthz, "/healthz/live": views.live, "/healthz/live/": views.live}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.PATHS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
