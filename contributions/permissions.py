"""Who may do what with contributions, booklets and conclusion notices.
Every view asks here.

- organisers of a plan: the drafters of its drafting unit and the clerks of
  its issuing body (or of an office under it); superusers. They see the
  status board, every file, allow late uploads, build the booklet;
- a unit office sees and uploads only its own organisation's requests, and
  downloads only its own files;
- the booklet is downloaded by the organisers, the staff roles (drafter,
  reviewer, clerk) and, once the plan is issued, the unit offices of the
  units taking part (asked for a contribution, or named in the plan);
- a conclusion notice is drafted by a drafter of the drafting unit of an
  issued plan, and sent (once issued itself) by an organiser of it.
"""

from __future__ import annotations

from conferences.models import Plan, PlanState
from directory.models import Role

STAFF_ROLES = {Role.DRAFTER, Role.REVIEWER, Role.CLERK}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_drafter_of(user, plan: Plan) -> bool:
    return (
        _active(user)
        and user.role == Role.DRAFTER
        and plan.drafting_unit_id is not None
        and user.organisation_id == plan.drafting_unit_id
    )


def is_clerk_for(user, plan: Plan) -> bool:
    if not (_active(user) and user.role == Role.CLERK and user.organisation_id):
        return False
    return user.organisation_id == plan.issuing_body_id or user.organisation.parent_id == plan.issuing_body_id


def is_organiser(user, plan: Plan) -> bool:
    return _active(user) and (user.is_superuser or is_drafter_of(user, plan) or is_clerk_for(user, plan))


def is_unit_office(user) -> bool:
    return _active(user) and user.role == Role.UNIT_OFFICE and user.organisation_id is not None and not user.is_superuser


def may_see_request(user, request) -> bool:
    if is_unit_office(user):
        return request.organisation_id == user.organisation_id
    return is_organiser(user, request.plan)


def may_upload(user, request) -> bool:
    """Only the unit's own office uploads (the board shows who did)."""
    return is_unit_office(user) and request.organisation_id == user.organisation_id and not request.is_cancelled


def may_download_file(user, contribution_file) -> bool:
    return may_see_request(user, contribution_file.request)


def may_use_contributions(user) -> bool:
    """The menu entry: unit offices (their requests) and the roles that organise."""
    return _active(user) and (user.is_superuser or user.role in (Role.DRAFTER, Role.CLERK, Role.UNIT_OFFICE))


def may_download_booklet(user, plan: Plan, participant_ids: set[int] | None = None) -> bool:
    if not _active(user):
        return False
    if is_organiser(user, plan) or user.role in STAFF_ROLES:
        return True
    if is_unit_office(user) and plan.state == PlanState.ISSUED:
        if participant_ids is None:
            from .selectors import participant_ids as find

            participant_ids = find(plan)
        return user.organisation_id in participant_ids
    return False


def may_draft_conclusion(user, plan: Plan) -> bool:
    """After the conference: the plan is issued (the conference took place under it)."""
    from conferences.models import PlanKind

    return plan.kind != PlanKind.CONCLUSION and plan.state == PlanState.ISSUED and is_drafter_of(user, plan)


def may_send_conclusion(user, conclusion: Plan) -> bool:
    return conclusion.state == PlanState.ISSUED and is_organiser(user, conclusion)
