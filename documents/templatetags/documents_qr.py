from django import template

from documents.qr import qr_svg as make_qr_svg

register = template.Library()


@register.filter
def qr_svg(value: str):
    """``{{ url|qr_svg }}``: the QR code of the text as inline SVG."""
    return make_qr_svg(value) if value else ""
