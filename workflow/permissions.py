"""Who may move a plan through review, signature and issuance.

Every transition of :mod:`workflow.services` asks :func:`allowed` (and
raises ``PermissionDenied`` when it says no); templates only show the
buttons the view found allowed.

- drafter of the plan's drafting unit: sets the review chain, submits,
  withdraws a submission no reviewer has acted on yet, takes a returned plan
  back into drafting, starts a correction of an issued plan;
- the reviewer who currently holds a submitted plan: comments, returns it,
  passes it on, or approves it when last in the chain (other reviewers of
  the chain may comment);
- the signer (a reviewer whose directory person is the plan's signer): signs
  the approved plan;
- a clerk of the issuing body (or of an office under it): issues the signed plan.

Administrators manage users and the directory; they do not act in the workflow.
"""

from __future__ import annotations

from conferences.models import Plan, PlanState
from directory.models import Role

from .models import Action, ReviewStep, SubmittedVersion

CHAIN = "chain"
COMMENT = "comment"
CORRECT = "correct"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_drafter_of(user, plan: Plan) -> bool:
    return (
        _active(user)
        and user.role == Role.DRAFTER
        and plan.drafting_unit_id is not None
        and user.organisation_id == plan.drafting_unit_id
    )


def is_signer(user, plan: Plan) -> bool:
    return _active(user) and user.role == Role.REVIEWER and plan.signer_id is not None and user.person_id == plan.signer_id


def is_clerk_for(user, plan: Plan) -> bool:
    if not (_active(user) and user.role == Role.CLERK and user.organisation_id):
        return False
    return user.organisation_id == plan.issuing_body_id or user.organisation.parent_id == plan.issuing_body_id


def pending_version(plan: Plan) -> SubmittedVersion | None:
    """The submission under review, if any (with its current step and reviewer)."""
    if plan.state != PlanState.SUBMITTED:
        return None
    return SubmittedVersion.objects.filter(plan=plan, outcome="").select_related("current_step__reviewer").first()


def holds(user, version: SubmittedVersion | None) -> bool:
    """The user is the reviewer the submission is waiting for."""
    return (
        _active(user)
        and user.role == Role.REVIEWER
        and version is not None
        and version.current_step is not None
        and version.current_step.reviewer_id == user.pk
    )


def is_last_step(version: SubmittedVersion) -> bool:
    return not ReviewStep.objects.filter(plan_id=version.plan_id, order__gt=version.current_step.order).exists()


def allowed(user, plan: Plan, action: str, *, version: SubmittedVersion | None = None) -> bool:
    """May ``user`` do ``action`` (an :class:`Action`, or ``chain``, ``comment``, ``correct``) now?"""
    state = plan.state
    if action in (CHAIN, Action.SUBMIT):
        return state == PlanState.DRAFT and is_drafter_of(user, plan)
    if action == Action.REOPEN:
        return state == PlanState.RETURNED and is_drafter_of(user, plan)
    if action == CORRECT:
        return state == PlanState.ISSUED and is_drafter_of(user, plan) and not Plan.objects.filter(replaces=plan).exists()
    if action == Action.SIGN:
        return state == PlanState.APPROVED and is_signer(user, plan)
    if action == Action.ISSUE:
        return state == PlanState.SIGNED and is_clerk_for(user, plan)
    if state != PlanState.SUBMITTED:
        return False
    version = version or pending_version(plan)
    if version is None:
        return False
    if action == Action.WITHDRAW:
        return is_drafter_of(user, plan) and not version.reviewer_acted
    if action == COMMENT:
        return _active(user) and user.role == Role.REVIEWER and ReviewStep.objects.filter(plan=plan, reviewer_id=user.pk).exists()
    if not holds(user, version):
        return False
    if action == Action.RETURN:
        return True
    if action == Action.FORWARD:
        return not is_last_step(version)
    if action == Action.APPROVE:
        return is_last_step(version)
    return False


def allowed_actions(user, plan: Plan) -> set[str]:
    """Everything ``user`` may do with ``plan`` now (for the plan page)."""
    version = pending_version(plan)
    names = [*Action.values, CHAIN, COMMENT, CORRECT]
    return {name for name in names if allowed(user, plan, name, version=version)}
