"""Celery tasks of the invitations app. Thin: the work is in
:mod:`invitations.outbox` and :mod:`invitations.services`.

- ``send_mail_task``: one per mail, on the default queue; a task that runs
  twice sends once (the row is claimed), a transient error schedules the
  next attempt.
- ``sweep_outbox_task`` and ``send_reminders_task``: run by Celery beat
  (``CELERY_BEAT_SCHEDULE`` in the settings).
- ``issue_invitations_task``: numbers, renders and signs the Giấy mời of a
  campaign and queues their mails; it renders PDFs, so it runs on the
  ``documents`` queue.
"""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def send_mail_task(mail_id: int) -> str:
    from . import outbox

    outcome = outbox.deliver(mail_id)
    if outcome.retry_in is not None:
        send_mail_task.apply_async(args=[mail_id], countdown=outcome.retry_in)
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
def issue_invitations_task(campaign_id: int, invitation_ids: list[int] | None = None, fan_out: bool = True) -> dict:
    from . import services

    return services.issue_and_send(campaign_id, invitation_ids=invitation_ids, fan_out=fan_out)
