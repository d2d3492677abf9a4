"""Celery tasks of the invitations app. Thin: the work is in
:mod:`invitations.outbox` and :mod:`invitations.services`.

- ``send_mail_task``: one per mail, on the default queue; a task that runs
  twice sends once (the row is claimed), a transient error schedules the
  next attempt.
- ``sweep_outbox_task`` and ``send_reminders_task``: run by Celery beat
  (``CELERY_BEAT_SCHEDULE`` in the settings).
- ``issue_invitations_task``: runs one :class:`~invitations.models.IssueJob`
  (numbers, renders and signs the Giấy mời of a campaign and queues their
  mails); it renders PDFs, so it runs on the ``documents`` queue. The job row
  is claimed, so a second message for it does nothing (:mod:`config.jobs`).
"""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def send_mail_task(mail_id: int) -> str:
    from config.tasks import send_now

    from . import outbox

    outcome = outbox.deliver(mail_id)
    if outcome.retry_in is not None:
        send_now(send_mail_task, mail_id, countdown=outcome.retry_in)
    return outcome.state


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox_task() -> dict:
    from . import outbox

    return outbox.sweep()


@shared_task(acks_late=True, ignore_result=True)
def send_reminders_task() -> dict:
    from . import reminders

    return reminders.send_due_reminders()


@shared_task(acks_late=True)
def issue_invitations_task(job_id: int) -> dict:
    from . import services

    return services.run_issue_job(job_id)
