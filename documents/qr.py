"""QR codes (segno) for printed documents: the reply link of a Giấy mời,
a delegate's check-in code on a name card."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str = "") -> SafeString:
    """An inline ``<svg>`` (no fetch needed) of a QR code; size it with CSS."""
    code = segno.make(data, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=1, border=2, title=title or None, svgclass="qr", lineclass=None))  # noqa: S308


def qr_png(data: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
