"""Celery tasks of the ``documents`` queue (``CELERY_TASK_ROUTES`` in the
settings sends them there). Thin: the work is in services.

Run a worker that consumes this queue, e.g.
``celery -A config worker -Q celery,documents``. WeasyPrint's memory grows
slowly over hundreds of renders: the worker recycles its processes
(``worker_max_tasks_per_child``).
"""

from celery import shared_task

QUEUE = "documents"


@shared_task(acks_late=True)
def render_file_task(rendered_id: int) -> dict:
    from . import services

    return services.render_file(rendered_id)
