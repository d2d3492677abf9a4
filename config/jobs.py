"""Job rows: work for a Celery worker recorded in the database first.

A job row (a :class:`~documents.models.RenderedFile`, an
:class:`~invitations.models.IssueJob`, a :class:`~contributions.models.Booklet`)
has a ``state`` (``queued`` → ``running`` → ``done`` or ``failed``) and an
``updated_at`` that the running task keeps fresh (its progress is the
heartbeat). The task sent for it carries only the row's id:

- :func:`claim` takes the row with a conditional update (``queued`` →
  ``running``): a second message for the same row (the sweeper's, or a
  broker redelivery) finds it taken and does nothing;
- :func:`sweep` (Celery beat, every minute) sends a task again for rows
  ``queued`` since ``JOB_REQUEUE_AFTER`` seconds (the message was lost, or the
  broker was down when the request committed) and puts back to ``queued``,
  and sends again, rows ``running`` without a heartbeat for
  ``JOB_STALE_AFTER`` seconds (the worker died mid-job).
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .tasks import send_now

QUEUED, RUNNING = "queued", "running"

# (model, task taking the row's id)
JOBS = (
    ("documents.RenderedFile", "documents.tasks.render_file_task"),
    ("invitations.IssueJob", "invitations.tasks.issue_invitations_task"),
    ("contributions.Booklet", "contributions.tasks.build_booklet_task"),
)


def claim(model, pk: int, **fields) -> bool:
    """Take a queued row for this task (``fields`` are set with the state)."""
    return bool(model.objects.filter(pk=pk, state=QUEUED).update(state=RUNNING, updated_at=timezone.now(), **fields))


def heartbeat(model, pk: int, **fields) -> None:
    model.objects.filter(pk=pk).update(updated_at=timezone.now(), **fields)


def sweep_model(model, task, now=None) -> dict[str, int]:
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=float(getattr(settings, "JOB_STALE_AFTER", 600)))
    requeue_before = now - timedelta(seconds=float(getattr(settings, "JOB_REQUEUE_AFTER", 120)))
    stale = list(model.objects.filter(state=RUNNING, updated_at__lt=stale_before).values_list("pk", flat=True)[:1000])
    released = [
        pk
        for pk in stale
        if model.objects.filter(pk=pk, state=RUNNING, updated_at__lt=stale_before).update(state=QUEUED, updated_at=timezone.now())
    ]
    waiting = list(
        model.objects.filter(state=QUEUED, updated_at__lt=requeue_before)
        .exclude(pk__in=released)
        .values_list("pk", flat=True)[:1000]
    )
    model.objects.filter(pk__in=waiting, state=QUEUED).update(updated_at=timezone.now())
    for pk in released + waiting:
        send_now(task, pk)
    return {"released": len(released), "requeued": len(waiting)}


def sweep(now=None) -> dict[str, dict[str, int]]:
    """Sweep every job table; what was released and sent again, per model."""
    return {label: sweep_model(apps.get_model(label), import_string(task), now=now) for label, task in JOBS}


@shared_task(acks_late=True, ignore_result=True)
def sweep_jobs_task() -> dict:
    return sweep()
