"""Review, signature and issuance of plans: one function per action.

draft → submitted → (returned → draft) → approved → signed → issued; a
submission no reviewer has acted on may be withdrawn (→ draft). Each
transition checks the permission on the server (:mod:`workflow.permissions`),
locks the plan row, writes a :class:`Transition` audit row and notifies who
acts next (:mod:`workflow.notify`).
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import reauth
from audit import services as audit
from conferences.cloning import clone_plan
from conferences.models import Plan, PlanActivity, PlanState
from conferences.selectors import plan_document_for_system
from directory.models import Role, User
from documents import services as documents
from registers.services import take_number

from . import permissions, signing
from .models import Action, IssuedDocument, Outcome, ReviewComment, ReviewStep, SubmittedVersion, Transition
from .notify import notify
from .versions import plan_sections

NEXT_STATE = {
    Action.SUBMIT: PlanState.SUBMITTED,
    Action.WITHDRAW: PlanState.DRAFT,
    Action.FORWARD: PlanState.SUBMITTED,
    Action.RETURN: PlanState.RETURNED,
    Action.REOPEN: PlanState.DRAFT,
    Action.APPROVE: PlanState.APPROVED,
    Action.SIGN: PlanState.SIGNED,
    Action.ISSUE: PlanState.ISSUED,
}


def _locked(plan: Plan) -> Plan:
    """The plan row, locked until the transaction ends (one transition at a time)."""
    return Plan.objects.select_for_update(of=("self",)).select_related("issuing_body", "signer").get(pk=plan.pk)


def _check(user, plan: Plan, action: str, version: SubmittedVersion | None = None) -> None:
    if not permissions.allowed(user, plan, action, version=version):
        raise PermissionDenied


def _move(plan: Plan, action: str, user, *, comment: str = "", version: SubmittedVersion | None = None) -> Transition:
    """Change the state and write the audit row (the plan is locked)."""
    from_state, to_state = plan.state, NEXT_STATE[action]
    if from_state != to_state:
        Plan.objects.filter(pk=plan.pk).update(state=to_state, updated_at=timezone.now())
        plan.state = to_state
        plan._loaded_state = to_state
    PlanActivity.objects.create(plan=plan, version=plan.version, user=user, action=action)
    return Transition.objects.create(
        plan=plan, action=action, from_state=from_state, to_state=to_state, user=user, comment=comment.strip(), version=version
    )


# --- Who acts next ------------------------------------------------------------------


def drafters_of(plan: Plan):
    return User.objects.filter(role=Role.DRAFTER, organisation_id=plan.drafting_unit_id, is_active=True)


def signers_of(plan: Plan):
    return User.objects.filter(role=Role.REVIEWER, person_id=plan.signer_id, is_active=True) if plan.signer_id else []


def clerks_for(plan: Plan):
    return [
        user
        for user in User.objects.filter(role=Role.CLERK, is_active=True, organisation__isnull=False).select_related(
            "organisation"
        )
        if permissions.is_clerk_for(user, plan)
    ]


def reviewers_of(plan: Plan):
    return [step.reviewer for step in plan.review_steps.select_related("reviewer")]


# --- Review chain -------------------------------------------------------------------


@transaction.atomic
def set_review_chain(plan: Plan, reviewers: list, *, user) -> list[ReviewStep]:
    """Replace the plan's ordered review chain (drafts only)."""
    plan = _locked(plan)
    _check(user, plan, permissions.CHAIN)
    if not reviewers:
        raise ValidationError(_("Name at least one reviewer."))
    if len({r.pk for r in reviewers}) != len(reviewers):
        raise ValidationError(_("A reviewer can appear only once in the chain."))
    if any(r.role != Role.REVIEWER or not r.is_active for r in reviewers):
        raise ValidationError(_("Only active reviewers can review a plan."))
    SubmittedVersion.objects.filter(plan=plan).update(current_step=None)
    plan.review_steps.all().delete()
    steps = ReviewStep.objects.bulk_create(
        [ReviewStep(plan=plan, order=i, reviewer=reviewer) for i, reviewer in enumerate(reviewers, start=1)]
    )
    PlanActivity.objects.create(
        plan=plan,
        version=plan.version,
        user=user,
        action="chain",
        changes=[{"label": str(_("Review chain")), "old": "", "new": ", ".join(str(r) for r in reviewers)}],
    )
    return steps


# --- Transitions --------------------------------------------------------------------


