"""load_demo --invitations: an issued copy of seed 000 whose Giấy mời went out; donvi has one to answer."""

import io

import pytest
from django.core.management import call_command

from invitations.demo import DEMO_KEY
from invitations.models import Invitation, MailState
from tests.conftest import page_text


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    pass


def test_demo_invitations_load_once_and_donvi_can_reply(db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--invitations", stdout=io.StringIO())
    invitations = Invitation.objects.filter(campaign__plan__key=DEMO_KEY)
    count = invitations.count()
    assert count > 20 and invitations.filter(number__isnull=True).count() == 0
    assert invitations.filter(mail__state=MailState.SENT).count() == invitations.exclude(email="").count()
    out = io.StringIO()
    call_command("load_demo", "--invitations", stdout=out)
    assert "Demo invitations created: 0." in out.getvalue() and invitations.count() == count
    assert client.login(username="donvi", password="HoiNghi@2026")
    listing = page_text(client.get("/giay-moi/cua-toi/").content)
    tam_ky = invitations.get(organisation__code="quang-nam:ubnd-tp-tam-ky")
    assert tam_ky.number_display in listing and tam_ky.invites_lower_tier
    cascade = page_text(client.get(f"/giay-moi/cua-toi/{tam_ky.pk}/cap-duoi/").content)
    assert "Ủy ban nhân dân phường An Mỹ thành phố Tam Kỳ" in cascade
