"""The reply form written in Python (invitations.reply_form): values escaped, errors shown, the right fields."""

from __future__ import annotations

from django.test import RequestFactory

from invitations import views
from invitations.reply_form import format_html, reply_form_html

from .test_replies import _first, issued  # noqa: F401  (the fixture)

HOSTILE = '<script>alert("x")</script>'


def _forms(invitation, data=None, organiser=False):
    factory = RequestFactory()
    request = factory.post("/", data) if data is not None else factory.get("/")
    form, formset = views._reply_forms(request, invitation, organiser=organiser, delegates=[])
    if data is not None:
        form.is_valid()
        formset.is_valid()
    return str(reply_form_html(form, formset))


def test_typed_values_come_back_escaped_with_their_errors(issued):  # noqa: F811
    data = {
        "action": "reply",
        "attending": "yes",
        "delegate_count": "",
        "contact_name": HOSTILE,
        "contact_phone": "0905 123 456",
        "note": f"{HOSTILE}\nsecond line",
        "delegates-TOTAL_FORMS": "2",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-full_name": HOSTILE,
        "delegates-0-title": "",
        "delegates-1-full_name": "",
        "delegates-1-title": "Chuyên viên",
    }
    html = _forms(_first(issued), data)
    assert "<script>" not in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in html
    assert ">\n&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\nsecond line</textarea>" in html
    # The count is missing, the second row has a title without a name: both say so, in Vietnamese.
    assert 'class="numberinput form-control is-invalid"' in html and "Nhập số đại biểu" in html
    assert 'id="id_delegates-1-full_name" value="" maxlength="150"' in html and "Nhập họ tên đại biểu" in html
    assert 'name="attending" value="yes" id="id_attending_0" required checked' in html
    assert 'name="delegates-TOTAL_FORMS" value="2"' in html


def test_empty_form_rows_and_fields_by_role(issued):  # noqa: F811
    invitation = _first(issued)
    html = _forms(invitation)
    assert html.count("data-delegate-row>") == 3 and 'name="delegates-INITIAL_FORMS" value="3"' in html
    assert 'for="id_delegates-2-title">Chức vụ đại biểu 3</label>' in html
    assert 'name="channel"' not in html and 'name="contact_name" maxlength="150"' in html
    assert ("connection_tested" in html) == invitation.hosts_point
    organiser = _forms(invitation, organiser=True)
    assert '<select name="channel" class="select form-select" required id="id_channel">' in organiser
    assert 'name="contact_name" maxlength="150" class="textinput form-control" id="id_contact_name"' in organiser


def test_format_html_escapes_all_but_markup():
    assert format_html("<b>{}</b>{}", "<i>&", format_html("<i>{}</i>", "'")) == "<b>&lt;i&gt;&amp;</b><i>&#x27;</i>"


def test_the_summary_kept_for_the_same_values_follows_every_change(client, issued):  # noqa: F811
    from django.utils import timezone

    from invitations import services, tokens
    from tests.conftest import page_text

    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    first = page_text(client.get(url).content)
    deadline = timezone.localtime(invitation.campaign.reply_deadline).strftime("%H:%M %d/%m/%Y")
    assert f"Số {invitation.number_display} ngày {invitation.issue_date:%d/%m/%Y}" in first and deadline in first
    assert f"Địa điểm {invitation.venue or '—'}" in first
    # The organiser changes the quota, then moves the deadline: the page shows each at once.
    services.update_recipient(invitation, name="", venue="", email=invitation.email, phone="", quota=7)
    changed = page_text(client.get(url).content)
    assert "Số đại biểu được mời 7" in changed and "Số đại biểu được mời 7" not in first
    campaign = invitation.campaign
    campaign.reply_deadline += timezone.timedelta(days=1)
    campaign.save()
    moved = page_text(client.get(url).content)
    assert timezone.localtime(campaign.reply_deadline).strftime("%H:%M %d/%m/%Y") in moved and deadline not in moved
    client.cookies["django_language"] = "en"
    english = page_text(client.get(url).content)
    assert f"No. {invitation.number_display} of {invitation.issue_date:%d/%m/%Y}" in english and "Delegate quota 7" in english
