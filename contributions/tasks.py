"""Celery tasks of the contributions app. Thin: the work is in
:mod:`contributions.booklet` and :mod:`contributions.services`.

- ``build_booklet_task`` renders PDFs and runs LibreOffice: it goes to the
  ``documents`` queue (``CELERY_TASK_ROUTES``), whose workers have both;
- ``send_reminders_task``: Celery beat, hourly (``CELERY_BEAT_SCHEDULE``).
"""

from celery import shared_task

QUEUE = "documents"  # the route in CELERY_TASK_ROUTES


@shared_task(acks_late=True)
def build_booklet_task(booklet_id: int) -> dict:
    from . import booklet

    return booklet.build(booklet_id)


@shared_task(acks_late=True, ignore_result=True)
def send_reminders_task() -> int:
    from . import services

    return services.send_due_reminders()
