"""Delegate lists for the day: XLSX export, name cards (PDF), check-in codes."""

from __future__ import annotations

import io

from django.core import signing
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from documents import content
from documents.qr import qr_svg

CARD_SALT = "invitations.name-card"
CARD_PREFIX = "DB:"


def delegates_workbook(plan, delegates) -> bytes:
    """One row per delegate in official order (given name, then full name)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Đại biểu"
    sheet.append([content.conference_name(plan)])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Điểm cầu", "Có mặt"]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for number, delegate in enumerate(delegates, start=1):
        invitation = delegate.invitation
        point = invitation.bridge_point.heading if invitation.bridge_point else ""
        if invitation.point_host and invitation.bridge_point and invitation.bridge_point.per_unit:
            point = f"{point} — {invitation.point_host.name}"
        sheet.append(
            [
                number,
                delegate.full_name,
                delegate.title,
                invitation.organisation.name,
                point,
                delegate.checked_in_at.strftime("%H:%M %d/%m/%Y") if delegate.checked_in_at else "",
            ]
        )
    for column, width in zip("ABCDEF", (6, 28, 32, 40, 36, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def card_code(delegate) -> str:
    """What a name card's QR code holds: the delegate, signed."""
    return CARD_PREFIX + signing.dumps(delegate.pk, salt=CARD_SALT)


def read_card_code(code: str) -> int | None:
    code = code.strip()
    if not code.startswith(CARD_PREFIX):
        return None
    try:
        return int(signing.loads(code.removeprefix(CARD_PREFIX), salt=CARD_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def name_cards_pdf(plan, delegates) -> bytes:
    """Bảng tên đại biểu: two folded table cards per A4 landscape page, each
    with the delegate's name, title and unit and a check-in QR code."""
    from documents.rendering import render_html

    cards = [(delegate, qr_svg(card_code(delegate))) for delegate in delegates]
    markup = render_to_string(
        "invitations/name_cards.html", {"plan": plan, "conference": content.conference_name(plan), "cards": cards}
    )
    return render_html(markup)
