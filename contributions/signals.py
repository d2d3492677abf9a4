"""When the workflow issues a plan (its ``Transition`` row with action
``issue``), after the commit: a conference plan's contribution requests are
created and e-mailed to the units; a conclusion notice is sent to the units
it concerns. Failures are logged, never raised into the issuing request."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def on_issued(plan_id: int, user_id: int | None) -> None:
    from conferences.models import Plan, PlanKind
    from directory.models import User

    from . import services

    try:
        plan = Plan.objects.select_related("issuing_body").get(pk=plan_id)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if plan.kind == PlanKind.CONCLUSION:
            services.send_conclusion(plan, user=user, check=False)
        else:
            services.sync_requests(plan, user=user, notify=True)
    except Exception:
        logger.exception("Contributions: handling the issuance of plan %s failed", plan_id)


def _transition_saved(sender, instance, created, **kwargs) -> None:
    if created and instance.action == "issue":
        plan_id, user_id = instance.plan_id, instance.user_id
        transaction.on_commit(lambda: on_issued(plan_id, user_id))


def connect() -> None:
    try:
        model = apps.get_model("workflow", "Transition")
    except LookupError:
        return
    post_save.connect(_transition_saved, sender=model, dispatch_uid="contributions.on_issued")
