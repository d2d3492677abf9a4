"""Every transition × every role, through the web: only the allowed role
succeeds; the others are refused (403, 404 where the plan is not visible to
them, the login page for anonymous users) and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conferences.models import Plan
from tests.conftest import otp_code
from workflow import services
from workflow.models import IssuedDocument, Notification, ReviewComment, ReviewStep, SubmittedVersion, Transition

from .conftest import PASSWORD

ROLES = ["anonymous", "unit_office", "drafter", "other_drafter", "outsider_reviewer", "reviewer", "signer", "clerk", "admin"]


def _draft(world):
    return world.with_chain(world.plan())


def _submitted(world):
    return world.submitted()  # chain: reviewer (current), then signer


def _returned(world):
    plan = world.submitted()
    services.return_plan(plan, user=world.users["reviewer"], comment="Sửa lại.")
    return plan


def _at_last_step(world):
    plan = world.submitted(chain=[world.users["signer"], world.users["reviewer"]])
    services.forward(plan, user=world.users["signer"])  # the reviewer is current and last
    return plan


def _issued(world):
    plan = world.plan()
    Plan.objects.filter(pk=plan.pk).update(state="issued", number=plan.pk, issue_date="2026-02-02")
    return plan


# name → (URL of the action, set-up, POST data, roles allowed)
CASES = {
    "submit": ("nop", _draft, {}, {"drafter"}),
    "withdraw": ("rut-lai", _submitted, {}, {"drafter"}),
    "forward": ("chuyen-tiep", _submitted, {}, {"reviewer"}),
    "return": ("tra-lai", _submitted, {"tra-lai-comment": "Đề nghị sửa mục I."}, {"reviewer"}),
    "reopen": ("soan-lai", _returned, {}, {"drafter"}),
    "approve": ("phe-duyet", _at_last_step, {}, {"reviewer"}),
    "sign": ("ky", lambda world: world.approved(), {"ky-password": PASSWORD}, {"signer"}),  # + the signer's code
    "issue": ("ban-hanh", lambda world: world.signed(), {"ban-hanh-password": PASSWORD}, {"clerk"}),  # + the clerk's code
    "review chain": (None, lambda world: world.plan(), {}, {"drafter"}),
    "comment": (None, _submitted, {"section": "", "text": "Ý kiến."}, {"reviewer", "signer"}),
    "correction": (None, _issued, {}, {"drafter"}),
}


def _url(case: str, plan) -> str:
    slug = CASES[case][0]
    if slug:
        return reverse("workflow:transition", args=[plan.pk, slug])
    name = {"review chain": "workflow:review_chain", "comment": "workflow:comment", "correction": "workflow:correction"}[case]
    return reverse(name, args=[plan.pk])


def _data(case: str, world) -> dict:
    if case == "review chain":
        return {"reviewer_1": world.users["signer"].pk, "reviewer_2": world.users["reviewer"].pk}
    if case in ("sign", "issue"):  # re-authentication: the password and a fresh code of the one who may act
        slug, actor = CASES[case][0], world.users["signer" if case == "sign" else "clerk"]
        return {**CASES[case][2], f"{slug}-otp_token": otp_code(actor)}
    return CASES[case][2]


def _snapshot(plan) -> tuple:
    plan = Plan.objects.get(pk=plan.pk)
    return (
        plan.state,
        plan.number,
        plan.version,
        Plan.objects.count(),
        list(ReviewStep.objects.filter(plan=plan).values_list("order", "reviewer_id")),
        list(SubmittedVersion.objects.filter(plan=plan).values_list("number", "outcome", "current_step_id", "reviewer_acted")),
        Transition.objects.count(),
        ReviewComment.objects.count(),
        Notification.objects.count(),
        IssuedDocument.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_transition_by_role(client, world, case, role):
    plan = CASES[case][1](world)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = _snapshot(plan)
    response = client.post(_url(case, plan), _data(case, world))

    if role in CASES[case][3]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _snapshot(plan) != before
        return
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif role == "unit_office" and Plan.objects.get(pk=plan.pk).state != "issued":
        assert response.status_code == 404  # a unit office does not see plans before they are issued
    else:
        assert response.status_code == 403
    assert _snapshot(plan) == before


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("draft", {"submit", "review chain"}),
        ("submitted", {"withdraw", "forward", "return", "comment"}),
        ("issued", {"correction"}),
    ],
)
def test_nothing_else_is_allowed_in_each_state(client, world, state, allowed):
    """The drafter and the current reviewer together can do exactly the actions of the state."""
    make = {"draft": _draft, "submitted": _submitted, "issued": _issued}[state]
    done = set()
    for case in CASES:
        plan = make(world)
        for role in ("drafter", "reviewer"):
            client.force_login(world.users[role])
            before = _snapshot(plan)
            if client.post(_url(case, plan), _data(case, world)).status_code == 302:
                done.add(case)
                break
            assert _snapshot(plan) == before
    assert done == allowed


def test_pages_of_the_workflow_per_role(client, world):
    plan = world.submitted()
    chain_url = reverse("workflow:review_chain", args=[plan.pk])
    version_url = reverse("workflow:version", args=[plan.pk, 1])
    draft = world.plan()
    draft_chain_url = reverse("workflow:review_chain", args=[draft.pk])
    for role in ROLES[1:]:
        client.force_login(world.users[role])
        expected = 200 if role == "drafter" else 404 if role == "unit_office" else 403
        assert client.get(draft_chain_url).status_code == expected, role
        assert client.get(chain_url).status_code == (404 if role == "unit_office" else 403), role  # submitted: no change
        assert client.get(version_url).status_code == (404 if role == "unit_office" else 200), role
