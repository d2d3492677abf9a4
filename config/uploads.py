"""Upload limits shared by every form that takes a file, and the answer to a
request whose body is over the global cap (``MAX_REQUEST_BODY_MB``).

Forms call :func:`check_size` and :func:`check_type` so the user reads, in
Vietnamese, how large a file may be and which types are accepted; the
middleware refuses a too large body before Django reads it, and
:func:`bad_request` turns Django's ``RequestDataTooBig`` (too many bytes of
ordinary fields, or too many fields or files) into the same 413 page
instead of a bare 400.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults

PDF = {".pdf": (b"%PDF-",)}
PNG = {".png": (b"\x89PNG\r\n\x1a\n",)}


def check_size(upload, limit: int) -> None:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="too_large")


def check_type(upload, accepted: dict[str, tuple[bytes, ...]], kinds: str) -> None:
    """The name ends with one of the accepted extensions and the content starts
    with one of that extension's signatures. ``kinds``: e.g. "PDF"."""
    name = (upload.name or "").lower()
    signatures = next((sigs for ext, sigs in accepted.items() if name.endswith(ext)), None)
    head = upload.read(16)
    upload.seek(0)
    if signatures is None or not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(_("Choose a %(kinds)s file: this one is not.") % {"kinds": kinds}, code="wrong_type")


def too_large(request):
    limit = filesizeformat(settings.MAX_REQUEST_BODY_BYTES)
    return render(request, "413.html", {"limit": limit}, status=413)


class RequestSizeLimitMiddleware:
    """Refuse a request announcing a body over ``MAX_REQUEST_BODY_BYTES`` with
    the 413 page, before anything reads the body. (The TLS proxy should refuse
    it earlier still: nginx ``client_max_body_size``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return too_large(request)
        return self.get_response(request)


def bad_request(request, exception, template_name="400.html"):
    """handler400: Django's refusals of a too large request get the 413 page."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return too_large(request)
    return defaults.bad_request(request, exception, template_name=template_name)