@transaction.atomic
def submit(plan: Plan, *, user, comment: str = "") -> SubmittedVersion:
    """Freeze the plan as printed and hand it to the first reviewer."""
    plan = _locked(plan)
    _check(user, plan, Action.SUBMIT)
    first = plan.review_steps.order_by("order").select_related("reviewer").first()
    if first is None:
        raise ValidationError(_("Set the review chain before submitting."))
    number = (SubmittedVersion.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SubmittedVersion.objects.create(
        plan=plan,
        number=number,
        plan_version=plan.version,
        submitted_by=user,
        sections=plan_sections(plan.pk),
        current_step=first,
    )
    transition = _move(plan, Action.SUBMIT, user, comment=comment, version=version)
    notify([first.reviewer], transition=transition)
    return version


@transaction.atomic
def withdraw(plan: Plan, *, user, comment: str = "") -> Transition:
    plan = _locked(plan)
    version = permissions.pending_version(plan)
    _check(user, plan, Action.WITHDRAW, version)
    SubmittedVersion.objects.filter(pk=version.pk).update(outcome=Outcome.WITHDRAWN, current_step=None)
    transition = _move(plan, Action.WITHDRAW, user, comment=comment, version=version)
    notify([version.current_step.reviewer], transition=transition, action_needed=False)
    return transition


@transaction.atomic
def comment(plan: Plan, *, user, text: str, section_key: str = "") -> ReviewComment:
    """A reviewer's comment on the submission under review, on a section or the whole plan."""
    plan = _locked(plan)
    version = permissions.pending_version(plan)
    _check(user, plan, permissions.COMMENT, version)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the comment."))
    titles = {s["key"]: s["title"] for s in version.sections}
    if section_key and section_key not in titles:
        raise ValidationError(_("This section is not in the submitted version."))
    SubmittedVersion.objects.filter(pk=version.pk).update(reviewer_acted=True)
    return ReviewComment.objects.create(
        plan=plan, version=version, section_key=section_key, section_title=titles.get(section_key, ""), author=user, text=text
    )


@transaction.atomic
def forward(plan: Plan, *, user, comment: str = "") -> Transition:
    """The current reviewer passes the plan on to the next one in the chain."""
    plan = _locked(plan)
    version = permissions.pending_version(plan)
    _check(user, plan, Action.FORWARD, version)
    following = plan.review_steps.filter(order__gt=version.current_step.order).order_by("order").select_related("reviewer")
    step = following.first()
    SubmittedVersion.objects.filter(pk=version.pk).update(current_step=step, reviewer_acted=True)
    transition = _move(plan, Action.FORWARD, user, comment=comment, version=version)
    notify([step.reviewer], transition=transition)
    return transition


@transaction.atomic
def return_plan(plan: Plan, *, user, comment: str) -> Transition:
    """The current reviewer sends the plan back to the drafters, with a comment."""
    plan = _locked(plan)
    version = permissions.pending_version(plan)
    _check(user, plan, Action.RETURN, version)
    if not comment.strip():
        raise ValidationError(_("Say what must change: a returned plan needs a comment."))
    SubmittedVersion.objects.filter(pk=version.pk).update(outcome=Outcome.RETURNED, current_step=None, reviewer_acted=True)
    transition = _move(plan, Action.RETURN, user, comment=comment, version=version)
    notify([*drafters_of(plan), version.submitted_by], transition=transition)
    return transition


@transaction.atomic
def reopen(plan: Plan, *, user, comment: str = "") -> Transition:
    """A drafter takes a returned plan back into drafting."""
    plan = _locked(plan)
    _check(user, plan, Action.REOPEN)
    return _move(plan, Action.REOPEN, user, comment=comment)


@transaction.atomic
def approve(plan: Plan, *, user, comment: str = "") -> Transition:
    """The last reviewer of the chain approves; the signer is asked to sign."""
    plan = _locked(plan)
    version = permissions.pending_version(plan)
    _check(user, plan, Action.APPROVE, version)
    SubmittedVersion.objects.filter(pk=version.pk).update(outcome=Outcome.APPROVED, current_step=None, reviewer_acted=True)
    transition = _move(plan, Action.APPROVE, user, comment=comment, version=version)
    notify(signers_of(plan), transition=transition)
    notify([*drafters_of(plan)], transition=transition, action_needed=False)
    return transition


def _reauthenticate(user, plan: Plan, action: str, *, password: str, code: str) -> None:
    """Password and a current code of the user's second factor, right before
    signing or issuing (checked outside the transaction: a failure is audited)."""
    _check(user, Plan.objects.select_related("issuing_body", "signer").get(pk=plan.pk), action)
    reauth.confirm(user, password=password, code=code, purpose=action)


def sign(
    plan: Plan, *, user, password: str = "", otp_token: str = "", reauthenticate: bool = True, comment: str = ""
) -> Transition:
    """The signer signs the approved plan in the app, confirming with the
    password and a code of the authenticator app. ``reauthenticate=False``
    only where no person is at the keyboard (demo data, tests)."""
    if reauthenticate:
        _reauthenticate(user, plan, Action.SIGN, password=password, code=otp_token)
    with transaction.atomic():
        plan = _locked(plan)
        _check(user, plan, Action.SIGN)
        transition = _move(plan, Action.SIGN, user, comment=comment)
        audit.record(audit.Kind.SIGN, actor=user, obj=plan, detail={"reauthenticated": reauthenticate})
        notify(clerks_for(plan), transition=transition)
    return transition


def issue(
    plan: Plan,
    *,
    user,
    password: str = "",
    otp_token: str = "",
    reauthenticate: bool = True,
    on: datetime.date | None = None,
) -> IssuedDocument:
    """Number, date, render, sign and store the plan; then it is issued and frozen.

    The clerk confirms with the password and a code of the authenticator app
    (``reauthenticate=False`` only where no person is at the keyboard). The
    number comes from the issuing body's register for the plan's type and
    the year of ``on`` (today, Vietnam time), inside this transaction: if
    anything fails, nothing is stored and the number is given again."""
    on = on or timezone.localdate()
    if reauthenticate:
        _reauthenticate(user, plan, Action.ISSUE, password=password, code=otp_token)
    with transaction.atomic():
        plan = _locked(plan)
        _check(user, plan, Action.ISSUE)
        sign_transition = plan.transitions.filter(action=Action.SIGN).select_related("user").order_by("-at", "-id").first()
        number = take_number(issuing_body=plan.issuing_body, type_code=plan.type_code, year=on.year)
        Plan.objects.filter(pk=plan.pk).update(number=number, issue_date=on, year=on.year, updated_at=timezone.now())
        plan.refresh_from_db()

        official = documents.plan_official_document(plan_document_for_system(plan_id=plan.pk))
        signer_title = plan.signer.title if plan.signer else plan.signer_title.capitalize()
        data = signing.sign_pdf(
            documents.render_one(official, "pdf"),
            organisation=plan.issuing_body,
            signer_name=plan.signer_name,
            signer_title=signer_title,
            reason=f"Ban hành {official.title}"[:200],
        )
        verification = signing.verify_pdf(data)
        issued = IssuedDocument(
            plan=plan,
            number_display=plan.number_display,
            issue_date=on,
            title=official.title,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            signer_name=plan.signer_name,
            signer_title=signer_title,
            signed_by=sign_transition.user if sign_transition else None,
            signed_at=sign_transition.at if sign_transition else timezone.now(),
            issued_by=user,
            certificate_subject=verification.certificate_subject,
        )
        issued.file.save(f"ke-hoach-{number:02d}-{plan.document_symbol}-{on.year}.pdf", ContentFile(data), save=False)
        try:
            issued.save()
            transition = _move(plan, Action.ISSUE, user, comment=plan.number_display)
            audit.record(
                audit.Kind.ISSUE,
                actor=user,
                obj=plan,
                detail={"number": plan.number_display, "sha256": issued.sha256, "reauthenticated": reauthenticate},
            )
            notify([*drafters_of(plan), *reviewers_of(plan), *signers_of(plan)], transition=transition, action_needed=False)
        except BaseException:
            issued.file.storage.delete(issued.file.name)
            raise
    return issued


# --- Corrections --------------------------------------------------------------------


@transaction.atomic
def start_correction(plan: Plan, *, user) -> Plan:
    """A new draft copied from the issued plan that will replace it once issued."""
    plan = _locked(plan)
    _check(user, plan, permissions.CORRECT)
    result = clone_plan(plan, target_year=plan.year, user=user)
    Plan.objects.filter(pk=result.plan.pk).update(replaces=plan)
    result.plan.replaces = plan
    steps = list(plan.review_steps.order_by("order").select_related("reviewer"))
    ReviewStep.objects.bulk_create([ReviewStep(plan=result.plan, order=s.order, reviewer=s.reviewer) for s in steps])
    return result.plan
