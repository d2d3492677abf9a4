from celery import shared_task


@shared_task(acks_late=True)
def echo(value: str) -> dict:
    """Trivial task to prove the broker, a worker and the result backend work."""
    return {"echo": value, "worker": True}
