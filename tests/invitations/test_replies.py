"""Reply pages: by a signed link without an account, or as the unit's office;
links that are tampered, expired or for another invitation; deadlines."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conferences.models import Conference
from invitations import services, tokens
from invitations.models import Delegate, Invitation, Reply
from tests.conftest import page_text
from tests.factories import UserFactory

from .conftest import build_conference


@pytest.fixture
def issued(db, media_in_tmp, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=2, districts=1)
    services.build_recipients(setup.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_and_send(setup.campaign.pk)
    return setup


def _reply_data(names=(("Trần Thị Bích", "Phó Giám đốc Sở"), ("Nguyễn Văn An", "Chuyên viên")), count=None, **extra):
    data = {
        "action": "reply",
        "attending": "yes",
        "delegate_count": str(count if count is not None else len(names)),
        "contact_name": "Lê Văn Liên",
        "contact_phone": "0905 123 456",
        "delegates-TOTAL_FORMS": "3",
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "60",
    }
    for i, (name, title) in enumerate(names):
        data[f"delegates-{i}-full_name"] = name
        data[f"delegates-{i}-title"] = title
    data.update(extra)
    return data


def _first(setup) -> Invitation:
    return Invitation.objects.get(organisation=setup.hall_units[0])


def test_reply_by_link_without_an_account(client, issued):
    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    page = client.get(url)
    assert page.status_code == 200
    text = page_text(page.content)
    assert invitation.name in text and invitation.number_display in text and "Trả lời Giấy mời" in text
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    response = client.post(url, _reply_data())
    assert response.status_code == 302
    reply = Reply.objects.get(invitation=invitation)
    assert (reply.attending, reply.delegate_count, reply.contact_phone, reply.channel) == (True, 2, "0905 123 456", "online")
    assert list(invitation.delegates.values_list("full_name", "title")) == [
        ("Trần Thị Bích", "Phó Giám đốc Sở"),
        ("Nguyễn Văn An", "Chuyên viên"),
    ]
    # Changed before the deadline: replaced, not added to.
    client.post(url, _reply_data(names=(("Trần Thị Bích", "Phó Giám đốc Sở"),)))
    reply.refresh_from_db()
    assert reply.delegate_count == 1 and reply.revision == 2 and invitation.delegates.count() == 1


def _link_error(response, status, words):
    assert response.status_code == status
    text = page_text(response.content)
    assert words in text
    return text


def test_tampered_expired_and_other_invitation_links_change_nothing(client, issued, monkeypatch):
    first, second = Invitation.objects.filter(campaign=issued.campaign).order_by("pk")[:2]
    token = tokens.make_token(first)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for url in (
        f"/giay-moi/tra-loi/{first.pk}/{tampered}/",
        f"/giay-moi/tra-loi/{second.pk}/{token}/",  # the link of another invitation
        f"/giay-moi/tra-loi/{first.pk}/{tampered}/cap-duoi/",
    ):
        _link_error(client.get(url), 403, "Đường dẫn trả lời không hợp lệ")
        _link_error(client.post(url, _reply_data()), 403, "Đường dẫn trả lời không hợp lệ")
    assert Reply.objects.count() == 0 and Delegate.objects.count() == 0
    # After the conference the link has expired (three days after it: the issued plan itself cannot change).
    conference = Conference.objects.get(plan=issued.plan)
    later = (conference.ends_at or conference.starts_at) + datetime.timedelta(days=3)
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: later)
        text = _link_error(client.post(tokens.reply_path(first), _reply_data()), 410, "Đường dẫn trả lời đã hết hạn")
    assert "ngày hôm sau Hội nghị" in text
    assert Reply.objects.count() == 0
    # A revoked link (the organiser issued a new one).
    old = tokens.reply_path(first)
    Invitation.objects.filter(pk=first.pk).update(token_version=2)
    _link_error(client.get(old), 403, "không còn hiệu lực")


def test_bad_links_are_rate_limited(client, issued):
    first = _first(issued)
    for _ in range(21):
        client.get(f"/giay-moi/tra-loi/{first.pk}/sai:chu-ky/")
    response = client.get(tokens.reply_path(first))
    _link_error(response, 429, "Quá nhiều lần thử")


def test_unit_office_sees_only_its_own_invitations(client, issued):
    mine, other = Invitation.objects.filter(organisation__in=issued.hall_units).order_by("pk")
    user = UserFactory(role="unit_office", organisation=mine.organisation)
    client.force_login(user)
    listing = page_text(client.get("/giay-moi/cua-toi/").content)
    assert mine.number_display in listing and other.number_display not in listing
    assert client.get(f"/giay-moi/cua-toi/{mine.pk}/").status_code == 200
    # Changing the id in the URL: not found, and nothing is stored.
    assert client.get(f"/giay-moi/cua-toi/{other.pk}/").status_code == 404
    assert client.post(f"/giay-moi/cua-toi/{other.pk}/", _reply_data()).status_code == 404
    assert client.get(f"/giay-moi/cua-toi/{other.pk}/giay-moi.pdf").status_code == 404
    assert client.get(f"/giay-moi/cua-toi/{other.pk}/cap-duoi/").status_code == 404
    assert not Reply.objects.filter(invitation=other).exists()
    # Nor the organiser's pages.
    assert client.get(f"/giay-moi/{other.pk}/").status_code == 403
    assert client.get(f"/giay-moi/ke-hoach/{issued.plan.pk}/").status_code == 403
    response = client.post(f"/giay-moi/cua-toi/{mine.pk}/", _reply_data())
    assert response.status_code == 302 and Reply.objects.get(invitation=mine).entered_by == user


def test_over_quota_needs_a_reason_and_the_form_keeps_what_was_typed(client, issued):
    invitation = _first(issued)
    Invitation.objects.filter(pk=invitation.pk).update(quota=1)
    response = client.post(tokens.reply_path(invitation), _reply_data())
    assert response.status_code == 200
    text = page_text(response.content)
    assert "cần nêu lý do" in text
    assert "Nguyễn Văn An" in response.content.decode() and "0905 123 456" in response.content.decode()
    assert not Reply.objects.exists()
    client.post(tokens.reply_path(invitation), _reply_data(over_quota_reason="Thêm chuyên viên tham mưu CCHC"))
    assert Reply.objects.get(invitation=invitation).over_quota_reason == "Thêm chuyên viên tham mưu CCHC"


def test_after_the_deadline_read_only_until_the_organiser_reopens(client, issued):
    invitation = _first(issued)
    client.post(tokens.reply_path(invitation), _reply_data())
    issued.campaign.reply_deadline = timezone.now() - datetime.timedelta(hours=1)
    issued.campaign.save()
    page = page_text(client.get(tokens.reply_path(invitation)).content)
    assert "Đã quá hạn trả lời" in page and "Gửi trả lời" not in page
    client.post(tokens.reply_path(invitation), _reply_data(names=(("Người Khác", ""),)))
    assert list(invitation.delegates.values_list("full_name", flat=True)) == ["Trần Thị Bích", "Nguyễn Văn An"]
    organiser = UserFactory(role="clerk", organisation=issued.issuer)
    client.force_login(organiser)
    client.post(f"/giay-moi/{invitation.pk}/reopen/")
    client.logout()
    client.post(tokens.reply_path(invitation), _reply_data(names=(("Người Khác", ""),)))
    assert list(invitation.delegates.values_list("full_name", flat=True)) == ["Người Khác"]


def test_organiser_enters_a_reply_received_by_phone(client, issued):
    invitation = Invitation.objects.get(organisation=issued.hall_units[1])
    organiser = UserFactory(role="clerk", organisation=issued.issuer)
    client.force_login(organiser)
    response = client.post(
        f"/giay-moi/{invitation.pk}/", _reply_data(names=(("Phạm Thị Hoa", "Giám đốc"),), channel="phone", contact_name="")
    )
    assert response.status_code == 302
    reply = Reply.objects.get(invitation=invitation)
    assert (reply.channel, reply.entered_by) == ("phone", organiser)
    page = page_text(client.get(f"/giay-moi/{invitation.pk}/").content)
    assert "Qua điện thoại" in page and "Phạm Thị Hoa" in page


def test_rate_limits_count_the_client_behind_the_proxy_not_the_proxy(rf, settings):
    from invitations import ratelimit

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    settings.USE_X_FORWARDED_FOR = False
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.USE_X_FORWARDED_FOR = True
    assert ratelimit.client_ip(request) == "198.51.100.7"  # the address the trusted proxy appended
