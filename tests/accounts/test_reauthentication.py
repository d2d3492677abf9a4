"""Signing and issuing need a session verified by a second factor, and right
before the act the password and a fresh code: through the web (even posting
straight to the transition URL) and in the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, Kind
from conferences.models import Plan, PlanState
from tests.conftest import otp_code
from tests.workflow.conftest import PASSWORD
from workflow import services
from workflow.models import IssuedDocument, Transition

SIGN, ISSUE = "ky", "ban-hanh"


def _post(client, plan, slug, password=PASSWORD, code=""):
    return client.post(
        reverse("workflow:transition", args=[plan.pk, slug]), {f"{slug}-password": password, f"{slug}-otp_token": code}
    )


def _state(plan) -> str:
    return Plan.objects.get(pk=plan.pk).state


@pytest.mark.real_otp
def test_a_signer_whose_session_is_not_verified_cannot_sign_even_posting_directly(client, world):
    plan = world.approved()
    signer = world.users["signer"]
    client.force_login(signer)  # password only: no code step passed
    response = _post(client, plan, SIGN, code=otp_code(signer))
    assert response.status_code == 403
    assert _state(plan) == PlanState.APPROVED
    assert not Transition.objects.filter(plan=plan, action="sign").exists()
    # Pages redirect to the code step.
    response = client.get(reverse("conferences:plan_detail", args=[plan.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:verify"))


@pytest.mark.real_otp
def test_a_signer_without_any_device_is_sent_to_enrolment_and_cannot_sign(client, world):
    plan = world.approved()
    signer = world.users["signer"]
    TOTPDevice.objects.filter(user=signer).delete()
    client.force_login(signer)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:enrol"))
    assert _post(client, plan, SIGN, code="123456").status_code == 403
    assert _state(plan) == PlanState.APPROVED
    with pytest.raises(ValidationError):  # nor through the service
        services.sign(plan, user=signer, password=PASSWORD, otp_token="123456")
    assert _state(plan) == PlanState.APPROVED


def test_a_verified_signer_needs_the_password_and_a_fresh_code(client, world):
    plan = world.approved()
    signer = world.users["signer"]
    client.force_login(signer)  # verified session

    response = _post(client, plan, SIGN, code="")
    assert response.status_code == 400 and _state(plan) == PlanState.APPROVED
    response = _post(client, plan, SIGN, password="", code=otp_code(signer))
    assert response.status_code == 400 and _state(plan) == PlanState.APPROVED
    response = _post(client, plan, SIGN, password="wrong-password-1", code=otp_code(signer))
    assert response.status_code == 400 and _state(plan) == PlanState.APPROVED
    assert AuditEvent.objects.filter(kind=Kind.REAUTH_FAILED, actor=signer).count() == 1

    good = otp_code(signer)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = _post(client, plan, SIGN, code=wrong)
    assert response.status_code == 400 and _state(plan) == PlanState.APPROVED
    assert "Mã xác thực không đúng" in response.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.OTP_FAILURE, actor=signer, detail__purpose="sign").count() == 1
    TOTPDevice.objects.get(user=signer).throttle_reset()  # django-otp slows down guessing after a failure

    response = _post(client, plan, SIGN, code=good)
    assert response.status_code == 302
    assert _state(plan) == PlanState.SIGNED
    event = AuditEvent.objects.get(kind=Kind.SIGN)
    assert (event.actor, event.object_id, event.detail["reauthenticated"]) == (signer, str(plan.pk), True)

    # The same code again, for another plan: refused (no replay).
    other = world.approved()
    response = _post(client, other, SIGN, code=good)
    assert response.status_code == 400
    assert _state(other) == PlanState.APPROVED


@pytest.mark.real_otp
def test_issuance_needs_a_verified_session_then_password_and_code(client, world):
    plan = world.signed()
    clerk = world.users["clerk"]
    client.force_login(clerk)
    assert _post(client, plan, ISSUE, code=otp_code(clerk)).status_code == 403  # session not verified
    assert _state(plan) == PlanState.SIGNED

    # The code step of the login, then the issue form.
    response = client.post(reverse("accounts:verify"), {"code": otp_code(clerk)})
    assert response.status_code == 302
    response = _post(client, plan, ISSUE, code="")
    assert response.status_code == 400 and _state(plan) == PlanState.SIGNED
    response = _post(client, plan, ISSUE, password="not-the-password-9", code=otp_code(clerk))
    assert response.status_code == 400 and _state(plan) == PlanState.SIGNED
    assert not IssuedDocument.objects.exists()

    code = otp_code(clerk)
    assert _post(client, plan, ISSUE, code=code).status_code == 302
    assert _state(plan) == PlanState.ISSUED
    event = AuditEvent.objects.get(kind=Kind.ISSUE)
    assert event.actor == clerk and event.detail["number"] == Plan.objects.get(pk=plan.pk).number_display

    other = world.signed(world.approved())
    assert _post(client, other, ISSUE, code=code).status_code == 400  # replayed
    assert _state(other) == PlanState.SIGNED


def test_services_refuse_without_password_and_code(world):
    plan = world.approved()
    signer = world.users["signer"]
    for password, code in [("", ""), (PASSWORD, ""), ("", otp_code(signer)), (PASSWORD, "000000x")]:
        with pytest.raises(ValidationError):
            services.sign(plan, user=signer, password=password, otp_token=code)
    assert _state(plan) == PlanState.APPROVED
    services.sign(plan, user=signer, password=PASSWORD, otp_token=otp_code(signer))
    assert _state(plan) == PlanState.SIGNED
    clerk = world.users["clerk"]
    with pytest.raises(ValidationError):
        services.issue(plan, user=clerk, password=PASSWORD)
    assert _state(plan) == PlanState.SIGNED


def test_the_sign_form_asks_for_password_and_code(client, world):
    plan = world.approved()
    client.force_login(world.users["signer"])
    html = client.get(reverse("conferences:plan_detail", args=[plan.pk])).content.decode()
    assert 'name="ky-password"' in html and 'name="ky-otp_token"' in html
