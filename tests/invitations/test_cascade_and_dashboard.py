"""The tier cascade, reminders, the organiser's dashboard, exports and check-in."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from openpyxl import load_workbook

from invitations import reminders, selectors, services, tokens
from invitations.models import Invitation, MailState, OutgoingMail
from registers.models import RegisterCounter
from tests.conftest import page_text
from tests.factories import UserFactory

from .conftest import build_conference, pdf_text


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    pass


def _issue(setup, capture):
    services.build_recipients(setup.campaign)
    with capture(execute=True):
        services.issue_and_send(setup.campaign.pk)


def _reply(invitation, *names, attending=True, count=None):
    return services.save_reply(
        invitation,
        attending=attending,
        delegate_count=count if count is not None else len(names),
        delegates=[services.DelegateEntry(*name) if isinstance(name, tuple) else services.DelegateEntry(name) for name in names],
        contact_name="Lê Văn Liên",
        contact_phone="0905 000 111",
    )


@pytest.mark.parametrize("post_reform", [False, True])
def test_a_host_invites_three_units_and_their_replies_count_for_its_bridge_point(
    db, client, django_capture_on_commit_callbacks, post_reform
):
    setup = build_conference(hall_units=1, districts=2, communes=3, post_reform=post_reform)
    _issue(setup, django_capture_on_commit_callbacks)
    district = setup.districts[0]
    host = Invitation.objects.get(organisation=district)
    assert host.invites_lower_tier
    # From its reply page (the signed link), the district picks its three units.
    page = client.get(f"{tokens.reply_path(host)}cap-duoi/")
    text = page_text(page.content)
    below = setup.communes[district.pk]
    assert all(unit.name in text for unit in below)
    assert setup.communes[setup.districts[1].pk][0].name not in text  # not another district's
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{tokens.reply_path(host)}cap-duoi/",
            {
                "units": [u.pk for u in below],
                "signer_title": "Chủ tịch",
                "signer_name": "Phan Văn Bình",
                "on_behalf_of": "ỦY BAN NHÂN DÂN",
            },
        )
    assert response.status_code == 302
    children = list(Invitation.objects.filter(parent=host).order_by("number"))
    assert [c.organisation for c in sorted(children, key=lambda c: c.pk)] == below
    # Numbered in the district's own GM register, issued under its name, mailed.
    assert [c.number for c in children] == [1, 2, 3] and all(c.inviter == district for c in children)
    assert RegisterCounter.objects.get(issuing_body=district, type_code="GM").last_number == 3
    text = pdf_text(children[0].pdf.read())
    assert f"{district.name} trân trọng kính mời: {children[0].name}" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Phan Văn Bình" in text
    assert all(c.mail.state == MailState.SENT for c in children)
    assert sorted(
        m.to[0] for m in django_mail.outbox if "Giấy mời số" in m.subject and m.to[0] in {u.email for u in below}
    ) == sorted(u.email for u in below)
    # Choosing a unit of another district is refused.
    other = setup.communes[setup.districts[1].pk][0]
    with pytest.raises(services.InvitationError):
        services.invite_lower_tier(host, [other], signer_name="X", signer_title="Chủ tịch")
    # Replies roll up into the district's bridge point on the province's dashboard.
    _reply(host, "Phan Văn Bình", "Lý Thị Hà")
    _reply(children[0], "Đỗ Văn Tư", "Võ Thị Năm", "Huỳnh Văn Sáu")
    _reply(children[1], "Mai Văn Bảy")
    _reply(children[2], attending=False)
    board = selectors.dashboard(setup.campaign)
    row = next(r for r in board.by_point if r.host == district.name)
    assert (row.counts["total"], row.counts["yes"], row.counts["no"], row.counts["delegates"]) == (4, 3, 1, 6)
    other_row = next(r for r in board.by_point if r.host == setup.districts[1].name)
    assert other_row.counts["total"] == 1 and other_row.counts["delegates"] == 0
    organiser = UserFactory(role="clerk", organisation=setup.issuer)
    client.force_login(organiser)
    text = page_text(client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/").content)
    assert district.name in text and "do " + district.name + " mời" in text


def test_reminders_once_per_rule_and_a_summary_to_the_organiser(db, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=3, districts=0, deadline_days=3)
    _issue(setup, django_capture_on_commit_callbacks)
    first, second, third = setup.campaign.invitations.order_by("pk")
    _reply(first, "Trần Văn Một")
    django_mail.outbox.clear()
    # Four days before the deadline: too early (two days by default).
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=setup.campaign.reply_deadline - datetime.timedelta(days=4)) == {
            "reminders": 0,
            "summaries": 0,
        }
    due = setup.campaign.reply_deadline - datetime.timedelta(days=1)
    for _ in range(3):  # beat runs every 15 minutes: still once
        with django_capture_on_commit_callbacks(execute=True):
            reminders.send_due_reminders(now=due)
    reminded = sorted(m.to[0] for m in django_mail.outbox if m.subject.startswith("Nhắc trả lời"))
    assert reminded == sorted([second.email, third.email])
    (summary,) = [m for m in django_mail.outbox if m.to == ["vanphong@example.org"]]
    assert "2 đơn vị chưa trả lời" in summary.subject
    assert second.name in summary.body and second.phone in summary.body and first.name not in summary.body
    reminder = next(m for m in django_mail.outbox if m.to == [second.email])
    assert tokens.reply_url(second) in reminder.body
    # A new rule (the organiser moves the deadline): one more reminder each.
    setup.campaign.reply_deadline += datetime.timedelta(days=1)
    setup.campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=due + datetime.timedelta(days=1))["reminders"] == 2


def _answered_rows(setup, units) -> None:
    """Issued, mailed and answered invitations for ``units``."""
    for unit in units:
        invitation = services.add_recipient(setup.campaign, organisation=unit, bridge_point=setup.hall)
        number = setup.campaign.invitations.filter(number__isnull=False).count() + 1
        mail = OutgoingMail.objects.create(to=[unit.email], subject="S", body="B", state=MailState.SENT)
        Invitation.objects.filter(pk=invitation.pk).update(number=number, year=2026, issue_date=timezone.localdate(), mail=mail)
        invitation.refresh_from_db()
        _reply(invitation, f"Nguyễn Văn {number}", f"Trần Thị {number}")


def _query_counts(client, setup, unit_user, organiser) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = setup.plan.pk
    pages = [
        (organiser, f"/giay-moi/ke-hoach/{plan}/"),
        (organiser, f"/giay-moi/ke-hoach/{plan}/nguoi-nhan/"),
        (organiser, f"/giay-moi/ke-hoach/{plan}/thu/"),
        (organiser, f"/giay-moi/ke-hoach/{plan}/danh-sach-ky/"),
        (organiser, f"/giay-moi/ke-hoach/{plan}/diem-danh/?q=nguyen"),
        (organiser, f"/giay-moi/ke-hoach/{plan}/dai-bieu.xlsx"),
        (organiser, "/giay-moi/"),
        (unit_user, "/giay-moi/cua-toi/"),
    ]
    counts = {}
    for user, url in pages:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_list_pages_cost_the_same_queries_for_3_and_30_rows(db, client):
    from tests.factories import OrganisationFactory

    setup = build_conference(hall_units=0, districts=0)
    units = [OrganisationFactory(name=f"Sở Số {i}", kind="department", email=f"so{i}@example.org") for i in range(30)]
    organiser = UserFactory(role="clerk", organisation=setup.issuer)
    unit_user = UserFactory(role="unit_office", organisation=units[0])
    _answered_rows(setup, units[:3])
    few = _query_counts(client, setup, unit_user, organiser)
    _answered_rows(setup, units[3:])
    many = _query_counts(client, setup, unit_user, organiser)
    assert setup.campaign.invitations.count() == 30
    assert many == few


def test_delegate_export_is_in_vietnamese_order_and_name_cards_are_a_pdf(db, client, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=2, districts=0)
    _issue(setup, django_capture_on_commit_callbacks)
    first, second = setup.campaign.invitations.order_by("pk")
    _reply(first, ("Trần Thị Bích", "Phó Giám đốc"), ("Nguyễn Văn An", "Chuyên viên"))
    _reply(second, ("Lê Văn Đức", "Giám đốc"), ("Nguyễn Thị Ánh", "Trưởng phòng"))
    client.force_login(UserFactory(role="clerk", organisation=setup.issuer))
    response = client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/dai-bieu.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    # Given name first (An, Ánh, Bích, Đức), then the full name.
    assert names == ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Trần Thị Bích", "Lê Văn Đức"]
    cards = client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/bang-ten.pdf")
    assert cards["Content-Type"] == "application/pdf"
    text = pdf_text(cards.content)
    assert all(name in text for name in names)
    from .conftest import qr_codes

    codes = qr_codes(cards.content, page=0)
    assert len(codes) == 1 and codes[0].startswith("DB:")
    sheet_page = page_text(client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/danh-sach-ky/").content)
    assert "Ký tên" in sheet_page and sheet_page.index("Nguyễn Văn An") < sheet_page.index("Lê Văn Đức")


def test_check_in_by_search_and_by_scanned_codes(db, client, django_capture_on_commit_callbacks):
    from invitations.exports import card_code

    setup = build_conference(hall_units=1, districts=0)
    _issue(setup, django_capture_on_commit_callbacks)
    invitation = setup.campaign.invitations.get()
    _reply(invitation, ("Trần Thị Bích", "Phó Giám đốc"), ("Nguyễn Văn An", "Chuyên viên"))
    bich, an = invitation.delegates.order_by("order")
    client.force_login(UserFactory(role="clerk", organisation=setup.issuer))
    page = page_text(client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/diem-danh/?q=bich").content)
    assert "Trần Thị Bích" in page and "Nguyễn Văn An" not in page  # accent-insensitive search
    response = client.post(f"/giay-moi/dai-bieu/{bich.pk}/co-mat/", {"present": "1"}, headers={"X-Requested-With": "fetch"})
    data = response.json()
    assert data["present"] and data["counts"]["present"] == 1 and data["counts"]["named"] == 2
    bich.refresh_from_db()
    assert bich.checked_in_at is not None
    scan_url = f"/giay-moi/ke-hoach/{setup.plan.pk}/diem-danh/quet/"
    # A name card's code checks its delegate in at once.
    answer = client.post(scan_url, {"code": card_code(an)}).json()
    assert answer["ok"] and "Nguyễn Văn An" in answer["message"]
    an.refresh_from_db()
    assert an.checked_in_at is not None
    # The Giấy mời's QR (its reply link) lists the unit's delegates.
    answer = client.post(scan_url, {"code": tokens.reply_url(invitation)}).json()
    assert answer["ok"] and [d["name"] for d in answer["delegates"]] == ["Trần Thị Bích", "Nguyễn Văn An"]
    assert not client.post(scan_url, {"code": "DB:forged"}).json()["ok"]
    assert client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/diem-danh/so-lieu/").json()["present"] == 2
